/**
 * What a node does when another node says a key changed (see ClusterSync).
 */
import type { InvalidationMessage } from './ClusterSync';
import type { Runtime } from '../runtime';

export async function applyInvalidation(
  rt: Pick<Runtime, 'resolver' | 'sessions' | 'subscriptions' | 'connections'>,
  message: InvalidationMessage,
): Promise<void> {
  if (message.kind === 'all') {
    rt.resolver.clear();
    await rt.subscriptions.endAll();
    await rt.connections.expireAll();
    return;
  }
  if (message.kind === 'user-deleted') {
    if (message.userId) {
      rt.resolver.invalidateUser(message.userId);
      // through the registry, never the cache: a key idle here for long is no longer cached
      await rt.subscriptions.endUser(message.userId);
      await rt.connections.expireUser(message.userId);
    }
    return;
  }
  if (typeof message.keyId !== 'string' || typeof message.userId !== 'string') return;
  const handle = { userId: message.userId, keyId: message.keyId };
  rt.resolver.invalidate(handle, message.fingerprint, message.kind === 'deleted');
  if (message.kind === 'deleted' || message.kind === 'ended') {
    rt.sessions.forgetLocal(handle);
    await rt.subscriptions.end(handle);
  } else {
    await rt.subscriptions.recheckUser(handle.userId);
  }
}
