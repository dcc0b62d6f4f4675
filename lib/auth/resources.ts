/**
 * The indexes and collections a request touches, for scope narrowing.
 * Returns null when they cannot be determined (the request is then denied to index-narrowed keys).
 */
import type { KuzzleRequest } from 'kuzzle';
import type { Resource } from '../core/scopes';

export function resourcesOf(request: KuzzleRequest): Resource[] | null {
  const args = request.input.args as Record<string, any>;
  const out: Resource[] = [];
  if (args.targets !== undefined && args.targets !== null) {
    let targets: unknown;
    try {
      targets = request.getArray('targets', []);
    } catch {
      return null;
    }
    for (const target of targets as any[]) {
      if (!target || typeof target.index !== 'string') return null;
      const collections = target.collections;
      if (collections === undefined || (Array.isArray(collections) && collections.length === 0)) {
        out.push({ index: target.index });
        continue;
      }
      if (!Array.isArray(collections)) return null;
      for (const collection of collections) {
        if (typeof collection !== 'string') return null;
        out.push({ index: target.index, collection });
      }
    }
  }
  if (args.index !== undefined && args.index !== null) {
    if (typeof args.index !== 'string') return null;
    if (args.collection !== undefined && args.collection !== null && typeof args.collection !== 'string') return null;
    out.push(args.collection ? { index: args.index, collection: args.collection } : { index: args.index });
  }
  // index:mDelete names its indexes in the body
  if (request.input.controller === 'index' && request.input.action === 'mDelete') {
    const indexes = (request.input.body as any)?.indexes;
    if (!Array.isArray(indexes) || indexes.some((i) => typeof i !== 'string')) return null;
    for (const index of indexes) out.push({ index });
  }
  return out;
}

/** " on shop/orders, other", " (its indexes cannot be determined)", or "" for a request without index. */
export function describeResources(resources: Resource[] | null): string {
  if (resources === null) return ' (its indexes cannot be determined)';
  if (resources.length === 0) return '';
  return ` on ${resources.map((r) => (r.collection ? `${r.index}/${r.collection}` : r.index)).join(', ')}`;
}
