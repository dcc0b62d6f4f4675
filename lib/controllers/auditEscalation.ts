import type { KuzzleRequest } from 'kuzzle';
import { keyContextOf } from '../auth/KeyRequests';
import type { Runtime } from '../runtime';
import type { Target } from './common';

/**
 * A refused escalation is an audit event (rate-bounded per calling key, see AuditTrail). It names the key the
 * request targeted when it named one, and the user it targeted.
 */
export async function auditEscalation(rt: Runtime, request: KuzzleRequest, target: Target): Promise<void> {
  try {
    const caller = (await keyContextOf(rt, request))?.key;
    if (!caller) return;
    const args = request.input.args as Record<string, unknown>;
    const userId = target === 'security' && typeof args.userId === 'string' ? args.userId : caller.userId;
    const keyId = typeof args._id === 'string' ? args._id.slice(0, 128) : null;
    await rt.audit.escalation({ userId, keyId }, rt.audit.originOf(request, caller), caller);
  } catch (error) {
    rt.log.error(`could not record a refused escalation: ${(error as Error)?.message ?? error}`);
  }
}
