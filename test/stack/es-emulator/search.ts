/**
 * Search execution over the refreshed snapshots of one or more indices: request parsing and
 * validation, matching, sorting, search_after, pagination, max_result_window, total hits,
 * _source filtering and the response shape of ES 7 / ES 8, plus count.
 */
import {
  actionValidation,
  Cause,
  illegalArgument,
  Major,
  parsingError,
  searchPhaseError,
  unsupported,
} from './errors';
import { compileQuery, EvalCtx, Matcher, ShardError } from './query-eval';
import { parseQuery, Query } from './query-parse';
import { compareSortValues, normalizeSearchAfter, parseSort, sortGetters, SortKey, SortValue } from './sort';
import { applySourceFilter, SourceFilter, sourceFilterFromBody, sourceFilterFromParams } from './source-filter';
import { EsIndex, StoredDoc } from './store';
import { float32Json, isObject, Json, JsonObject, parseBooleanParam } from './util';
import { parseKeepAlive } from './scroll';

export interface SearchSpec {
  query: Query;
  postFilter: Query | null;
  from: number;
  size: number;
  sort: SortKey[] | null;
  searchAfter: Json[] | null;
  trackTotalHits: boolean | number;
  totalAsInt: boolean;
  source: SourceFilter;
  seqNoPrimaryTerm: boolean;
  version: boolean;
  trackScores: boolean;
  minScore: number | null;
  scrollMs: number | null;
}

export interface HitEntry {
  index: EsIndex;
  doc: StoredDoc;
  score: number;
  sort: SortValue[] | null;
  matched: string[] | null;
  ordinal: number;
  pos: number;
}

export interface ShardsInfo {
  total: number;
  successful: number;
  failed: number;
  failures?: Array<{ shard: number; index: string; node: string; reason: Cause }>;
}

const HANDLED = new Set(['query', 'post_filter', 'from', 'size', 'sort', 'search_after', 'track_total_hits', '_source', 'seq_no_primary_term', 'version', 'track_scores', 'min_score']);
const IGNORED = new Set(['timeout', 'stats', 'profile', 'explain']);
const UNSUPPORTED_KEYS = new Set(['highlight', 'suggest', 'collapse', 'rescore', 'script_fields', 'docvalue_fields', 'stored_fields', 'fields', 'indices_boost', 'knn', 'pit', 'runtime_mappings', 'slice', 'ext', 'rank', 'retriever', 'terminate_after', 'inner_hits']);
export const MATCH_ALL: Query = { kind: 'match_all', boost: 1 };

function tokenName(value: Json): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (isObject(value)) return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_NULL';
}

function intValue(value: Json | string | undefined, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw parsingError(`[${name}] failed to parse field [${name}]`);
  return n;
}

