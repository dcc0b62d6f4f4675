/**
 * Bulk (ndjson, per-item results and errors) and the by-query APIs (_delete_by_query,
 * _update_by_query), which read the refreshed snapshot like Elasticsearch's scroll-based tasks.
 */
import { EmulatorState, EsRequest, indexParts, isEsError, jsonObjectBody, Route, RouteMatch } from './context';
import { compileUpdateScript, deleteOp, indexOp, parseConcurrency, updateOp, WriteOutcome } from './doc-ops';
import { boolParam, checkRefreshParam } from './handlers-docs';
import { actionValidation, Cause, esError, illegalArgument, Major, parsingError, unsupported, versionConflictCause } from './errors';
import { parseQuery, Query } from './query-parse';
import { matchingDocs, MATCH_ALL } from './search';
import { sourceFilterFromBody } from './source-filter';
import { EsIndex, PRIMARY_TERM } from './store';
import { clone, isObject, Json, JsonObject, parseBooleanParam } from './util';

interface BulkAction {
  action: 'index' | 'create' | 'update' | 'delete';
  meta: JsonObject;
  source?: Json;
  sourceText?: string;
}

const META_KEYS = new Set(['_index', '_id', 'routing', '_routing', 'if_seq_no', 'if_primary_term', 'retry_on_conflict', '_retry_on_conflict', 'require_alias', '_source', 'version', 'version_type', 'pipeline', 'dynamic_templates', '_type', 'op_type']);

export function parseBulk(text: string, major: Major): BulkAction[] {
  if (text.length > 0 && !text.endsWith('\n')) {
    throw illegalArgument('The bulk request must be terminated by a newline [\\n]');
  }
  const lines = text.split('\n');
  const actions: BulkAction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw illegalArgument(`Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [${(e as Error).message}]`);
    }
    if (!isObject(parsed)) throw illegalArgument(`Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [VALUE_STRING]`);
    const keys = Object.keys(parsed);
    const action = keys[0];
    if (!['index', 'create', 'update', 'delete'].includes(action)) {
      throw illegalArgument(`Malformed action/metadata line [${i + 1}], expected field [create], [delete], [index] or [update] but found [${action}]`);
    }
    const meta = parsed[action];
    if (!isObject(meta)) throw illegalArgument(`Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [${typeof meta}]`);
    for (const key of Object.keys(meta)) {
      if (!META_KEYS.has(key) || (key === '_type' && major === 8)) {
        throw illegalArgument(`Action/metadata line [${i + 1}] contains an unknown parameter [${key}]`);
      }
    }
    if (meta.version !== undefined || meta.version_type !== undefined) throw unsupported('external versioning in bulk');
    if (meta.pipeline !== undefined) throw unsupported('ingest pipelines');
    if (meta.dynamic_templates !== undefined) throw unsupported('dynamic_templates in bulk');
    const entry: BulkAction = { action: action as BulkAction['action'], meta: meta as JsonObject };
    if (action !== 'delete') {
      i++;
      while (i < lines.length && lines[i].trim() === '') i++;
      if (i >= lines.length) throw actionValidation([`${action} requires a source`]);
      try {
        entry.source = JSON.parse(lines[i]);
        entry.sourceText = lines[i];
      } catch (e) {
        entry.source = undefined;
        entry.sourceText = lines[i];
        (entry as BulkAction & { parseError?: string }).parseError = (e as Error).message;
      }
    }
    actions.push(entry);
  }
  return actions;
}

function itemError(e: unknown): { status: number; error: Cause } {
  if (!isEsError(e)) throw e;
  const body = e.body as { error?: unknown };
  if (isObject(body.error)) {
    const { root_cause: _rc, ...rest } = body.error as Record<string, unknown>;
    return { status: e.status, error: rest as Cause };
  }
  return { status: e.status, error: { type: 'exception', reason: String(body.error) } };
}

function bulkTargets(req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  try {
    const names = new Set<string>();
    for (const a of parseBulk(req.bodyText, req.major)) names.add(String(a.meta._index ?? m.vars.index));
    return state.cluster.bestEffortPhysical(Array.from(names).filter((n) => n !== 'undefined'));
  } catch {
    return indexParts(m.vars.index);
  }
}

