/**
 * The plugin's error catalogue. Pure: no Kuzzle import. The edges (controllers, pipes) turn an
 * ApiKeyError into a Kuzzle error with the id `plugin.api-keys.<name>` and the status below.
 */
export const ERROR_CATALOGUE = {
  invalid_argument: { status: 400, code: 0x0301 },
  invalid_expiry: { status: 400, code: 0x0302 },
  invalid_scope: { status: 400, code: 0x0303 },
  claims_too_large: { status: 400, code: 0x0304 },
  too_many_keys: { status: 400, code: 0x0305 },
  expired: { status: 401, code: 0x0306 },
  revoked: { status: 401, code: 0x0307 },
  scope_denied: { status: 403, code: 0x0308 },
  escalation: { status: 403, code: 0x0309 },
  credential_forbidden: { status: 403, code: 0x030a },
  not_found: { status: 404, code: 0x030b },
  already_exists: { status: 409, code: 0x030c },
  storage_unavailable: { status: 503, code: 0x030d },
  rotated: { status: 401, code: 0x030e },
  ip_denied: { status: 403, code: 0x030f },
  rate_limited: { status: 429, code: 0x0310 },
  usage_exceeded: { status: 429, code: 0x0311 },
} as const;

export type ErrorName = keyof typeof ERROR_CATALOGUE;

export const ERROR_ID_PREFIX = 'plugin.api-keys.';

export class ApiKeyError extends Error {
  readonly errorName: ErrorName;
  readonly status: number;
  readonly id: string;

  constructor(name: ErrorName, message: string) {
    super(message);
    this.name = 'ApiKeyError';
    this.errorName = name;
    this.status = ERROR_CATALOGUE[name].status;
    this.id = ERROR_ID_PREFIX + name;
  }
}
