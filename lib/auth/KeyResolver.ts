/**
 * Resolves a presented secret to a stored key, with a bounded cache in front of storage.
 *
 * - fingerprint -> key storage id (never changes during a key's life) and storage id -> key are cached
 *   (LRU, `cacheSize` entries each). A warm key costs no storage round trip. Key ids are per user: the
 *   storage id (storageIdOf) names the user too.
 * - Unknown fingerprints are remembered in a bounded negative cache, with what they turned out to be:
 *   `unknown` (neither this plugin's nor a Kuzzle native key: rejected without storage) or `native`
 *   (a Kuzzle native API key: handed to Kuzzle's own verification).
 * - A token whose signature does not verify with Kuzzle's secret is `forged`: no storage at all.
 * Storage failures propagate (the caller fails closed).
 */
import jwt from 'jsonwebtoken';
import { Cache, boundedCache } from './caches';
import { KeyHandle, StoredKey, fingerprintOf, standingOf, storageIdOf } from '../core/key';
import { KeyRepository, Ask, FingerprintLink } from '../storage/KeyRepository';
import { readMark } from './marks';

export const APIKEY_PREFIX = 'kapikey-';
const STORAGE_TIMEOUT_MS = 5000;
const FRESH_MS = 1000;

export type Resolution =
  /** a secret of one of this plugin's keys: its current one, the previous one, or a former one (see standingOf) */
  | { kind: 'plugin'; key: StoredKey; fingerprint: string; linkUid: string | null }
  | { kind: 'native'; fingerprint: string }
  | { kind: 'unknown'; fingerprint: string }
  | { kind: 'forged' };

export class StorageTimeoutError extends Error {
  constructor() { super('storage did not answer in time'); }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new StorageTimeoutError()), STORAGE_TIMEOUT_MS); }),
  ]).finally(() => clearTimeout(timer));
}

export interface ResolverOptions {
  cacheSize: number;
  cacheTTL: number;
  negativeCacheTTL: number;
  secret: () => string;
  algorithm: () => string;
}

/** A cached key, with the shared mark seen before it was read from storage (see marks.ts). */
export interface CachedKey {
  key: StoredKey;
  mark: string | null;
  /** when it was read from storage (epoch ms) */
  loadedAt: number;
}

export class KeyResolver {
  private readonly keyIds: Cache<string, FingerprintLink>;
  private readonly keys: Cache<string, CachedKey>;
  /** bumped by every invalidation: a storage read that started before one is not cached */
  private epoch = 0;
  private readonly negative: Cache<string, 'unknown' | 'native'>;

  constructor(private readonly repo: KeyRepository, private readonly ask: Ask, private readonly opts: ResolverOptions) {
    this.keyIds = boundedCache(opts.cacheSize, opts.cacheTTL);
    this.keys = boundedCache(opts.cacheSize, opts.cacheTTL);
    // bounded beside the positive cache: never more entries than it, at least a small floor
    this.negative = boundedCache(Math.max(100, Math.min(opts.cacheSize, 10000)), opts.negativeCacheTTL);
  }

  /** The owner (`_id` claim) if the token is signed by this Kuzzle; null otherwise. Embedded exp ignored. */
  verifySignature(secret: string): string | null {
    try {
      const decoded = jwt.verify(secret.slice(APIKEY_PREFIX.length), this.opts.secret(), {
        algorithms: [this.opts.algorithm() as jwt.Algorithm],
        ignoreExpiration: true,
      });
      return typeof decoded === 'object' && decoded && typeof (decoded as any)._id === 'string' ? (decoded as any)._id : null;
    } catch {
      return null;
    }
  }

