/**
 * The request path:
 * - request:beforeExecution: a `kapikey-` jwt that belongs to this plugin is resolved (cache first),
 *   checked (revoked, expired, parent) and swapped for the key's internal session, before Kuzzle
 *   verifies the token. A client that sends an internal session itself is refused.
 * - request:onAuthorized: a request carrying a key's session under the request id it was swapped in
 *   with is a key request (KeyRequests): credential minting is refused and scopes are enforced on the
 *   controller:action the client called, against the resources Kuzzle reads for it (resourceTable).
 *   Native API-key actions are then re-routed to the plugin (drop-in).
 * - request:afterExecution: the request's key binding is released.
 */
import { KuzzleError, KuzzleRequest } from 'kuzzle';
import { evaluateScopes, scopesCover } from '../core/scopes';
import { refusingAllowlist } from '../core/ipAllowlist';
import { clientIpOf } from './clientAddress';
import { isCredentialAction } from '../core/actionRules';
import { apiKeyError, invalidTokenError } from '../errors';
import { APIKEY_PREFIX, Resolution } from './KeyResolver';
import { SESSION_PREFIX, UserGoneError } from './SessionManager';
import { keyChain } from './keyState';
import { describeResources, resourcesOf } from './resources';
import { KeyConnectionToken } from './ConnectionTokens';
import { Budget, Charge } from './Budget';
import { StoredKey, fingerprintOf, standingOf, storageIdOf } from '../core/key';
import type { KeyContext, NativeName, Runtime } from '../runtime';

const NATIVE_ACTIONS = new Set(['createApiKey', 'searchApiKeys', 'deleteApiKey']);
/** answered with the key's scopes applied (see RightsPipes), so never refused by scopes */
const SCOPE_AWARE = new Set(['auth:getMyRights', 'auth:checkRights']);
/** not uses of the key: they count against no limit, use no credit and leave lastUsedAt alone */
const UNCOUNTED = new Set(['auth:checkToken', 'api-keys/security:verifyApiKey']);
/** Kuzzle's own per-profile limiter, which runs after request:onAuthorized */
const KUZZLE_RATE_LIMITED = 'api.process.too_many_requests';

/** Fail closed: the plugin cannot tell whether the key is valid. */
function unverifiable(): ReturnType<typeof apiKeyError> {
  return apiKeyError('storage_unavailable', 'API key storage is unavailable: the key cannot be verified, retry later.');
}

/** Actions refused to every key: their result (a password, a token, a Kuzzle API key) would outlive the key. */
export function mintsCredential(rt: Pick<Runtime, 'config'>, controller: string, action: string): boolean {
  return isCredentialAction(controller, action)
    || (rt.config.nativeActions === 'kuzzle' && action === 'createApiKey' && (controller === 'auth' || controller === 'security'));
}

/** What logs show instead of a secret or a key's session: `kapikey-<first 8 hex of the secret's fingerprint>`. */
function secretMarker(secret: string): string {
  return `${APIKEY_PREFIX}${fingerprintOf(secret).slice(0, 8)}`;
}

/**
 * Kuzzle's logstash access log prints `request.input` and the connection, with their headers: the Authorization
 * header shows the marker instead of the secret.
 */
function hideSecretHeader(request: KuzzleRequest, secret: string): void {
  const marker = secretMarker(secret);
  for (const headers of [request.input.headers, (request.context.connection as any)?.headers]) {
    if (!headers || typeof headers !== 'object') continue;
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (typeof value === 'string' && value.includes(secret)) (headers as Record<string, unknown>)[name] = value.split(secret).join(marker);
    }
  }
}

/** A `kapikey-` secret in Kuzzle's `authToken` cookie. */
function sentAsCookie(request: KuzzleRequest): boolean {
  const cookie = (request.input.headers as Record<string, unknown> | undefined)?.cookie;
  return typeof cookie === 'string' && /(?:^|;\s*)authToken=kapikey-/.test(cookie);
}

function maskSecrets(request: KuzzleRequest, ctx: KeyContext | undefined): void {
  const jwt = request.input.jwt;
  if (ctx) request.input.jwt = `${APIKEY_PREFIX}${ctx.fingerprint.slice(0, 8)}`;
  // refused before the swap (revoked, expired, unknown, storage down), or a Kuzzle native key: the secret itself
  else if (typeof jwt === 'string' && jwt.startsWith(APIKEY_PREFIX)) request.input.jwt = secretMarker(jwt);
  const body = request.input.body as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return;
  for (const field of ['token', 'key']) {
    const value = body[field];
    if (typeof value === 'string' && value.startsWith(APIKEY_PREFIX)) body[field] = secretMarker(value);
  }
}

