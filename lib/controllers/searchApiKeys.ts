import type { KuzzleRequest } from 'kuzzle';
import type { Runtime } from '../runtime';
import { Target, targetUserId } from './common';
import { SearchResult, searchKeysOf } from './search';

export async function searchApiKeys(rt: Runtime, request: KuzzleRequest, target: Target): Promise<SearchResult> {
  return searchKeysOf(rt, request, targetUserId(request, target));
}
