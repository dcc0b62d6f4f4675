import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import type { Runtime } from '../runtime';
import { Target, callerKuid } from './common';
import { SearchResult, bindScroll, scrollOwner, scrollTtlMs, shapePage } from './search';

const DEFAULT_SCROLL = '30s';

export async function scrollApiKeys(rt: Runtime, request: KuzzleRequest, target: Target): Promise<SearchResult> {
  const scrollId = request.getString('scrollId');
  const scroll = request.getString('scroll', DEFAULT_SCROLL);
  const owner = await scrollOwner(rt, scrollId);
  // Only scroll ids issued by searchApiKeys are accepted; on api-keys/auth, only the caller's own.
  if (owner === null || (target === 'auth' && owner !== callerKuid(request))) {
    throw new ApiKeyError('not_found', 'Unknown or expired scrollId.');
  }
  let page;
  try {
    page = await rt.repo.scroll(scrollId, scroll);
  } catch (error: any) {
    if (error?.id === 'services.storage.unknown_scroll_id') throw new ApiKeyError('not_found', 'Unknown or expired scrollId.');
    if (error?.status === 400) throw new ApiKeyError('invalid_argument', `Invalid scroll: ${error.message}`);
    throw error;
  }
  // Never return another user's key, whatever the scroll id says.
  page.hits = page.hits.filter((key) => key.userId === owner);
  // the scroll lives as long as the caller asked (Kuzzle caps it at maxScrollDuration): so does its owner binding
  if (page.scrollId) await bindScroll(rt, page.scrollId, owner, scrollTtlMs(scroll));
  return shapePage(rt, page);
}
