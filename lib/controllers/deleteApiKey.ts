import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import type { Runtime } from '../runtime';
import { Target, descendantsOf, destroyKey, keyIdOf, nativeNameOf, refreshOf, targetUserId } from './common';

/**
 * Hard delete. Keys created by this key (children) die with it. Through a native action name, an id
 * unknown to the plugin falls through to Kuzzle's own API keys (keys created before the plugin).
 */
export async function deleteApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<{ _id: string }> {
  const native = nativeNameOf(rt, request);
  const userId = targetUserId(request, target);
  const refresh = refreshOf(request, native === 'auth:deleteApiKey' ? 'false' : 'wait_for');
  let keyId: string;
  try {
    keyId = keyIdOf(request);
  } catch (error) {
    // Kuzzle's own keys may have ids this plugin never issues
    if (native) return deleteNativeKey(rt, request, native, userId, request.getId(), refresh);
    throw error;
  }

  const key = await rt.repo.getKey(keyId);
  if (!key || key.userId !== userId) {
    if (native) return deleteNativeKey(rt, request, native, userId, keyId, refresh);
    throw new ApiKeyError('not_found', `API key "${keyId}" not found for user "${userId}".`);
  }
  const children = await descendantsOf(rt, key);
  await destroyKey(rt, key, refresh);
  for (const child of children) await destroyKey(rt, child, refresh);
  return { _id: keyId };
}

async function deleteNativeKey(
  rt: Runtime, request: KuzzleRequest, native: string, userId: string, keyId: string, refresh: string,
): Promise<{ _id: string }> {
  const options = { refresh: refresh === 'wait_for' ? 'wait_for' : false };
  if (native === 'auth:deleteApiKey' && rt.keyRequests.of(request)) {
    throw new ApiKeyError('escalation', 'An API key cannot delete a key it did not create.');
  }
  // Rights were checked on the native name. The embedded SDK refuses auth:deleteApiKey (a 500), so the caller's own
  // key goes through security:deleteApiKey, with the caller's kuid (userId is the caller for auth:deleteApiKey).
  await rt.sdk.security.deleteApiKey(userId, keyId, options);
  return { _id: keyId };
}
