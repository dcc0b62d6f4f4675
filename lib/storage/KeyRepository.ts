/**
 * The plugin's storage: private collections of the index `plugin-api-keys`, reached through
 * Kuzzle's `core:storage:private:*` asks (the embedded SDK cannot reach private storage).
 *
 * Collections (see mappings.ts):
 * - keys:         one document per key, id = storageIdOf(userId, keyId) (key ids are per user);
 * - fingerprints: id = sha256(secret) -> { keyId, userId }: a secret resolves with one real-time GET
 *                 (no search, so no refresh delay and no cost growing with a user's key count), and a
 *                 create-only write guarantees that two keys never share a secret;
 * - revocations:  id = the key's storage id, create-only, so that the first revocation (and its reason) wins a race.
 */
import { KeyHandle, StoredKey, normalizeStoredKey, storageIdOf, storedCredits } from '../core/key';
import { ApiKeyError } from '../core/errors';
import { isStorageConflict, isStorageNotFound } from '../errors';
import { FINGERPRINTS_COLLECTION, KEYS_COLLECTION, REVOCATIONS_COLLECTION } from './mappings';

export type Ask = (event: string, ...args: any[]) => Promise<any>;
export type Refresh = 'wait_for' | 'false';

export const STORAGE_INDEX = 'plugin-api-keys';

export interface SearchPage {
  hits: StoredKey[];
  total: number;
  scrollId?: string;
}

export interface Revocation {
  revokedAt: number;
  revokedBy: string | null;
  revocationReason: string | null;
}

export interface FingerprintLink {
  keyId: string;
  userId: string;
  /** the key's uid when the document was written (null on documents that predate rotation) */
  uid: string | null;
}

/** Thrown by createKey when the secret's fingerprint is already taken: mint another secret. */
export class FingerprintTakenError extends Error {
  constructor() {
    super('fingerprint already taken');
  }
}

const PRIVATE = 'core:storage:private:document';
const WRITE_OPTS = { injectKuzzleMeta: false };

function refreshOpt(refresh: Refresh): 'wait_for' | undefined {
  return refresh === 'wait_for' ? 'wait_for' : undefined;
}

export class KeyRepository {
  constructor(private readonly ask: Ask, private readonly index = STORAGE_INDEX) {}

  /**
   * Stores a new key. The fingerprint document is written first: it is the uniqueness guard of the
   * secret. A taken key id rolls it back and raises `already_exists`; nothing is overwritten.
   */
  async createKey(key: StoredKey, refresh: Refresh): Promise<void> {
    try {
      await this.ask(`${PRIVATE}:create`, this.index, FINGERPRINTS_COLLECTION,
        { keyId: key.keyId, userId: key.userId, uid: key.uid }, { ...WRITE_OPTS, id: key.fingerprint });
    } catch (error) {
      if (isStorageConflict(error)) throw new FingerprintTakenError();
      throw error;
    }
    const { keyId } = key;
    try {
      await this.ask(`${PRIVATE}:create`, this.index, KEYS_COLLECTION, { ...key, credits: storedCredits(key.credits) },
        { ...WRITE_OPTS, id: storageIdOf(key), refresh: refreshOpt(refresh) });
    } catch (error) {
      await this.ask(`${PRIVATE}:delete`, this.index, FINGERPRINTS_COLLECTION, key.fingerprint, {}).catch(() => undefined);
      if (isStorageConflict(error)) {
        throw new ApiKeyError('already_exists', `An API key with the id "${keyId}" already exists.`);
      }
      throw error;
    }
  }

  /** The key with this id for this user, or null. Real-time (a GET), so it sees writes at once. */
  async getKey(handle: KeyHandle): Promise<StoredKey | null> {
    try {
      const doc = await this.ask(`${PRIVATE}:get`, this.index, KEYS_COLLECTION, storageIdOf(handle));
      return normalizeStoredKey(doc._id, doc._source);
    } catch (error) {
      if (isStorageNotFound(error)) return null;
      throw error;
    }
  }

  /** fingerprint -> key id, owner and key uid (null on documents that predate rotation), or null. */
  async getFingerprint(fingerprint: string): Promise<FingerprintLink | null> {
    try {
      const doc = await this.ask(`${PRIVATE}:get`, this.index, FINGERPRINTS_COLLECTION, fingerprint);
      return { keyId: doc._source.keyId, userId: doc._source.userId, uid: doc._source.uid ?? null };
    } catch (error) {
      if (isStorageNotFound(error)) return null;
      throw error;
    }
  }

  /** Links a new secret to an existing key (rotation): create-only, so that two keys never share a secret. */
  async addFingerprint(fingerprint: string, key: StoredKey & { uid: string }): Promise<void> {
    try {
      await this.ask(`${PRIVATE}:create`, this.index, FINGERPRINTS_COLLECTION,
        { keyId: key.keyId, userId: key.userId, uid: key.uid }, { ...WRITE_OPTS, id: fingerprint });
    } catch (error) {
      if (isStorageConflict(error)) throw new FingerprintTakenError();
      throw error;
    }
  }

