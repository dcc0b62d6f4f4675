/**
 * Cluster-level APIs: root info, cluster health/stats/settings, the _cat APIs Kuzzle uses,
 * tasks, and _analyze.
 */
import { AnalysisRegistry } from './analysis';
import { EmulatorState, EsRequest, indexParts, jsonObjectBody, Route, RouteMatch } from './context';
import { esError, illegalArgument, Major } from './errors';
import { EsIndex } from './store';
import { isObject, JsonObject, parseBooleanParam, wildcardToRegExp } from './util';

export const CLUSTER_NAME = 'es-emulator';
export const CLUSTER_UUID = 'ZXMtZW11bGF0b3ItY2x1c3Rlcg';
export const NODE_NAME = 'es-emulator-node';

const VERSIONS: Record<Major, { number: string; lucene: string; wire: string; index: string }> = {
  7: { number: '7.17.25', lucene: '8.11.3', wire: '6.8.0', index: '6.0.0-beta1' },
  8: { number: '8.17.0', lucene: '9.12.0', wire: '7.17.0', index: '7.0.0' },
};

export function versionNumber(major: Major): string {
  return VERSIONS[major].number;
}

function rootInfo(req: EsRequest) {
  const v = VERSIONS[req.major];
  return {
    status: 200,
    body: {
      name: NODE_NAME,
      cluster_name: CLUSTER_NAME,
      cluster_uuid: CLUSTER_UUID,
      version: {
        number: v.number,
        build_flavor: 'default',
        build_type: 'docker',
        build_hash: '0000000000000000000000000000000000000000',
        build_date: '2024-12-01T00:00:00.000000000Z',
        build_snapshot: false,
        lucene_version: v.lucene,
        minimum_wire_compatibility_version: v.wire,
        minimum_index_compatibility_version: v.index,
      },
      tagline: 'You Know, for Search',
    },
  };
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}b`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)}kb`;
  return `${(bytes / 1024 / 1024).toFixed(1)}mb`;
}

function health(_req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const parts = indexParts(m.vars.index);
  const indices = parts.length ? state.cluster.resolve(parts, { allowNoIndices: false }) : Array.from(state.cluster.indices.values());
  return {
    status: 200,
    body: {
      cluster_name: CLUSTER_NAME,
      status: 'green',
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      active_primary_shards: indices.length,
      active_shards: indices.length,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: 100.0,
    },
  };
}

function clusterStats(req: EsRequest, _m: RouteMatch, state: EmulatorState) {
  const indices = Array.from(state.cluster.indices.values());
  const docs = indices.reduce((n, i) => n + i.searchable.size, 0);
  const size = indices.reduce((n, i) => n + i.storeSizeBytes(), 0);
  const human = parseBooleanParam(req.params.human, false);
  const store: JsonObject = { size_in_bytes: size, reserved_in_bytes: 0 };
  if (human) store.size = humanSize(size);
  return {
    status: 200,
    body: {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: CLUSTER_NAME,
      cluster_uuid: CLUSTER_UUID,
      timestamp: Date.now(),
      status: 'green',
      indices: {
        count: indices.length,
        shards: { total: indices.length, primaries: indices.length, replication: 0 },
        docs: { count: docs, deleted: 0 },
        store,
      },
      nodes: {
        count: { total: 1, coordinating_only: 0, data: 1, ingest: 1, master: 1, ml: 0, remote_cluster_client: 1, transform: 1, voting_only: 0 },
        versions: [VERSIONS[req.major].number],
        os: { available_processors: 1, allocated_processors: 1, names: [{ name: 'Linux', count: 1 }] },
        process: { cpu: { percent: 0 }, open_file_descriptors: { min: 0, max: 0, avg: 0 } },
        jvm: { max_uptime_in_millis: Math.round(process.uptime() * 1000), versions: [], mem: { heap_used_in_bytes: 0, heap_max_in_bytes: 0 }, threads: 0 },
        fs: { total_in_bytes: 0, free_in_bytes: 0, available_in_bytes: 0 },
        plugins: [],
        network_types: { transport_types: { 'es-emulator': 1 }, http_types: { 'es-emulator': 1 } },
        discovery_types: { 'single-node': 1 },
        packaging_types: [{ flavor: 'default', type: 'docker', count: 1 }],
      },
    },
  };
}

