import { randomUUID } from 'crypto';
import { Mutex, type KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { NEVER, parseGracePeriod } from '../core/expiry';
import { PublicKey, StoredKey, storageIdOf, toPublicKey } from '../core/key';
import { keyChain } from '../auth/keyState';
import type { Runtime } from '../runtime';
import { mintUniqueSecret } from './secrets';
import {
  Target, assertMayManage, assertNoSecretForOtherUser, assertUserExists, auditOriginOf, fieldOf, keyChanged, keyIdOf, loadOwnedKey, refreshOf, targetUserId,
} from './common';

const LOCK_WAIT_MS = 10_000;
const LOCK_TTL_MS = 30_000;

/**
 * A new secret for the same key (same id, uid, scopes, claims, policies, children, expiry and lastUsedAt), shown once.
 * The previous secret works for `gracePeriod` more (0 by default: it stops at once), never past the key's expiry;
 * rotating again ends it at once, so that at most two secrets are valid. Former secrets then get 401 `rotated`.
 * Rotations of one key are serialized cluster-wide: two racing rotations would each return a secret, and one of
 * them would never work.
 */
export async function rotateApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<PublicKey> {
  const userId = targetUserId(request, target);
  const keyId = keyIdOf(request);
  const grace = parseGracePeriod(fieldOf(request, 'gracePeriod'), rt.config.maxRotationGrace);
  const refresh = refreshOf(request, 'wait_for');
  await assertNoSecretForOtherUser(rt, request, userId, 'rotate');

  const mutex = new Mutex(`plugin-api-keys/rotate/${storageIdOf({ userId, keyId })}`, { timeout: LOCK_WAIT_MS, ttl: LOCK_TTL_MS });
  if (!(await mutex.lock())) {
    throw new ApiKeyError('storage_unavailable', `API key "${keyId}" is being rotated by another request: retry later.`);
  }
  try {
    const key = await loadOwnedKey(rt, userId, keyId);
    await assertMayManage(rt, request, key, 'rotate');
    const now = rt.now();
    const chain = await keyChain(rt.resolver, key, now);
    if (chain.state !== 'valid') {
      throw new ApiKeyError('invalid_argument', `API key "${keyId}" is ${chain.state === 'orphan' ? 'orphaned' : chain.state}: it cannot be rotated.`);
    }
    const user = await assertUserExists(rt, userId);
    const owned = { ...key, uid: key.uid ?? randomUUID() };
    // the secret being replaced answers `rotated` (not an unknown token) once it stops working
    await rt.repo.stampFingerprint(key.fingerprint, owned);
    let fingerprint = '';
    const secret = await mintUniqueSecret(rt, user, async (candidate) => {
      await rt.repo.addFingerprint(candidate, owned);
      fingerprint = candidate;
    });
    const graceEnd = chain.expiresAt === NEVER ? now + grace : Math.min(now + grace, chain.expiresAt);
    const changes: Partial<StoredKey> = {
      fingerprint,
      previousFingerprint: key.fingerprint,
      previousSecretExpiresAt: grace > 0 ? graceEnd : null,
      rotatedAt: now,
      updatedAt: now,
      uid: owned.uid,
    };
    const updated = await rt.repo.updateKey(key, changes, refresh);
    if (!updated) throw new ApiKeyError('not_found', `API key "${keyId}" not found for user "${userId}".`);
    rt.resolver.forgetNegative(fingerprint);
    // here and on every node: the cached key with the old secret goes, and subscriptions opened with a secret that
    // no longer works end (the previous one's end at its grace)
    await keyChanged(rt, updated, { endSessions: false });
    await rt.audit.record({ action: 'rotate', userId, keyId, fields: ['fingerprint'] }, await auditOriginOf(rt, request));
    return toPublicKey(updated, now, secret, chain.expiresAt);
  } finally {
    await mutex.unlock().catch(() => undefined);
  }
}
