/**
 * Read APIs over the refreshed snapshot: _search (with scroll), _search/scroll, clear scroll, _count.
 */
import { EmulatorState, EsRequest, indexParts, jsonBody, jsonObjectBody, Route, RouteMatch } from './context';
import { esError, illegalArgument, searchContextMissing, searchPhaseError } from './errors';
import { compileQuery, ShardError } from './query-eval';
import { parseKeepAlive } from './scroll';
import { collectHits, parseCountRequest, parseSearchRequest, searchResponse } from './search';
import { EsIndex } from './store';
import { isObject, JsonObject, parseBooleanParam } from './util';

const SEARCH_PARAMS = [
  'from', 'size', 'sort', '_source', '_source_includes', '_source_excludes', '_source_include', '_source_exclude', 'scroll',
  'track_total_hits', 'rest_total_hits_as_int', 'seq_no_primary_term', 'version', 'ignore_unavailable', 'allow_no_indices',
  'expand_wildcards', 'preference', 'routing', 'search_type', 'request_cache', 'typed_keys', 'track_scores', 'q',
  'allow_partial_search_results', 'batched_reduce_size', 'max_concurrent_shard_requests', 'pre_filter_shard_size',
  'ccs_minimize_roundtrips', 'ignore_throttled', 'min_score', 'analyzer', 'analyze_wildcard', 'default_operator', 'df',
  'lenient', 'explain', 'stats', 'terminate_after', 'min_compatible_shard_node', 'stored_fields', 'docvalue_fields',
  'suggest_field', 'suggest_mode', 'suggest_size', 'suggest_text', 'include_named_queries_score', 'force_synthetic_source',
];

function resolveForSearch(req: EsRequest, m: RouteMatch, state: EmulatorState): EsIndex[] {
  return state.cluster.resolve(indexParts(m.vars.index), {
    forbidClosed: true,
    ignoreUnavailable: parseBooleanParam(req.params.ignore_unavailable, false),
    allowNoIndices: parseBooleanParam(req.params.allow_no_indices, true),
  });
}

function searchTargets(_req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  const parts = indexParts(m.vars.index);
  return state.cluster.bestEffortPhysical(parts.length ? parts : ['_all']);
}

function search(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const started = Date.now();
  const spec = parseSearchRequest(jsonBody(req), req.params);
  if (spec.source.enabled === false && req.params.stored_fields !== undefined) throw illegalArgument('stored_fields is not supported');
  if (req.params.stored_fields !== undefined || req.params.docvalue_fields !== undefined) {
    throw esError(501, { type: 'es_emulator_unsupported_exception', reason: '[es-emulator] stored_fields / docvalue_fields is not supported by the Elasticsearch emulator' });
  }
  const indices = resolveForSearch(req, m, state);
  const { entries, total, shards } = collectHits(indices, spec, req.major);
  if (spec.scrollMs !== null) {
    const page = entries.slice(0, spec.size);
    const ctx = state.scrolls.create(
      { entries, pos: page.length, size: spec.size, spec, total, indices: indices.map((i) => i.name), shards },
      spec.scrollMs,
    );
    return { status: 200, body: searchResponse(page, total, spec, req.major, shards, Date.now() - started, ctx.id) };
  }
  const page = entries.slice(spec.from, spec.from + spec.size);
  return { status: 200, body: searchResponse(page, total, spec, req.major, shards, Date.now() - started) };
}

function scrollIdFrom(req: EsRequest, m: RouteMatch): { id: string | undefined; scroll: string | undefined } {
  const body = jsonBody(req);
  let id = m.vars.scroll_id ?? req.params.scroll_id;
  let scroll = req.params.scroll;
  if (isObject(body)) {
    if (body.scroll_id !== undefined) id = String(body.scroll_id);
    if (body.scroll !== undefined) scroll = String(body.scroll);
  } else if (typeof body === 'string') {
    id = body;
  }
  return { id, scroll };
}

function checkScrollId(id: string): void {
  if (!id.startsWith('FGluY2x1ZGVfY29udGV4dF91dWlk')) {
    throw illegalArgument('Cannot parse scroll id');
  }
}

