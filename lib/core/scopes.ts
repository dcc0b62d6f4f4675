/**
 * Scope grammar and matching. Pure logic: no Kuzzle import.
 *
 * Grammar: `controller:action[@index[/collection]]`
 * - controller: `*`, or one or more `/`-separated segments of `[A-Za-z0-9_-]+` (`document`, `api-keys/auth`)
 * - action: `*` or `[A-Za-z0-9_-]+`
 * - index, collection: `*`, or a name Kuzzle 2.56 accepts (`_isObjectNameValid` in its Elasticsearch service):
 *   lowercase, 1 to 126 UTF-8 bytes, not `_all`, none of `\ / * ? " < > | , + # : . & %` nor whitespace.
 * - `@index` only on a controller:action pattern that can touch an index (see resourceTable): anything else could
 *   never match, so it is refused rather than silently granting nothing.
 * `*` only ever stands for a whole segment: `docu*`, `sh*p` and `api-keys/*` are invalid.
 *
 * Matching: an index-narrowed scope matches only actions that touch an index (resourceTable), and only when every
 * resource the request touches is covered. Persistent-privilege actions need a literal scope (actionRules).
 *
 * `scopes === null` on a key means "unrestricted" (the key has all its user's rights); `[]` means the key may call only
 * the always-allowed actions.
 */
import { ApiKeyError } from './errors';
import { LRUCache } from 'lru-cache';
import { ALWAYS_ALLOWED, isAlwaysAllowed, isPersistentPrivilege, PERSISTENT_PRIVILEGE_ACTIONS, CREDENTIAL_ACTIONS } from './actionRules';
import { ResourceKind, indexBoundActions, patternHasIndexBoundAction, resourceKindOf } from './resourceTable';

export { ALWAYS_ALLOWED, isAlwaysAllowed };

export interface Scope {
  controller: string;
  action: string;
  index?: string;
  collection?: string;
}

/** An index/collection pair a request touches. A missing collection means an index-level operation. */
export interface Resource {
  index: string;
  collection?: string;
}

/** An entry of Kuzzle's `auth:getMyRights` result (`*` wildcards). */
export interface Right {
  controller: string;
  action: string;
  index: string;
  collection: string;
  value: string;
}

export const WILDCARD = '*';
export const MAX_SCOPE_LENGTH = 512;
export const MAX_SCOPES = 128;
const MAX_RESOURCE_NAME_BYTES = 126;

const NAME_SEGMENT = /^[A-Za-z0-9_-]+$/;
// Kuzzle's forbidden characters in index and collection names, plus any whitespace
const FORBIDDEN_IN_RESOURCE = /[\s\\/*?"<>|,+#:.&%]/;

/** A printable, bounded rendering of a user-supplied value for error messages. */
function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') {
    text = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  } else if (value === null) {
    text = 'null';
  } else if (Array.isArray(value)) {
    text = 'an array';
  } else {
    text = `a value of type ${typeof value}`;
  }
  return text;
}

function invalid(raw: unknown, reason: string): ApiKeyError {
  return new ApiKeyError(
    'invalid_scope',
    `Invalid scope ${show(raw)}: ${reason}. Expected "controller:action[@index[/collection]]" ` +
      '(`*` allowed as a whole segment only)',
  );
}

function checkController(raw: string, controller: string): void {
  if (controller === '') {
    throw invalid(raw, 'the controller is empty');
  }
  if (controller === WILDCARD) {
    return;
  }
  for (const segment of controller.split('/')) {
    if (!NAME_SEGMENT.test(segment)) {
      throw invalid(
        raw,
        `the controller "${controller}" is not valid (use \`*\`, or segments of letters, digits, "_" or "-" separated by "/")`,
      );
    }
  }
}

function checkAction(raw: string, action: string): void {
  if (action === '') {
    throw invalid(raw, 'the action is empty');
  }
  if (action !== WILDCARD && !NAME_SEGMENT.test(action)) {
    throw invalid(raw, `the action "${action}" is not valid (use \`*\`, or letters, digits, "_" or "-")`);
  }
}

