import { UsageRecorder } from '../../../lib/auth/UsageRecorder';

function fakeRepo() {
  const writes: Array<[string, unknown]> = [];
  return {
    writes,
    repo: { updateKey: async (id: string, changes: unknown) => { writes.push([id, changes]); return null; } } as any,
  };
}

describe('UsageRecorder', () => {
  it('writes at most one partial update (lastUsedAt only) per key per flush, with the latest use', async () => {
    const { repo, writes } = fakeRepo();
    const usage = new UsageRecorder(repo, 10000, () => undefined);
    for (let i = 0; i < 500; i++) usage.record('k1', 1000 + i);
    usage.record('k2', 5);
    await usage.flush();
    expect(writes).toEqual([['k1', { lastUsedAt: 1499 }], ['k2', { lastUsedAt: 5 }]]);
    await usage.flush();
    expect(writes).toHaveLength(2); // nothing new: no write
  });

  it('forgets a deleted key, and reports storage errors without throwing', async () => {
    const errors: unknown[] = [];
    const usage = new UsageRecorder({ updateKey: async () => { throw new Error('down'); } } as any, 10000, (e) => errors.push(e));
    usage.record('gone', 1);
    usage.forget('gone');
    usage.record('k', 2);
    await usage.flush();
    expect(errors).toHaveLength(1);
  });

  it('flushes pending uses on stop', async () => {
    const { repo, writes } = fakeRepo();
    const usage = new UsageRecorder(repo, 10000, () => undefined);
    usage.start();
    usage.record('k1', 42);
    await usage.stop();
    expect(writes).toEqual([['k1', { lastUsedAt: 42 }]]);
  });
});
