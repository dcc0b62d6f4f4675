/**
 * Index administration: create/delete/exists/get, mappings, settings, open/close, refresh,
 * flush, index stats.
 */
import { AnalysisRegistry } from './analysis';
import { mappingFailure, validateSettings } from './cluster';
import { EmulatorState, EsRequest, indexParts, jsonObjectBody, Route, RouteMatch, isEsError } from './context';
import { EsError, esError, illegalArgument, indexNotFound } from './errors';
import { mergeRootMappings, parseRootMapping, serializeRootMapping } from './mapping';
import { aliasRoutes } from './handlers-aliases';
import { EsIndex, flattenSettings, nestSettings, SettingValue } from './store';
import { isObject, JsonObject, parseBooleanParam } from './util';

function resolveAdmin(req: EsRequest, m: RouteMatch, state: EmulatorState): EsIndex[] {
  return state.cluster.resolve(indexParts(m.vars.index), {
    ignoreUnavailable: parseBooleanParam(req.params.ignore_unavailable, false),
    allowNoIndices: parseBooleanParam(req.params.allow_no_indices, true),
  });
}

export function adminTargets(_req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  const parts = indexParts(m.vars.index);
  return parts.length ? state.cluster.bestEffortPhysical(parts) : [];
}

const VERSION_CREATED: Record<number, string> = { 7: '7170099', 8: '8170099' };

export function settingsOf(index: EsIndex, major: number, flat: boolean): JsonObject {
  const all = new Map<string, SettingValue>(index.settings);
  all.set('index.creation_date', String(index.creationDate));
  all.set('index.uuid', index.uuid);
  all.set('index.version.created', VERSION_CREATED[major] ?? VERSION_CREATED[7]);
  all.set('index.provided_name', index.name);
  if (index.closed) all.set('index.verified_before_close', 'true');
  if (flat) {
    const out: JsonObject = {};
    for (const [k, v] of Array.from(all.entries()).sort(([a], [b]) => (a < b ? -1 : 1))) out[k] = v;
    return out;
  }
  return nestSettings(all);
}

function aliasesOf(index: EsIndex): JsonObject {
  const out: JsonObject = {};
  for (const [name, meta] of Array.from(index.aliases.entries()).sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[name] = meta.isWriteIndex !== undefined ? { is_write_index: meta.isWriteIndex } : {};
  }
  return out;
}

const NON_DYNAMIC = [/^index\.number_of_shards$/, /^index\.analysis\./, /^index\.codec$/, /^index\.sort\./, /^index\.number_of_routing_shards$/];

function updateSettings(index: EsIndex, incoming: Map<string, SettingValue>): void {
  const nonDynamic = Array.from(incoming.keys()).filter((k) => NON_DYNAMIC.some((re) => re.test(k)));
  if (nonDynamic.length && !index.closed) {
    throw illegalArgument(`Can't update non dynamic settings [[${nonDynamic.join(', ')}]] for open indices [[${index.name}/${index.uuid}]]`);
  }
  for (const key of nonDynamic) {
    if (key === 'index.number_of_shards' && incoming.get(key) !== index.settings.get(key)) {
      throw illegalArgument(`final ${index.name} setting [${key}], not updateable`);
    }
  }
  const next = new Map(index.settings);
  for (const [k, v] of incoming) {
    if (k === 'index.creation_date' || k === 'index.uuid' || k === 'index.provided_name' || k.startsWith('index.version.')) {
      throw illegalArgument(`final ${index.name} setting [${k}], not updateable`);
    }
    next.set(k, v);
  }
  validateSettings(next);
  const analysis = nestSettings(next).index;
  index.analysis = new AnalysisRegistry(isObject(analysis) ? analysis.analysis : undefined);
  index.settings = next;
}

function shards(indices: EsIndex[]): JsonObject {
  let total = 0;
  for (const i of indices) total += 1 + Number(i.settings.get('index.number_of_replicas') ?? 1);
  return { total, successful: indices.length, failed: 0 };
}

function statsOf(index: EsIndex): JsonObject {
  const size = index.storeSizeBytes();
  const part = { docs: { count: index.searchable.size, deleted: 0 }, store: { size_in_bytes: size, total_data_set_size_in_bytes: size, reserved_in_bytes: 0 } };
  return { uuid: index.uuid, health: 'green', status: index.closed ? 'close' : 'open', primaries: part, total: part };
}

