/**
 * The request path:
 * - request:beforeExecution: a `kapikey-` jwt that belongs to this plugin is resolved (cache first),
 *   checked (revoked, expired, parent) and swapped for the key's internal session, before Kuzzle
 *   verifies the token. Kuzzle then loads the user and checks its rights as usual.
 * - request:onAuthorized: scopes are enforced on the controller:action the client called, credential
 *   minting is refused, and native API-key actions are re-routed to the plugin (drop-in).
 * - auth:afterGetMyRights / afterCheckRights / afterCheckToken: answers that account for keys.
 */
import { KuzzleRequest } from 'kuzzle';
import { scopesAllow, intersectRights, isAlwaysAllowed, Right } from '../core/scopes';
import { apiKeyError, invalidTokenError } from '../errors';
import { APIKEY_PREFIX, Resolution } from './KeyResolver';
import { UserGoneError } from './SessionManager';
import { effectiveState } from './keyState';
import { describeResources, resourcesOf } from './resources';
import { KeyConnectionToken } from './ConnectionTokens';
import type { NativeName, Runtime } from '../runtime';

const NATIVE_ACTIONS = new Set(['createApiKey', 'searchApiKeys', 'deleteApiKey']);
const CREDENTIAL_ACTIONS = new Set(['refreshToken', 'createToken']);
/** answered with the key's scopes applied (see the after* pipes), so never refused by scopes */
const SCOPE_AWARE = new Set(['auth:getMyRights', 'auth:checkRights']);

/** Fail closed: the plugin cannot tell whether the key is valid. */
function unverifiable(): ReturnType<typeof apiKeyError> {
  return apiKeyError('storage_unavailable', 'API key storage is unavailable: the key cannot be verified, retry later.');
}

export class RequestPipes {
  constructor(private readonly rt: Runtime, private readonly notifiableProtocols: () => string[]) {}

  private async resolveOrFail(secret: string): Promise<Resolution> {
    try {
      return await this.rt.resolver.resolve(secret);
    } catch (error) {
      this.rt.log.warn(`api key resolution failed: ${(error as Error)?.message ?? error}`);
      throw unverifiable();
    }
  }

  beforeExecution = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const secret = request.input.jwt;
    if (typeof secret !== 'string' || !secret.startsWith(APIKEY_PREFIX)) return request;

    const resolution = await this.resolveOrFail(secret);
    if (resolution.kind === 'native') return request; // Kuzzle's own API key: Kuzzle verifies it
    if (resolution.kind !== 'plugin') throw invalidTokenError();

    const { key } = resolution;
    const now = this.rt.now();
    let state;
    try {
      state = await effectiveState(this.rt.resolver, key, now);
    } catch {
      throw unverifiable();
    }
    if (state === 'revoked') throw apiKeyError('revoked', 'This API key has been revoked.');
    if (state === 'expired') {
      // its session (which outlives the key by 2-3 s, so Kuzzle never expires it first) goes now
      void this.rt.sessions.drop(key.keyId, key.userId).catch(() => undefined);
      throw apiKeyError('expired', 'This API key has expired.');
    }
    if (state === 'orphan') throw invalidTokenError();

