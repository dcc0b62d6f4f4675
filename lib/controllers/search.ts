/**
 * Query building for searchApiKeys: the client's clause, always restricted to the target user, plus
 * the `query` (free text), `status` and `sort` arguments. Scroll ids are bound to the user they were
 * issued for, so that api-keys/auth:scrollApiKeys cannot page through somebody else's keys.
 */
import { createHash } from 'crypto';
import ms from 'ms';
import { KuzzleRequest, QueryTranslator } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { assertAllowedClause } from '../core/queryClauses';
import { NEVER } from '../core/expiry';
import { PublicKey } from '../core/key';
import { publicView } from './common';
import { SORTABLE_FIELDS } from '../storage/mappings';
import type { SearchPage } from '../storage/KeyRepository';
import type { Runtime } from '../runtime';

export const MAX_RESULT_WINDOW = 10000;
const SCROLL_OWNER = 'plugin-api-keys/scroll/';
const DEFAULT_SCROLL_TTL_MS = 30000;
const STATUSES = ['all', 'valid', 'revoked', 'expired'] as const;
type Status = (typeof STATUSES)[number];

export interface SearchResult {
  hits: PublicKey[];
  total: number;
  scrollId?: string;
}

function statusFilter(status: Status, now: number): unknown[] {
  const expired = { bool: { must_not: [{ term: { expiresAt: NEVER } }], filter: [{ range: { expiresAt: { lte: now } } }] } };
  switch (status) {
    case 'all': return [];
    case 'revoked': return [{ term: { revoked: true } }];
    case 'expired': return [{ bool: { must_not: [{ term: { revoked: true } }], filter: [expired] } }];
    case 'valid': return [{ bool: { must_not: [{ term: { revoked: true } }, expired] } }];
  }
}

function clauseOf(request: KuzzleRequest): unknown | null {
  let body = request.input.body as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) return null;
  // The clause itself is expected (as Kuzzle's native searchApiKeys); `{ query: clause }` is accepted too.
  if (Object.keys(body).length === 1 && body.query && typeof body.query === 'object') body = body.query as Record<string, unknown>;
  const lang = request.input.args.lang ?? 'elasticsearch';
  let clause: unknown = body;
  if (lang === 'koncorde') {
    try {
      clause = new QueryTranslator().translate(body);
    } catch (error) {
      throw new ApiKeyError('invalid_argument', `Invalid Koncorde query: ${(error as Error).message}`);
    }
  } else if (lang !== 'elasticsearch') {
    throw new ApiKeyError('invalid_argument', `Invalid "lang" argument "${String(lang)}": expected "elasticsearch" or "koncorde".`);
  }
  assertAllowedClause(clause);
  return clause;
}

function sortOf(raw: unknown): unknown[] {
  const tiebreak = { keyId: 'asc' };
  if (raw === undefined || raw === null || raw === '') return [{ createdAt: 'desc' }, tiebreak];
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = value.trim().startsWith('[') || value.trim().startsWith('{') ? JSON.parse(value) : value.split(',');
    } catch {
      throw new ApiKeyError('invalid_argument', 'Invalid "sort" argument: not valid JSON.');
    }
  }
  const entries = Array.isArray(value) ? value : [value];
  const sort: unknown[] = [];
  for (const entry of entries) {
    let field: string;
    let order = 'asc';
    if (typeof entry === 'string') {
      const [f, o] = entry.trim().split(':');
      field = f;
      if (o) order = o;
    } else if (entry && typeof entry === 'object' && Object.keys(entry).length === 1) {
      field = Object.keys(entry)[0];
      const spec = (entry as Record<string, any>)[field];
      order = typeof spec === 'string' ? spec : spec?.order ?? 'asc';
    } else {
      throw new ApiKeyError('invalid_argument', 'Invalid "sort" argument: expected a field name, "field:order", { field: order } or an array of them.');
    }
    const indexed = SORTABLE_FIELDS[field];
    if (!indexed) {
      throw new ApiKeyError('invalid_argument', `Cannot sort API keys on "${field}". Sortable fields: ${Object.keys(SORTABLE_FIELDS).join(', ')}.`);
    }
    if (order !== 'asc' && order !== 'desc') {
      throw new ApiKeyError('invalid_argument', `Invalid sort order "${order}" for "${field}": expected "asc" or "desc".`);
    }
    sort.push({ [indexed]: { order, missing: '_last' } });
  }
  sort.push(tiebreak);
  return sort;
}

