/**
 * kuzzle-plugin-api-keys/client: a typed wrapper over kuzzle-sdk for the plugin's two controllers.
 *
 *   import { Kuzzle, WebSocket } from 'kuzzle-sdk';
 *   import { ApiKeys, ApiKeysError } from 'kuzzle-plugin-api-keys/client';
 *   const api = new ApiKeys(sdk);
 *   const { _id, _source } = await api.keys.create('alice', { name: 'ci', scopes: ['document:search@shop'] });
 *
 * It imports nothing at run time (not kuzzle, not even kuzzle-sdk): it calls `sdk.query`, so it works in a
 * browser and with any kuzzle-sdk 7 transport. Every method rejects with an ApiKeysError for the plugin's own errors
 * (`plugin.api-keys.*`) and with kuzzle-sdk's error, unchanged, for anything else.
 */
import { toApiKeysError } from './errors';
import type {
  ApiKey, ApiKeyWithToken, AuditFilters, AuditSearchResult, CreateKeyInput, DeleteInput, KeyFields, RevokeInput,
  RotateInput, ScrollInput, SearchKeysInput, SearchResult, UpdateKeyInput, VerifyInput, VerifyResult,
} from './types';

export * from './types';
export * from './errors';

export const SECURITY_CONTROLLER = 'api-keys/security';
export const AUTH_CONTROLLER = 'api-keys/auth';

/** What the client needs from kuzzle-sdk: `Kuzzle#query`. A `Kuzzle` instance fits, over any protocol. */
export interface KuzzleQueryable {
  query(request: any, options?: any): Promise<{ result: unknown }>;
}

type Args = Record<string, unknown>;

/** The arguments without the ones left undefined (so that nothing ends up as `?name=undefined` over HTTP). */
function defined(args: Args): Args {
  const out: Args = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = v;
  return out;
}

/** Key fields travel in the body (never in an HTTP query string, where claims and scopes would be re-encoded). */
function fieldsBody(input: KeyFields): Args {
  const { name, description, scopes, claims, ratelimits, credits, allowedIps } = input;
  return defined({ name, description, scopes, claims, ratelimits, credits, allowedIps });
}

/**
 * A sort other than a plain string is sent as JSON: over HTTP kuzzle-sdk joins arrays with commas and would turn
 * `{ name: 'asc' }` into `[object Object]`; the plugin parses a JSON string on both protocols.
 */
function sortArg(sort: SearchKeysInput['sort']): string | undefined {
  if (sort === undefined || typeof sort === 'string') return sort;
  return JSON.stringify(sort);
}

/** Builds the request objects: exported for the unit tests and for callers that batch requests themselves. */
export const requests = {
  create: (userArgs: Args, input: CreateKeyInput): Args => defined({
    ...userArgs, action: 'createApiKey', _id: input._id, expiresIn: input.expiresIn, refresh: input.refresh, body: fieldsBody(input),
  }),
  get: (userArgs: Args, id: string): Args => ({ ...userArgs, action: 'getApiKey', _id: id }),
  search: (userArgs: Args, input: SearchKeysInput = {}): Args => defined({
    ...userArgs, action: 'searchApiKeys', query: input.query, status: input.status, from: input.from, size: input.size,
    sort: sortArg(input.sort), scroll: input.scroll, body: input.body ?? {},
  }),
  scroll: (scrollId: string, input: ScrollInput = {}): Args => defined({ action: 'scrollApiKeys', scrollId, scroll: input.scroll }),
  update: (userArgs: Args, id: string, changes: UpdateKeyInput): Args => defined({
    ...userArgs, action: 'updateApiKey', _id: id, expiresIn: changes.expiresIn, refresh: changes.refresh, body: fieldsBody(changes),
  }),
  revoke: (userArgs: Args, id: string, input: RevokeInput = {}): Args => defined({
    ...userArgs, action: 'revokeApiKey', _id: id, refresh: input.refresh, body: defined({ revocationReason: input.reason }),
  }),
  rotate: (userArgs: Args, id: string, input: RotateInput = {}): Args => defined({
    ...userArgs, action: 'rotateApiKey', _id: id, refresh: input.refresh, body: defined({ gracePeriod: input.gracePeriod }),
  }),
  delete: (userArgs: Args, id: string, input: DeleteInput = {}): Args => defined({
    ...userArgs, action: 'deleteApiKey', _id: id, refresh: input.refresh,
  }),
  // the secret only ever in the body: a query string ends up in access logs
  verify: (token: string, input: VerifyInput = {}): Args => ({ action: 'verifyApiKey', body: defined({ token, ip: input.ip }) }),
  // The `action` filter cannot be a top-level argument: Kuzzle reads a top-level `action` as the API action's name.
  // It travels in the body; the other filters are top-level arguments.
  auditSearch: ({ action, ...filters }: AuditFilters = {}): Args => defined({
    ...filters, action: 'searchAuditEvents', body: action === undefined ? undefined : { action },
  }),
};

