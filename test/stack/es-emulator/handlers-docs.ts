/**
 * Single-document APIs: index/create, get, exists, _source, update, delete, and mget.
 */
import { Concurrency, deleteOp, indexOp, parseConcurrency, updateOp } from './doc-ops';
import { docMeta, EmulatorState, EsRequest, indexParts, jsonBody, jsonObjectBody, Route, RouteMatch } from './context';
import { actionValidation, esError, illegalArgument, indexNotFoundCause, Major, unsupported } from './errors';
import { applySourceFilter, FULL_SOURCE, SourceFilter, sourceFilterFromBody, sourceFilterFromParams } from './source-filter';
import { EsIndex, StoredDoc } from './store';
import { isEsError } from './context';
import { BooleanParamError, isObject, Json, JsonObject, parseBooleanParam, strictBooleanParam } from './util';

/** Boolean parameters of the read APIs are strict: `refresh=wait_for` on a GET is a 400. */
export function boolParam(value: string | undefined, fallback: boolean): boolean {
  try {
    return strictBooleanParam(value, fallback);
  } catch (e) {
    if (e instanceof BooleanParamError) throw illegalArgument(e.message);
    throw e;
  }
}

export function checkRefreshParam(value: string | undefined): void {
  if (value === undefined || ['', 'true', 'false', 'wait_for'].includes(value)) return;
  throw illegalArgument(`Unknown value for refresh: [${value}].`);
}

function concurrencyFrom(req: EsRequest): Concurrency {
  return parseConcurrency(req.params.if_seq_no, req.params.if_primary_term);
}

function rejectVersioning(req: EsRequest): void {
  if (req.params.version !== undefined || (req.params.version_type !== undefined && req.params.version_type !== 'internal')) {
    throw unsupported('external versioning (version / version_type parameters)');
  }
  if (req.params.pipeline !== undefined) throw unsupported('ingest pipelines');
}

async function withRefresh(state: EmulatorState, req: EsRequest, index: EsIndex, body: JsonObject): Promise<void> {
  checkRefreshParam(req.params.refresh);
  const forced = await state.refresh.afterWrite([index], req.params.refresh);
  if (forced) body.forced_refresh = true;
}

export function docFound(major: Major, index: EsIndex, doc: StoredDoc, filter: SourceFilter, withVersion = true): JsonObject {
  const out: JsonObject = docMeta(major, index, doc.id);
  if (withVersion) {
    out._version = doc.version;
    out._seq_no = doc.seqNo;
    out._primary_term = doc.primaryTerm;
  }
  out.found = true;
  const source = applySourceFilter(doc.source, filter);
  if (source !== undefined) out._source = source;
  return out;
}

function readDoc(state: EmulatorState, req: EsRequest, m: RouteMatch): { index: EsIndex; doc: StoredDoc | undefined } {
  const index = state.cluster.resolveForRead(m.vars.index);
  if (req.params.stored_fields !== undefined) throw unsupported('stored_fields');
  if (boolParam(req.params.refresh, false)) index.refresh();
  const realtime = boolParam(req.params.realtime, true);
  const doc = (realtime ? index.live : index.searchable).get(m.vars.id);
  return { index, doc };
}

const WRITE_PARAMS = ['refresh', 'routing', 'if_seq_no', 'if_primary_term', 'version', 'version_type', 'pipeline', 'require_alias', 'op_type', 'wait_for_active_shards', 'timeout'];
const GET_PARAMS = ['_source', '_source_includes', '_source_excludes', '_source_include', '_source_exclude', 'realtime', 'refresh', 'routing', 'preference', 'stored_fields', 'version', 'version_type'];

function writeTarget(_req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  return state.cluster.bestEffortPhysical([m.vars.index]);
}