function checkResourceName(raw: string, what: 'index' | 'collection', name: string): void {
  if (name === '') {
    throw invalid(raw, `the ${what} is empty`);
  }
  if (name === WILDCARD) {
    return;
  }
  const reason = name !== name.toLowerCase() ? 'it must be lowercase'
    : Buffer.byteLength(name, 'utf8') > MAX_RESOURCE_NAME_BYTES ? `it is longer than ${MAX_RESOURCE_NAME_BYTES} bytes`
      : name === '_all' ? '"_all" is reserved'
        : FORBIDDEN_IN_RESOURCE.test(name) ? 'it contains whitespace or one of \\ / * ? " < > | , + # : . & %'
          : null;
  if (reason) {
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    throw invalid(raw, `the ${what} "${shown}" is not a valid Kuzzle ${what} name: ${reason}`);
  }
}

/**
 * Parses and validates one scope.
 * @throws ApiKeyError invalid_scope, naming the scope and what is wrong with it
 */
export function parseScope(raw: unknown): Scope {
  if (typeof raw !== 'string') {
    throw invalid(raw, 'a scope must be a string');
  }
  if (raw.length === 0) {
    throw invalid(raw, 'a scope cannot be empty');
  }
  if (raw.length > MAX_SCOPE_LENGTH) {
    throw invalid(raw, `a scope is at most ${MAX_SCOPE_LENGTH} characters long (got ${raw.length})`);
  }

  const at = raw.indexOf('@');
  const head = at === -1 ? raw : raw.slice(0, at);
  const tail = at === -1 ? undefined : raw.slice(at + 1);

  const colon = head.indexOf(':');
  if (colon === -1) {
    throw invalid(raw, 'the ":" between controller and action is missing');
  }
  const controller = head.slice(0, colon);
  const action = head.slice(colon + 1);
  checkController(raw, controller);
  if (action.includes(':')) {
    throw invalid(raw, 'there is more than one ":"');
  }
  checkAction(raw, action);

  const scope: Scope = { controller, action };
  if (tail === undefined) {
    return scope;
  }

  const slash = tail.indexOf('/');
  const index = slash === -1 ? tail : tail.slice(0, slash);
  checkResourceName(raw, 'index', index);
  if (!patternHasIndexBoundAction(controller, action)) {
    throw invalid(raw, `${controller}:${action} never touches an index, so "@${tail}" could never match`);
  }
  scope.index = index;
  if (slash !== -1) {
    const collection = tail.slice(slash + 1);
    if (collection.includes('/')) {
      throw invalid(raw, 'there can be only one "/" after "@" (index/collection)');
    }
    checkResourceName(raw, 'collection', collection);
    scope.collection = collection;
  }
  return scope;
}

export function formatScope(s: Scope): string {
  let out = `${s.controller}:${s.action}`;
  if (s.index !== undefined) {
    out += `@${s.index}`;
    if (s.collection !== undefined) {
      out += `/${s.collection}`;
    }
  } else if (s.collection !== undefined) {
    throw invalid(out, 'a collection requires an index');
  }
  // round-trip through the parser so that formatScope never produces an invalid scope
  parseScope(out);
  return out;
}

/**
 * Validates a key's scopes. `null`/`undefined` → `null` (unrestricted). Otherwise an array of valid scopes, at most
 * {@link MAX_SCOPES} once duplicates are removed (first occurrence kept, order kept).
 * @throws ApiKeyError invalid_scope
 */
export function normalizeScopes(raw: unknown): string[] | null {
  if (raw === undefined || raw === null) {
    return null;
  }
  if (!Array.isArray(raw)) {
    throw new ApiKeyError(
      'invalid_scope',
      `Invalid argument "scopes": expected an array of scope strings, or null, got ${show(raw)}`,
    );
  }
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (typeof item !== 'string') {
      throw new ApiKeyError(
        'invalid_scope',
        `Invalid argument "scopes": entry ${i} must be a scope string, got ${show(item)}`,
      );
    }
    parseScope(item);
    seen.add(item);
    if (seen.size > MAX_SCOPES) {
      throw new ApiKeyError(
        'invalid_scope',
        `Invalid argument "scopes": a key has at most ${MAX_SCOPES} distinct scopes`,
      );
    }
  }
  return [...seen];
}

// Parsed scopes are cached: matching runs on every key-authenticated request.
const parsedCache = new LRUCache<string, Readonly<Scope> | false>({ max: 4096 });

