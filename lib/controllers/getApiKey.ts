import type { KuzzleRequest } from 'kuzzle';
import { PublicKey } from '../core/key';
import type { Runtime } from '../runtime';
import { Target, keyIdOf, loadOwnedKey, targetUserId, publicView } from './common';

export async function getApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<PublicKey> {
  const userId = targetUserId(request, target);
  const key = await loadOwnedKey(rt, userId, keyIdOf(request));
  return publicView(rt, key);
}