/** Renders a _cat table: JSON rows with string values, or aligned text (h, s and v supported). */
function catTable(req: EsRequest, columns: string[], rows: Array<Record<string, string>>) {
  const wanted = req.params.h ? req.params.h.split(',').map((c) => c.trim()) : columns;
  for (const c of wanted) {
    if (!columns.includes(c)) throw illegalArgument(`Unknown column [${c}] (es-emulator _cat columns: ${columns.join(', ')})`);
  }
  let sorted = rows;
  if (req.params.s) {
    const keys = req.params.s.split(',').map((k) => k.split(':'));
    sorted = rows.slice().sort((a, b) => {
      for (const [col, dir] of keys) {
        const c = (a[col] ?? '').localeCompare(b[col] ?? '', undefined, { numeric: true });
        if (c !== 0) return dir === 'desc' ? -c : c;
      }
      return 0;
    });
  }
  const picked = sorted.map((r) => Object.fromEntries(wanted.map((c) => [c, r[c] ?? null])));
  if (req.params.format === 'json') return { status: 200, body: picked };
  if (req.params.format !== undefined && req.params.format !== 'txt' && req.params.format !== 'text') {
    throw esError(501, { type: 'es_emulator_unsupported_exception', reason: `[es-emulator] _cat format [${req.params.format}] is not supported by the Elasticsearch emulator` });
  }
  const lines = picked.map((r) => wanted.map((c) => String(r[c] ?? '')));
  if (parseBooleanParam(req.params.v, false)) lines.unshift(wanted);
  const widths = wanted.map((_c, i) => Math.max(0, ...lines.map((l) => l[i].length)));
  return { status: 200, text: lines.map((l) => l.map((v, i) => v.padEnd(widths[i])).join(' ').trimEnd()).join('\n') + (lines.length ? '\n' : '') };
}

function catIndices(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const parts = indexParts(m.vars.index);
  const indices = parts.length ? state.cluster.resolve(parts) : Array.from(state.cluster.indices.values());
  const rows = indices.map((i: EsIndex) => ({
    health: 'green',
    status: i.closed ? 'close' : 'open',
    index: i.name,
    uuid: i.uuid,
    pri: String(i.settings.get('index.number_of_shards') ?? '1'),
    rep: String(i.settings.get('index.number_of_replicas') ?? '1'),
    'docs.count': String(i.searchable.size),
    'docs.deleted': '0',
    'store.size': humanSize(i.storeSizeBytes()),
    'pri.store.size': humanSize(i.storeSizeBytes()),
    'dataset.size': humanSize(i.storeSizeBytes()),
  }));
  const columns = ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted', 'store.size', 'pri.store.size'];
  if (req.major === 8) columns.push('dataset.size');
  return catTable(req, columns, rows);
}

function catAliases(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const names = indexParts(m.vars.name);
  const patterns = names.map((n) => wildcardToRegExp(n === '_all' ? '*' : n, false, false));
  const rows: Array<Record<string, string>> = [];
  for (const index of state.cluster.indices.values()) {
    for (const [alias, meta] of index.aliases) {
      if (patterns.length && !patterns.some((re) => re.test(alias))) continue;
      rows.push({
        alias,
        index: index.name,
        filter: '-',
        'routing.index': '-',
        'routing.search': '-',
        is_write_index: meta.isWriteIndex === undefined ? '-' : String(meta.isWriteIndex),
      });
    }
  }
  return catTable(req, ['alias', 'index', 'filter', 'routing.index', 'routing.search', 'is_write_index'], rows);
}

function catNodes(req: EsRequest) {
  const mem = process.memoryUsage();
  return catTable(req, ['ip', 'heap.percent', 'ram.percent', 'cpu', 'load_1m', 'load_5m', 'load_15m', 'node.role', 'master', 'name'], [{
    ip: '127.0.0.1',
    'heap.percent': String(Math.round((mem.heapUsed / mem.heapTotal) * 100)),
    'ram.percent': '50',
    cpu: '1',
    load_1m: '0.00',
    load_5m: '0.00',
    load_15m: '0.00',
    'node.role': 'cdfhilmrstw',
    master: '*',
    name: NODE_NAME,
  }]);
}

function catCount(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const parts = indexParts(m.vars.index);
  const indices = parts.length ? state.cluster.resolve(parts) : Array.from(state.cluster.indices.values());
  const now = new Date();
  return catTable(req, ['epoch', 'timestamp', 'count'], [{
    epoch: String(Math.floor(now.getTime() / 1000)),
    timestamp: now.toISOString().slice(11, 19),
    count: String(indices.reduce((n, i) => n + i.searchable.size, 0)),
  }]);
}

function catHealth(req: EsRequest, _m: RouteMatch, state: EmulatorState) {
  const now = new Date();
  const n = String(state.cluster.indices.size);
  return catTable(req, ['epoch', 'timestamp', 'cluster', 'status', 'node.total', 'node.data', 'shards', 'pri', 'relo', 'init', 'unassign', 'pending_tasks', 'max_task_wait_time', 'active_shards_percent'], [{
    epoch: String(Math.floor(now.getTime() / 1000)), timestamp: now.toISOString().slice(11, 19), cluster: CLUSTER_NAME, status: 'green',
    'node.total': '1', 'node.data': '1', shards: n, pri: n, relo: '0', init: '0', unassign: '0', pending_tasks: '0', max_task_wait_time: '-', active_shards_percent: '100.0%',
  }]);
}