function intArg(request: KuzzleRequest, name: string, fallback: number, min: number, max: number): number {
  const value = request.getInteger(name, fallback);
  if (value < min || value > max) {
    throw new ApiKeyError('invalid_argument', `Invalid "${name}" argument ${value}: expected an integer between ${min} and ${max}.`);
  }
  return value;
}

/** A scroll duration in ms, as the caller asked for it, capped by Kuzzle's maxScrollDuration. */
export function scrollTtlMs(scroll: string): number {
  // ms-style strings ("30s", "1m"); Kuzzle validates the value itself when it runs the search.
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(scroll.trim());
  if (!match) throw new ApiKeyError('invalid_argument', `Invalid "scroll" argument "${scroll}": expected a duration such as "30s".`);
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[match[2] ?? 'ms'] as number;
  const asked = Number(match[1]) * unit;
  const max = ms(String((global as any).kuzzle?.config?.services?.storageEngine?.maxScrollDuration ?? '') as ms.StringValue) as number | undefined;
  return typeof max === 'number' && max > 0 ? Math.min(asked, max) : asked;
}

function scrollKey(scrollId: string): string {
  return SCROLL_OWNER + createHash('sha256').update(scrollId).digest('hex');
}

export async function bindScroll(rt: Runtime, scrollId: string, userId: string, ttlMs: number): Promise<void> {
  await rt.ask('core:cache:internal:store', scrollKey(scrollId), userId, { ttl: Math.max(ttlMs, 1000) });
}

export async function scrollOwner(rt: Runtime, scrollId: string): Promise<string | null> {
  const owner = await rt.ask('core:cache:internal:get', scrollKey(scrollId));
  return typeof owner === 'string' ? owner : null;
}

export async function shapePage(rt: Runtime, page: SearchPage): Promise<SearchResult> {
  const result: SearchResult = { hits: await Promise.all(page.hits.map((key) => publicView(rt, key))), total: page.total };
  if (page.scrollId) result.scrollId = page.scrollId;
  return result;
}

export async function searchKeysOf(rt: Runtime, request: KuzzleRequest, userId: string): Promise<SearchResult> {
  const from = intArg(request, 'from', 0, 0, MAX_RESULT_WINDOW);
  const size = intArg(request, 'size', 10, 0, MAX_RESULT_WINDOW);
  if (from + size > MAX_RESULT_WINDOW) {
    throw new ApiKeyError('invalid_argument', `from + size must not exceed ${MAX_RESULT_WINDOW}: use "scroll" to page further.`);
  }
  const args = request.input.args as Record<string, unknown>;
  const status = (args.status ?? 'all') as Status;
  if (!STATUSES.includes(status)) {
    throw new ApiKeyError('invalid_argument', `Invalid "status" argument "${String(status)}": expected one of ${STATUSES.join(', ')}.`);
  }
  const scroll = args.scroll === undefined || args.scroll === null ? undefined : String(args.scroll);
  const ttl = scroll ? scrollTtlMs(scroll) : DEFAULT_SCROLL_TTL_MS;

  const filter: unknown[] = [{ term: { userId } }, ...statusFilter(status, rt.now())];
  const must: unknown[] = [];
  const clause = clauseOf(request);
  if (clause) must.push(clause);
  if (args.query !== undefined && args.query !== null && args.query !== '') {
    if (typeof args.query !== 'string') throw new ApiKeyError('invalid_argument', 'Invalid "query" argument: expected a string.');
    must.push({ multi_match: { query: args.query, fields: ['name', 'description'] } });
  }
  const query = { bool: { filter, must } };

  let page: SearchPage;
  try {
    page = await rt.repo.search({ query, sort: sortOf(args.sort) }, { from, size, scroll });
  } catch (error: any) {
    if (error?.status === 400) throw new ApiKeyError('invalid_argument', `Invalid search: ${error.message}`);
    throw error;
  }
  if (page.scrollId) await bindScroll(rt, page.scrollId, userId, ttl);
  return shapePage(rt, page);
}
