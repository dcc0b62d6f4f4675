/**
 * Alias APIs: get/exists (`/_alias`, `/{index}/_alias/{name}`), put/delete, and POST /_aliases actions.
 */
import { EmulatorState, EsRequest, indexParts, jsonObjectBody, Route, RouteMatch } from './context';
import { aliasMissing, EsError, esError, illegalArgument, indexNotFound } from './errors';
import { AliasMeta, EsIndex } from './store';
import { isObject, JsonObject, parseBooleanParam, wildcardToRegExp } from './util';

function aliasBody(index: EsIndex, filter: ((alias: string) => boolean) | null): JsonObject {
  const aliases: JsonObject = {};
  for (const [name, meta] of Array.from(index.aliases.entries()).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (filter && !filter(name)) continue;
    aliases[name] = meta.isWriteIndex !== undefined ? { is_write_index: meta.isWriteIndex } : {};
  }
  return { aliases };
}

function lookup(req: EsRequest, m: RouteMatch, state: EmulatorState): { body: JsonObject; missing: string[] } {
  const indexExpr = indexParts(m.vars.index);
  const names = indexParts(m.vars.name);
  const indices = indexExpr.length
    ? state.cluster.resolve(indexExpr, { ignoreUnavailable: parseBooleanParam(req.params.ignore_unavailable, false) })
    : Array.from(state.cluster.indices.values());
  const patterns = names.filter((n) => n !== '_all' && n !== '*').map((n) => wildcardToRegExp(n, false, false));
  const filter = patterns.length ? (alias: string) => patterns.some((re) => re.test(alias)) : null;
  const body: JsonObject = {};
  for (const index of indices) {
    const entry = aliasBody(index, filter);
    if (filter && Object.keys(entry.aliases as JsonObject).length === 0) continue;
    body[index.name] = entry;
  }
  const present = new Set(indices.flatMap((i) => Array.from(i.aliases.keys())));
  const missing = names.filter((n) => !n.includes('*') && n !== '_all' && !present.has(n));
  return { body, missing };
}

function getAlias(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const { body, missing } = lookup(req, m, state);
  if (missing.length) {
    const err = aliasMissing(missing);
    return { status: 404, body: { ...body, ...(err.body as JsonObject) } };
  }
  return { status: 200, body };
}

function existsAlias(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  try {
    const { body, missing } = lookup(req, m, state);
    return { status: missing.length || Object.keys(body).length === 0 ? 404 : 200 };
  } catch (e) {
    if (e instanceof EsError) return { status: 404 };
    throw e;
  }
}

function applyAdd(state: EmulatorState, indices: EsIndex[], alias: string, options: unknown): void {
  for (const index of indices) {
    const meta: AliasMeta = state.cluster.validateAlias(alias, options, index.name);
    index.aliases.set(alias, meta);
  }
}

function putAlias(req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const indices = state.cluster.resolve(indexParts(m.vars.index), { allowNoIndices: false });
  const body = jsonObjectBody(req);
  for (const alias of indexParts(m.vars.name)) applyAdd(state, indices, alias, body ?? {});
  return { status: 200, body: { acknowledged: true } };
}

function deleteAlias(_req: EsRequest, m: RouteMatch, state: EmulatorState) {
  const indices = state.cluster.resolve(indexParts(m.vars.index), { allowNoIndices: false });
  const names = indexParts(m.vars.name);
  const patterns = names.map((n) => wildcardToRegExp(n === '_all' ? '*' : n, false, false));
  let removed = 0;
  for (const index of indices) {
    for (const alias of Array.from(index.aliases.keys())) {
      if (patterns.some((re) => re.test(alias))) {
        index.aliases.delete(alias);
        removed++;
      }
    }
  }
  if (removed === 0) return Promise.reject(aliasesNotFound(names));
  return { status: 200, body: { acknowledged: true } };
}

