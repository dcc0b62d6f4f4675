/**
 * The plugin's API: two controllers, `api-keys/security` (any user's keys, for administrators) and
 * `api-keys/auth` (the caller's own keys), their actions and HTTP routes (see the README).
 */
import type { KuzzleRequest } from 'kuzzle';
import { toKuzzleError } from '../errors';
import { openapiFor } from '../core/schemas/openapi';
import { validateInput } from '../core/schemas/validate';
import type { Runtime } from '../runtime';
import { nativeNameOf, type Target } from './common';
import { createApiKey } from './createApiKey';
import { deleteApiKey } from './deleteApiKey';
import { getApiKey } from './getApiKey';
import { revokeApiKey } from './revokeApiKey';
import { scrollApiKeys } from './scrollApiKeys';
import { searchApiKeys } from './searchApiKeys';
import { updateApiKey } from './updateApiKey';
import { verifyApiKey } from './verifyApiKey';
import { rotateApiKey } from './rotateApiKey';
import { searchAuditEvents } from './searchAuditEvents';
import { auditEscalation } from './auditEscalation';

type Handler = (rt: Runtime, request: KuzzleRequest, target: Target) => Promise<unknown>;

type Route = [verb: string, path: string];

interface ActionSpec {
  handler: Handler;
  http: { security?: Route[]; auth?: Route[] };
}

export const ACTIONS: Record<string, ActionSpec> = {
  createApiKey: {
    handler: createApiKey,
    http: { security: [['post', 'api-keys/users/:userId/_create']], auth: [['post', 'api-keys/me/_create']] },
  },
  searchApiKeys: {
    handler: searchApiKeys,
    http: { security: [['post', 'api-keys/users/:userId/_search']], auth: [['post', 'api-keys/me/_search']] },
  },
  scrollApiKeys: {
    handler: scrollApiKeys,
    http: { security: [['get', 'api-keys/_scroll/:scrollId']], auth: [['get', 'api-keys/me/_scroll/:scrollId']] },
  },
  getApiKey: {
    handler: getApiKey,
    http: { security: [['get', 'api-keys/users/:userId/:_id']], auth: [['get', 'api-keys/me/:_id']] },
  },
  updateApiKey: {
    handler: updateApiKey,
    http: { security: [['post', 'api-keys/users/:userId/:_id/_update']], auth: [['post', 'api-keys/me/:_id/_update']] },
  },
  revokeApiKey: {
    handler: revokeApiKey,
    http: { security: [['post', 'api-keys/users/:userId/:_id/_revoke']], auth: [['post', 'api-keys/me/:_id/_revoke']] },
  },
  deleteApiKey: {
    handler: deleteApiKey,
    http: {
      security: [['delete', 'api-keys/users/:userId/:_id'], ['post', 'api-keys/users/:userId/_delete']],
      // by fingerprint (`?fingerprint=`) or by secret (`body.key`), without an id in the path
      auth: [['delete', 'api-keys/me/:_id'], ['post', 'api-keys/me/_delete']],
    },
  },
  verifyApiKey: {
    handler: (rt, request) => verifyApiKey(rt, request),
    http: { security: [['post', 'api-keys/_verify']] },
  },
  rotateApiKey: {
    handler: rotateApiKey,
    http: { security: [['post', 'api-keys/users/:userId/:_id/_rotate']], auth: [['post', 'api-keys/me/:_id/_rotate']] },
  },
  searchAuditEvents: {
    handler: searchAuditEvents,
    http: { security: [['post', 'api-keys/_audit/_search']], auth: [['post', 'api-keys/me/_audit/_search']] },
  },
};

const ESCALATION_ID = 'plugin.api-keys.escalation';

export const SECURITY_CONTROLLER = 'api-keys/security';
export const AUTH_CONTROLLER = 'api-keys/auth';

function controller(rt: Runtime, target: Target) {
  const actions: Record<string, { handler: (request: KuzzleRequest) => Promise<unknown>; http: Array<{ verb: string; path: string }> }> = {};
  for (const [name, spec] of Object.entries(ACTIONS)) {
    const routes = spec.http[target];
    if (!routes) continue;
    actions[name] = {
      handler: async (request: KuzzleRequest) => {
        try {
          // native drop-in actions keep Kuzzle's native arguments and errors; the plugin's own are checked first
          if (!nativeNameOf(rt, request)) validateInput(name, target, request.input.args, request.input.body);
          return await spec.handler(rt, request, target);
        } catch (error) {
          const answer = toKuzzleError(error);
          if (answer.id === ESCALATION_ID) await auditEscalation(rt, request, target);
          // an error that is neither ours nor Kuzzle's is a bug: it is refused (fail closed), and it must be seen
          if (answer.status >= 500) rt.log.error(`${target === 'auth' ? AUTH_CONTROLLER : SECURITY_CONTROLLER}:${name} failed: ${(error as Error)?.stack ?? error}`);
          throw answer;
        }
      },
      http: routes.map(([verb, path], i) => ({ verb, path, openapi: openapiFor(name, target, verb, path, i) })),
    };
  }
  return { actions };
}

export function buildApi(rt: Runtime) {
  return {
    [SECURITY_CONTROLLER]: controller(rt, 'security'),
    [AUTH_CONTROLLER]: controller(rt, 'auth'),
  };
}