function analyze(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const body = jsonObjectBody(req) ?? {};
  const index = m.vars.index ? state.cluster.resolveForRead(m.vars.index) : null;
  if (body.tokenizer !== undefined || body.filter !== undefined || body.char_filter !== undefined || body.normalizer !== undefined) {
    throw esError(501, { type: 'es_emulator_unsupported_exception', reason: '[es-emulator] _analyze with tokenizer/filter/char_filter/normalizer is not supported by the Elasticsearch emulator' });
  }
  let analyzerName = body.analyzer === undefined ? undefined : String(body.analyzer);
  if (body.field !== undefined && index) {
    const def = index.fields().get(String(body.field))?.def;
    if (def?.type === 'keyword') analyzerName = 'keyword';
    else if (def?.params.analyzer !== undefined) analyzerName = String(def.params.analyzer);
  }
  const registry = index ? index.analysis : new AnalysisRegistry(undefined);
  const texts = Array.isArray(body.text) ? body.text.map(String) : [String(body.text ?? '')];
  const tokens: JsonObject[] = [];
  let position = 0;
  for (const text of texts) {
    for (const token of registry.analyzer(analyzerName)(text) as string[]) {
      tokens.push({ token, start_offset: 0, end_offset: 0, type: '<ALPHANUM>', position: position++ });
    }
    position += 100;
  }
  return { status: 200, body: { tokens } };
}

const CAT = ['format', 'h', 's', 'v', 'help', 'bytes', 'time', 'local', 'master_timeout', 'expand_wildcards', 'health', 'pri', 'include_unloaded_segments', 'name', 'full_id'];

export const clusterRoutes: Route[] = [
  { methods: ['GET'], pattern: '/', op: 'info', kind: 'admin', handler: rootInfo },
  { methods: ['HEAD'], pattern: '/', op: 'ping', kind: 'admin', handler: () => ({ status: 200 }) },
  ...['/_cluster/health', '/_cluster/health/{index}'].map((pattern): Route => ({
    methods: ['GET'], pattern, op: 'cluster_health', kind: 'admin',
    params: ['wait_for_status', 'wait_for_no_initializing_shards', 'wait_for_no_relocating_shards', 'wait_for_nodes', 'wait_for_active_shards', 'wait_for_events', 'level', 'local', 'expand_wildcards', 'return_200_for_cluster_health_timeout'],
    handler: health,
  })),
  { methods: ['GET'], pattern: '/_cluster/stats', op: 'cluster_stats', kind: 'admin', params: ['flat_settings', 'include_remotes'], handler: clusterStats },
  { methods: ['GET'], pattern: '/_cluster/settings', op: 'cluster_settings', kind: 'admin', params: ['flat_settings', 'include_defaults'], handler: () => ({ status: 200, body: { persistent: {}, transient: {} } }) },
  ...['/_cat/indices', '/_cat/indices/{index}'].map((pattern): Route => ({ methods: ['GET'], pattern, op: 'cat_indices', kind: 'admin', params: CAT, handler: catIndices })),
  ...['/_cat/aliases', '/_cat/aliases/{name}'].map((pattern): Route => ({ methods: ['GET'], pattern, op: 'cat_aliases', kind: 'admin', params: CAT, handler: catAliases })),
  { methods: ['GET'], pattern: '/_cat/nodes', op: 'cat_nodes', kind: 'admin', params: CAT, handler: catNodes },
  ...['/_cat/count', '/_cat/count/{index}'].map((pattern): Route => ({ methods: ['GET'], pattern, op: 'cat_count', kind: 'admin', params: CAT, handler: catCount })),
  { methods: ['GET'], pattern: '/_cat/health', op: 'cat_health', kind: 'admin', params: [...CAT, 'ts'], handler: catHealth },
  {
    methods: ['GET'], pattern: '/_tasks/{task_id}', op: 'get_task', kind: 'admin', params: ['wait_for_completion'],
    handler: (_req, m, state) => {
      const task = state.tasks.get(m.vars.task_id);
      if (!task) return Promise.reject(esError(404, { type: 'resource_not_found_exception', reason: `task [${m.vars.task_id}] isn't running and hasn't stored its results` }));
      return { status: 200, body: task };
    },
  },
  ...['/_analyze', '/{index}/_analyze'].map((pattern): Route => ({ methods: ['GET', 'POST'], pattern, op: 'analyze', kind: 'admin', params: ['index'], handler: analyze })),
];

export function isCatText(value: unknown): value is { status: number; text: string } {
  return isObject(value) && typeof value.text === 'string';
}