  /** Records the key's uid on the document of its own (older) secret, so that it answers `rotated` later. */
  async stampFingerprint(fingerprint: string, key: StoredKey & { uid: string }): Promise<void> {
    await this.ask(`${PRIVATE}:createOrReplace`, this.index, FINGERPRINTS_COLLECTION, fingerprint,
      { keyId: key.keyId, userId: key.userId, uid: key.uid }, WRITE_OPTS);
  }

  /** Partial update; returns the key as stored afterwards, or null when it no longer exists. */
  async updateKey(handle: KeyHandle, changes: Partial<StoredKey>, refresh: Refresh): Promise<StoredKey | null> {
    try {
      const written = 'credits' in changes ? { ...changes, credits: storedCredits(changes.credits ?? null) } : changes;
      const result = await this.ask(`${PRIVATE}:update`, this.index, KEYS_COLLECTION, storageIdOf(handle), written,
        { ...WRITE_OPTS, refresh: refreshOpt(refresh), retryOnConflict: 5 });
      return normalizeStoredKey(handle.keyId, result._source);
    } catch (error) {
      if (isStorageNotFound(error)) return null;
      throw error;
    }
  }

  /** The uses counted for the key's credits (see normalizeStoredKey): a partial update of that field only. */
  async writeCreditsUsage(handle: KeyHandle, usage: { setAt: number; remaining: number; period: number }): Promise<void> {
    try {
      await this.ask(`${PRIVATE}:update`, this.index, KEYS_COLLECTION, storageIdOf(handle), { creditsUsage: usage },
        { ...WRITE_OPTS, retryOnConflict: 5 });
    } catch (error) {
      if (!isStorageNotFound(error)) throw error;
    }
  }

  /** Hard delete of a key, its fingerprint and its revocation record. False if it did not exist. */
  async deleteKey(key: StoredKey, refresh: Refresh): Promise<boolean> {
    let existed = true;
    const id = storageIdOf(key);
    try {
      await this.ask(`${PRIVATE}:delete`, this.index, KEYS_COLLECTION, id, { refresh: refreshOpt(refresh) });
    } catch (error) {
      if (!isStorageNotFound(error)) throw error;
      existed = false;
    }
    const fingerprints = [key.fingerprint, key.previousFingerprint].filter((f): f is string => typeof f === 'string');
    await Promise.all([
      ...fingerprints.map((f) => this.ask(`${PRIVATE}:delete`, this.index, FINGERPRINTS_COLLECTION, f, {})),
      this.ask(`${PRIVATE}:delete`, this.index, REVOCATIONS_COLLECTION, id, {}),
    ].map((p) => p.catch((error: unknown) => { if (!isStorageNotFound(error)) throw error; })));
    await this.deleteFormerSecrets([key]);
    return existed;
  }

  /**
   * The documents of the older secrets of rotated keys (the key's uid names them). Without them a deleted key's
   * former secrets are unknown tokens anyway (their key is gone): this is storage hygiene, not a security check.
   */
  private async deleteFormerSecrets(keys: StoredKey[]): Promise<void> {
    const uids = keys.filter((k) => k.rotatedAt !== null && k.uid !== null).map((k) => k.uid as string);
    if (uids.length === 0) return;
    await this.ask('core:storage:private:collection:refresh', this.index, FINGERPRINTS_COLLECTION);
    await this.ask(`${PRIVATE}:deleteByQuery`, this.index, FINGERPRINTS_COLLECTION, { terms: { uid: uids } }, { fetch: false });
  }

  /**
   * Deletes every key matching a query (keys, fingerprints, revocations), by query rather than one
   * request per key. Returns the deleted keys. Kuzzle caps one deleteByQuery at 1000 documents: loop.
   */
  async deleteWhere(query: Record<string, unknown>): Promise<StoredKey[]> {
    const deleted: StoredKey[] = [];
    for (;;) {
      // a user's deletion must not miss a key created a moment before without wait_for
      const batch = await this.findAll(query, 1000, { refresh: true });
      if (batch.length === 0) return deleted;
      const ids = batch.map((k) => storageIdOf(k));
      const fingerprints = batch.flatMap((k) => [k.fingerprint, k.previousFingerprint]).filter((f): f is string => typeof f === 'string');
      await this.ask(`${PRIVATE}:deleteByQuery`, this.index, KEYS_COLLECTION, { ids: { values: ids } }, { refresh: 'wait_for', fetch: false });
      await this.ask(`${PRIVATE}:deleteByQuery`, this.index, FINGERPRINTS_COLLECTION, { ids: { values: fingerprints } }, { fetch: false });
      await this.ask(`${PRIVATE}:deleteByQuery`, this.index, REVOCATIONS_COLLECTION, { ids: { values: ids } }, { fetch: false });
      await this.deleteFormerSecrets(batch);
      deleted.push(...batch);
      if (batch.length < 1000) return deleted;
    }
  }