/** Parses a stored scope; one the current grammar rejects yields null, i.e. it grants nothing (fail closed). */
function parseStored(raw: string): Readonly<Scope> | null {
  const cached = parsedCache.get(raw);
  if (cached !== undefined) {
    return cached === false ? null : cached;
  }
  let parsed: Readonly<Scope> | null;
  try {
    parsed = Object.freeze(parseScope(raw));
  } catch {
    parsed = null;
  }
  parsedCache.set(raw, parsed ?? false);
  return parsed;
}

function parseAll(scopes: ReadonlyArray<string>): Readonly<Scope>[] {
  const out: Readonly<Scope>[] = [];
  for (const raw of scopes) {
    const parsed = typeof raw === 'string' ? parseStored(raw) : null;
    if (parsed !== null) {
      out.push(parsed);
    }
  }
  return out;
}

function segmentMatches(pattern: string, value: string): boolean {
  return pattern === WILDCARD || pattern === value;
}

/** Whether a scope names controller:action, literally when the action is a persistent-privilege one. */
function namesAction(scope: Readonly<Scope>, controller: string, action: string): boolean {
  if (isPersistentPrivilege(controller, action)) {
    return scope.controller === controller && scope.action === action;
  }
  return segmentMatches(scope.controller, controller) && segmentMatches(scope.action, action);
}

function covers(scope: Readonly<Scope>, resource: Resource): boolean {
  if (scope.index === undefined) {
    return true;
  }
  if (!segmentMatches(scope.index, resource.index)) {
    return false;
  }
  if (scope.collection === undefined || scope.collection === WILDCARD) {
    return true;
  }
  return resource.collection !== undefined && resource.collection === scope.collection;
}

/**
 * The first half of a scope check, before the request's resources are known (reading them can cost a lookup):
 * - `allow` / `deny`: decided on controller:action alone;
 * - otherwise the index-narrowed scopes that name the action, and the kind of resources to read for it.
 */
export type ScopeVerdict = 'allow' | 'deny' | { narrowed: Readonly<Scope>[]; kind: ResourceKind };

export function evaluateScopes(scopes: string[] | null, controller: string, action: string): ScopeVerdict {
  if (scopes === null || isAlwaysAllowed(controller, action)) {
    return 'allow';
  }
  const matching = parseAll(scopes).filter((s) => namesAction(s, controller, action));
  if (matching.length === 0) {
    return 'deny';
  }
  if (matching.some((s) => s.index === undefined)) {
    return 'allow';
  }
  const kind = resourceKindOf(controller, action);
  return kind === 'none' ? 'deny' : { narrowed: matching, kind };
}

/**
 * The second half: whether index-narrowed scopes cover every resource the request touches.
 * @param resources `null` = could not be determined; `[]` = none (an unknown room, an unbound scroll): denied.
 */
export function scopesCover(narrowed: Readonly<Scope>[], resources: Resource[] | null): boolean {
  if (resources === null || resources.length === 0) {
    return false;
  }
  return resources.every((r) => narrowed.some((s) => covers(s, r)));
}

/**
 * Whether a key with these scopes may call controller:action on these resources (both halves at once, for callers
 * that already hold the resources).
 */
export function scopesAllow(
  scopes: string[] | null,
  controller: string,
  action: string,
  resources: Resource[] | null,
): boolean {
  const verdict = evaluateScopes(scopes, controller, action);
  if (verdict === 'allow' || verdict === 'deny') {
    return verdict === 'allow';
  }
  return scopesCover(verdict.narrowed, resources);
}

/** Whether a parent pattern covers a child pattern: `*` covers anything, a name covers only itself. */
function patternCovers(parent: string, child: string): boolean {
  return parent === WILDCARD || parent === child;
}

function scopeCovers(parent: Readonly<Scope>, child: Readonly<Scope>): boolean {
  if (!patternCovers(parent.controller, child.controller) || !patternCovers(parent.action, child.action)) {
    return false;
  }
  // a literal persistent-privilege scope is only covered by the same literal scope
  if (isPersistentPrivilege(child.controller, child.action)
    && (parent.controller !== child.controller || parent.action !== child.action)) {
    return false;
  }
  if (parent.index === undefined) {
    return true;
  }
  if (child.index === undefined || !patternCovers(parent.index, child.index)) {
    return false;
  }
  if (parent.collection === undefined || parent.collection === WILDCARD) {
    return true;
  }
  return child.collection !== undefined && child.collection === parent.collection;
}