function indexStats(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const indices = resolveAdmin(req, m, state);
  let count = 0;
  let size = 0;
  const perIndex: JsonObject = {};
  for (const index of indices) {
    perIndex[index.name] = statsOf(index);
    count += index.searchable.size;
    size += index.storeSizeBytes();
  }
  const all = { docs: { count, deleted: 0 }, store: { size_in_bytes: size, total_data_set_size_in_bytes: size, reserved_in_bytes: 0 } };
  return { status: 200, body: { _shards: shards(indices), _all: { primaries: all, total: all }, indices: perIndex } };
}

function createIndex(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  if (parseBooleanParam(req.params.include_type_name, false)) {
    throw esError(501, { type: 'es_emulator_unsupported_exception', reason: '[es-emulator] include_type_name=true is not supported by the Elasticsearch emulator' });
  }
  const index = state.cluster.createIndex(m.vars.index, jsonObjectBody(req), req.major);
  return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: index.name } };
}

function deleteIndex(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const parts = indexParts(m.vars.index);
  const ignoreUnavailable = parseBooleanParam(req.params.ignore_unavailable, false);
  const toDelete = new Set<EsIndex>();
  for (const part of parts) {
    if (part.includes('*') || part === '_all') {
      if (req.major === 8) throw illegalArgument('Wildcard expressions or all indices are not allowed');
      state.cluster.resolve([part]).forEach((i) => toDelete.add(i));
      continue;
    }
    const index = state.cluster.indices.get(part);
    if (index) {
      toDelete.add(index);
      continue;
    }
    if (state.cluster.aliasTargets(part).length > 0) {
      throw illegalArgument(`The provided expression [${part}] matches an alias, specify the corresponding concrete indices instead.`);
    }
    if (!ignoreUnavailable) throw indexNotFound(part);
  }
  for (const index of toDelete) state.cluster.deleteIndex(index.name);
  return { status: 200, body: { acknowledged: true } };
}

function putMapping(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const body = jsonObjectBody(req) ?? {};
  const indices = resolveAdmin(req, m, state);
  if (indices.length === 0) throw indexNotFound(indexParts(m.vars.index).join(','));
  const merged = indices.map((index) => {
    try {
      const incoming = parseRootMapping(body, index.analysis);
      return mergeRootMappings(index.mapping, incoming, body);
    } catch (e) {
      throw mappingFailure(e, req.major, false);
    }
  });
  indices.forEach((index, i) => (index.mapping = merged[i]));
  return { status: 200, body: { acknowledged: true } };
}

function setClosed(req: EsRequest, m: RouteMatch, state: EmulatorState, closed: boolean) {
  const indices = resolveAdmin(req, m, state);
  const result: JsonObject = {};
  for (const index of indices) {
    index.closed = closed;
    result[index.name] = { closed: true };
  }
  return { status: 200, body: closed ? { acknowledged: true, shards_acknowledged: true, indices: result } : { acknowledged: true, shards_acknowledged: true } };
}

function exists(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  try {
    const indices = state.cluster.resolve(indexParts(m.vars.index), { allowNoIndices: parseBooleanParam(req.params.allow_no_indices, false), ignoreUnavailable: parseBooleanParam(req.params.ignore_unavailable, false) });
    return { status: indices.length ? 200 : 404 };
  } catch (e) {
    if (isEsError(e)) return { status: (e as EsError).status };
    throw e;
  }
}

const INDEX_LIST_PARAMS = ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'local', 'flat_settings', 'include_defaults', 'master_timeout', 'include_type_name', 'features'];