async function indexHandler(req: EsRequest, m: RouteMatch, state: EmulatorState, forceCreate: boolean) {
  rejectVersioning(req);
  checkRefreshParam(req.params.refresh);
  const opType = forceCreate ? 'create' : (req.params.op_type ?? 'index');
  if (opType !== 'index' && opType !== 'create') throw illegalArgument(`opType must be 'create' or 'index', found: [${opType}]`);
  const requireAlias = parseBooleanParam(req.params.require_alias, false);
  const { index } = state.cluster.resolveForWrite(m.vars.index, req.major, requireAlias);
  const outcome = indexOp(index, m.vars.id, jsonBody(req), { opType, major: req.major, rawText: req.bodyText, ...concurrencyFrom(req) });
  await withRefresh(state, req, index, outcome.body);
  return { status: outcome.status, body: outcome.body };
}

function indexOpName(req: EsRequest): string {
  return req.params.op_type === 'create' ? 'create' : 'index';
}

export const docRoutes: Route[] = [
  {
    methods: ['PUT', 'POST'], pattern: '/{index}/_doc/{id}', op: 'index', opFor: indexOpName, kind: 'write', params: WRITE_PARAMS, targets: writeTarget,
    handler: (req, m, state) => indexHandler(req, m, state, false),
  },
  {
    methods: ['POST'], pattern: '/{index}/_doc', op: 'index', opFor: indexOpName, kind: 'write', params: WRITE_PARAMS, targets: writeTarget,
    handler: (req, m, state) => indexHandler(req, m, state, false),
  },
  {
    methods: ['PUT', 'POST'], pattern: '/{index}/_create/{id}', op: 'create', kind: 'write', params: WRITE_PARAMS, targets: writeTarget,
    handler: (req, m, state) => indexHandler(req, m, state, true),
  },
  {
    methods: ['GET'], pattern: '/{index}/_doc/{id}', op: 'get', kind: 'read', params: GET_PARAMS, targets: writeTarget,
    handler: (req, m, state) => {
      const { index, doc } = readDoc(state, req, m);
      if (!doc) return { status: 404, body: { ...docMeta(req.major, index, m.vars.id), found: false } };
      return { status: 200, body: docFound(req.major, index, doc, sourceFilterFromParams(req.params)) };
    },
  },
  {
    methods: ['HEAD'], pattern: '/{index}/_doc/{id}', op: 'exists', kind: 'read', params: GET_PARAMS, targets: writeTarget,
    handler: (req, m, state) => {
      try {
        const { doc } = readDoc(state, req, m);
        return { status: doc ? 200 : 404 };
      } catch (e) {
        if (isEsError(e)) return { status: e.status };
        throw e;
      }
    },
  },
  {
    methods: ['GET', 'HEAD'], pattern: '/{index}/_source/{id}', op: 'get_source', kind: 'read', params: GET_PARAMS, targets: writeTarget,
    handler: (req, m, state) => {
      const { index, doc } = readDoc(state, req, m);
      if (!doc) {
        return Promise.reject(esError(404, { type: 'resource_not_found_exception', reason: `Document not found [${index.name}]/[_doc]/[${m.vars.id}]` }));
      }
      return { status: 200, body: applySourceFilter(doc.source, sourceFilterFromParams(req.params)) ?? {} };
    },
  },
  {
    methods: ['POST'], pattern: '/{index}/_update/{id}', op: 'update', kind: 'write',
    params: ['refresh', 'routing', 'if_seq_no', 'if_primary_term', 'retry_on_conflict', '_source', '_source_includes', '_source_excludes', 'require_alias', 'wait_for_active_shards', 'timeout', 'lang'],
    targets: writeTarget,
    handler: async (req, m, state) => {
      checkRefreshParam(req.params.refresh);
      const body = jsonObjectBody(req);
      const { index } = state.cluster.resolveForWrite(m.vars.index, req.major, parseBooleanParam(req.params.require_alias, false));
      let filter: SourceFilter | null = null;
      if (body && body._source !== undefined) filter = sourceFilterFromBody(body._source as Json);
      if (req.params._source !== undefined || req.params._source_includes !== undefined || req.params._source_excludes !== undefined) {
        filter = sourceFilterFromParams(req.params, FULL_SOURCE);
      }
      const c = { ...parseConcurrency(body?.if_seq_no ?? req.params.if_seq_no, body?.if_primary_term ?? req.params.if_primary_term) };
      const outcome = updateOp(index, m.vars.id, body, { major: req.major, source: filter, ...c });
      if (outcome.result !== 'noop') await withRefresh(state, req, index, outcome.body);
      return { status: outcome.status, body: outcome.body };
    },
  },
  {
    methods: ['DELETE'], pattern: '/{index}/_doc/{id}', op: 'delete', kind: 'write',
    params: ['refresh', 'routing', 'if_seq_no', 'if_primary_term', 'version', 'version_type', 'wait_for_active_shards', 'timeout'],
    targets: writeTarget,
    handler: async (req, m, state) => {
      rejectVersioning(req);
      checkRefreshParam(req.params.refresh);
      const index = state.cluster.resolveForRead(m.vars.index);
      const outcome = deleteOp(index, m.vars.id, concurrencyFrom(req), req.major);
      await withRefresh(state, req, index, outcome.body);
      return { status: outcome.status, body: outcome.body };
    },
  },
  {
    methods: ['GET', 'POST'], pattern: '/_mget', op: 'mget', kind: 'read', params: GET_PARAMS, targets: mgetTargets,
    handler: (req, m, state) => mget(req, m, state),
  },
  {
    methods: ['GET', 'POST'], pattern: '/{index}/_mget', op: 'mget', kind: 'read', params: GET_PARAMS, targets: mgetTargets,
    handler: (req, m, state) => mget(req, m, state),
  },
];

