import { keyChain } from '../../../lib/auth/keyState';
import { StoredKey, storageIdOf } from '../../../lib/core/key';

function key(keyId: string, extra: Partial<StoredKey> = {}): StoredKey {
  return {
    keyId, userId: 'u', name: keyId, description: null, scopes: null, claims: null, fingerprint: `fp-${keyId}`,
    expiresAt: -1, ttl: -1, createdAt: 0, createdBy: 'u', updatedAt: null, lastUsedAt: null, revoked: false,
    revokedAt: null, revokedBy: null, revocationReason: null, parentKeyId: null, uid: `uid-${keyId}`, parentUid: null,
    allowedIps: null, rotatedAt: null, previousFingerprint: null, previousSecretExpiresAt: null, ratelimits: null, credits: null, ...extra,
  };
}

function resolverOf(...keys: StoredKey[]) {
  const byId = new Map(keys.map((k) => [storageIdOf(k), k]));
  return { getKey: async (h: { userId: string; keyId: string }) => byId.get(storageIdOf(h)) ?? null };
}

describe('keyChain', () => {
  const root = key('root', { expiresAt: 5000 });
  const mid = key('mid', { parentKeyId: 'root', parentUid: 'uid-root', expiresAt: 9000 });
  const leaf = key('leaf', { parentKeyId: 'mid', parentUid: 'uid-mid' });

  it('lists ancestors, parent first, and caps the expiry by theirs', async () => {
    const chain = await keyChain(resolverOf(root, mid, leaf), leaf, 1000);
    expect(chain.state).toBe('valid');
    expect(chain.ancestors.map((k) => k.keyId)).toEqual(['mid', 'root']);
    expect(chain.expiresAt).toBe(5000);
  });

  it('a child dies with an expired or revoked ancestor', async () => {
    expect((await keyChain(resolverOf(root, mid, leaf), leaf, 6000)).state).toBe('expired');
    const revokedRoot = { ...root, revoked: true };
    expect((await keyChain(resolverOf(revokedRoot, mid, leaf), leaf, 1000)).state).toBe('revoked');
  });

  it('a parent re-created under the same id (another uid) does not adopt the old children', async () => {
    const reborn = key('mid', { uid: 'uid-new-mid' });
    expect((await keyChain(resolverOf(root, reborn, leaf), leaf, 1000)).state).toBe('orphan');
    expect((await keyChain(resolverOf(root, leaf), leaf, 1000)).state).toBe('orphan');
  });

  it('a parent of another user with the same id is not the parent', async () => {
    const otherUsersMid = { ...mid, userId: 'v' };
    expect((await keyChain(resolverOf(root, otherUsersMid, leaf), leaf, 1000)).state).toBe('orphan');
  });

  it('a child without parentUid (never linked) is an orphan', async () => {
    const unlinked = key('x', { parentKeyId: 'root', parentUid: null });
    expect((await keyChain(resolverOf(root, unlinked), unlinked, 1000)).state).toBe('orphan');
  });
});
