import { acceptedFingerprints, fingerprintOf, normalizeStoredKey, standingOf, statusOf, toPublicKey, StoredKey } from '../../../lib/core/key';

const secret = 'kapikey-eyJhbGciOiJIUzI1NiJ9.eyJfaWQiOiJ1MSIsImlhdCI6MX0.sig';

function stored(overrides: Partial<StoredKey> = {}): StoredKey {
  return normalizeStoredKey('key-1', {
    userId: 'u1', name: 'n', fingerprint: fingerprintOf(secret), expiresAt: -1, ttl: -1, createdAt: 1000, ...overrides,
  });
}

describe('key model', () => {
  it('the stored shape holds the sha256 of the secret, never the secret', () => {
    const key = stored();
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(key)).not.toContain(secret);
    expect(JSON.stringify(key)).not.toContain(secret.slice('kapikey-'.length));
  });

  it('serialization never includes the secret unless createApiKey passes it', () => {
    const key = stored();
    const pub = toPublicKey(key, 2000);
    expect(JSON.stringify(pub)).not.toContain(secret.slice(8));
    expect('token' in pub._source).toBe(false);
    expect(toPublicKey(key, 2000, secret)._source.token).toBe(secret);
  });

  it('has every contract field, null when unset, and the id outside _source', () => {
    const pub = toPublicKey(stored(), 2000);
    expect(pub._id).toBe('key-1');
    expect(Object.keys(pub._source).sort()).toEqual([
      'allowedIps', 'claims', 'createdAt', 'createdBy', 'credits', 'description', 'expired', 'expiresAt', 'fingerprint', 'lastUsedAt', 'name',
      'parentKeyId', 'previousSecretExpiresAt', 'ratelimits', 'revocationReason', 'revoked', 'revokedAt', 'revokedBy', 'rotatedAt', 'scopes', 'ttl', 'updatedAt', 'userId',
    ]);
    expect(pub._source.description).toBeNull();
    expect(pub._source.revoked).toBe(false);
  });

  it('computes expired from the millisecond of expiresAt, and revoked wins over expired', () => {
    expect(toPublicKey(stored({ expiresAt: 5000 }), 4999)._source.expired).toBe(false);
    expect(toPublicKey(stored({ expiresAt: 5000 }), 5000)._source.expired).toBe(true);
    expect(statusOf(stored({ expiresAt: 5000 }), 5000)).toBe('expired');
    expect(statusOf(stored({ expiresAt: 5000, revoked: true }), 6000)).toBe('revoked');
    expect(statusOf(stored(), 10 ** 13)).toBe('valid');
  });

  describe('rotation', () => {
    const rotated = (graceEnd: number | null) => stored({ fingerprint: 'new', previousFingerprint: 'old', previousSecretExpiresAt: graceEnd, rotatedAt: 1500, uid: 'u' });

    it('tells the current, the previous (in grace or not), former and foreign secrets apart', () => {
      expect(standingOf(rotated(3000), 'new', null, 2000)).toBe('current');
      expect(standingOf(rotated(3000), 'old', null, 2000)).toBe('grace');
      expect(standingOf(rotated(3000), 'old', null, 3000)).toBe('rotated');
      expect(standingOf(rotated(null), 'old', null, 2000)).toBe('rotated');
      expect(standingOf(rotated(null), 'older', 'u', 2000)).toBe('rotated');
      // a key re-created under the same id (another uid) never answers for the old key's secrets
      expect(standingOf(rotated(null), 'older', 'another-uid', 2000)).toBe('foreign');
      expect(standingOf(rotated(null), 'older', null, 2000)).toBe('foreign');
    });

    it('accepts at most two secrets, and shows previousSecretExpiresAt only while the grace runs', () => {
      expect(acceptedFingerprints(rotated(3000), 2000)).toEqual(['new', 'old']);
      expect(acceptedFingerprints(rotated(3000), 3000)).toEqual(['new']);
      expect(toPublicKey(rotated(3000), 2000)._source.previousSecretExpiresAt).toBe(3000);
      expect(toPublicKey(rotated(3000), 3001)._source.previousSecretExpiresAt).toBeNull();
      expect(JSON.stringify(toPublicKey(rotated(3000), 2000))).not.toContain('"old"');
    });
  });

  describe('credits usage written by the nodes', () => {
    const withCredits = (usage: unknown) => normalizeStoredKey('k', {
      userId: 'u', fingerprint: 'f', createdAt: 1, credits: { remaining: 10, refill: null, setAt: 100, period: 0 }, creditsUsage: usage,
    });

    it('counts only for the same credits, and never raises them', () => {
      expect(withCredits({ setAt: 100, remaining: 4, period: 0 }).credits?.remaining).toBe(4);
      // a late write about older credits is ignored
      expect(withCredits({ setAt: 50, remaining: 999, period: 0 }).credits?.remaining).toBe(10);
      // a key lowered its own credits below what a node last counted
      expect(withCredits({ setAt: 100, remaining: 40, period: 0 }).credits?.remaining).toBe(10);
      expect(withCredits(undefined).credits?.remaining).toBe(10);
    });

    it('reads a document missing numbers as spent, never as unlimited', () => {
      const key = normalizeStoredKey('k', { userId: 'u', fingerprint: 'f', createdAt: 1, credits: { refill: null } });
      expect(key.credits).toEqual({ remaining: 0, refill: null, setAt: 0, period: 0 });
    });
  });
});
