/**
 * The shared revocation mark: every change to a key (revoke, delete, update, rotation, its user's deletion) writes a
 * new random mark for it in Redis, which every node shares. A node caches, with each key, the mark it saw BEFORE
 * reading the key from storage, and compares it with the current mark on each request, in the Redis round trip the
 * request path already makes. A different mark means "re-read from storage before serving": a node that missed the
 * cluster broadcast (a lost message, a partition, a request racing it) cannot keep serving a changed key.
 *
 * Reading the mark before the key means a slow storage read that started before a change is cached with the old
 * mark, so the next request re-reads it. A mark outlives any cached copy (its TTL is far above the cache's).
 */
import { randomBytes } from 'crypto';
import { KeyHandle, storageIdOf } from '../core/key';
import type { Ask } from '../storage/KeyRepository';

const MARK = 'plugin-api-keys/mark/';
const MARK_TTL_MS = 24 * 3600 * 1000;

export function markKey(handle: KeyHandle): string {
  return MARK + storageIdOf(handle);
}

export async function readMark(ask: Ask, handle: KeyHandle): Promise<string | null> {
  const mark = await ask('core:cache:internal:get', markKey(handle));
  return typeof mark === 'string' ? mark : null;
}

/** Writes a new mark for the key: every node re-reads it from storage at its next request. */
export async function touchMark(ask: Ask, handle: KeyHandle): Promise<void> {
  await ask('core:cache:internal:store', markKey(handle), randomBytes(9).toString('base64url'), { ttl: MARK_TTL_MS });
}