async function send<T>(sdk: KuzzleQueryable, controller: string, request: Args): Promise<T> {
  try {
    const response = await sdk.query({ controller, ...request });
    return response.result as T;
  } catch (error) {
    throw toApiKeysError(error) ?? error;
  }
}

/** `api-keys/security`: any user's keys (administrators), and verifyApiKey. */
export class SecurityKeys {
  constructor(private readonly sdk: KuzzleQueryable) {}

  private call<T>(request: Args): Promise<T> {
    return send<T>(this.sdk, SECURITY_CONTROLLER, request);
  }

  /** A new key for `userId`. The result holds the secret (`_source.token`), shown only here. */
  create(userId: string, input: CreateKeyInput): Promise<ApiKeyWithToken> {
    return this.call(requests.create({ userId }, input));
  }

  get(userId: string, id: string): Promise<ApiKey> {
    return this.call(requests.get({ userId }, id));
  }

  search(userId: string, input?: SearchKeysInput): Promise<SearchResult<ApiKey>> {
    return this.call(requests.search({ userId }, input));
  }

  /** The next page of a search made with `scroll`. */
  scroll(scrollId: string, input?: ScrollInput): Promise<SearchResult<ApiKey>> {
    return this.call(requests.scroll(scrollId, input));
  }

  update(userId: string, id: string, changes: UpdateKeyInput): Promise<ApiKey> {
    return this.call(requests.update({ userId }, id, changes));
  }

  /** Revoking again is not an error; the first reason is kept. */
  revoke(userId: string, id: string, input?: RevokeInput): Promise<ApiKey> {
    return this.call(requests.revoke({ userId }, id, input));
  }

  /** A new secret (`_source.token`) for the same key; the previous one works for `gracePeriod`. */
  rotate(userId: string, id: string, input?: RotateInput): Promise<ApiKeyWithToken> {
    return this.call(requests.rotate({ userId }, id, input));
  }

  delete(userId: string, id: string, input?: DeleteInput): Promise<{ _id: string }> {
    return this.call(requests.delete({ userId }, id, input));
  }

  /** Checks a secret without using it (lastUsedAt does not move). */
  verify(token: string, input?: VerifyInput): Promise<VerifyResult> {
    return this.call(requests.verify(token, input));
  }
}

/** `api-keys/security:searchAuditEvents`: every user's audit events (administrators). */
export class AuditEvents {
  constructor(private readonly sdk: KuzzleQueryable, private readonly controller: string) {}

  search(filters?: AuditFilters): Promise<AuditSearchResult> {
    return send(this.sdk, this.controller, requests.auditSearch(filters));
  }
}

/** `api-keys/auth:searchAuditEvents`: the events of the caller's own keys (no `userId` filter). */
export class OwnAuditEvents {
  constructor(private readonly sdk: KuzzleQueryable) {}

  search(filters?: Omit<AuditFilters, 'userId'>): Promise<AuditSearchResult> {
    return send(this.sdk, AUTH_CONTROLLER, requests.auditSearch(filters));
  }
}

/** `api-keys/auth`: the caller's own keys (any authenticated user, or a key within its scopes). */
export class OwnKeys {
  readonly audit: OwnAuditEvents;

  constructor(private readonly sdk: KuzzleQueryable) {
    this.audit = new OwnAuditEvents(sdk);
  }

  private call<T>(request: Args): Promise<T> {
    return send<T>(this.sdk, AUTH_CONTROLLER, request);
  }

  create(input: CreateKeyInput): Promise<ApiKeyWithToken> {
    return this.call(requests.create({}, input));
  }

  get(id: string): Promise<ApiKey> {
    return this.call(requests.get({}, id));
  }

  search(input?: SearchKeysInput): Promise<SearchResult<ApiKey>> {
    return this.call(requests.search({}, input));
  }

  scroll(scrollId: string, input?: ScrollInput): Promise<SearchResult<ApiKey>> {
    return this.call(requests.scroll(scrollId, input));
  }

  update(id: string, changes: UpdateKeyInput): Promise<ApiKey> {
    return this.call(requests.update({}, id, changes));
  }

  revoke(id: string, input?: RevokeInput): Promise<ApiKey> {
    return this.call(requests.revoke({}, id, input));
  }

  rotate(id: string, input?: RotateInput): Promise<ApiKeyWithToken> {
    return this.call(requests.rotate({}, id, input));
  }

  delete(id: string, input?: DeleteInput): Promise<{ _id: string }> {
    return this.call(requests.delete({}, id, input));
  }
}

/** The plugin's API, typed: `keys` (api-keys/security), `self` (api-keys/auth), `audit` (security's audit trail). */
export class ApiKeys {
  readonly keys: SecurityKeys;
  readonly self: OwnKeys;
  readonly audit: AuditEvents;

  constructor(sdk: KuzzleQueryable) {
    if (!sdk || typeof sdk.query !== 'function') throw new TypeError('ApiKeys needs a kuzzle-sdk Kuzzle instance.');
    this.keys = new SecurityKeys(sdk);
    this.self = new OwnKeys(sdk);
    this.audit = new AuditEvents(sdk, SECURITY_CONTROLLER);
  }
}