async function bulk(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const started = Date.now();
  checkRefreshParam(req.params.refresh);
  if (req.params.pipeline !== undefined) throw unsupported('ingest pipelines');
  const actions = parseBulk(req.bodyText, req.major);
  if (actions.length === 0) throw actionValidation(['no requests added']);
  const problems: string[] = [];
  actions.forEach((a) => {
    if (a.meta._index === undefined && m.vars.index === undefined) problems.push('index is missing');
    if ((a.action === 'update' || a.action === 'delete') && a.meta._id === undefined) problems.push('id is missing');
  });
  if (problems.length) throw actionValidation(problems);
  const touched = new Map<string, EsIndex>();
  const defaultSource = req.params._source !== undefined ? sourceFilterFromBody(req.params._source === 'true' ? true : req.params._source === 'false' ? false : req.params._source.split(',')) : null;
  const items = actions.map((a) => {
    const indexName = String(a.meta._index ?? m.vars.index);
    const id = a.meta._id === undefined || a.meta._id === null ? undefined : String(a.meta._id);
    const head: JsonObject = { _index: indexName };
    if (req.major === 7) head._type = '_doc';
    head._id = id ?? null;
    try {
      const parseError = (a as BulkAction & { parseError?: string }).parseError;
      if (parseError) throw esError(400, { type: 'mapper_parsing_exception', reason: 'failed to parse', caused_by: { type: 'json_parse_exception', reason: parseError } });
      const requireAlias = a.meta.require_alias === true || parseBooleanParam(req.params.require_alias, false);
      const c = parseConcurrency(a.meta.if_seq_no, a.meta.if_primary_term);
      let outcome: WriteOutcome;
      if (a.action === 'delete') {
        const index = state.cluster.resolveForRead(indexName);
        head._index = index.name;
        outcome = deleteOp(index, id as string, c, req.major);
      } else if (a.action === 'update') {
        const { index } = state.cluster.resolveForWrite(indexName, req.major, requireAlias);
        head._index = index.name;
        const body = isObject(a.source) ? (a.source as JsonObject) : undefined;
        const srcSpec = body?._source ?? a.meta._source;
        const filter = srcSpec !== undefined ? sourceFilterFromBody(srcSpec as Json) : defaultSource;
        const updateBody = body ? { ...body } : body;
        if (updateBody) delete updateBody._source;
        outcome = updateOp(index, id as string, updateBody, { major: req.major, source: filter, ...c });
      } else {
        const { index } = state.cluster.resolveForWrite(indexName, req.major, requireAlias);
        head._index = index.name;
        const opType = a.action === 'create' || a.meta.op_type === 'create' ? 'create' : 'index';
        outcome = indexOp(index, id, a.source, { opType, major: req.major, rawText: a.sourceText, ...c });
      }
      touched.set(outcome.index.name, outcome.index);
      return { [a.action]: { ...outcome.body, status: outcome.status } };
    } catch (e) {
      const { status, error } = itemError(e);
      return { [a.action]: { ...head, status, error } };
    }
  });
  const errors = items.some((it) => {
    const v = Object.values(it)[0] as JsonObject;
    return v.error !== undefined || (typeof v.status === 'number' && v.status >= 400 && v.result !== 'not_found');
  });
  await state.refresh.afterWrite(Array.from(touched.values()), req.params.refresh);
  return { status: 200, body: { took: Date.now() - started, errors, items } };
}

function byQueryQuery(body: JsonObject | undefined, req: EsRequest): Query {
  if (req.params.q !== undefined) throw unsupported('URI search (the q parameter, query_string)');
  if (!body) return MATCH_ALL;
  for (const key of Object.keys(body)) {
    if (!['query', 'max_docs', 'conflicts', 'script', 'size'].includes(key)) {
      if (key === 'slice' || key === 'sort') throw unsupported(`[${key}] in by-query requests`);
      throw parsingError(`request does not support [${key}]`);
    }
  }
  return body.query === undefined || body.query === null ? MATCH_ALL : parseQuery(body.query);
}


