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
      for (const keyId of rt.resolver.invalidateUser(message.userId)) await rt.connections.expire(keyId);
    }
    return;
  }
  if (!message.keyId) return;
  rt.resolver.invalidate(message.keyId, message.fingerprint, message.kind === 'deleted');
  if (message.kind === 'deleted' || message.kind === 'ended') {
    rt.sessions.forgetLocal(message.keyId);
    await rt.connections.expire(message.keyId);
  }
}
