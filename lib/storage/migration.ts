/**
 * Keys stored by version 0.1 had the key id as document id (ids were global) and no `uid`. At boot, each moves to its
 * per-user storage id (storageIdOf) with a fresh `uid`, its revocation record moves with it, and children migrated in
 * the same run get their parent's `uid` (a child whose parent is gone stays an orphan).
 *
 * Idempotent (only documents without `uid` are touched), one node at a time (a Kuzzle Mutex: the others wait, then
 * find nothing left to do), and logged.
 */
import { randomUUID } from 'crypto';
import { storageIdOf } from '../core/key';
import { isStorageConflict, isStorageNotFound } from '../errors';
import { KEYS_COLLECTION, REVOCATIONS_COLLECTION } from './mappings';
import { Ask, STORAGE_INDEX } from './KeyRepository';

const PRIVATE = 'core:storage:private:document';
const PAGE = 1000;

export interface MigrationLock {
  lock(): Promise<boolean>;
  unlock(): Promise<void>;
}

interface LegacyDoc {
  _id: string;
  _source: Record<string, any>;
}

async function legacyDocs(ask: Ask): Promise<LegacyDoc[]> {
  await ask('core:storage:private:collection:refresh', STORAGE_INDEX, KEYS_COLLECTION);
  const query = { bool: { must_not: [{ exists: { field: 'uid' } }] } };
  const out: LegacyDoc[] = [];
  // from/size pages: every migrated document leaves the result set, so always read the first page again
  for (;;) {
    const result = await ask(`${PRIVATE}:search`, STORAGE_INDEX, KEYS_COLLECTION,
      { query, sort: [{ createdAt: 'asc' }, { keyId: 'asc' }] }, { from: out.length, size: PAGE });
    const hits: LegacyDoc[] = result.hits ?? [];
    out.push(...hits);
    if (hits.length < PAGE) return out;
  }
}

async function moveRevocation(ask: Ask, oldId: string, newId: string): Promise<void> {
  let revocation: any;
  try {
    revocation = await ask(`${PRIVATE}:get`, STORAGE_INDEX, REVOCATIONS_COLLECTION, oldId);
  } catch (error) {
    if (isStorageNotFound(error)) return;
    throw error;
  }
  try {
    await ask(`${PRIVATE}:create`, STORAGE_INDEX, REVOCATIONS_COLLECTION, revocation._source, { id: newId, injectKuzzleMeta: false });
  } catch (error) {
    if (!isStorageConflict(error)) throw error;
  }
  await ask(`${PRIVATE}:delete`, STORAGE_INDEX, REVOCATIONS_COLLECTION, oldId, {});
}

/** @returns the number of keys migrated */
export async function migrateLegacyKeys(ask: Ask, lock: MigrationLock, log: (msg: string) => void): Promise<number> {
  await lock.lock();
  try {
    const docs = await legacyDocs(ask);
    if (docs.length === 0) return 0;
    log(`migrating ${docs.length} API keys stored by version 0.1 to per-user ids`);
    const uids = new Map<string, string>(); // storage id -> uid given in this run
    for (const doc of docs) {
      const keyId = typeof doc._source.keyId === 'string' ? doc._source.keyId : doc._id;
      const userId = doc._source.userId;
      const newId = storageIdOf({ userId, keyId });
      let uid: string = randomUUID();
      try {
        await ask(`${PRIVATE}:create`, STORAGE_INDEX, KEYS_COLLECTION, { ...doc._source, keyId, uid, parentUid: null },
          { id: newId, injectKuzzleMeta: false });
      } catch (error) {
        if (!isStorageConflict(error)) throw error;
        // already moved (a node whose lock expired mid-run): keep the uid it was given
        uid = (await ask(`${PRIVATE}:get`, STORAGE_INDEX, KEYS_COLLECTION, newId))._source.uid;
      }
      uids.set(newId, uid);
      await moveRevocation(ask, doc._id, newId);
      if (doc._id !== newId) await ask(`${PRIVATE}:delete`, STORAGE_INDEX, KEYS_COLLECTION, doc._id, {});
    }
    let linked = 0;
    for (const doc of docs) {
      const { userId, parentKeyId } = doc._source;
      if (typeof parentKeyId !== 'string') continue;
      const parentUid = uids.get(storageIdOf({ userId, keyId: parentKeyId }));
      if (!parentUid) continue; // the parent is gone: the child stays an orphan
      const keyId = typeof doc._source.keyId === 'string' ? doc._source.keyId : doc._id;
      await ask(`${PRIVATE}:update`, STORAGE_INDEX, KEYS_COLLECTION, storageIdOf({ userId, keyId }), { parentUid },
        { injectKuzzleMeta: false });
      linked++;
    }
    await ask('core:storage:private:collection:refresh', STORAGE_INDEX, KEYS_COLLECTION);
    log(`migrated ${docs.length} API keys (${linked} linked to their parent)`);
    return docs.length;
  } finally {
    await lock.unlock();
  }
}
