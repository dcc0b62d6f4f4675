/**
 * The two resources Kuzzle does not carry in the request itself:
 * - a realtime room's index and collection, which the cluster knows from the room's normalized filter (its Koncorde
 *   index is `<index>/<collection>`, and `/` cannot occur in either name);
 * - the indexes and collections of the search that opened a scroll. document:scroll reads only a scroll id, so the
 *   plugin binds each scroll id a key obtains to that search's resources, in Redis (shared by every node), for the
 *   scroll's own lifetime. An unbound scroll id has no resource: index-narrowed keys cannot use it.
 */
import { createHash } from 'crypto';
import ms from 'ms';
import type { Resource } from '../core/scopes';
import type { Ask } from '../storage/KeyRepository';
import type { ResourceLookups } from './resources';

const SCROLL_BINDING = 'plugin-api-keys/document-scroll/';
const FALLBACK_SCROLL_TTL_MS = 60_000;

export interface ScrollSettings {
  /** Kuzzle's services.storageEngine.defaults.scrollTTL */
  defaultTTL: string | number | undefined;
  /** Kuzzle's services.storageEngine.maxScrollDuration */
  maxDuration: string | number | undefined;
}

function toMs(value: unknown): number | null {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? ms(value as ms.StringValue) : undefined;
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed > 0 ? parsed : null;
}

function scrollKey(scrollId: string): string {
  return SCROLL_BINDING + createHash('sha256').update(scrollId).digest('hex');
}

export class KuzzleResourceLookups implements ResourceLookups {
  constructor(private readonly ask: Ask, private readonly settings: () => ScrollSettings) {}

  async room(roomId: string): Promise<Resource | null> {
    const normalized = await this.ask('cluster:realtime:filters:get', roomId);
    const koncordeIndex = normalized?.index;
    if (typeof koncordeIndex !== 'string') return null;
    const slash = koncordeIndex.indexOf('/');
    if (slash <= 0 || slash === koncordeIndex.length - 1) return null;
    return { index: koncordeIndex.slice(0, slash), collection: koncordeIndex.slice(slash + 1) };
  }

  async scroll(scrollId: string): Promise<Resource[] | null> {
    const raw = await this.ask('core:cache:internal:get', scrollKey(scrollId));
    if (typeof raw !== 'string') return null;
    const resources = JSON.parse(raw);
    return Array.isArray(resources) ? resources : null;
  }

  /** Binds a scroll id to resources for as long as Kuzzle keeps the scroll (`scroll` argument or Kuzzle's default). */
  async bindScroll(scrollId: string, resources: Resource[], scrollArg: unknown): Promise<void> {
    const { defaultTTL, maxDuration } = this.settings();
    let ttl = toMs(scrollArg) ?? toMs(defaultTTL) ?? FALLBACK_SCROLL_TTL_MS;
    const cap = toMs(maxDuration);
    if (cap !== null) ttl = Math.min(ttl, cap);
    await this.ask('core:cache:internal:store', scrollKey(scrollId), JSON.stringify(resources), { ttl });
  }
}
