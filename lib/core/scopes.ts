/**
 * Scope grammar and matching. Pure logic: no Kuzzle import.
 *
 * Grammar: `controller:action[@index[/collection]]`
 * - controller: `*`, or one or more `/`-separated segments of `[A-Za-z0-9_-]+` (`document`, `api-keys/auth`)
 * - action: `*` or `[A-Za-z0-9_-]+`
 * - index, collection: `*`, or a non-empty name without whitespace nor any of `/ \ * ? " < > | , # : % @`
 * `*` only ever stands for a whole segment: `docu*`, `sh*p` and `api-keys/*` are invalid.
 *
 * `scopes === null` on a key means "unrestricted" (the key has all its user's rights); `[]` means the key may call only
 * the always-allowed actions.
 */
import { ApiKeyError } from './errors';
import { LruCache } from './lru';

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

/** Actions any key may call, whatever its scopes (Kuzzle's rights still apply). */
export const ALWAYS_ALLOWED: ReadonlyArray<string> = Object.freeze([
  'server:publicApi',
  'auth:checkToken',
  'auth:getCurrentUser',
  'auth:logout',
]);

const ALWAYS_ALLOWED_SET: ReadonlySet<string> = new Set(ALWAYS_ALLOWED);

const NAME_SEGMENT = /^[A-Za-z0-9_-]+$/;
// whitespace, or any of / \ * ? " < > | , # : % @
const FORBIDDEN_IN_RESOURCE = /[\s/\\*?"<>|,#:%@]/;

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
  if (name !== WILDCARD && FORBIDDEN_IN_RESOURCE.test(name)) {
    throw invalid(
      raw,
      `the ${what} "${name}" is not valid (no whitespace nor any of / \\ * ? " < > | , # : % @, unless it is exactly \`*\`)`,
    );
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

export function isAlwaysAllowed(controller: string, action: string): boolean {
  return ALWAYS_ALLOWED_SET.has(`${controller}:${action}`);
}

// Parsed scopes are cached: matching runs on every key-authenticated request.
const parsedCache = new LruCache<string, Readonly<Scope> | null>(4096);

/** Parses a stored scope; an invalid one yields null, i.e. it grants nothing (fail closed). */
function parseStored(raw: string): Readonly<Scope> | null {
  const cached = parsedCache.get(raw);
  if (cached !== undefined) {
    return cached;
  }
  let parsed: Readonly<Scope> | null;
  try {
    parsed = Object.freeze(parseScope(raw));
  } catch {
    parsed = null;
  }
  parsedCache.set(raw, parsed);
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
 * Whether a key with these scopes may call controller:action on these resources.
 * @param resources every index/collection the request touches; `null` = could not be determined; `[]` = none
 */
export function scopesAllow(
  scopes: string[] | null,
  controller: string,
  action: string,
  resources: Resource[] | null,
): boolean {
  if (scopes === null) {
    return true;
  }
  if (isAlwaysAllowed(controller, action)) {
    return true;
  }
  const matching = parseAll(scopes).filter(
    (s) => segmentMatches(s.controller, controller) && segmentMatches(s.action, action),
  );
  if (matching.length === 0) {
    return false;
  }
  if (matching.some((s) => s.index === undefined)) {
    return true;
  }
  if (resources === null || resources.length === 0) {
    return false;
  }
  return resources.every((r) => matching.some((s) => covers(s, r)));
}

/** Whether a parent pattern covers a child pattern: `*` covers anything, a name covers only itself. */
function patternCovers(parent: string, child: string): boolean {
  return parent === WILDCARD || parent === child;
}

function scopeCovers(parent: Readonly<Scope>, child: Readonly<Scope>): boolean {
  if (!patternCovers(parent.controller, child.controller) || !patternCovers(parent.action, child.action)) {
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
 * covered; an invalid parent scope covers nothing.
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

/**
 * The user's rights (Kuzzle's getMyRights format) as seen through a key's scopes: each right is met with each scope,
 * and with each always-allowed action (which any key may call if its user may).
 * A scope without index acts as `@*\/*`; a scope with an index and no collection acts as `@index/*`.
 * Identical entries are removed; the order follows the rights, then the scopes (always-allowed actions last).
 */
export function intersectRights(rights: Right[], scopes: string[] | null): Right[] {
  if (scopes === null) {
    return rights.slice();
  }
  const patterns = parseAll(scopes);
  for (const always of ALWAYS_ALLOWED) {
    const [controller, action] = always.split(':') as [string, string];
    patterns.push({ controller, action });
  }

  const out: Right[] = [];
  const seen = new Set<string>();
  for (const right of rights) {
    for (const s of patterns) {
      const controller = meet(right.controller, s.controller);
      if (controller === null) continue;
      const action = meet(right.action, s.action);
      if (action === null) continue;
      const index = meet(right.index, s.index ?? WILDCARD);
      if (index === null) continue;
      const collection = meet(right.collection, s.collection ?? WILDCARD);
      if (collection === null) continue;
      const entry: Right = { controller, action, index, collection, value: right.value };
      const id = JSON.stringify([controller, action, index, collection, right.value]);
      if (!seen.has(id)) {
        seen.add(id);
        out.push(entry);
      }
    }
  }
  return out;
}
