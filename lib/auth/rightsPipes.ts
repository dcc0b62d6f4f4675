/**
 * Answers that account for keys, by the same rules and resource table as enforcement (pipes.ts):
 * - auth:getMyRights: the user's rights intersected with the key's scopes;
 * - auth:checkRights: false for whatever enforcement would refuse;
 * - auth:checkToken: a plugin key is valid only while the key is; its stored expiry counts. An internal
 *   session is never reported valid.
 */
import { KuzzleRequest } from 'kuzzle';
import { evaluateScopes, intersectRights, scopesCover, Right } from '../core/scopes';
import { APIKEY_PREFIX } from './KeyResolver';
import { SESSION_PREFIX } from './SessionManager';
import { effectiveState } from './keyState';
import { resourcesOf } from './resources';
import { keyContextOf } from './KeyRequests';
import { mintsCredential, RequestPipes } from './pipes';
import type { Runtime } from '../runtime';
import { standingOf } from '../core/key';
import type { StoredKey } from '../core/key';

const STATES = {
  revoked: 'API key revoked',
  expired: 'API key expired',
  orphan: 'Invalid token',
} as const;

export class RightsPipes {
  constructor(private readonly rt: Runtime, private readonly requestPipes: RequestPipes) {}

  afterGetMyRights = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = await keyContextOf(this.rt, request);
    const result = request.result as { hits?: Right[] } | null;
    if (ctx && result && Array.isArray(result.hits)) {
      let hits = result.hits;
      for (const key of [ctx.key, ...ctx.ancestors]) hits = intersectRights(hits, key.scopes);
      request.setResult({ ...result, hits }, { status: 200 });
    }
    return request;
  };

  afterCheckRights = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const ctx = await keyContextOf(this.rt, request);
    const result = request.result as { allowed?: boolean } | null;
    if (ctx && result && result.allowed) {
      const payload = (request.input.body || {}) as Record<string, any>;
      const controller = String(payload.controller);
      const action = String(payload.action);
      let allowed = !mintsCredential(this.rt, controller, action);
      for (const key of [ctx.key, ...ctx.ancestors]) {
        if (!allowed) break;
        const verdict = evaluateScopes(key.scopes, controller, action);
        if (verdict === 'deny') allowed = false;
        else if (verdict !== 'allow') {
          const probe = new KuzzleRequest({ ...payload }, {});
          allowed = scopesCover(verdict.narrowed, await resourcesOf(probe, verdict.kind, this.rt.lookups));
        }
      }
      request.setResult({ ...result, allowed }, { status: 200 });
    }
    return request;
  };

  afterCheckToken = async (request: KuzzleRequest): Promise<KuzzleRequest> => {
    const token = (request.input.body as any)?.token;
    if (typeof token !== 'string' || token === '') {
      // cookie mode (Kuzzle's checkToken then checks the request's own token, i.e. a key's session): the key answers
      const ctx = this.cookieMode(request) ? this.rt.keyRequests.of(request) : undefined;
      if (ctx) request.setResult(await this.keyAnswer(ctx.key), { status: 200 });
      return request;
    }
    if (token.startsWith(SESSION_PREFIX)) {
      if (await this.rt.sessions.isSession(token)) request.setResult({ valid: false, state: STATES.orphan }, { status: 200 });
      return request;
    }
    if (!token.startsWith(APIKEY_PREFIX)) return request;
    const resolution = await this.requestPipes.resolveOrFail(token);
    if (resolution.kind !== 'plugin') return request;
    // a former secret of a rotated key is dead, even though its key lives on
    if (standingOf(resolution.key, resolution.fingerprint, resolution.linkUid, this.rt.now()) === 'rotated') {
      request.setResult({ valid: false, state: 'API key secret rotated' }, { status: 200 });
      return request;
    }
    request.setResult(await this.keyAnswer(resolution.key), { status: 200 });
    return request;
  };

  /** The key's own answer: its stored expiry, and invalid once it (or an ancestor) ended or its user is gone. */
  private async keyAnswer(key: StoredKey): Promise<Record<string, unknown>> {
    const state = await effectiveState(this.rt.resolver, key, this.rt.now()).catch(() => 'orphan' as const);
    if (state !== 'valid') return { valid: false, state: STATES[state] };
    const userExists = await this.rt.ask('core:security:user:get', key.userId).then(() => true, (e: any) => e?.status !== 404);
    if (!userExists) return { valid: false, state: STATES.orphan };
    return { valid: true, kuid: key.userId, expiresAt: key.expiresAt };
  }

  private cookieMode(request: KuzzleRequest): boolean {
    if (!(global as any).kuzzle?.config?.http?.cookieAuthentication) return false;
    try {
      return request.getBoolean('cookieAuth');
    } catch {
      return false;
    }
  }
}
