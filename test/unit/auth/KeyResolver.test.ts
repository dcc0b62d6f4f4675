import { KeyResolver } from '../../../lib/auth/KeyResolver';
import { StoredKey } from '../../../lib/core/key';

function key(extra: Partial<StoredKey> = {}): StoredKey {
  return {
    keyId: 'k', userId: 'u', name: 'k', description: null, scopes: null, claims: null, fingerprint: 'fp',
    expiresAt: -1, ttl: -1, createdAt: 0, createdBy: 'u', updatedAt: null, lastUsedAt: null, revoked: false,
    revokedAt: null, revokedBy: null, revocationReason: null, parentKeyId: null, uid: 'uid', parentUid: null,
    allowedIps: null, rotatedAt: null, previousFingerprint: null, previousSecretExpiresAt: null, ratelimits: null, credits: null, ...extra,
  };
}

describe('KeyResolver cache and the shared mark', () => {
  it('caches a key with the mark read BEFORE the storage read', async () => {
    const order: string[] = [];
    let mark = 'm1';
    const repo = { getKey: async () => { order.push('storage'); mark = 'm2'; return key(); } } as any;
    const ask = async (event: string) => { order.push(event); return mark; };
    const resolver = new KeyResolver(repo, ask as any, { cacheSize: 10, cacheTTL: 60000, negativeCacheTTL: 60000, secret: () => 's', algorithm: () => 'HS256' });
    const entry = await resolver.reload({ userId: 'u', keyId: 'k' });
    expect(order).toEqual(['core:cache:internal:get', 'storage']);
    // a change landed during the storage read: the cached copy carries the older mark, so the next probe re-reads
    expect(entry?.mark).toBe('m1');
    expect(resolver.cachedMark({ userId: 'u', keyId: 'k' })).toBe('m1');
  });

  it('does not cache a storage read that an invalidation overtook', async () => {
    let release: (k: StoredKey) => void = () => undefined;
    const repo = { getKey: () => new Promise<StoredKey>((resolve) => { release = resolve; }) } as any;
    const resolver = new KeyResolver(repo, (async () => null) as any, { cacheSize: 10, cacheTTL: 60000, negativeCacheTTL: 60000, secret: () => 's', algorithm: () => 'HS256' });
    const pending = resolver.reload({ userId: 'u', keyId: 'k' });
    await new Promise((r) => setImmediate(r));
    resolver.invalidate({ userId: 'u', keyId: 'k' }, 'fp');
    release(key());
    expect((await pending)?.key.keyId).toBe('k');
    expect(resolver.cachedMark({ userId: 'u', keyId: 'k' })).toBeUndefined();
  });

  it('keeps the same key id of two users apart', async () => {
    const repo = { getKey: async (h: any) => key({ userId: h.userId, name: `of ${h.userId}` }) } as any;
    const resolver = new KeyResolver(repo, (async () => null) as any, { cacheSize: 10, cacheTTL: 60000, negativeCacheTTL: 60000, secret: () => 's', algorithm: () => 'HS256' });
    expect((await resolver.getKey({ userId: 'a', keyId: 'ci' }))?.name).toBe('of a');
    expect((await resolver.getKey({ userId: 'b', keyId: 'ci' }))?.name).toBe('of b');
    resolver.invalidate({ userId: 'a', keyId: 'ci' });
    expect(resolver.cachedMark({ userId: 'a', keyId: 'ci' })).toBeUndefined();
    expect(resolver.cachedMark({ userId: 'b', keyId: 'ci' })).toBeNull();
  });
});
