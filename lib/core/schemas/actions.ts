/**
 * What each action of `api-keys/security` and `api-keys/auth` takes and answers, and which errors it raises: the one
 * description that input validation (./validate) and the OpenAPI routes (./openapi) are both built from.
 */
import {
  KEY_FIELDS, Schema, apiKey, apiKeyWithToken, auditResult, deleteResult, duration, expiresIn, integerArg, LIMITS, refresh,
  searchResult, secondsUntilExpiration, verifyResult,
} from './fields';

export type Target = 'security' | 'auth';

export interface ArgSpec {
  schema: Schema;
  description?: string;
  /** required by the handler (Kuzzle's `api.assert.missing_argument` when absent); path parameters always are */
  required?: boolean;
}

export interface BodySpec {
  properties: Record<string, Schema>;
  required?: string[];
  /** the fields are also read from top-level arguments (the body wins), as the SDK copies options there */
  alsoTopLevel: boolean;
  /** any other JSON object is accepted (searchApiKeys' query clause) */
  open?: boolean;
  description?: string;
}

export interface ActionSchema {
  summary: string;
  description: string;
  /** top-level arguments: path parameters, query-string parameters, any top-level field over WebSocket */
  args: Record<string, ArgSpec>;
  body?: BodySpec;
  result: Schema;
  /** error ids beside the ones every action may raise (COMMON_ERRORS) */
  errors: string[];
}

const P = 'plugin.api-keys.';

/** What any action may answer: Kuzzle's authentication and rights, and a key's own policies when a key calls. */
export const COMMON_ERRORS = [
  `${P}invalid_argument`, 'security.token.invalid', 'security.rights.unauthorized', 'security.rights.forbidden',
  `${P}expired`, `${P}revoked`, `${P}rotated`, `${P}scope_denied`, `${P}ip_denied`, `${P}rate_limited`, `${P}usage_exceeded`,
  `${P}storage_unavailable`,
];

/** Kuzzle's own ids that the plugin's actions may answer, with their statuses (the plugin's come from its catalogue). */
export const KUZZLE_ERRORS: Record<string, number> = {
  'security.token.invalid': 401,
  'security.rights.unauthorized': 401,
  'security.rights.forbidden': 403,
  'api.assert.missing_argument': 400,
};

export const USER_ID: ArgSpec = { schema: { type: 'string', minLength: 1, maxLength: 512 }, description: 'the user whose keys these are', required: true };
const KEY_ID: ArgSpec = { schema: { type: 'string', minLength: 1, maxLength: 128 }, description: 'the key id (per user)', required: true };

const keyFields = (required?: string[]): BodySpec => ({
  properties: KEY_FIELDS, required, alsoTopLevel: true,
  description: 'Key fields. Each may also be given as a top-level argument; the body wins.',
});

const searchArgs: Record<string, ArgSpec> = {
  query: { schema: { type: 'string' }, description: 'free text on name and description' },
  status: { schema: { enum: ['all', 'valid', 'revoked', 'expired'] }, description: 'a key both revoked and expired counts as revoked (default all)' },
  from: { schema: integerArg(0, LIMITS.window), description: 'default 0; from + size at most 10,000' },
  size: { schema: integerArg(0, LIMITS.window), description: 'default 10' },
  sort: {
    schema: { anyOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object' }] } }] },
    description: '`field`, `field:order`, `{ "field": "order" }`, an array of them, or their JSON (default: newest first)',
  },
  scroll: { schema: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] }, description: 'keep a scroll open this long (`30s`)' },
  lang: { schema: { enum: ['elasticsearch', 'koncorde'] }, description: 'the language of the body clause (default elasticsearch)' },
};

const auditArgs: Record<string, ArgSpec> = {
  keyId: { schema: { type: 'string' } },
  actor: { schema: { type: 'string' }, description: 'the acting user id' },
  since: { schema: integerArg(0), description: 'epoch ms (inclusive)' },
  until: { schema: integerArg(0), description: 'epoch ms (inclusive)' },
  from: searchArgs.from,
  size: searchArgs.size,
};