function scroll(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const started = Date.now();
  const { id, scroll: keepAlive } = scrollIdFrom(req, m);
  if (!id) throw esError(400, { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: scrollId is missing;' });
  checkScrollId(id);
  const keepAliveMs = keepAlive !== undefined ? parseKeepAlive(keepAlive) : null;
  const ctx = state.scrolls.get(id);
  if (!ctx) throw searchContextMissing(id);
  if (keepAliveMs !== null) ctx.expiresAt = Date.now() + keepAliveMs;
  const page = ctx.entries.slice(ctx.pos, ctx.pos + ctx.size);
  ctx.pos += page.length;
  const spec = { ...ctx.spec, totalAsInt: parseBooleanParam(req.params.rest_total_hits_as_int, ctx.spec.totalAsInt) };
  return { status: 200, body: searchResponse(page, ctx.total, spec, req.major, ctx.shards, Date.now() - started, ctx.id) };
}

function clearScroll(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const body = jsonObjectBody(req);
  let ids: string[] = [];
  if (m.vars.scroll_id !== undefined) ids = indexParts(m.vars.scroll_id);
  else if (body && body.scroll_id !== undefined) ids = Array.isArray(body.scroll_id) ? body.scroll_id.map(String) : String(body.scroll_id).split(',');
  else if (req.params.scroll_id !== undefined) ids = req.params.scroll_id.split(',');
  if (ids.length === 0) throw esError(400, { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: no scroll ids specified;' });
  let freed: number;
  if (ids.includes('_all')) freed = state.scrolls.clearAll();
  else {
    ids.forEach(checkScrollId);
    freed = state.scrolls.clear(ids);
  }
  return { status: freed > 0 ? 200 : 404, body: { succeeded: true, num_freed: freed } };
}

function scrollTargets(req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  try {
    const { id } = scrollIdFrom(req, m);
    return id ? state.scrolls.peekIndices(id) : [];
  } catch {
    return [];
  }
}

function clearTargets(req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  try {
    const body = jsonObjectBody(req);
    const raw = m.vars.scroll_id ?? body?.scroll_id ?? req.params.scroll_id;
    const ids = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
    return Array.from(new Set(ids.flatMap((id) => state.scrolls.peekIndices(id))));
  } catch {
    return [];
  }
}

function count(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const query = parseCountRequest(jsonBody(req), req.params);
  const indices = resolveForSearch(req, m, state);
  const minScore = req.params.min_score !== undefined ? Number(req.params.min_score) : null;
  let n = 0;
  const failures: Array<{ index: EsIndex; error: ShardError }> = [];
  for (const index of indices) {
    let matcher;
    try {
      matcher = compileQuery(query, index);
    } catch (e) {
      if (!(e instanceof ShardError)) throw e;
      failures.push({ index, error: e });
      continue;
    }
    for (const doc of index.searchable.values()) {
      const s = matcher({ id: doc.id, indexed: doc.indexed }, { matched: null });
      if (s !== null && (minScore === null || s >= minScore)) n++;
    }
  }
  if (failures.length && failures.length === indices.length) {
    throw searchPhaseError(failures[0].error.shardCause, failures[0].index);
  }
  const shards: JsonObject = { total: indices.length, successful: indices.length - failures.length, skipped: 0, failed: failures.length };
  return { status: 200, body: { count: n, _shards: shards } };
}

const COUNT_PARAMS = ['q', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'min_score', 'preference', 'routing', 'analyzer', 'analyze_wildcard', 'default_operator', 'df', 'lenient', 'terminate_after', 'ignore_throttled'];

export const searchRoutes: Route[] = [
  { methods: ['GET', 'POST'], pattern: '/_search', op: 'search', kind: 'read', params: SEARCH_PARAMS, targets: searchTargets, handler: search },
  { methods: ['GET', 'POST'], pattern: '/{index}/_search', op: 'search', kind: 'read', params: SEARCH_PARAMS, targets: searchTargets, handler: search },
  { methods: ['GET', 'POST'], pattern: '/_search/scroll', op: 'scroll', kind: 'read', params: ['scroll', 'scroll_id', 'rest_total_hits_as_int'], targets: scrollTargets, handler: scroll },
  { methods: ['GET', 'POST'], pattern: '/_search/scroll/{scroll_id}', op: 'scroll', kind: 'read', params: ['scroll', 'scroll_id', 'rest_total_hits_as_int'], targets: scrollTargets, handler: scroll },
  { methods: ['DELETE'], pattern: '/_search/scroll', op: 'clear_scroll', kind: 'read', params: ['scroll_id'], targets: clearTargets, handler: clearScroll },
  { methods: ['DELETE'], pattern: '/_search/scroll/{scroll_id}', op: 'clear_scroll', kind: 'read', targets: clearTargets, handler: clearScroll },
  { methods: ['GET', 'POST'], pattern: '/_count', op: 'count', kind: 'read', params: COUNT_PARAMS, targets: searchTargets, handler: count },
  { methods: ['GET', 'POST'], pattern: '/{index}/_count', op: 'count', kind: 'read', params: COUNT_PARAMS, targets: searchTargets, handler: count },
];