function aliasesNotFound(names: string[]): EsError {
  return esError(404, { type: 'aliases_not_found_exception', reason: `aliases [${names.join(',')}] missing`, 'resource.type': 'aliases', 'resource.id': names.join(',') });
}

function updateAliases(req: EsRequest, _m: RouteMatch, state: EmulatorState) {
  const body = jsonObjectBody(req);
  if (!body || !Array.isArray(body.actions) || body.actions.length === 0) {
    throw esError(400, { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: Must specify at least one alias action;' });
  }
  // validate everything first: the actions are applied atomically
  const plan: Array<() => void> = [];
  for (const action of body.actions) {
    if (!isObject(action) || Object.keys(action).length !== 1) throw illegalArgument('Expected exactly one alias action');
    const [type, spec] = Object.entries(action)[0];
    if (!isObject(spec)) throw illegalArgument(`[${type}] expects an object`);
    const indexNames = spec.indices !== undefined ? (spec.indices as string[]).map(String) : spec.index !== undefined ? indexParts(String(spec.index)) : [];
    const aliases = spec.aliases !== undefined ? (spec.aliases as string[]).map(String) : spec.alias !== undefined ? [String(spec.alias)] : [];
    const mustExist = spec.must_exist === true;
    const indices = state.cluster.resolve(indexNames, { allowNoIndices: false });
    if (type === 'add') {
      for (const alias of aliases) {
        indices.forEach((index) => state.cluster.validateAlias(alias, spec, index.name));
        plan.push(() => applyAdd(state, indices, alias, spec));
      }
    } else if (type === 'remove') {
      for (const alias of aliases) {
        const re = wildcardToRegExp(alias, false, false);
        if (mustExist && !indices.some((i) => Array.from(i.aliases.keys()).some((a) => re.test(a)))) throw aliasesNotFound([alias]);
        plan.push(() => indices.forEach((i) => Array.from(i.aliases.keys()).filter((a) => re.test(a)).forEach((a) => i.aliases.delete(a))));
      }
    } else if (type === 'remove_index') {
      if (indices.length === 0) throw indexNotFound(indexNames.join(','));
      plan.push(() => indices.forEach((i) => state.cluster.deleteIndex(i.name)));
    } else {
      throw illegalArgument(`Unknown alias action [${type}]`);
    }
  }
  plan.forEach((apply) => apply());
  return { status: 200, body: { acknowledged: true } };
}

function aliasTargets(_req: EsRequest, m: RouteMatch, state: EmulatorState): string[] {
  const parts = indexParts(m.vars.index);
  return parts.length ? state.cluster.bestEffortPhysical(parts) : [];
}

const P = ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'local', 'master_timeout', 'timeout'];

export const aliasRoutes: Route[] = [
  ...['/_alias', '/_alias/{name}', '/{index}/_alias', '/{index}/_alias/{name}', '/_aliases', '/{index}/_aliases'].map((pattern): Route => ({
    methods: ['GET'], pattern, op: 'get_alias', kind: 'admin', params: P, targets: aliasTargets, handler: getAlias,
  })),
  ...['/_alias/{name}', '/{index}/_alias/{name}'].map((pattern): Route => ({
    methods: ['HEAD'], pattern, op: 'exists_alias', kind: 'admin', params: P, targets: aliasTargets, handler: existsAlias,
  })),
  ...['/{index}/_alias/{name}', '/{index}/_aliases/{name}'].map((pattern): Route => ({
    methods: ['PUT', 'POST'], pattern, op: 'put_alias', kind: 'admin', params: P, targets: aliasTargets, handler: putAlias,
  })),
  ...['/{index}/_alias/{name}', '/{index}/_aliases/{name}'].map((pattern): Route => ({
    methods: ['DELETE'], pattern, op: 'delete_alias', kind: 'admin', params: P, targets: aliasTargets, handler: deleteAlias,
  })),
  { methods: ['POST'], pattern: '/_aliases', op: 'update_aliases', kind: 'admin', params: ['master_timeout', 'timeout'], handler: updateAliases },
];