export class RequestPipes {
  /** what each request used of its key's credits (given back if Kuzzle refuses it after us) */
  private readonly charges = new WeakMap<KuzzleRequest, Charge>();

  constructor(private readonly rt: Runtime, private readonly notifiableProtocols: () => string[]) {}

  async resolveOrFail(secret: string): Promise<Resolution> {
    try {
      return await this.rt.resolver.resolve(secret);
    } catch (error) {
      this.rt.log.warn(`api key resolution failed: ${(error as Error)?.message ?? error}`);
      throw unverifiable();
    }
  }

  /** Whether a jwt is a key's internal session: such a jwt is only ever valid where we swapped it in. */
  private async isSession(jwt: unknown): Promise<boolean> {
    return typeof jwt === 'string' && jwt.startsWith(SESSION_PREFIX) && this.rt.sessions.isSession(jwt);
  }

  beforeExecution = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const secret = request.input.jwt;
    if (typeof secret !== 'string' && sentAsCookie(request)) {
      // Kuzzle reads the authToken cookie after this pipe, then looks the secret up in its own storage: a plugin
      // key is never a cookie credential (its secret would live in a browser cookie jar), refused without storage
      throw invalidTokenError();
    }
    if (typeof secret !== 'string' || !secret.startsWith(APIKEY_PREFIX)) {
      if (await this.isSession(secret)) throw invalidTokenError();
      this.noteCredential(request, typeof secret === 'string' ? secret : 'anonymous');
      return request;
    }

    // From here on, Kuzzle's access log shows a marker where the client sent the secret (see maskSecrets).
    hideSecretHeader(request, secret);
    const resolution = await this.resolveOrFail(secret);
    if (resolution.kind === 'native') {
      this.noteCredential(request, secret);
      return request; // Kuzzle's own API key: Kuzzle verifies it
    }
    if (resolution.kind !== 'plugin') throw invalidTokenError();

    const now = this.rt.now();
    let key = resolution.key;
    let chain;
    let session: string | null;
    try {
      chain = await keyChain(this.rt.resolver, key, now);
      // One Redis round trip: the shared marks of the key and its ancestors, and this node's session for it.
      const handles = [key, ...chain.ancestors];
      const probe = await this.rt.sessions.probe(key, handles, chain.expiresAt, now);
      session = probe.session;
      const stale = handles.filter((h, i) => probe.marks[i] !== this.rt.resolver.cachedMark(h));
      // A session gone (revoked elsewhere, logout, flush) is also a reason to look again before re-minting one.
      if (session === null && !this.rt.resolver.isFresh(key, now) && !stale.includes(key)) stale.push(key);
      if (stale.length > 0) {
        for (const handle of stale) await this.rt.resolver.reload(handle);
        // whatever this request finds, the key's subscriptions on this node follow it (ended or narrowed)
        void this.rt.subscriptions.recheckUser(key.userId).catch(() => undefined);
        const entry = await this.rt.resolver.entry(key);
        if (!entry || standingOf(entry.key, resolution.fingerprint, resolution.linkUid, now) === 'foreign') {
          this.rt.resolver.invalidate(resolution.key, resolution.fingerprint, true);
          throw invalidTokenError();
        }
        key = entry.key;
        chain = await keyChain(this.rt.resolver, key, now);
      }
    } catch (error) {
      if (error instanceof KuzzleError) throw error;
      throw unverifiable();
    }
    const { state } = chain;
    if (state === 'revoked') throw apiKeyError('revoked', 'This API key has been revoked.');
    if (state === 'expired') {
      // its session (which outlives the key by 2-3 s, so Kuzzle never expires it first) goes now
      void this.rt.sessions.drop(key).catch(() => undefined);
      throw apiKeyError('expired', 'This API key has expired.');
    }
    if (state === 'orphan') throw invalidTokenError();
    if (standingOf(key, resolution.fingerprint, resolution.linkUid, now) === 'rotated') {
      throw apiKeyError('rotated', 'This API key secret was rotated: use the new secret.');
    }

