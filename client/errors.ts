/**
 * The plugin's errors as a client sees them. Kuzzle answers `{ id: 'plugin.api-keys.<name>', status, message }`, and
 * kuzzle-sdk rejects with a KuzzleError carrying them. This file does not import kuzzle-sdk: it only reads those fields.
 */

/** Every error id the plugin raises, with its HTTP status (the contract's table). */
export const API_KEYS_ERRORS = {
  invalid_argument: 400,
  invalid_expiry: 400,
  invalid_scope: 400,
  claims_too_large: 400,
  too_many_keys: 400,
  expired: 401,
  revoked: 401,
  rotated: 401,
  scope_denied: 403,
  escalation: 403,
  credential_forbidden: 403,
  ip_denied: 403,
  not_found: 404,
  already_exists: 409,
  rate_limited: 429,
  usage_exceeded: 429,
  storage_unavailable: 503,
} as const;

export type ApiKeysErrorName = keyof typeof API_KEYS_ERRORS;

/** `plugin.api-keys.<name>` */
export type ApiKeysErrorId = `plugin.api-keys.${ApiKeysErrorName}`;

/** The union of the plugin's errors: each id with its status, so that `switch (e.id)` narrows `e.status`. */
export type ApiKeysErrorShape = {
  [N in ApiKeysErrorName]: { name: N; id: `plugin.api-keys.${N}`; status: (typeof API_KEYS_ERRORS)[N] };
}[ApiKeysErrorName];

export const API_KEYS_ERROR_PREFIX = 'plugin.api-keys.';

/**
 * A plugin error, as thrown by every `ApiKeys` method. Errors that are not the plugin's (Kuzzle's own
 * `security.token.invalid`, `api.assert.*`, network errors) are rethrown as they came.
 */
export class ApiKeysError extends Error {
  readonly errorName: ApiKeysErrorName;
  readonly id: ApiKeysErrorId;
  readonly status: number;
  /** the error kuzzle-sdk rejected with */
  readonly sdkError: unknown;

  constructor(name: ApiKeysErrorName, message: string, sdkError?: unknown) {
    super(message);
    this.name = 'ApiKeysError';
    this.errorName = name;
    this.id = `${API_KEYS_ERROR_PREFIX}${name}`;
    this.status = API_KEYS_ERRORS[name];
    this.sdkError = sdkError;
  }

  /** Narrows to one error: `if (e instanceof ApiKeysError && e.is('not_found'))`. */
  is<N extends ApiKeysErrorName>(name: N): this is ApiKeysError & { errorName: N; id: `plugin.api-keys.${N}`; status: (typeof API_KEYS_ERRORS)[N] } {
    return this.errorName === name;
  }
}

function isKnownName(name: string): name is ApiKeysErrorName {
  return Object.prototype.hasOwnProperty.call(API_KEYS_ERRORS, name);
}

/**
 * The ApiKeysError for an error from kuzzle-sdk whose `id` is one of the plugin's, else null.
 * An id of ours with an unknown name (a newer plugin) is not guessed at: the caller keeps the original error.
 */
export function toApiKeysError(error: unknown): ApiKeysError | null {
  if (error instanceof ApiKeysError) return error;
  if (typeof error !== 'object' || error === null) return null;
  const id = (error as { id?: unknown }).id;
  if (typeof id !== 'string' || !id.startsWith(API_KEYS_ERROR_PREFIX)) return null;
  const name = id.slice(API_KEYS_ERROR_PREFIX.length);
  if (!isKnownName(name)) return null;
  const message = (error as { message?: unknown }).message;
  return new ApiKeysError(name, typeof message === 'string' ? message : id, error);
}

/** Type guard: is this one of the plugin's errors (optionally: this one)? */
export function isApiKeysError<N extends ApiKeysErrorName = ApiKeysErrorName>(error: unknown, name?: N): error is ApiKeysError & { errorName: N } {
  return error instanceof ApiKeysError && (name === undefined || error.errorName === name);
}