export const ACTION_SCHEMAS: Record<string, ActionSchema> = {
  createApiKey: {
    summary: 'Create an API key',
    description: 'Creates a key and answers it with its secret (`_source.token`), shown only here. At least one of name/description.',
    args: {
      _id: { schema: { type: 'string', minLength: 1, maxLength: 128 }, description: 'an id of your choice (per user), else a UUID' },
      expiresIn: { schema: expiresIn },
      secondsUntilExpiration: { schema: secondsUntilExpiration },
      refresh: { schema: refresh },
    },
    body: keyFields(),
    result: apiKeyWithToken,
    errors: [`${P}invalid_expiry`, `${P}invalid_scope`, `${P}claims_too_large`, `${P}too_many_keys`, `${P}escalation`, `${P}not_found`, `${P}already_exists`],
  },
  searchApiKeys: {
    summary: 'Search API keys',
    description: 'Pages through a user\'s keys. The body is an optional query clause (whitelisted clause types), always restricted to that user.',
    args: searchArgs,
    body: { properties: {}, alsoTopLevel: false, open: true, description: 'an Elasticsearch (or Koncorde, with `lang`) query clause' },
    result: searchResult,
    errors: [],
  },
  scrollApiKeys: {
    summary: 'Next page of a search',
    description: 'The next page of a searchApiKeys made with `scroll`. Only the scroll ids issued to this caller are accepted.',
    args: { scrollId: { schema: { type: 'string', minLength: 1 }, required: true }, scroll: searchArgs.scroll },
    result: searchResult,
    errors: [`${P}not_found`, 'api.assert.missing_argument'],
  },
  getApiKey: {
    summary: 'Get an API key',
    description: 'A key of this user (never its secret). Another user\'s key is a 404.',
    args: { _id: KEY_ID },
    result: apiKey,
    errors: [`${P}not_found`, 'api.assert.missing_argument'],
  },
  updateApiKey: {
    summary: 'Update an API key',
    description: 'Changes name, description, scopes, claims and policies; the expiry may only be shortened. Effective on the next request.',
    args: { _id: KEY_ID, expiresIn: { schema: expiresIn }, secondsUntilExpiration: { schema: secondsUntilExpiration }, refresh: { schema: refresh } },
    body: keyFields(),
    result: apiKey,
    errors: [`${P}invalid_expiry`, `${P}invalid_scope`, `${P}claims_too_large`, `${P}escalation`, `${P}not_found`, 'api.assert.missing_argument'],
  },
  revokeApiKey: {
    summary: 'Revoke an API key',
    description: 'The key (and the keys it created) is refused from the next request and kept. Revoking again keeps the first reason.',
    args: { _id: KEY_ID, refresh: { schema: refresh } },
    body: {
      properties: { revocationReason: { anyOf: [{ type: 'string', maxLength: LIMITS.reason }, { type: 'null' }] } },
      alsoTopLevel: true,
    },
    result: apiKey,
    errors: [`${P}escalation`, `${P}not_found`, 'api.assert.missing_argument'],
  },
  rotateApiKey: {
    summary: 'Rotate an API key\'s secret',
    description: 'A new secret (`_source.token`, shown only here) for the same key. The previous secret works for `gracePeriod`, then gets 401 rotated.',
    args: { _id: KEY_ID, refresh: { schema: refresh } },
    body: {
      properties: { gracePeriod: { ...duration, description: 'how long the previous secret keeps working (default 0, at most maxRotationGrace)' } },
      alsoTopLevel: true,
    },
    result: apiKeyWithToken,
    errors: [`${P}escalation`, `${P}not_found`, 'api.assert.missing_argument'],
  },
  deleteApiKey: {
    summary: 'Delete an API key',
    description: 'Deletes a key and the keys it created. Give exactly one of `_id`, `fingerprint`, or the secret as `body.key`.',
    args: {
      _id: { schema: KEY_ID.schema, description: KEY_ID.description },
      fingerprint: { schema: { type: 'string', pattern: '^[0-9a-f]{64}$' }, description: 'the sha256 (hex) of the secret' },
      refresh: { schema: refresh },
    },
    body: { properties: { key: { type: 'string', minLength: 1, description: 'the secret itself (never in a query string)' } }, alsoTopLevel: false },
    result: deleteResult,
    errors: [`${P}escalation`, `${P}not_found`],
  },
  verifyApiKey: {
    summary: 'Verify an API key',
    description: 'Checks a secret without using it (lastUsedAt does not move) and answers its state and key.',
    args: {},
    body: {
      properties: {
        token: { type: 'string', description: 'the secret' },
        ip: { type: 'string', description: 'a client address to check against the key\'s allowedIps' },
      },
      required: ['token'],
      alsoTopLevel: false,
    },
    result: verifyResult,
    errors: ['api.assert.missing_argument'],
  },
  searchAuditEvents: {
    summary: 'Search the audit trail',
    description: 'Key management events (create, update, revoke, rotate, delete, refused escalations), newest first.',
    args: auditArgs,
    body: {
      // not a top-level argument: Kuzzle reads a top-level `action` as the name of the API action
      properties: { action: { type: 'string', description: 'only events of this action: create, update, revoke, rotate, delete, escalation' } },
      alsoTopLevel: false,
    },
    result: auditResult,
    errors: [],
  },
};

/** On api-keys/security, audit events may be filtered by owner; on api-keys/auth, they are the caller's. */
export function argsOf(action: string, target: Target): Record<string, ArgSpec> {
  const spec = ACTION_SCHEMAS[action];
  if (!spec) return {};
  if (target === 'auth') return spec.args;
  if (action === 'searchAuditEvents') return { userId: { schema: { type: 'string' }, description: 'the keys\' owner' }, ...spec.args };
  if (action === 'scrollApiKeys' || action === 'verifyApiKey') return spec.args;
  return { userId: USER_ID, ...spec.args };
}

