/**
 * Keys die with their user: every user deletion (through the API or not: the `core:security:user:delete`
 * event) and admin:resetSecurity (`core:security:user:truncate`). Kuzzle has already deleted the users'
 * sessions; the keys go by query, whatever their number.
 */
import type { StoredKey } from '../core/key';
import { touchMark } from '../auth/marks';
import type { KuzzleRequest } from 'kuzzle';
import type { AuditCause, AuditOrigin } from '../core/audit';
import type { Runtime } from '../runtime';
import { forgetSecrets } from './common';

/** After a bulk deletion: caches, sessions and realtime subscriptions of every deleted key, and one event each. */
async function forgetDeleted(rt: Runtime, keys: StoredKey[], cause: AuditCause, origin: AuditOrigin): Promise<void> {
  for (const key of keys) {
    await rt.audit.record({ action: 'delete', userId: key.userId, keyId: key.keyId, cause }, origin);
    forgetSecrets(rt, key);
    await touchMark(rt.ask, key).catch((e) => rt.log.error(`could not mark deleted API key "${key.keyId}": ${e?.message ?? e}`));
    rt.usage.forget(key);
    await rt.sessions.drop(key).catch(() => undefined);
    await rt.subscriptions.end(key);
  }
}

/** How often, and how far apart, a cascade that storage refused is tried again before giving up (logged). */
const CASCADE_RETRIES = 8;
const CASCADE_RETRY_MAX_MS = 60_000;

function retryLater(rt: Runtime, attempt: number, what: string, error: unknown, run: () => Promise<void>): void {
  const again = attempt < CASCADE_RETRIES;
  rt.log.error(`could not ${what}${again ? ', retrying' : ''}: ${(error as Error)?.message ?? error}`);
  if (again) setTimeout(() => { void run(); }, Math.min(1000 * 2 ** attempt, CASCADE_RETRY_MAX_MS)).unref();
}

/**
 * A user's deletion takes the user's keys. Seen late (the deferred hook, a retry), it may meet a user re-created since
 * with the same id: then only the keys created up to `deletedAt` go, and the new user's keys, sessions and
 * subscriptions are left alone. What needs no storage (caches, sessions, subscriptions, the cluster message) is done
 * whatever storage does, and a storage failure is retried with backoff: no key waits in storage for a re-created user.
 */
export async function deleteKeysOfUser(
  rt: Runtime, userId: string, request: KuzzleRequest | null = null, deletedAt = rt.now(), attempt = 0,
): Promise<void> {
  rt.resolver.invalidateUser(userId);
  let keys: StoredKey[] = [];
  // storage cannot tell (or the user is gone): every key of the user goes (fail closed)
  const recreated = await userExists(rt, userId);
  try {
    const query = recreated
      ? { bool: { filter: [{ term: { userId } }, { range: { createdAt: { lte: deletedAt } } }] } }
      : { term: { userId } };
    keys = await rt.repo.deleteWhere(query);
    if (!recreated) await rt.quota.forget(userId);
    await forgetDeleted(rt, keys, 'user-deleted', rt.audit.originOf(request));
  } catch (error) {
    retryLater(rt, attempt, `delete the API keys of deleted user "${userId}"`, error, () => deleteKeysOfUser(rt, userId, request, deletedAt, attempt + 1));
  }
  await endWhatTheUserHeld(rt, userId, keys, recreated).catch((error) => {
    rt.log.error(`could not end the sessions of deleted user "${userId}": ${(error as Error)?.message ?? error}`);
  });
}

/** Everything of the user's, on every node; for a user re-created since, only the keys deleted here. */
async function endWhatTheUserHeld(rt: Runtime, userId: string, deleted: StoredKey[], recreated: boolean): Promise<void> {
  if (!recreated) {
    await rt.subscriptions.endUser(userId);
    await rt.connections.expireUser(userId);
    await rt.cluster.broadcast({ kind: 'user-deleted', userId });
    return;
  }
  for (const key of deleted) {
    await rt.cluster.broadcast({ kind: 'deleted', keyId: key.keyId, fingerprint: key.fingerprint, userId: key.userId });
  }
}

async function userExists(rt: Runtime, userId: string): Promise<boolean> {
  try {
    await rt.ask('core:security:user:get', userId);
    return true;
  } catch {
    return false;
  }
}

/**
 * admin:resetSecurity: every key. Seen late (the deferred hook, a retry), only the keys created up to `resetAt`, so
 * that keys of users created since (a first admin) stay; the same fail-safe order and retries as above.
 */
export async function deleteAllKeys(rt: Runtime, request: KuzzleRequest | null = null, resetAt: number | null = null, attempt = 0): Promise<void> {
  rt.resolver.clear();
  const startedAt = rt.now();
  try {
    const keys = await rt.repo.deleteWhere(resetAt === null ? { match_all: {} } : { range: { createdAt: { lte: resetAt } } });
    for (const userId of new Set(keys.map((k) => k.userId))) await rt.quota.forget(userId);
    await forgetDeleted(rt, keys, 'reset-security', rt.audit.originOf(request));
  } catch (error) {
    retryLater(rt, attempt, 'delete API keys after a security reset', error, () => deleteAllKeys(rt, request, resetAt ?? startedAt, attempt + 1));
  }
  try {
    await rt.subscriptions.endAll();
    await rt.connections.expireAll();
    await rt.cluster.broadcast({ kind: 'all' });
  } catch (error) {
    rt.log.error(`could not end the API keys' sessions after a security reset: ${(error as Error)?.message ?? error}`);
  }
}

/**
 * The same cascades as pipes on the API path, so that `security:deleteUser` (and friends) answer only once the
 * users' keys are gone: a client that deletes a user and then lists keys must not see them. The hooks stay for
 * deletions that do not go through the API.
 */
export const userDeletionPipes = {
  afterDeleteUser: (rt: Runtime) => async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const userId = (request.result as any)?._id ?? (request.input.args as any)._id;
    if (typeof userId === 'string') await deleteKeysOfUser(rt, userId, request);
    return request;
  },
  afterMDeleteUsers: (rt: Runtime) => async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const deleted = request.result;
    if (Array.isArray(deleted)) {
      for (const userId of deleted) if (typeof userId === 'string') await deleteKeysOfUser(rt, userId, request);
    }
    return request;
  },
  afterResetSecurity: (rt: Runtime) => async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    await deleteAllKeys(rt, request);
    return request;
  },
};

/**
 * Deletions outside the API (the hooks): run a moment later, so that an API deletion's pipe (which knows who asked)
 * records the events first; then there is usually nothing left to do. The users' sessions are already gone with them.
 */
export function deferred(run: () => Promise<void>): void {
  setTimeout(() => { void run(); }, HOOK_DELAY_MS).unref();
}

const HOOK_DELAY_MS = 1000;
