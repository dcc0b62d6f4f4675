import { UsageRecorder } from '../../../lib/auth/UsageRecorder';

function fakeRepo() {
  const writes: Array<[string, unknown]> = [];
  return {
    writes,
    repo: { updateKey: async (h: any, changes: unknown) => { writes.push([`${h.userId}/${h.keyId}`, changes]); return null; } } as any,
  };
}

describe('UsageRecorder', () => {
  it('writes at most one partial update (lastUsedAt only) per key per flush, with the latest use', async () => {
    const { repo, writes } = fakeRepo();
    const usage = new UsageRecorder(repo, 10000, () => undefined);
    for (let i = 0; i < 500; i++) usage.record({ userId: 'u', keyId: 'k1' }, 1000 + i);
    usage.record({ userId: 'u', keyId: 'k2' }, 5);
    await usage.flush();
    expect(writes).toEqual([['u/k1', { lastUsedAt: 1499 }], ['u/k2', { lastUsedAt: 5 }]]);
    await usage.flush();
    expect(writes).toHaveLength(2); // nothing new: no write
  });

  it('forgets a deleted key, and reports storage errors without throwing', async () => {
    const errors: unknown[] = [];
    const usage = new UsageRecorder({ updateKey: async () => { throw new Error('down'); } } as any, 10000, (e) => errors.push(e));
    usage.record({ userId: 'u', keyId: 'gone' }, 1);
    usage.forget({ userId: 'u', keyId: 'gone' });
    usage.record({ userId: 'u', keyId: 'k' }, 2);
    await usage.flush();
    expect(errors).toHaveLength(1);
  });

  it('keeps the same key id of two users apart', async () => {
    const { repo, writes } = fakeRepo();
    const usage = new UsageRecorder(repo, 10000, () => undefined);
    usage.record({ userId: 'a', keyId: 'ci' }, 1);
    usage.record({ userId: 'b', keyId: 'ci' }, 2);
    await usage.flush();
    expect(writes).toEqual([['a/ci', { lastUsedAt: 1 }], ['b/ci', { lastUsedAt: 2 }]]);
  });

  it('flushes pending uses on stop', async () => {
    const { repo, writes } = fakeRepo();
    const usage = new UsageRecorder(repo, 10000, () => undefined);
    usage.start();
    usage.record({ userId: 'u', keyId: 'k1' }, 42);
    await usage.stop();
    expect(writes).toEqual([['u/k1', { lastUsedAt: 42 }]]);
  });
});
