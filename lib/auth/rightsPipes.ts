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
    if (typeof token !== 'string') return request;
    if (token.startsWith(SESSION_PREFIX)) {
      if (await this.rt.sessions.isSession(token)) request.setResult({ valid: false, state: STATES.orphan }, { status: 200 });
      return request;
    }
    if (!token.startsWith(APIKEY_PREFIX)) return request;
    const resolution = await this.requestPipes.resolveOrFail(token);
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