async function byQuery(req: EsRequest, m: RouteMatch, state: EmulatorState, kind: 'delete' | 'update') {
  const started = Date.now();
  const body = jsonObjectBody(req);
  const query = byQueryQuery(body, req);
  const refresh = boolParam(req.params.refresh, false);
  if (req.params.slices !== undefined && req.params.slices !== '1') throw unsupported('sliced by-query requests');
  const conflicts = String(body?.conflicts ?? req.params.conflicts ?? 'abort');
  if (conflicts !== 'abort' && conflicts !== 'proceed') throw illegalArgument(`conflicts may only be "proceed" or "abort" but was [${conflicts}]`);
  const maxRaw = body?.max_docs ?? req.params.max_docs ?? req.params.size;
  const maxDocs = maxRaw === undefined || Number(maxRaw) === -1 ? Infinity : Number(maxRaw);
  const script = kind === 'update' && body?.script !== undefined ? compileUpdateScript(body.script as Json) : null;
  const indices = state.cluster.resolve(indexParts(m.vars.index), {
    forbidClosed: true,
    ignoreUnavailable: parseBooleanParam(req.params.ignore_unavailable, false),
    allowNoIndices: parseBooleanParam(req.params.allow_no_indices, true),
  });
  const { docs } = matchingDocs(indices, query);
  const selected = docs.slice(0, Number.isFinite(maxDocs) ? maxDocs : undefined);
  let done = 0;
  let conflictsCount = 0;
  const failures: JsonObject[] = [];
  const touched = new Set<EsIndex>();
  for (const { index, doc } of selected) {
    if (failures.length && conflicts === 'abort') break;
    const c = { ifSeqNo: doc.seqNo, ifPrimaryTerm: PRIMARY_TERM };
    try {
      if (kind === 'delete') deleteOp(index, doc.id, c, req.major);
      else {
        const live = index.live.get(doc.id);
        if (!live || live.seqNo !== doc.seqNo) {
          const detail = live
            ? `current document has seqNo [${live.seqNo}] and primary term [${live.primaryTerm}]`
            : 'but no document was found';
          throw esError(409, versionConflictCause(index, doc.id, `required seqNo [${doc.seqNo}], primary term [${PRIMARY_TERM}]. ${detail}`));
        }
        const source = script ? script(clone(doc.source), index, doc.id) : clone(doc.source);
        indexOp(index, doc.id, source, { opType: 'index', major: req.major, ...c });
      }
      done++;
      touched.add(index);
    } catch (e) {
      if (!isEsError(e) || e.status !== 409) throw e;
      conflictsCount++;
      if (conflicts === 'abort') {
        const { error } = itemError(e);
        const failure: JsonObject = { index: index.name };
        if (req.major === 7) failure.type = '_doc';
        failure.id = doc.id;
        failure.cause = error as unknown as Json;
        failure.status = 409;
        failures.push(failure);
      }
    }
  }
  await state.refresh.afterWrite(Array.from(touched), refresh ? 'true' : undefined);
  const response: JsonObject = {
    took: Date.now() - started,
    timed_out: false,
    total: selected.length,
    [kind === 'delete' ? 'deleted' : 'updated']: done,
    batches: selected.length ? Math.ceil(selected.length / 1000) : 0,
    version_conflicts: conflictsCount,
    noops: 0,
    retries: { bulk: 0, search: 0 },
    throttled_millis: 0,
    requests_per_second: -1,
    throttled_until_millis: 0,
    failures,
  };
  if (parseBooleanParam(req.params.wait_for_completion, true) === false) {
    const taskId = state.nextTaskId();
    state.tasks.set(taskId, { completed: true, task: { node: taskId.split(':')[0], id: Number(taskId.split(':')[1]), type: 'transport', action: `indices:data/write/${kind}/byquery`, cancellable: true, running_time_in_nanos: 0, start_time_in_millis: started }, response });
    return { status: 200, body: { task: taskId } };
  }
  return { status: failures.length ? 409 : 200, body: response };
}

const BY_QUERY_PARAMS = ['conflicts', 'refresh', 'max_docs', 'size', 'scroll', 'scroll_size', 'wait_for_completion', 'slices', 'requests_per_second', 'timeout', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'q', 'routing', 'preference', 'search_timeout', 'search_type', 'wait_for_active_shards', 'request_cache', 'analyzer', 'default_operator', 'df', 'lenient', 'stats', 'terminate_after', 'version', 'version_type', 'pipeline'];

function byQueryTargets(_req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  return state.cluster.bestEffortPhysical(indexParts(m.vars.index));
}

export const bulkRoutes: Route[] = [
  { methods: ['POST', 'PUT'], pattern: '/_bulk', op: 'bulk', kind: 'write', params: ['refresh', 'routing', 'pipeline', 'require_alias', '_source', '_source_includes', '_source_excludes', 'wait_for_active_shards', 'timeout'], targets: bulkTargets, handler: bulk },
  { methods: ['POST', 'PUT'], pattern: '/{index}/_bulk', op: 'bulk', kind: 'write', params: ['refresh', 'routing', 'pipeline', 'require_alias', '_source', '_source_includes', '_source_excludes', 'wait_for_active_shards', 'timeout'], targets: bulkTargets, handler: bulk },
  { methods: ['POST'], pattern: '/{index}/_delete_by_query', op: 'delete_by_query', kind: 'write', params: BY_QUERY_PARAMS, targets: byQueryTargets, handler: (req, m, state) => byQuery(req, m, state, 'delete') },
  { methods: ['POST'], pattern: '/{index}/_update_by_query', op: 'update_by_query', kind: 'write', params: BY_QUERY_PARAMS, targets: byQueryTargets, handler: (req, m, state) => byQuery(req, m, state, 'update') },
];
