/**
 * Scroll contexts: a point-in-time list of sorted hits taken at the initial search, paged by
 * scroll requests, renewed by each scroll's keep-alive and freed on expiry or clear-scroll.
 */
import { randomBytes } from 'crypto';
import { esError, illegalArgument } from './errors';
import type { HitEntry, SearchSpec } from './search';
import { parseTimeValue } from './util';

export interface ScrollContext {
  id: string;
  entries: HitEntry[];
  pos: number;
  size: number;
  spec: SearchSpec;
  total: number;
  indices: string[];
  expiresAt: number;
  shards: { total: number; successful: number; failed: number };
}

export const MAX_OPEN_SCROLL_CONTEXTS = 500;
const MAX_KEEP_ALIVE_MS = 24 * 3_600_000;

export function parseKeepAlive(value: unknown, name = 'scroll'): number {
  const ms = parseTimeValue(value);
  if (ms === null || ms < 0) {
    throw illegalArgument(`failed to parse setting [${name}] with value [${String(value)}] as a time value: unit is missing or unrecognized`);
  }
  if (ms > MAX_KEEP_ALIVE_MS) {
    throw illegalArgument(`Keep alive for request (${String(value)}) is too large. It must be less than (1d). This limit can be set by changing the [search.max_keep_alive] cluster level setting.`);
  }
  return ms;
}

export class ScrollStore {
  private readonly contexts = new Map<string, ScrollContext>();

  create(init: Omit<ScrollContext, 'id' | 'expiresAt'>, keepAliveMs: number): ScrollContext {
    this.sweep();
    if (this.contexts.size >= MAX_OPEN_SCROLL_CONTEXTS) {
      throw esError(500, {
        type: 'illegal_argument_exception',
        reason: `Trying to create too many scroll contexts. Must be less than or equal to: [${MAX_OPEN_SCROLL_CONTEXTS}]. This limit can be set by changing the [search.max_open_scroll_context] setting.`,
      });
    }
    const id = `FGluY2x1ZGVfY29udGV4dF91dWlk${randomBytes(24).toString('base64')}`;
    const ctx: ScrollContext = { ...init, id, expiresAt: Date.now() + keepAliveMs };
    this.contexts.set(id, ctx);
    return ctx;
  }

  get(id: string): ScrollContext | undefined {
    const ctx = this.contexts.get(id);
    if (!ctx) return undefined;
    if (ctx.expiresAt < Date.now()) {
      this.contexts.delete(id);
      return undefined;
    }
    return ctx;
  }

  peekIndices(id: string): string[] {
    return this.contexts.get(id)?.indices ?? [];
  }

  clear(ids: string[]): number {
    let freed = 0;
    for (const id of ids) {
      if (this.get(id) && this.contexts.delete(id)) freed++;
    }
    return freed;
  }

  clearAll(): number {
    const n = this.contexts.size;
    this.contexts.clear();
    return n;
  }

  sweep(): void {
    const now = Date.now();
    for (const [id, ctx] of this.contexts) if (ctx.expiresAt < now) this.contexts.delete(id);
  }

  get size(): number {
    return this.contexts.size;
  }
}
