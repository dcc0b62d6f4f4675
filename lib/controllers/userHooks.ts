/**
 * Keys die with their user: every user deletion (through the API or not: the `core:security:user:delete`
 * event) and admin:resetSecurity (`core:security:user:truncate`). Kuzzle has already deleted the users'
 * sessions; the keys go by query, whatever their number.
 */
import type { StoredKey } from '../core/key';
import type { Runtime } from '../runtime';

/** After a bulk deletion: caches, sessions and realtime subscriptions of every deleted key. */
async function forgetDeleted(rt: Runtime, keys: StoredKey[]): Promise<void> {
  for (const key of keys) {
    rt.resolver.invalidate(key.keyId, key.fingerprint, true);
    rt.usage.forget(key.keyId);
    await rt.sessions.drop(key.keyId, key.userId).catch(() => undefined);
    await rt.connections.expire(key.keyId);
  }
}

export async function deleteKeysOfUser(rt: Runtime, userId: string): Promise<void> {
  try {
    rt.resolver.invalidateUser(userId);
    const keys = await rt.repo.deleteWhere({ term: { userId } });
    await forgetDeleted(rt, keys);
    await rt.cluster.broadcast({ kind: 'user-deleted', userId });
  } catch (error) {
    rt.log.error(`could not delete the API keys of deleted user "${userId}": ${(error as Error)?.message ?? error}`);
  }
}

export async function deleteAllKeys(rt: Runtime): Promise<void> {
  try {
    const keys = await rt.repo.deleteWhere({ match_all: {} });
    await forgetDeleted(rt, keys);
    rt.resolver.clear();
    await rt.cluster.broadcast({ kind: 'all' });
  } catch (error) {
    rt.log.error(`could not delete API keys after a security reset: ${(error as Error)?.message ?? error}`);
  }
}
