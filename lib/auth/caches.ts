/**
 * The request path's in-memory caches: `lru-cache` (bounded, with TTLs), and a cache that keeps nothing when a size
 * of 0 turns caching off.
 */
import { LRUCache } from 'lru-cache';

export type Cache<K extends {}, V extends {}> = Pick<LRUCache<K, V>, 'get' | 'set' | 'delete' | 'clear' | 'keys'>;

const NO_CACHE: Cache<any, any> = {
  get: () => undefined,
  set() { return this as any; },
  delete: () => false,
  clear: () => undefined,
  keys: function* keys() { /* nothing */ },
};

/** @param ttl ms, counted from the last `set` (0 = none) */
export function boundedCache<K extends {}, V extends {}>(max: number, ttl = 0): Cache<K, V> {
  if (max <= 0) return NO_CACHE;
  return new LRUCache<K, V>({ max, ...(ttl > 0 ? { ttl } : {}) });
}
