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

export async function deleteKeysOfUser(rt: Runtime, userId: string, request: KuzzleRequest | null = null): Promise<void> {
  try {
    rt.resolver.invalidateUser(userId);
    const keys = await rt.repo.deleteWhere({ term: { userId } });
    await rt.quota.forget(userId);
    await forgetDeleted(rt, keys, 'user-deleted', rt.audit.originOf(request));
    await rt.subscriptions.endUser(userId);
    await rt.connections.expireUser(userId);
    await rt.cluster.broadcast({ kind: 'user-deleted', userId });
  } catch (error) {
    rt.log.error(`could not delete the API keys of deleted user "${userId}": ${(error as Error)?.message ?? error}`);
  }
}

export async function deleteAllKeys(rt: Runtime, request: KuzzleRequest | null = null): Promise<void> {
  try {
    const keys = await rt.repo.deleteWhere({ match_all: {} });
    for (const userId of new Set(keys.map((k) => k.userId))) await rt.quota.forget(userId);
    await forgetDeleted(rt, keys, 'reset-security', rt.audit.originOf(request));
    rt.resolver.clear();
    await rt.subscriptions.endAll();
    await rt.connections.expireAll();
    await rt.cluster.broadcast({ kind: 'all' });
  } catch (error) {
    rt.log.error(`could not delete API keys after a security reset: ${(error as Error)?.message ?? error}`);
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