export const indexRoutes: Route[] = [
  { methods: ['PUT'], pattern: '/{index}', op: 'create_index', kind: 'admin', params: ['wait_for_active_shards', 'include_type_name'], targets: (_req, m) => [m.vars.index], handler: createIndex },
  { methods: ['HEAD'], pattern: '/{index}', op: 'index_exists', kind: 'admin', params: INDEX_LIST_PARAMS, targets: adminTargets, handler: exists },
  {
    methods: ['GET'], pattern: '/{index}', op: 'get_index', kind: 'admin', params: INDEX_LIST_PARAMS, targets: adminTargets,
    handler: (req, m, state) => {
      const out: JsonObject = {};
      for (const index of resolveAdmin(req, m, state)) {
        out[index.name] = { aliases: aliasesOf(index), mappings: serializeRootMapping(index.mapping), settings: settingsOf(index, req.major, parseBooleanParam(req.params.flat_settings, false)) };
      }
      return { status: 200, body: out };
    },
  },
  { methods: ['DELETE'], pattern: '/{index}', op: 'delete_index', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards'], targets: adminTargets, handler: deleteIndex },
  ...(['/_mapping', '/{index}/_mapping'].map((pattern): Route => ({
    methods: ['GET'], pattern, op: 'get_mapping', kind: 'admin', params: INDEX_LIST_PARAMS, targets: adminTargets,
    handler: (req, m, state) => {
      const out: JsonObject = {};
      for (const index of resolveAdmin(req, m, state)) out[index.name] = { mappings: serializeRootMapping(index.mapping) };
      return { status: 200, body: out };
    },
  }))),
  { methods: ['PUT', 'POST'], pattern: '/{index}/_mapping', op: 'put_mapping', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'write_index_only', 'include_type_name'], targets: adminTargets, handler: putMapping },
  ...(['/_settings', '/{index}/_settings', '/{index}/_settings/{name}'].map((pattern): Route => ({
    methods: ['GET'], pattern, op: 'get_settings', kind: 'admin', params: INDEX_LIST_PARAMS, targets: adminTargets,
    handler: (req, m, state) => {
      const out: JsonObject = {};
      const flat = parseBooleanParam(req.params.flat_settings, false);
      for (const index of resolveAdmin(req, m, state)) out[index.name] = { settings: settingsOf(index, req.major, flat) };
      return { status: 200, body: out };
    },
  }))),
  ...(['/_settings', '/{index}/_settings'].map((pattern): Route => ({
    methods: ['PUT'], pattern, op: 'put_settings', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'preserve_existing', 'flat_settings'], targets: adminTargets,
    handler: (req, m, state) => {
      const body = jsonObjectBody(req);
      if (!body) throw esError(400, { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: no settings to update;' });
      const incoming = flattenSettings(isObject(body.settings) ? body.settings : body);
      for (const index of resolveAdmin(req, m, state)) updateSettings(index, incoming);
      return { status: 200, body: { acknowledged: true } };
    },
  }))),
  { methods: ['POST'], pattern: '/{index}/_close', op: 'close_index', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'wait_for_active_shards'], targets: adminTargets, handler: (req, m, state) => setClosed(req, m, state, true) },
  { methods: ['POST'], pattern: '/{index}/_open', op: 'open_index', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'wait_for_active_shards'], targets: adminTargets, handler: (req, m, state) => setClosed(req, m, state, false) },
  ...(['/_refresh', '/{index}/_refresh'].map((pattern): Route => ({
    methods: ['GET', 'POST'], pattern, op: 'refresh', kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards'], targets: adminTargets,
    handler: (req, m, state) => {
      const indices = resolveAdmin(req, m, state);
      indices.forEach((i) => i.refresh());
      return { status: 200, body: { _shards: shards(indices) } };
    },
  }))),
  ...(['/_flush', '/{index}/_flush', '/_forcemerge', '/{index}/_forcemerge', '/_cache/clear', '/{index}/_cache/clear'].map((pattern): Route => ({
    methods: ['GET', 'POST'], pattern, op: pattern.split('/').pop() as string, kind: 'admin', params: ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'force', 'wait_if_ongoing', 'max_num_segments', 'only_expunge_deletes', 'flush', 'fielddata', 'query', 'request', 'fields'], targets: adminTargets,
    handler: (req, m, state) => ({ status: 200, body: { _shards: shards(resolveAdmin(req, m, state)) } }),
  }))),
  ...(['/_stats', '/_stats/{metric}', '/{index}/_stats', '/{index}/_stats/{metric}'].map((pattern): Route => ({
    methods: ['GET'], pattern, op: 'index_stats', kind: 'admin', params: ['level', 'human', 'completion_fields', 'fielddata_fields', 'fields', 'groups', 'include_segment_file_sizes', 'include_unloaded_segments', 'expand_wildcards', 'forbid_closed_indices'], targets: adminTargets,
    handler: indexStats,
  }))),
  ...aliasRoutes,
];

