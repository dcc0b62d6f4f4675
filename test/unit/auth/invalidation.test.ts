import { applyInvalidation } from '../../../lib/auth/invalidation';

function fakeRuntime() {
  const calls: string[] = [];
  const rt = {
    resolver: {
      clear: () => calls.push('clear'),
      invalidate: (id: string, fp?: string, deleted?: boolean) => calls.push(`invalidate ${id} ${fp} ${deleted}`),
      invalidateUser: (userId: string) => { calls.push(`invalidateUser ${userId}`); return ['k1', 'k2']; },
    },
    sessions: { forgetLocal: (id: string) => calls.push(`forgetLocal ${id}`) },
    connections: { expire: async (id: string) => { calls.push(`expire ${id}`); } },
  };
  return { rt: rt as any, calls };
}

describe('applyInvalidation (messages from other nodes)', () => {
  it('changed: forgets the cached key only', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'changed', keyId: 'k', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate k f false']);
  });

  it('ended (revoked): forgets the key and ends its sessions and subscriptions, without negative-caching it', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'ended', keyId: 'k', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate k f false', 'forgetLocal k', 'expire k']);
  });

  it('deleted: also remembers the fingerprint as unknown', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'deleted', keyId: 'k', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate k f true', 'forgetLocal k', 'expire k']);
  });

  it('user-deleted and all', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'user-deleted', userId: 'u' });
    await applyInvalidation(rt, { kind: 'all' });
    expect(calls).toEqual(['invalidateUser u', 'expire k1', 'expire k2', 'clear']);
  });
});
