/**
 * The indexes and collections a request touches, read the way Kuzzle reads them for that action (the kind comes
 * from core/resourceTable). Anything Kuzzle would refuse or could read differently yields `null`: the request is
 * then denied to index-narrowed keys (fail closed).
 */
import type { KuzzleRequest } from 'kuzzle';
import type { Resource } from '../core/scopes';
import type { ResourceKind } from '../core/resourceTable';

export interface ResourceLookups {
  /** the index and collection of a realtime room; null when the room is unknown */
  room(roomId: string): Promise<Resource | null>;
  /** the resources bound to a scroll id by the search that opened it; null when unbound */
  scroll(scrollId: string): Promise<Resource[] | null>;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function targetsOf(request: KuzzleRequest): Resource[] | null {
  let targets: unknown[];
  try {
    targets = request.getArray('targets', []);
  } catch {
    return null;
  }
  const out: Resource[] = [];
  for (const target of targets as any[]) {
    if (!target || !isName(target.index) || !Array.isArray(target.collections) || target.collections.length === 0) return null;
    for (const collection of target.collections) {
      if (!isName(collection)) return null;
      out.push({ index: target.index, collection });
    }
  }
  return out;
}

function indexAndCollection(args: Record<string, unknown>): Resource[] | null {
  return isName(args.index) && isName(args.collection) ? [{ index: args.index, collection: args.collection }] : null;
}

export async function resourcesOf(request: KuzzleRequest, kind: ResourceKind, lookups: ResourceLookups): Promise<Resource[] | null> {
  const args = request.input.args as Record<string, unknown>;
  const body = (request.input.body ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'index+collection':
      return indexAndCollection(args);
    case 'index':
      return isName(args.index) ? [{ index: args.index }] : null;
    case 'body-indexes': {
      const indexes = body.indexes;
      if (!Array.isArray(indexes) || indexes.length === 0 || !indexes.every(isName)) return null;
      return indexes.map((index) => ({ index }));
    }
    case 'search': {
      // Kuzzle's funnel refuses targets together with index/collection; without targets, index + collection
      const targets = targetsOf(request);
      if (targets === null) return null;
      return targets.length > 0 ? targets : indexAndCollection(args);
    }
    case 'room': {
      if (!isName(body.roomId)) return null;
      try {
        const room = await lookups.room(body.roomId);
        return room ? [room] : [];
      } catch {
        return null;
      }
    }
    case 'scroll': {
      if (!isName(args.scrollId)) return null;
      try {
        return (await lookups.scroll(args.scrollId)) ?? [];
      } catch {
        return null;
      }
    }
    default:
      return [];
  }
}

/** " on shop/orders, other", " (its indexes cannot be determined)", or "" for a request without index. */
export function describeResources(resources: Resource[] | null): string {
  if (resources === null) return ' (its indexes cannot be determined)';
  if (resources.length === 0) return '';
  return ` on ${resources.map((r) => (r.collection ? `${r.index}/${r.collection}` : r.index)).join(', ')}`;
}