function trackTotal(value: Json | string | undefined): boolean | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true' || value === '') return true;
  if (value === false || value === 'false') return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${String(value)}`);
  return n;
}

/** Builds the search specification from the body and URL parameters (URL parameters win). */
export function parseSearchRequest(bodyIn: unknown, params: Record<string, string>): SearchSpec {
  const body: JsonObject = isObject(bodyIn) ? (bodyIn as JsonObject) : {};
  for (const [key, value] of Object.entries(body)) {
    if (HANDLED.has(key)) continue;
    if (IGNORED.has(key)) {
      if ((key === 'explain' || key === 'profile') && value === true) throw unsupported(`[${key}] in search requests`);
      continue;
    }
    if (key === 'aggs' || key === 'aggregations') {
      if (isObject(value) && Object.keys(value).length === 0) continue;
      throw unsupported('aggregations');
    }
    if (UNSUPPORTED_KEYS.has(key)) throw unsupported(`[${key}] in search requests`);
    throw parsingError(`Unknown key for a ${tokenName(value)} in [${key}].`);
  }
  if (params.q !== undefined) throw unsupported('URI search (the q parameter, query_string)');
  const query = body.query === undefined || body.query === null ? MATCH_ALL : parseQuery(body.query);
  const postFilter = body.post_filter === undefined ? null : parseQuery(body.post_filter);
  const from = intValue(params.from, 'from') ?? intValue(body.from, 'from') ?? 0;
  const size = intValue(params.size, 'size') ?? intValue(body.size, 'size') ?? 10;
  if (from < 0) throw illegalArgument('[from] parameter cannot be negative');
  if (size < 0) throw illegalArgument(`[size] parameter cannot be negative, found [${size}]`);
  const sort = parseSort(body.sort, params.sort);
  const searchAfter = body.search_after === undefined || body.search_after === null ? null : (body.search_after as Json[]);
  if (searchAfter !== null && !Array.isArray(searchAfter)) throw parsingError('[search_after] must be an array');
  const totalAsInt = parseBooleanParam(params.rest_total_hits_as_int, false);
  const track = trackTotal(params.track_total_hits) ?? trackTotal(body.track_total_hits) ?? (totalAsInt ? true : 10_000);
  const scrollMs = params.scroll !== undefined ? parseKeepAlive(params.scroll) : null;
  const problems: string[] = [];
  if (scrollMs !== null && from > 0) problems.push('using [from] is not allowed in a scroll context');
  if (scrollMs !== null && size === 0) problems.push('[size] cannot be [0] in a scroll context');
  if (scrollMs !== null && searchAfter) problems.push('`search_after` cannot be used in a scroll context.');
  if (searchAfter && from > 0) problems.push('`from` parameter must be set to 0 when `search_after` is used.');
  if (problems.length) throw actionValidation(problems);
  const minScore = params.min_score !== undefined ? Number(params.min_score) : typeof body.min_score === 'number' ? body.min_score : null;
  return {
    query,
    postFilter,
    from,
    size,
    sort,
    searchAfter,
    trackTotalHits: track === -1 ? true : track,
    totalAsInt,
    source: sourceFilterFromParams(params, sourceFilterFromBody(body._source)),
    seqNoPrimaryTerm: parseBooleanParam(params.seq_no_primary_term, body.seq_no_primary_term === true),
    version: parseBooleanParam(params.version, body.version === true),
    trackScores: parseBooleanParam(params.track_scores, body.track_scores === true),
    minScore,
    scrollMs,
  };
}

interface Collected {
  entries: HitEntry[];
  /** all matches, before search_after */
  total: number;
  shards: ShardsInfo;
}

function failure(index: EsIndex, cause: Cause): { shard: number; index: string; node: string; reason: Cause } {
  return { shard: 0, index: index.name, node: 'es-emulator-node', reason: cause };
}

/** Runs the query on each index's searchable snapshot and returns every hit, sorted. */
export function collectHits(indices: EsIndex[], spec: SearchSpec, major: Major): Collected {
  const entries: HitEntry[] = [];
  const failures: ShardsInfo['failures'] = [];
  let firstError: { index: EsIndex; cause: Cause } | null = null;
  const keys = spec.sort;
  const withScores = !keys || spec.trackScores || keys.some((k) => k.kind === 'score');
  indices.forEach((index, ordinal) => {
    let matcher: Matcher;
    let post: Matcher | null = null;
    let getters: ReturnType<typeof sortGetters> | null = null;
    try {
      const window = index.maxResultWindow();
      if (spec.scrollMs !== null && spec.size > window) {
        throw new ShardError({ type: 'illegal_argument_exception', reason: `Batch size is too large, size must be less than or equal to: [${window}] but was [${spec.size}]. Scroll batch sizes cost as much memory as result windows so they are controlled by the [index.max_result_window] index level setting.` });
      }
      if (spec.scrollMs === null && spec.from + spec.size > window) {
        throw new ShardError({ type: 'illegal_argument_exception', reason: `Result window is too large, from + size must be less than or equal to: [${window}] but was [${spec.from + spec.size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.` });
      }
      matcher = compileQuery(spec.query, index);
      if (spec.postFilter) post = compileQuery(spec.postFilter, index);
      if (keys) getters = sortGetters(keys, index, major);
      if (spec.searchAfter && !keys) {
        throw new ShardError({ type: 'search_exception', reason: 'Sort must contain at least one field.' });
      }
    } catch (e) {
      if (!(e instanceof ShardError)) throw e;
      failures.push(failure(index, e.shardCause));
      firstError = firstError ?? { index, cause: e.shardCause };
      return;
    }
    const docs = index.orderedSearchable();
    docs.forEach((doc, pos) => {
      const ctx: EvalCtx = { matched: new Set() };
      const score = matcher({ id: doc.id, indexed: doc.indexed }, ctx);
      if (score === null) return;
      if (post && post({ id: doc.id, indexed: doc.indexed }, { matched: null }) === null) return;
      const finalScore = Math.fround(score);
      if (spec.minScore !== null && finalScore < spec.minScore) return;
      const matched = ctx.matched && ctx.matched.size ? Array.from(ctx.matched) : null;
      const sort = getters ? getters.map((g) => g(doc, withScores ? finalScore : NaN, pos)) : null;
      entries.push({ index, doc, score: finalScore, sort, matched, ordinal, pos });
    });
  });
  if (firstError && failures.length === indices.length) {
    const err = firstError as { index: EsIndex; cause: Cause };
    const e = searchPhaseError(err.cause, err.index);
    (e.body as { error: { failed_shards: unknown[] } }).error.failed_shards = failures;
    throw e;
  }
  if (keys) {
    entries.sort((a, b) => compareSortValues(a.sort as SortValue[], b.sort as SortValue[], keys) || a.ordinal - b.ordinal || a.pos - b.pos);
  } else {
    entries.sort((a, b) => b.score - a.score || a.ordinal - b.ordinal || a.pos - b.pos);
  }
  let result = entries;
  if (spec.searchAfter && keys) {
    const after = normalizeSearchAfter(spec.searchAfter, keys, indices[0]);
    result = entries.filter((e) => compareSortValues(e.sort as SortValue[], after, keys) > 0);
  }
  const shards: ShardsInfo = { total: indices.length, successful: indices.length - failures.length, failed: failures.length };
  if (failures.length) shards.failures = failures;
  return { entries: result, total: entries.length, shards };
}

export function totalHits(spec: SearchSpec, total: number): Json | undefined {
  if (spec.totalAsInt) return spec.trackTotalHits === false ? -1 : total;
  if (spec.trackTotalHits === false) return undefined;
  if (spec.trackTotalHits === true || total <= spec.trackTotalHits) return { value: total, relation: 'eq' };
  return { value: spec.trackTotalHits, relation: 'gte' };
}

export function formatHit(entry: HitEntry, spec: SearchSpec, major: Major): JsonObject {
  const hit: JsonObject = { _index: entry.index.name };
  if (major === 7) hit._type = '_doc';
  hit._id = entry.doc.id;
  if (spec.version) hit._version = entry.doc.version;
  if (spec.seqNoPrimaryTerm) {
    hit._seq_no = entry.doc.seqNo;
    hit._primary_term = entry.doc.primaryTerm;
  }
  const withScores = !spec.sort || spec.trackScores || spec.sort.some((k) => k.kind === 'score');
  hit._score = withScores ? float32Json(entry.score) : null;
  const source = applySourceFilter(entry.doc.source, spec.source);
  if (source !== undefined) hit._source = source;
  if (entry.sort) hit.sort = entry.sort.map((v, i) => (spec.sort?.[i]?.kind === 'score' && typeof v === 'number' ? float32Json(v) : v));
  if (entry.matched) hit.matched_queries = entry.matched;
  return hit;
}

export function searchResponse(
  page: HitEntry[],
  total: number,
  spec: SearchSpec,
  major: Major,
  shards: ShardsInfo,
  took: number,
  scrollId?: string,
): JsonObject {
  const withScores = !spec.sort || spec.trackScores || spec.sort.some((k) => k.kind === 'score');
  const hits: JsonObject = {};
  const t = totalHits(spec, total);
  if (t !== undefined) hits.total = t;
  hits.max_score = withScores && page.length ? float32Json(Math.max(...page.map((e) => e.score))) : null;
  hits.hits = page.map((e) => formatHit(e, spec, major));
  const out: JsonObject = {};
  if (scrollId !== undefined) out._scroll_id = scrollId;
  out.took = took;
  out.timed_out = false;
  out._shards = { total: shards.total, successful: shards.successful, skipped: 0, failed: shards.failed, ...(shards.failures ? { failures: shards.failures as unknown as Json } : {}) };
  out.hits = hits;
  return out;
}

/** `_count`: only a `query` is accepted in the body. */
export function parseCountRequest(bodyIn: unknown, params: Record<string, string>): Query {
  if (params.q !== undefined) throw unsupported('URI search (the q parameter, query_string)');
  if (params.terminate_after !== undefined) throw unsupported('terminate_after');
  if (!isObject(bodyIn)) return MATCH_ALL;
  for (const key of Object.keys(bodyIn)) {
    if (key !== 'query') throw parsingError(`request does not support [${key}]`);
  }
  const q = bodyIn.query as Json;
  return q === undefined || q === null ? MATCH_ALL : parseQuery(q);
}

/** Documents of the searchable snapshots matching a query (count, delete/update by query). */
export function matchingDocs(indices: EsIndex[], query: Query): { docs: Array<{ index: EsIndex; doc: StoredDoc }>; shards: ShardsInfo } {
  const spec: SearchSpec = {
    query, postFilter: null, from: 0, size: 0, sort: [{ kind: 'doc', field: '_doc', order: 'asc', missing: '_last' }],
    searchAfter: null, trackTotalHits: true, totalAsInt: false, source: { enabled: true, includes: [], excludes: [] },
    seqNoPrimaryTerm: false, version: false, trackScores: false, minScore: null, scrollMs: null,
  };
  const { entries, shards } = collectHits(indices, spec, 7);
  return { docs: entries.map((e) => ({ index: e.index, doc: e.doc })), shards };
}
