/**
 * JSON schemas (draft 2020-12, the dialect of OpenAPI 3.1) of the plugin's arguments and results. They are the one
 * source for both input validation (./validate) and the OpenAPI description (./openapi). They check types and shapes;
 * the handlers keep the deep checks (scope grammar, expiry arithmetic, claims size, id charset).
 *
 * `x-error` names the error a value failing that schema gets (default `invalid_argument`), so that validation keeps the
 * ids the handlers raise for the same input (`invalid_scope`, `invalid_expiry`).
 */
export type Schema = Record<string, unknown>;

export const LIMITS = { name: 256, description: 4096, reason: 1024, window: 10000 } as const;

const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** an `ms` duration string (`'30s'`, `'7d'`) or a number of milliseconds */
export const duration: Schema = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }] };

/** An integer, or its decimal form (HTTP query strings carry strings). */
export const integerArg = (minimum: number, maximum?: number): Schema => ({
  anyOf: [{ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) }, { type: 'string', pattern: '^\\s*\\d+\\s*$' }],
});

export const epochMs: Schema = { type: 'integer', description: 'epoch milliseconds' };

// ---- key fields (body, or top-level arguments: the body wins) ----

export const KEY_FIELDS: Record<string, Schema> = {
  name: { ...nullable({ type: 'string', maxLength: LIMITS.name }), description: 'a label (not unique), at most 256 characters' },
  description: { ...nullable({ type: 'string', maxLength: LIMITS.description }), description: 'at most 4096 characters' },
  scopes: {
    ...nullable({ type: 'array', items: { type: 'string', minLength: 1 } }),
    description: '`controller:action[@index[/collection]]` entries; null = the user\'s rights. In a query string: a comma-separated list or a JSON array.',
    'x-error': 'invalid_scope',
  },
  claims: { ...nullable({ type: 'object' }), description: 'trusted data returned with the key (JSON object, at most claimsMaxBytes)' },
  ratelimits: {
    ...nullable({
      type: 'array',
      items: {
        type: 'object',
        required: ['limit', 'window'],
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1 }, window: duration },
      },
    }),
    description: 'fixed windows, aligned on multiples of `window` since the epoch, shared by every node',
  },
  credits: {
    ...nullable({
      type: 'object',
      required: ['remaining'],
      additionalProperties: false,
      properties: {
        remaining: { type: 'integer', minimum: 0 },
        refill: nullable({
          type: 'object',
          required: ['amount', 'interval'],
          additionalProperties: false,
          properties: {
            amount: { type: 'integer', minimum: 0 },
            interval: { anyOf: [{ enum: ['daily', 'monthly'] }, duration] },
          },
        }),
      },
    }),
    description: 'one credit per accepted request; a refill sets `remaining` to `amount`',
  },
  allowedIps: {
    ...nullable({ type: 'array', items: { type: 'string', minLength: 1 } }),
    description: 'IPv4/IPv6 addresses or CIDR blocks; null = anywhere',
  },
};

export const expiresIn: Schema = {
  anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }],
  description: 'an `ms` string (`"30d"`) or a number of ms; -1 or absent = never',
  'x-error': 'invalid_expiry',
};

export const secondsUntilExpiration: Schema = {
  anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }],
  description: 'the expiry in seconds (Kuzzle\'s native name); not with `expiresIn`',
  'x-error': 'invalid_expiry',
};

export const refresh: Schema = {
  anyOf: [{ type: 'string' }, { type: 'boolean' }],
  description: '`wait_for` (default) waits until the change is searchable; `false` does not',
};

// ---- results ----

const keySourceProperties: Record<string, Schema> = {
  userId: { type: 'string' },
  name: nullable({ type: 'string' }),
  description: nullable({ type: 'string' }),
  scopes: nullable({ type: 'array', items: { type: 'string' } }),
  claims: nullable({ type: 'object' }),
  fingerprint: { type: 'string', description: 'sha256 (hex) of the secret' },
  expiresAt: { type: 'integer', description: 'epoch ms, -1 = never' },
  ttl: { type: 'integer', description: 'ms, -1 = never' },
  createdAt: epochMs,
  createdBy: nullable({ type: 'string' }),
  updatedAt: nullable(epochMs),
  lastUsedAt: nullable(epochMs),
  revoked: { type: 'boolean' },
  revokedAt: nullable(epochMs),
  revokedBy: nullable({ type: 'string' }),
  revocationReason: nullable({ type: 'string' }),
  expired: { type: 'boolean', description: 'past its own expiry or one of its ancestors\'' },
  parentKeyId: nullable({ type: 'string' }),
  ratelimits: KEY_FIELDS.ratelimits,
  credits: KEY_FIELDS.credits,
  allowedIps: nullable({ type: 'array', items: { type: 'string' } }),
  rotatedAt: nullable(epochMs),
  previousSecretExpiresAt: { ...nullable(epochMs), description: 'while a rotation grace runs: when the previous secret stops' },
};

const keySourceRequired = ['userId', 'name', 'description', 'scopes', 'claims', 'fingerprint', 'expiresAt', 'ttl', 'createdAt', 'revoked', 'expired'];

const keyOf = (source: Schema): Schema => ({ type: 'object', required: ['_id', '_source'], properties: { _id: { type: 'string' }, _source: source } });

export const apiKey: Schema = keyOf({ type: 'object', required: keySourceRequired, properties: keySourceProperties });

export const apiKeyWithToken: Schema = keyOf({
  type: 'object',
  required: [...keySourceRequired, 'token'],
  properties: { ...keySourceProperties, token: { type: 'string', description: 'the secret, shown only in this result' } },
});

export const searchResult: Schema = {
  type: 'object',
  required: ['hits', 'total'],
  properties: {
    hits: { type: 'array', items: apiKey },
    total: { type: 'integer', description: 'the true number of matches' },
    scrollId: { type: 'string' },
  },
};

export const deleteResult: Schema = { type: 'object', required: ['_id'], properties: { _id: { type: 'string' } } };

export const verifyResult: Schema = {
  type: 'object',
  required: ['valid', 'code', 'key'],
  properties: {
    valid: { type: 'boolean' },
    code: { enum: ['VALID', 'NOT_FOUND', 'EXPIRED', 'REVOKED', 'ROTATED', 'IP_DENIED', 'USAGE_EXCEEDED'] },
    key: nullable(apiKey),
  },
};

export const auditResult: Schema = {
  type: 'object',
  required: ['hits', 'total'],
  properties: {
    hits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['_id', '_source'],
        properties: {
          _id: { type: 'string' },
          _source: {
            type: 'object',
            description: 'an audit event (never a secret)',
            properties: {
              at: epochMs,
              action: { type: 'string' },
              userId: { type: 'string', description: 'the key\'s owner' },
              keyId: { type: 'string' },
              actor: { description: 'who acted: a user id, plus the key id for key-authenticated callers' },
              changes: nullable({ type: 'array', items: { type: 'string' } }),
              requestId: nullable({ type: 'string' }),
              ip: nullable({ type: 'string' }),
              cause: nullable({ type: 'string' }),
              suppressed: { type: 'integer' },
            },
          },
        },
      },
    },
    total: { type: 'integer' },
  },
};
