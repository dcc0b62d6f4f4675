/**
 * `POST /_query` with `Authorization: Bearer kapikey-...`: Kuzzle copies the header's token into the parsed body
 * (`payload.jwt`) to build the API request from it, and its logstash access log prints that parsed body. For a key's
 * secret, the copy lands in a non-enumerable property: the request still reads it, a JSON log line never shows it.
 * (The request's own `jwt` and headers are masked by the request pipes.)
 */
import { APIKEY_PREFIX } from './KeyResolver';

interface ParsedHttpPayload {
  message: { headers?: Record<string, unknown>; path?: unknown };
  payload: unknown;
}

/**
 * `/_query`, matched as Kuzzle's router matches it (query string dropped, empty parts skipped, each part decoded):
 * the only route where Kuzzle copies the header into the body, so other routes' bodies are left untouched.
 */
function isQueryRoute(path: unknown): boolean {
  if (typeof path !== 'string') return false;
  const parts = path.split('?')[0].split('/').filter((part) => part !== '');
  if (parts.length !== 1) return false;
  try {
    return decodeURIComponent(parts[0]) === '_query';
  } catch {
    return false;
  }
}
const BEARER_SECRET = new RegExp(`^bearer ${APIKEY_PREFIX}`, 'i');

function sendsSecretAsBearer(headers: Record<string, unknown> | undefined): boolean {
  if (!headers) return false;
  return Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'authorization' && typeof value === 'string' && BEARER_SECRET.test(value));
}

/** protocol:http:afterParsingPayload (async: Kuzzle waits for a callback from a pipe that returns no promise) */
export async function hideBearerCopy(parsed: ParsedHttpPayload): Promise<ParsedHttpPayload> {
  const { message, payload } = parsed;
  if (!isQueryRoute(message?.path)) return parsed;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return parsed;
  // a jwt the client put in the body itself stays as sent (Kuzzle then ignores the header)
  if (Object.prototype.hasOwnProperty.call(payload, 'jwt') || !sendsSecretAsBearer(message?.headers)) return parsed;
  let jwt: unknown;
  Object.defineProperty(payload, 'jwt', {
    get: () => jwt,
    set: (value: unknown) => { jwt = value; },
    enumerable: false,
    configurable: true,
  });
  return parsed;
}