  /**
   * Records a revocation with a create-only write. Returns the revocation that is in force: this one,
   * or the one that got there first.
   */
  async claimRevocation(handle: KeyHandle, revocation: Revocation): Promise<Revocation> {
    const id = storageIdOf(handle);
    try {
      await this.ask(`${PRIVATE}:create`, this.index, REVOCATIONS_COLLECTION, { ...revocation },
        { ...WRITE_OPTS, id });
      return revocation;
    } catch (error) {
      if (!isStorageConflict(error)) throw error;
      const doc = await this.ask(`${PRIVATE}:get`, this.index, REVOCATIONS_COLLECTION, id);
      return {
        revokedAt: doc._source.revokedAt,
        revokedBy: doc._source.revokedBy ?? null,
        revocationReason: doc._source.revocationReason ?? null,
      };
    }
  }

  async search(
    body: { query: unknown; sort: unknown[] },
    opts: { from?: number; size?: number; scroll?: string },
  ): Promise<SearchPage> {
    const result = await this.ask(`${PRIVATE}:search`, this.index, KEYS_COLLECTION, body, opts);
    return this.toPage(result);
  }

  async scroll(scrollId: string, scroll?: string): Promise<SearchPage> {
    const result = await this.ask(`${PRIVATE}:scroll`, scrollId, { scrollTTL: scroll });
    return this.toPage(result);
  }

  /** Makes every write so far searchable (used before scans that must not miss a fresh key). */
  async refresh(): Promise<void> {
    await this.ask('core:storage:private:collection:refresh', this.index, KEYS_COLLECTION);
  }

  async count(query: unknown): Promise<number> {
    return this.ask(`${PRIVATE}:count`, this.index, KEYS_COLLECTION, { query });
  }

  /**
   * Every key matching the query, up to `limit`, paged with `search_after` (no scroll context is left open in
   * Elasticsearch). `refresh` first only where a write made without `wait_for` must not be missed.
   */
  async findAll(query: unknown, limit = 10000, opts: { refresh?: boolean } = {}): Promise<StoredKey[]> {
    if (opts.refresh) await this.refresh();
    const out: StoredKey[] = [];
    const sort = [{ createdAt: 'asc' }, { keyId: 'asc' }];
    let after: unknown[] | undefined;
    while (out.length < limit) {
      const size = Math.min(1000, limit - out.length);
      const body: Record<string, unknown> = { query, sort, ...(after ? { search_after: after } : {}) };
      const result = await this.ask(`${PRIVATE}:search`, this.index, KEYS_COLLECTION, body, { size });
      const hits: any[] = result.hits ?? [];
      out.push(...hits.map((hit) => normalizeStoredKey(hit._id, hit._source)));
      if (hits.length < size) break;
      const last = out[out.length - 1];
      after = [last.createdAt, last.keyId];
    }
    return out;
  }

  /**
   * Whether the user has a Kuzzle native (legacy) API key with this id: a plugin key may not take it, so that it
   * never hides the legacy key from the native deleteApiKey.
   */
  async hasLegacyKey(handle: KeyHandle): Promise<boolean> {
    try {
      const doc = await this.ask('core:storage:private:document:get', 'kuzzle', 'api-keys', handle.keyId);
      return doc?._source?.userId === handle.userId;
    } catch (error: any) {
      if (isStorageNotFound(error) || error?.id === 'services.storage.unknown_index' || error?.id === 'services.storage.unknown_collection') return false;
      throw error;
    }
  }

  /**
   * The id of the user's Kuzzle native (legacy) API key with this fingerprint, or null. Kuzzle does not index
   * fingerprints, so this lists the user's native keys (paged) and compares in memory.
   */
  async findLegacyKeyId(userId: string, fingerprint: string): Promise<string | null> {
    const pageSize = 1000;
    for (let from = 0; from < 10000; from += pageSize) {
      let result: any;
      try {
        result = await this.ask('core:storage:private:document:search', 'kuzzle', 'api-keys',
          { query: { term: { userId } } }, { from, size: pageSize });
      } catch (error: any) {
        if (error?.id === 'services.storage.unknown_index' || error?.id === 'services.storage.unknown_collection') return null;
        throw error;
      }
      const hits: any[] = result.hits || [];
      const hit = hits.find((h) => h._source?.fingerprint === fingerprint);
      if (hit) return hit._id;
      if (hits.length < pageSize) return null;
    }
    return null;
  }

  private toPage(result: any): SearchPage {
    const page: SearchPage = {
      hits: (result.hits || []).map((hit: any) => normalizeStoredKey(hit._id, hit._source)),
      total: typeof result.total === 'number' ? result.total : (result.total?.value ?? 0),
    };
    if (result.scrollId) page.scrollId = result.scrollId;
    return page;
  }
}
