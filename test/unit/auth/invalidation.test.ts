import { applyInvalidation } from '../../../lib/auth/invalidation';

function fakeRuntime() {
  const calls: string[] = [];
  const rt = {
    resolver: {
      clear: () => calls.push('clear'),
      invalidate: (h: any, fp?: string, deleted?: boolean) => calls.push(`invalidate ${h.userId}/${h.keyId} ${fp} ${deleted}`),
      invalidateUser: (userId: string) => {
        calls.push(`invalidateUser ${userId}`);
        return [{ userId, keyId: 'k1' }, { userId, keyId: 'k2' }];
      },
    },
    sessions: { forgetLocal: (h: any) => calls.push(`forgetLocal ${h.userId}/${h.keyId}`) },
    connections: {
      expireUser: async (userId: string) => { calls.push(`expireUser ${userId}`); },
      expireAll: async () => { calls.push('expireAll'); },
    },
    subscriptions: {
      end: async (h: any) => { calls.push(`end ${h.userId}/${h.keyId}`); },
      endUser: async (userId: string) => { calls.push(`endUser ${userId}`); },
      endAll: async () => { calls.push('endAll'); },
      recheckUser: async (userId: string) => { calls.push(`recheckUser ${userId}`); },
    },
  };
  return { rt: rt as any, calls };
}

describe('applyInvalidation (messages from other nodes)', () => {
  it('changed: forgets the cached key, and narrows the subscriptions of its user\'s keys', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'changed', keyId: 'k', userId: 'u', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate u/k f false', 'recheckUser u']);
  });

  it('ended (revoked): forgets the key and ends its sessions and subscriptions, without negative-caching it', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'ended', keyId: 'k', userId: 'u', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate u/k f false', 'forgetLocal u/k', 'end u/k']);
  });

  it('deleted: also remembers the fingerprint as unknown', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'deleted', keyId: 'k', userId: 'u', fingerprint: 'f' });
    expect(calls).toEqual(['invalidate u/k f true', 'forgetLocal u/k', 'end u/k']);
  });

  it('a message without its user names no key: ignored (ids are per user)', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'deleted', keyId: 'k', fingerprint: 'f' });
    expect(calls).toEqual([]);
  });

  it('user-deleted and all', async () => {
    const { rt, calls } = fakeRuntime();
    await applyInvalidation(rt, { kind: 'user-deleted', userId: 'u' });
    await applyInvalidation(rt, { kind: 'all' });
    expect(calls).toEqual(['invalidateUser u', 'endUser u', 'expireUser u', 'clear', 'endAll', 'expireAll']);
  });
});
