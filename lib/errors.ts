/**
 * The edge between the pure error catalogue (core/errors) and Kuzzle's error classes.
 */
import {
  BadRequestError,
  ForbiddenError,
  KuzzleError,
  NotFoundError,
  PreconditionError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from 'kuzzle';
import { ApiKeyError, ERROR_CATALOGUE, ERROR_ID_PREFIX, ErrorName } from './core/errors';

// Kuzzle 2.56's numeric code for security.token.invalid (kerror codes: domain 7, subdomain 1, error 1).
const INVALID_TOKEN_CODE = 117506049;

const CLASSES: Record<number, new (message: string, id?: string, code?: number) => KuzzleError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  412: PreconditionError,
  429: TooManyRequestsError,
  503: ServiceUnavailableError,
};

/** A Kuzzle error with the id `plugin.api-keys.<name>` and the catalogue's status. */
export function apiKeyError(name: ErrorName, message: string): KuzzleError {
  const { status, code } = ERROR_CATALOGUE[name];
  const Klass = CLASSES[status];
  if (Klass) return new Klass(message, ERROR_ID_PREFIX + name, code);
  return new KuzzleError(message, status, ERROR_ID_PREFIX + name, code);
}

/** Kuzzle's own `security.token.invalid` (401), for unknown, forged and deleted tokens. */
export function invalidTokenError(): KuzzleError {
  return new UnauthorizedError('Invalid token.', 'security.token.invalid', INVALID_TOKEN_CODE);
}

function isKuzzleError(error: unknown): error is KuzzleError {
  return error instanceof KuzzleError || (typeof error === 'object' && error !== null && typeof (error as any).status === 'number' && typeof (error as any).id === 'string');
}

/**
 * Turns anything thrown below a handler or pipe into a Kuzzle error:
 * ApiKeyError -> its catalogue entry; Kuzzle errors pass through; storage failures -> 503
 * `storage_unavailable` (the plugin cannot decide, so it refuses); anything else too, because a
 * handler that cannot tell what happened must not pretend it succeeded.
 */
export function toKuzzleError(error: unknown): KuzzleError {
  if (error instanceof ApiKeyError) return apiKeyError(error.errorName, error.message);
  if (isKuzzleError(error)) {
    if (error.status >= 500 && error.id?.startsWith('services.')) {
      return apiKeyError('storage_unavailable', 'API keys storage is unavailable, retry later.');
    }
    return error;
  }
  return apiKeyError('storage_unavailable', 'API keys storage is unavailable, retry later.');
}

export function isStorageNotFound(error: unknown): boolean {
  return isKuzzleError(error) && (error.id === 'services.storage.not_found' || error.status === 404);
}

export function isStorageConflict(error: unknown): boolean {
  return isKuzzleError(error) && (error.id === 'services.storage.document_already_exists' || error.status === 409);
}
