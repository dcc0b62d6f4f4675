/**
 * What a node does when another node says a key changed (see ClusterSync).
 */
import type { InvalidationMessage } from './ClusterSync';
import type { Runtime } from '../runtime';

export async function applyInvalidation(
  rt: Pick<Runtime, 'resolver' | 'sessions' | 'connections'>,
  message: InvalidationMessage,
): Promise<void> {
  if (message.kind === 'all') {
    rt.resolver.clear();
    return;
  }
  if (message.kind === 'user-deleted') {
    if (message.userId) {
      for (const key of rt.resolver.invalidateUser(message.userId)) await rt.connections.expire(key);
    }
    return;
  }
  if (typeof message.keyId !== 'string' || typeof message.userId !== 'string') return;
  const handle = { userId: message.userId, keyId: message.keyId };
  rt.resolver.invalidate(handle, message.fingerprint, message.kind === 'deleted');
  if (message.kind === 'deleted' || message.kind === 'ended') {
    rt.sessions.forgetLocal(handle);
    await rt.connections.expire(handle);
  }
}