    if (session === null) {
      try {
        session = await this.rt.sessions.sessionFor(key, chain.expiresAt, now);
      } catch (error) {
        if (error instanceof UserGoneError) throw invalidTokenError();
        this.rt.log.warn(`api key session unavailable: ${(error as Error)?.message ?? error}`);
        throw unverifiable();
      }
    }
    request.input.jwt = session;
    this.rt.keyRequests.bind(request, session, { key, ancestors: chain.ancestors, fingerprint: resolution.fingerprint });
    this.noteCredential(request, storageIdOf(key));
    return request;
  };

  onAuthorized = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = this.rt.keyRequests.of(request);
    if (!ctx) {
      // a session here that we did not swap in under this request id: sent by a client (cookie) or carried over by
      // a replacement request that lost its id
      if (await this.isSession(request.input.jwt)) throw invalidTokenError();
      return this.reroute(request);
    }
    const controller = request.input.controller ?? '';
    const action = request.input.action ?? '';
    const { key } = ctx;
    const logout = controller === 'auth' && action === 'logout';
    // Never the session: Kuzzle would end the socket's subscriptions with it. A logout through a key gets a
    // throw-away placeholder, so that it unlinks nothing.
    (request.context as any).token = logout ? new KeyConnectionToken(key) : this.linkPlaceholder(request, key);

    if (mintsCredential(this.rt, controller, action)) {
      throw apiKeyError('credential_forbidden',
        `${controller}:${action} is not available to requests authenticated by an API key: the new credential (a password, a token, a Kuzzle API key) would outlive the key.`);
    }
    if (logout) {
      // A logout through a key is a no-op for the key; never a global logout of its user.
      // (Over HTTP a boolean is true when present in the query string: remove it.)
      delete (request.input.args as any).global;
    }
    this.enforceAllowedIps(ctx, request);
    if (!SCOPE_AWARE.has(`${controller}:${action}`)) await this.enforceScopes(ctx, request, controller, action);
    if (!UNCOUNTED.has(`${controller}:${action}`)) {
      await this.chargeBudget(ctx, request);
      // a use: a request the key's allowlist, scopes or budget refused is not one
      this.rt.usage.record(key, this.rt.now());
    }
    return this.reroute(request);
  };

  /** Last of the plugin's checks: the request counts against the key's and its ancestors' limits and credits. */
  private async chargeBudget(ctx: KeyContext, request: KuzzleRequest): Promise<void> {
    const chain = [ctx.key, ...ctx.ancestors];
    if (!Budget.applies(chain)) return;
    let verdict;
    try {
      verdict = await this.rt.budget.charge(chain, this.rt.now());
    } catch (error) {
      this.rt.log.warn(`rate limits unavailable: ${(error as Error)?.message ?? error}`);
      throw unverifiable();
    }
    if (verdict.ok) {
      if (verdict.charge) this.charges.set(request, verdict.charge);
      return;
    }
    const whose = verdict.key === ctx.key ? 'This API key' : `Its ancestor key "${verdict.key.keyId}"`;
    if (verdict.code === 'usage_exceeded') throw apiKeyError('usage_exceeded', `${whose} has no credits left.`);
    request.response.setHeader('Retry-After', String(Math.ceil(verdict.retryAfter / 1000)));
    throw apiKeyError('rate_limited', `${whose} reached its rate limit: retryAfter ${verdict.retryAfter} ms.`);
  }

  /** The key's own allowlist, then each ancestor's: a child is never usable from where its parent is not. */
  private enforceAllowedIps(ctx: KeyContext, request: KuzzleRequest): void {
    const chain = [ctx.key, ...ctx.ancestors];
    if (chain.every((k) => k.allowedIps === null)) return;
    const ip = clientIpOf(request, this.rt.config.trustedProxies);
    const refusing = refusingAllowlist(chain, ip);
    if (refusing) {
      const whose = refusing === ctx.key ? 'this API key' : `its ancestor key "${refusing.keyId}"`;
      throw apiKeyError('ip_denied', `The client address ${ip ?? '(unknown)'} is not allowed by ${whose}.`);
    }
  }

  /** The key's own scopes, then each ancestor's: a child never does more than any of them allows now. */
  private async enforceScopes(ctx: KeyContext, request: KuzzleRequest, controller: string, action: string): Promise<void> {
    let resources: Awaited<ReturnType<typeof resourcesOf>> | undefined;
    for (const key of [ctx.key, ...ctx.ancestors]) {
      const verdict = evaluateScopes(key.scopes, controller, action);
      if (verdict === 'allow') continue;
      let detail = '';
      if (verdict !== 'deny') {
        if (resources === undefined) resources = await resourcesOf(request, verdict.kind, this.rt.lookups);
        if (scopesCover(verdict.narrowed, resources)) continue;
        detail = describeResources(resources);
      }
      const whose = key === ctx.key ? 'API key scopes' : `The scopes of its ancestor key "${key.keyId}"`;
      throw apiKeyError('scope_denied', `${whose} do not allow ${controller}:${action}${detail}.`);
    }
  }

  /** A key request refused by Kuzzle's rights: the connection must not stay linked to the session either. */
  onUnauthorized = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = this.rt.keyRequests.of(request);
    if (ctx) this.linkPlaceholder(request, ctx.key);
    return request;
  };

  private linkPlaceholder(request: KuzzleRequest, key: StoredKey): KeyConnectionToken {
    const connection = request.context.connection;
    return this.notifiableProtocols().includes(connection?.protocol as string)
      ? this.rt.connections.link(key, connection.id as string)
      : new KeyConnectionToken(key);
  }

  /** Who spoke on a realtime connection (SubscriptionRegistry ends a key's subscriptions by it). */
  private noteCredential(request: KuzzleRequest, credential: string): void {
    const connection = request.context.connection;
    if (connection?.id && this.notifiableProtocols().includes(connection.protocol as string)) {
      this.rt.subscriptions.registry.noteCredential(connection.id as string, credential);
    }
  }

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
        // a plain copy: Kuzzle's Connection keeps its fields under hidden names that a new context would not read
        connection: { ...(request.context.connection as any)?.misc, id: request.context.connection?.id, protocol: request.context.connection?.protocol, ips: request.context.connection?.ips },
        token: request.context.token,
        user: request.context.user,
      } as any,
    );
    // keep the objects themselves (a User instance, the connection's id and protocol)
    (target.context as any).user = request.context.user;
    (target.context as any).token = request.context.token;
    // same request id and jwt: the key binding (if any) carries over by itself
    this.rt.nativeRequests.set(target, `${controller}:${action}` as NativeName);
    return target;
  }

  /** Document searches by keys bind the scroll ids they open to their resources (see ResourceLookups). */
  afterSearch = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const scrollId = (request.result as any)?.scrollId;
    if (typeof scrollId === 'string' && this.rt.keyRequests.of(request)) {
      const resources = await resourcesOf(request, 'search', this.rt.lookups);
      if (resources && resources.length > 0) await this.bindScroll(scrollId, resources, request);
    }
    return request;
  };

  afterScroll = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const scrollId = (request.result as any)?.scrollId;
    const previous = (request.input.args as any).scrollId;
    if (typeof scrollId === 'string' && typeof previous === 'string' && this.rt.keyRequests.of(request)) {
      const resources = await this.rt.lookups.scroll(previous).catch(() => null);
      if (resources && resources.length > 0) await this.bindScroll(scrollId, resources, request);
    }
    return request;
  };

  private async bindScroll(scrollId: string, resources: Array<{ index: string; collection?: string }>, request: KuzzleRequest): Promise<void> {
    try {
      await this.rt.lookups.bindScroll(scrollId, resources, (request.input.args as any).scroll);
    } catch (error) {
      // the scroll id stays unbound: index-narrowed keys cannot page with it (fail closed)
      this.rt.log.warn(`could not bind a scroll id to its search: ${(error as Error)?.message ?? error}`);
    }
  }

  /**
   * The end of every request: its key binding is released, and what Kuzzle's access logger prints (`request.input`,
   * with the logstash format) shows markers instead of the internal session and of secrets sent in bodies.
   */
  afterExecution = async (event: { request?: KuzzleRequest; result?: unknown; success?: boolean; error?: { id?: string } }): Promise<unknown> => {
    const charge = event?.request ? this.charges.get(event.request) : undefined;
    if (charge && event.error?.id === KUZZLE_RATE_LIMITED) {
      await this.rt.budget.refund(charge).catch((e) => this.rt.log.warn(`could not give back a credit: ${e?.message ?? e}`));
    }
    const requests = [event?.request, event?.result]
      .filter((r, i, all): r is KuzzleRequest => r instanceof KuzzleRequest && all.indexOf(r) === i);
    const contexts = requests.map((r) => this.rt.keyRequests.of(r));
    if (event?.request) this.rt.keyRequests.release(event.request);
    requests.forEach((r, i) => maskSecrets(r, contexts[i]));
    return event;
  };
}
