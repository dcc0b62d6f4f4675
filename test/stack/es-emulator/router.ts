/**
 * Route table and dispatch: path patterns (`{index}` never starts with `_`), 405 for a known
 * path with another method, 501 for known-but-unemulated APIs, and query-parameter validation
 * (`request [...] contains unrecognized parameter`), as Elasticsearch does.
 */
import { EsRequest, Route, RouteMatch } from './context';
import { EsError, noHandler, unrecognizedParameters, unsupported } from './errors';
import { bulkRoutes } from './handlers-bulk';
import { clusterRoutes } from './handlers-cluster';
import { docRoutes } from './handlers-docs';
import { indexRoutes } from './handlers-indices';
import { searchRoutes } from './handlers-search';
import { parseBooleanParam } from './util';

const COMMON_PARAMS = new Set(['pretty', 'human', 'error_trace', 'timeout', 'master_timeout', 'local', 'source', 'source_content_type', 'ignore_throttled', 'include_type_name', 'filter_path']);

const UNEMULATED_APIS = new Set([
  '_msearch', '_field_caps', '_validate', '_explain', '_termvectors', '_mtermvectors', '_reindex', '_rank_eval', '_pit',
  '_async_search', '_sql', '_eql', '_esql', '_ingest', '_snapshot', '_ilm', '_slm', '_index_template', '_template',
  '_component_template', '_data_stream', '_rollup', '_transform', '_ml', '_security', '_license', '_xpack', '_nodes',
  '_shrink', '_split', '_clone', '_rollover', '_scripts', '_render', '_resolve', '_segments', '_recovery', '_shard_stores',
  '_upgrade', '_freeze', '_unfreeze', '_disk_usage', '_field_usage_stats', '_knn_search', '_terms_enum', '_block',
  '_dangling', '_features', '_autoscaling', '_ccr', '_enrich', '_fleet', '_graph', '_migration', '_monitoring',
  '_watcher', '_text_structure', '_searchable_snapshots', '_query', '_connector', '_inference', '_application',
]);

interface CompiledRoute {
  route: Route;
  parts: Array<{ literal: string } | { variable: string }>;
}

export type RouteResult =
  | { kind: 'found'; route: Route; match: RouteMatch }
  | { kind: 'error'; error: EsError };

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[] = [...clusterRoutes, ...searchRoutes, ...bulkRoutes, ...docRoutes, ...indexRoutes]) {
    this.compiled = routes.map((route) => ({
      route,
      parts: route.pattern.split('/').filter(Boolean).map((p) => (p.startsWith('{') ? { variable: p.slice(1, -1) } : { literal: p })),
    }));
  }

  private matchPath(c: CompiledRoute, segments: string[]): RouteMatch | null {
    if (c.parts.length !== segments.length) return null;
    const vars: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const part = c.parts[i];
      const seg = segments[i];
      if ('literal' in part) {
        if (part.literal !== seg) return null;
      } else {
        if (part.variable === 'index' && seg.startsWith('_') && seg !== '_all') return null;
        if (seg === '') return null;
        vars[part.variable] = seg;
      }
    }
    return { vars };
  }

  resolve(req: EsRequest): RouteResult {
    const allowed = new Set<string>();
    for (const c of this.compiled) {
      const match = this.matchPath(c, req.segments);
      if (!match) continue;
      if (!c.route.methods.includes(req.method)) {
        c.route.methods.forEach((m) => allowed.add(m));
        continue;
      }
      const error = this.checkParams(req, c.route);
      if (error) return { kind: 'error', error };
      return { kind: 'found', route: c.route, match };
    }
    if (allowed.size) {
      const reason = `Incorrect HTTP method for uri [${req.path}] and method [${req.method}], allowed: [${Array.from(allowed).sort().join(', ')}]`;
      return { kind: 'error', error: new EsError(405, { error: reason, status: 405 }, reason) };
    }
    const api = req.segments.find((s) => UNEMULATED_APIS.has(s));
    if (api) return { kind: 'error', error: unsupported(`the [${api}] API (${req.method} ${req.path})`) };
    return { kind: 'error', error: noHandler(req.method, req.path) };
  }

  private checkParams(req: EsRequest, route: Route): EsError | null {
    if (req.params.filter_path !== undefined) return unsupported('the filter_path parameter');
    if (parseBooleanParam(req.params.include_type_name, false)) return unsupported('include_type_name=true');
    const accepted = new Set(route.params ?? []);
    const unknown = Object.keys(req.params).filter((p) => !COMMON_PARAMS.has(p) && !accepted.has(p));
    if (unknown.length) return unrecognizedParameters(req.path, unknown);
    return null;
  }
}

export function contentTypeError(contentType: string): EsError {
  const reason = `Content-Type header [${contentType}] is not supported`;
  return new EsError(406, { error: reason, status: 406 }, reason);
}

