/**
 * A bounded least-recently-used cache with an optional time to live.
 *
 * Backed by a single Map: a Map iterates in insertion order, so re-inserting an entry on access moves it to the
 * "most recent" end and the first key is always the least recently used one. Every operation is O(1).
 *
 * Expired entries are dropped lazily, when they are read (get/has) or when capacity is needed; `size` therefore
 * counts entries that are expired but not yet touched. `keys()` skips expired entries.
 */

interface Entry<V> {
  value: V;
  /** epoch ms from which the entry is expired; Infinity when the cache has no ttl */
  expiresAt: number;
}

export class LruCache<K, V> {
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly map = new Map<K, Entry<V>>();

  /**
   * @param maxEntries most entries kept (0 = the cache stores nothing)
   * @param ttlMs lifetime of an entry in ms, counted from its last `set` (0/undefined = no ttl)
   * @param now clock, for tests
   */
  constructor(maxEntries: number, ttlMs?: number, now?: () => number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError(`LruCache: maxEntries must be an integer >= 0 (got ${String(maxEntries)})`);
    }
    const ttl = ttlMs ?? 0;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new RangeError(`LruCache: ttlMs must be a finite number >= 0 (got ${String(ttlMs)})`);
    }
    this.maxEntries = maxEntries;
    this.ttlMs = ttl;
    this.now = now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  /** Returns the value and marks the entry as the most recently used one. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) {
      return undefined;
    }
    if (this.isStale(entry)) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Whether a live entry exists. Does not change recency; removes the entry if it expired. */
  has(key: K): boolean {
    const entry = this.map.get(key);
    if (entry === undefined) {
      return false;
    }
    if (this.isStale(entry)) {
      this.map.delete(key);
      return false;
    }
    return true;
  }

  set(key: K, value: V): void {
    if (this.maxEntries === 0) {
      return;
    }
    const expiresAt = this.ttlMs > 0 ? this.now() + this.ttlMs : Infinity;
    this.map.delete(key);
    this.map.set(key, { value, expiresAt });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      /* istanbul ignore if: cannot happen while size > maxEntries >= 1 */
      if (oldest.done === true) {
        break;
      }
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  /** Live keys, least recently used first. */
  *keys(): IterableIterator<K> {
    for (const [key, entry] of this.map) {
      if (!this.isStale(entry)) {
        yield key;
      }
    }
  }

  private isStale(entry: Entry<V>): boolean {
    return this.ttlMs > 0 && this.now() >= entry.expiresAt;
  }
}