  async resolve(secret: string): Promise<Resolution> {
    const fingerprint = fingerprintOf(secret);
    const now = Date.now();
    const cached = this.keyIds.get(fingerprint);
    if (cached !== undefined) {
      const key = await this.getKey(cached);
      if (key && standingOf(key, fingerprint, cached.uid, now) !== 'foreign') return { kind: 'plugin', key, fingerprint, linkUid: cached.uid };
    }
    const negative = this.negative.get(fingerprint);
    if (negative) return { kind: negative, fingerprint };

    const owner = this.verifySignature(secret);
    if (owner === null) return { kind: 'forged' };

    const link = await withTimeout(this.repo.getFingerprint(fingerprint));
    if (link && link.userId === owner) {
      let key = await this.getKey(link);
      // a copy cached before a rotation elsewhere does not know the new secret yet: read it again before refusing
      if (key && standingOf(key, fingerprint, link.uid, now) === 'foreign') key = (await this.reload(link))?.key ?? null;
      if (key && standingOf(key, fingerprint, link.uid, now) !== 'foreign') {
        this.keyIds.set(fingerprint, { userId: key.userId, keyId: key.keyId, uid: link.uid });
        return { kind: 'plugin', key, fingerprint, linkUid: link.uid };
      }
    }
    const kind = (await withTimeout(this.repo.findLegacyKeyId(owner, fingerprint))) !== null ? 'native' : 'unknown';
    this.negative.set(fingerprint, kind);
    return { kind, fingerprint };
  }

  /** A key of a user, through the cache; null when it does not exist. */
  async getKey(handle: KeyHandle): Promise<StoredKey | null> {
    return (await this.entry(handle))?.key ?? null;
  }

  /** The cached key and the mark it was read under; read (mark first, then storage) when not cached. */
  async entry(handle: KeyHandle): Promise<CachedKey | null> {
    return this.keys.get(storageIdOf(handle)) ?? this.reload(handle);
  }

  /** Reads a key again from storage, whatever the cache holds (its mark first: see marks.ts). */
  async reload(handle: KeyHandle): Promise<CachedKey | null> {
    const sid = storageIdOf(handle);
    const epoch = this.epoch;
    const mark = await withTimeout(readMark(this.ask, handle));
    const key = await withTimeout(this.repo.getKey(handle));
    if (!key) {
      this.keys.delete(sid);
      return null;
    }
    const entry = { key, mark, loadedAt: Date.now() };
    if (epoch === this.epoch) this.keys.set(sid, entry);
    return entry;
  }

  /** Whether the key was read from storage within the last second (a fresh read needs no second one). */
  isFresh(handle: KeyHandle, now: number): boolean {
    const entry = this.keys.get(storageIdOf(handle));
    return entry !== undefined && now - entry.loadedAt < FRESH_MS;
  }

  /** The mark a cached key was read under; undefined when it is not cached. */
  cachedMark(handle: KeyHandle): string | null | undefined {
    return this.keys.get(storageIdOf(handle))?.mark;
  }

  /** Forget what is cached about a key (update, revoke, delete). */
  invalidate(handle: KeyHandle, fingerprint?: string, deleted = false): void {
    this.epoch++;
    this.keys.delete(storageIdOf(handle));
    if (fingerprint) {
      this.keyIds.delete(fingerprint);
      if (deleted) this.negative.set(fingerprint, 'unknown');
      else this.negative.delete(fingerprint);
    }
  }

  /** A new key: its fingerprint must not stay in the negative cache. */
  forgetNegative(fingerprint: string): void {
    this.negative.delete(fingerprint);
  }

  /** Forget every cached key of a user (user deletion). Returns the keys that were cached. */
  invalidateUser(userId: string): StoredKey[] {
    const keys: StoredKey[] = [];
    for (const sid of [...this.keys.keys()]) {
      const key = this.keys.get(sid)?.key;
      if (key && key.userId === userId) {
        keys.push(key);
        this.invalidate(key, key.fingerprint, true);
      }
    }
    return keys;
  }

  clear(): void {
    this.epoch++;
    this.keys.clear();
    this.keyIds.clear();
    this.negative.clear();
  }
}