    try {
      request.input.jwt = await this.rt.sessions.sessionFor(key, now);
    } catch (error) {
      if (error instanceof UserGoneError) throw invalidTokenError();
      this.rt.log.warn(`api key session unavailable: ${(error as Error)?.message ?? error}`);
      throw unverifiable();
    }
    this.rt.keyRequests.set(request, { key });
    this.rt.usage.record(key.keyId, now);
    return request;
  };

  onAuthorized = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = this.rt.keyRequests.get(request);
    const controller = request.input.controller ?? '';
    const action = request.input.action ?? '';
    if (ctx) {
      const { key } = ctx;
      // The connection (and its subscriptions) follows the key, not the internal session.
      const connection = request.context.connection;
      const token = this.notifiableProtocols().includes(connection.protocol as string)
        ? this.rt.connections.link(key, connection.id as string)
        : new KeyConnectionToken(key);
      (request.context as any).token = token;

      if (controller === 'auth' && CREDENTIAL_ACTIONS.has(action)) {
        throw apiKeyError('credential_forbidden',
          `auth:${action} is not available to requests authenticated by an API key: the new credential would outlive the key.`);
      }
      if (this.rt.config.nativeActions === 'kuzzle' && action === 'createApiKey' && (controller === 'auth' || controller === 'security')) {
        throw apiKeyError('credential_forbidden',
          `${controller}:createApiKey is served by Kuzzle here, and a Kuzzle API key created by a plugin key would outlive it.`);
      }
      if (controller === 'auth' && action === 'logout') {
        // A logout through a key is a no-op for the key; never a global logout of its user.
        // (Over HTTP a boolean is true when present in the query string: remove it.)
        delete (request.input.args as any).global;
      }
      const name = `${controller}:${action}`;
      if (!SCOPE_AWARE.has(name) && !isAlwaysAllowed(controller, action)) {
        const resources = resourcesOf(request);
        if (!scopesAllow(key.scopes, controller, action, resources)) {
          throw apiKeyError('scope_denied',
            `API key scopes do not allow ${name}${describeResources(resources)}.`);
        }
      }
    }
    return this.reroute(request);
  };

  /** Native API-key actions, when served by the plugin: rights were checked on the native name. */
  private reroute(request: KuzzleRequest): KuzzleRequest {
    const controller = request.input.controller ?? '';
    const action = request.input.action ?? '';
    if (this.rt.config.nativeActions !== 'plugin') return request;
    if ((controller !== 'security' && controller !== 'auth') || !NATIVE_ACTIONS.has(action)) return request;

    const target = new KuzzleRequest(
      {
        ...request.input.args,
        body: request.input.body,
        controller: `api-keys/${controller}`,
        action,
        jwt: request.input.jwt,
        requestId: request.id,
        volatile: request.input.volatile,
      },
      {
        connection: request.context.connection,
        token: request.context.token,
        user: request.context.user,
      } as any,
    );
    // keep the objects themselves (a User instance, the connection's id and protocol)
    (target.context as any).user = request.context.user;
    (target.context as any).token = request.context.token;
    const ctx = this.rt.keyRequests.get(request);
    if (ctx) this.rt.keyRequests.set(target, ctx);
    this.rt.nativeRequests.set(target, `${controller}:${action}` as NativeName);
    return target;
  }

  afterGetMyRights = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = this.rt.keyRequests.get(request);
    const result = request.result as { hits?: Right[] } | null;
    if (ctx && result && Array.isArray(result.hits)) {
      request.setResult({ ...result, hits: intersectRights(result.hits, ctx.key.scopes) }, { status: 200 });
    }
    return request;
  };

  afterCheckRights = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = this.rt.keyRequests.get(request);
    const result = request.result as { allowed?: boolean } | null;
    if (ctx && result && result.allowed) {
      const body = (request.input.body || {}) as Record<string, any>;
      const probe = new KuzzleRequest({ ...body }, {});
      const allowed = isAlwaysAllowed(body.controller, body.action)
        || scopesAllow(ctx.key.scopes, String(body.controller), String(body.action), resourcesOf(probe));
      request.setResult({ ...result, allowed }, { status: 200 });
    }
    return request;
  };

  /** auth:checkToken on a plugin key: the stored expiry counts, revoked/expired/deleted keys are invalid. */
  afterCheckToken = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const token = (request.input.body as any)?.token;
    if (typeof token !== 'string' || !token.startsWith(APIKEY_PREFIX)) return request;
    const resolution = await this.resolveOrFail(token);
    if (resolution.kind !== 'plugin') return request;
    const now = this.rt.now();
    const state = await effectiveState(this.rt.resolver, resolution.key, now).catch(() => 'orphan' as const);
    const result = state === 'valid'
      ? { valid: true, kuid: resolution.key.userId, expiresAt: resolution.key.expiresAt }
      : { valid: false, state: STATES[state] };
    request.setResult(result, { status: 200 });
    return request;
  };
}

const STATES = {
  revoked: 'API key revoked',
  expired: 'API key expired',
  orphan: 'Invalid token',
} as const;
