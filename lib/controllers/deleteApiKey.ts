import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { StoredKey, fingerprintOf, standingOf } from '../core/key';
import type { Runtime } from '../runtime';
import { keyContextOf } from '../auth/KeyRequests';
import type { Refresh } from '../storage/KeyRepository';
import { validateKeyId, validateStorageId } from '../core/validation';
import { Target, assertMayManage, auditOriginOf, descendantsOf, destroyKey, nativeNameOf, refreshOf, targetUserId } from './common';

const FINGERPRINT = /^[0-9a-f]{64}$/;

/** Which key to delete: exactly one of `_id`, `fingerprint`, or the clear secret as `body.key` (as Kuzzle >= 2.57). */
type Selector = { by: 'id'; id: string } | { by: 'fingerprint'; fingerprint: string };

function selectorOf(request: KuzzleRequest): Selector {
  const args = request.input.args as Record<string, unknown>;
  const body = request.input.body as Record<string, unknown> | null;
  const given = (v: unknown) => v !== undefined && v !== null;
  // the secret only ever in the body: a query string lands in Kuzzle's access log
  const secret = body && typeof body === 'object' && !Array.isArray(body) ? body.key : undefined;
  const forms = [given(args._id), given(args.fingerprint), given(secret)].filter(Boolean).length;
  if (forms !== 1) {
    throw new ApiKeyError('invalid_argument', 'Give exactly one of "_id", "fingerprint", or the secret as "body.key".');
  }
  if (given(args._id)) return { by: 'id', id: request.getId() };
  if (given(secret)) {
    if (typeof secret !== 'string' || secret.length === 0) throw new ApiKeyError('invalid_argument', 'Invalid "body.key": expected the secret, a string.');
    return { by: 'fingerprint', fingerprint: fingerprintOf(secret) };
  }
  if (typeof args.fingerprint !== 'string' || !FINGERPRINT.test(args.fingerprint)) {
    throw new ApiKeyError('invalid_argument', 'Invalid "fingerprint": expected the 64 lowercase hex characters of the secret\'s sha256.');
  }
  return { by: 'fingerprint', fingerprint: args.fingerprint };
}

/**
 * Hard delete. Keys created by this key (children) die with it. Through a native action name, a key unknown to the
 * plugin falls through to Kuzzle's own API keys (legacy keys, created before the plugin).
 */
export async function deleteApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<{ _id: string }> {
  const native = nativeNameOf(rt, request);
  const userId = targetUserId(request, target);
  const refresh = refreshOf(request, native === 'auth:deleteApiKey' ? 'false' : 'wait_for');
  const selector = selectorOf(request);

  const key = await findKey(rt, userId, selector, Boolean(native));
  if (!key) {
    if (native) return deleteLegacyKey(rt, request, userId, selector, refresh);
    throw new ApiKeyError('not_found', `API key not found for user "${userId}".`);
  }
  await assertMayManage(rt, request, key, 'delete');
  const origin = await auditOriginOf(rt, request);
  const children = await descendantsOf(rt, key);
  await destroyKey(rt, key, refresh);
  await rt.audit.record({ action: 'delete', userId: key.userId, keyId: key.keyId }, origin);
  for (const child of children) {
    await destroyKey(rt, child, refresh);
    await rt.audit.record({ action: 'delete', userId: child.userId, keyId: child.keyId, cause: 'parent-deleted' }, origin);
  }
  return { _id: key.keyId };
}

async function findKey(rt: Runtime, userId: string, selector: Selector, native: boolean): Promise<StoredKey | null> {
  if (selector.by === 'fingerprint') {
    const link = await rt.repo.getFingerprint(selector.fingerprint);
    if (!link || link.userId !== userId) return null;
    const key = await rt.repo.getKey(link);
    // the key's secret now, or its previous one during a rotation grace: never a former secret
    const standing = key ? standingOf(key, selector.fingerprint, link.uid, rt.now()) : 'foreign';
    return standing === 'current' || standing === 'grace' ? key : null;
  }
  let keyId: string;
  try {
    keyId = validateKeyId(selector.id) as string;
  } catch (error) {
    if (!native) throw error;
    // Kuzzle's own keys may have ids this plugin never issues, but not ids no storage can hold
    validateStorageId('_id', selector.id);
    return null;
  }
  return rt.repo.getKey({ userId, keyId });
}

async function deleteLegacyKey(
  rt: Runtime, request: KuzzleRequest, userId: string, selector: Selector, refresh: Refresh,
): Promise<{ _id: string }> {
  if (await keyContextOf(rt, request)) {
    throw new ApiKeyError('escalation', 'An API key cannot delete a key it did not create.');
  }
  const id = selector.by === 'id' ? selector.id : await rt.repo.findLegacyKeyId(userId, selector.fingerprint);
  if (id === null) throw new ApiKeyError('not_found', `API key not found for user "${userId}".`);
  // Rights were checked on the native name. The embedded SDK refuses auth:deleteApiKey (a 500), so the caller's own
  // key goes through security:deleteApiKey, with the caller's kuid (userId is the caller for auth:deleteApiKey).
  await rt.sdk.security.deleteApiKey(userId, id, { refresh: refresh === 'wait_for' ? 'wait_for' : false });
  return { _id: id };
}