/**
 * Whether every scope of `child` is within `parent` (a key creating a key may not widen its own scopes).
 * Always-allowed actions named in the child are accepted whatever the parent. An invalid child scope is never
 * covered; an invalid parent scope covers nothing. A literal persistent-privilege scope needs the same literal scope
 * in the parent (or an unrestricted parent).
 */
export function isScopeSubset(child: string[] | null, parent: string[] | null): boolean {
  if (parent === null) {
    return true;
  }
  if (child === null) {
    return false;
  }
  const parents = parseAll(parent);
  for (const raw of child) {
    const c = typeof raw === 'string' ? parseStored(raw) : null;
    if (c === null) {
      return false;
    }
    if (isAlwaysAllowed(c.controller, c.action)) {
      continue;
    }
    if (!parents.some((p) => scopeCovers(p, c))) {
      return false;
    }
  }
  return true;
}

/** The most general pattern matched by both, or null when they are disjoint. */
function meet(a: string, b: string): string | null {
  if (a === WILDCARD) {
    return b;
  }
  if (b === WILDCARD || a === b) {
    return a;
  }
  return null;
}

function splitName(name: string): [string, string] {
  const colon = name.lastIndexOf(':');
  return [name.slice(0, colon), name.slice(colon + 1)];
}

/**
 * The user's rights (Kuzzle's getMyRights format) as seen through a key's scopes, by the rules of enforcement:
 * - a scope without index is met with each right (controller, action, index, collection);
 * - an index-narrowed scope yields entries only for the index-bound actions it names (resourceTable), each met with
 *   the right; a collection-narrowed scope never yields an index-only action (index:create, collection:list...);
 * - always-allowed actions are kept where the user has them;
 * - persistent-privilege actions a wildcard would cover, and credential actions, are reported `denied`.
 * Identical entries are removed; the order follows the rights, then the scopes (always-allowed actions last).
 */
export function intersectRights(rights: Right[], scopes: string[] | null): Right[] {
  const out: Right[] = [];
  const seen = new Set<string>();
  const push = (entry: Right) => {
    const id = JSON.stringify([entry.controller, entry.action, entry.index, entry.collection, entry.value]);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(entry);
    }
  };
  const patterns: Readonly<Scope>[] = scopes === null ? [{ controller: WILDCARD, action: WILDCARD }] : parseAll(scopes);
  if (scopes !== null) {
    for (const always of ALWAYS_ALLOWED) {
      const [controller, action] = splitName(always);
      patterns.push({ controller, action });
    }
  }

  for (const right of rights) {
    for (const s of patterns) {
      if (s.index === undefined) {
        const controller = meet(right.controller, s.controller);
        const action = controller === null ? null : meet(right.action, s.action);
        if (controller !== null && action !== null) {
          push({ controller, action, index: right.index, collection: right.collection, value: right.value });
        }
        continue;
      }
      for (const [c, a, kind] of indexBoundActions()) {
        if (!segmentMatches(s.controller, c) || !segmentMatches(s.action, a)) continue;
        if (!segmentMatches(right.controller, c) || !segmentMatches(right.action, a)) continue;
        const indexOnly = kind === 'index' || kind === 'body-indexes';
        if (indexOnly && s.collection !== undefined && s.collection !== WILDCARD) continue;
        const index = meet(right.index, s.index);
        const collection = meet(right.collection, s.collection ?? WILDCARD);
        if (index === null || collection === null) continue;
        push({ controller: c, action: a, index, collection, value: right.value });
      }
    }
  }

  const literal = scopes === null ? null : new Set(scopes);
  const refused = [
    ...CREDENTIAL_ACTIONS,
    ...PERSISTENT_PRIVILEGE_ACTIONS.filter((name) => literal !== null && !literal.has(name)),
  ];
  const denials: Right[] = [];
  for (const name of refused) {
    const [controller, action] = splitName(name);
    const covered = out.some((e) => e.value !== 'denied' && segmentMatches(e.controller, controller) && segmentMatches(e.action, action));
    if (covered) denials.push({ controller, action, index: WILDCARD, collection: WILDCARD, value: 'denied' });
  }
  // an entry naming a refused action literally would contradict its denial: it goes
  const isRefused = (e: Right) => e.value !== 'denied' && denials.some((d) => d.controller === e.controller && d.action === e.action);
  return [...out.filter((e) => !isRefused(e)), ...denials];
}
