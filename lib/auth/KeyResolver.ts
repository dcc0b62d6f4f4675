/**
 * Resolves a presented secret to a stored key, with a bounded cache in front of storage.
 *
 * - fingerprint -> key id (never changes during a key's life) and key id -> key are cached (LRU,
 *   `cacheSize` entries each). A warm key costs no storage round trip.
 * - Unknown fingerprints are remembered in a bounded negative cache, with what they turned out to be:
 *   `unknown` (neither this plugin's nor a Kuzzle native key: rejected without storage) or `native`
 *   (a Kuzzle native API key: handed to Kuzzle's own verification).
 * - A token whose signature does not verify with Kuzzle's secret is `forged`: no storage at all.
 * Storage failures propagate (the caller fails closed).
 */
import jwt from 'jsonwebtoken';
import { LruCache } from '../core/lru';
import { StoredKey, fingerprintOf } from '../core/key';
import { KeyRepository, Ask } from '../storage/KeyRepository';

export const APIKEY_PREFIX = 'kapikey-';
const POSITIVE_TTL_MS = 5 * 60 * 1000;
const NEGATIVE_TTL_MS = 60 * 1000;
const STORAGE_TIMEOUT_MS = 5000;

export type Resolution =
  | { kind: 'plugin'; key: StoredKey; fingerprint: string }
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
  secret: () => string;
  algorithm: () => string;
}

export class KeyResolver {
  private readonly keyIds: LruCache<string, string>;
  private readonly keys: LruCache<string, StoredKey>;
  private readonly negative: LruCache<string, 'unknown' | 'native'>;

  constructor(private readonly repo: KeyRepository, private readonly ask: Ask, private readonly opts: ResolverOptions) {
    this.keyIds = new LruCache(opts.cacheSize, POSITIVE_TTL_MS);
    this.keys = new LruCache(opts.cacheSize, POSITIVE_TTL_MS);
    // bounded beside the positive cache: never more entries than it, at least a small floor
    this.negative = new LruCache(Math.max(100, Math.min(opts.cacheSize, 10000)), NEGATIVE_TTL_MS);
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
    const cachedId = this.keyIds.get(fingerprint);
    if (cachedId !== undefined) {
      const key = await this.getKey(cachedId);
      if (key && key.fingerprint === fingerprint) return { kind: 'plugin', key, fingerprint };
    }
    const negative = this.negative.get(fingerprint);
    if (negative) return { kind: negative, fingerprint };

    const owner = this.verifySignature(secret);
    if (owner === null) return { kind: 'forged' };

    const link = await withTimeout(this.repo.getFingerprint(fingerprint));
    if (link && link.userId === owner) {
      const key = await this.getKey(link.keyId);
      if (key && key.fingerprint === fingerprint) {
        this.keyIds.set(fingerprint, key.keyId);
        return { kind: 'plugin', key, fingerprint };
      }
    }
    const kind = (await withTimeout(this.isNativeKey(owner, fingerprint))) ? 'native' : 'unknown';
    this.negative.set(fingerprint, kind);
    return { kind, fingerprint };
  }

  /** A key by id, through the cache; null when it does not exist. */
  async getKey(keyId: string): Promise<StoredKey | null> {
    const cached = this.keys.get(keyId);
    if (cached) return cached;
    const key = await withTimeout(this.repo.getKey(keyId));
    if (key) this.keys.set(keyId, key);
    return key;
  }

  /** Forget what is cached about a key (update, revoke, delete). */
  invalidate(keyId: string, fingerprint?: string, deleted = false): void {
    this.keys.delete(keyId);
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

  /** Forget every cached key of a user (user deletion). */
  invalidateUser(userId: string): string[] {
    const ids: string[] = [];
    for (const keyId of [...this.keys.keys()]) {
      const key = this.keys.get(keyId);
      if (key && key.userId === userId) {
        ids.push(keyId);
        this.invalidate(keyId, key.fingerprint, true);
      }
    }
    return ids;
  }

  clear(): void {
    this.keys.clear();
    this.keyIds.clear();
    this.negative.clear();
  }

  /**
   * Whether Kuzzle's own api-keys collection holds this fingerprint for this user. Kuzzle does not index
   * fingerprints, so this lists the user's native keys (paged) and compares in memory, once per cache life.
   */
  private async isNativeKey(userId: string, fingerprint: string): Promise<boolean> {
    const pageSize = 1000;
    for (let from = 0; from < 10000; from += pageSize) {
      let result: any;
      try {
        result = await this.ask('core:storage:private:document:search', 'kuzzle', 'api-keys',
          { query: { term: { userId } } }, { from, size: pageSize });
      } catch (error: any) {
        if (error?.id === 'services.storage.unknown_index' || error?.id === 'services.storage.unknown_collection') return false;
        throw error;
      }
      const hits: any[] = result.hits || [];
      if (hits.some((hit) => hit._source?.fingerprint === fingerprint)) return true;
      if (hits.length < pageSize) return false;
    }
    return false;
  }
}
