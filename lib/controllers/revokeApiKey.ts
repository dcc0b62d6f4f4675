import type { KuzzleRequest } from 'kuzzle';
import { PublicKey, StoredKey } from '../core/key';
import { validateRevocationReason } from '../core/validation';
import type { Runtime } from '../runtime';
import type { Refresh } from '../storage/KeyRepository';
import { Target, assertMayManage, auditOriginOf, callerKuid, descendantsOf, fieldOf, keyChanged, keyIdOf, loadOwnedKey, refreshOf, targetUserId, publicView } from './common';

/**
 * Soft revocation: the key is refused (401 `revoked`) from the next request and kept for audit.
 * Revoking again is not an error; the first revocation and its reason are kept, even under a race.
 * Keys this key created are revoked with it.
 */
export async function revokeApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<PublicKey> {
  const userId = targetUserId(request, target);
  const keyId = keyIdOf(request);
  const reason = validateRevocationReason(fieldOf(request, 'revocationReason'));
  const refresh = refreshOf(request, 'wait_for');
  const key = await loadOwnedKey(rt, userId, keyId);
  await assertMayManage(rt, request, key, 'revoke');
  const origin = await auditOriginOf(rt, request);
  const revoked = await revoke(rt, key, { by: callerKuid(request), reason }, refresh);
  await rt.audit.record({ action: 'revoke', userId, keyId, fields: reason === null ? [] : ['revocationReason'] }, origin);
  for (const child of await descendantsOf(rt, key)) {
    await revoke(rt, child, { by: callerKuid(request), reason: `parent key "${keyId}" revoked` }, refresh);
    await rt.audit.record({ action: 'revoke', userId, keyId: child.keyId, cause: 'parent-revoked' }, origin);
  }
  return publicView(rt, revoked);
}

async function revoke(rt: Runtime, key: StoredKey, who: { by: string; reason: string | null }, refresh: Refresh): Promise<StoredKey> {
  // Reject locally at once, then record.
  rt.resolver.invalidate(key, key.fingerprint);
  const revocation = await rt.repo.claimRevocation(key, {
    revokedAt: rt.now(),
    revokedBy: who.by,
    revocationReason: who.reason,
  });
  const updated = (await rt.repo.updateKey(key, { revoked: true, ...revocation }, refresh))
    ?? { ...key, revoked: true, ...revocation };
  await keyChanged(rt, updated, { endSessions: true });
  return updated;
}