interface MgetItem {
  index?: string;
  id: string;
  source?: Json;
}

function mgetItems(req: EsRequest, m: RouteMatch): MgetItem[] {
  const body = jsonObjectBody(req);
  const pathIndex = m.vars.index;
  if (!body || (body.docs === undefined && body.ids === undefined)) throw actionValidation(['no documents to get']);
  const items: MgetItem[] = [];
  if (Array.isArray(body.docs)) {
    for (const d of body.docs) {
      if (!isObject(d)) throw actionValidation(['no documents to get']);
      if (d.stored_fields !== undefined) throw unsupported('stored_fields');
      items.push({ index: d._index === undefined ? pathIndex : String(d._index), id: String(d._id), source: d._source as Json });
    }
  } else if (Array.isArray(body.ids)) {
    for (const id of body.ids) items.push({ index: pathIndex, id: String(id) });
  }
  if (items.length === 0) throw actionValidation(['no documents to get']);
  const problems: string[] = [];
  items.forEach((item, i) => {
    if (item.index === undefined) problems.push(`index is missing for doc ${i}`);
    if (item.id === undefined || item.id === 'undefined') problems.push(`id is missing for doc ${i}`);
  });
  if (problems.length) throw actionValidation(problems);
  return items;
}

function mgetTargets(req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  try {
    const names = new Set(mgetItems(req, m).map((i) => i.index as string));
    return state.cluster.bestEffortPhysical(Array.from(names));
  } catch {
    return indexParts(m.vars.index);
  }
}

function mget(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const items = mgetItems(req, m);
  const realtime = boolParam(req.params.realtime, true);
  const baseFilter = sourceFilterFromParams(req.params);
  const refreshed = new Set<string>();
  const docs = items.map((item) => {
    let index: EsIndex;
    try {
      index = state.cluster.resolveForRead(item.index as string);
    } catch (e) {
      if (!isEsError(e)) throw e;
      const cause = indexNotFoundCause(item.index as string);
      const meta: JsonObject = { _index: item.index as string };
      if (req.major === 7) meta._type = '_doc';
      meta._id = item.id;
      return { ...meta, error: { root_cause: [cause], ...cause } };
    }
    if (boolParam(req.params.refresh, false) && !refreshed.has(index.name)) {
      index.refresh();
      refreshed.add(index.name);
    }
    const doc = (realtime ? index.live : index.searchable).get(item.id);
    if (!doc) return { ...docMeta(req.major, index, item.id), found: false };
    const filter = item.source === undefined ? baseFilter : sourceFilterFromBody(item.source);
    return docFound(req.major, index, doc, filter);
  });
  return { status: 200, body: { docs } };
}
