/**
 * Expiry parsing and checks. Pure logic: no Kuzzle import.
 *
 * A TTL is a number of milliseconds, or {@link NEVER}. An `expiresAt` is an epoch in ms, or {@link NEVER}.
 */
import ms = require('ms');
import { ApiKeyError } from './errors';

export const NEVER = -1;

/** Longest accepted lifetime: 100 years (as `ms` counts them: 365.25 days a year). Keeps dates representable. */
export const MAX_TTL_CAP = 100 * 365.25 * 24 * 60 * 60 * 1000;

export interface ExpiryInput {
  expiresIn?: unknown;
  secondsUntilExpiration?: unknown;
}

const INTEGER_STRING = /^-?\d+$/;
const UNSIGNED_INTEGER_STRING = /^\d+$/;

function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a value of type ${typeof value}`;
}

function invalidExpiry(message: string): ApiKeyError {
  return new ApiKeyError('invalid_expiry', message);
}

/**
 * Parses an `ms` duration string ("30d", "1h", "1.5h", "500" = 500 ms). Returns undefined when it is not one.
 * Never throws.
 */
export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (text === '') {
    return undefined;
  }
  let result: unknown;
  try {
    result = ms(text as ms.StringValue);
  } catch {
    return undefined;
  }
  return typeof result === 'number' && Number.isFinite(result) ? result : undefined;
}

function checkCap(argName: string, ttl: number): number {
  if (ttl > MAX_TTL_CAP) {
    throw invalidExpiry(
      `Invalid argument "${argName}": the lifetime is at most 100 years (${MAX_TTL_CAP} ms), got ${ttl} ms`,
    );
  }
  return ttl;
}

/** A number of ms: a positive integer, or -1 for never. */
function fromMilliseconds(argName: string, raw: unknown, n: number): number {
  if (n === NEVER) {
    return NEVER;
  }
  if (!Number.isInteger(n) || n <= 0) {
    throw invalidExpiry(
      `Invalid argument "${argName}": expected a positive integer number of milliseconds, an "ms" duration ` +
        `such as "30d" or "1h", or -1 for never; got ${show(raw)}`,
    );
  }
  return checkCap(argName, n);
}

function parseExpiresIn(raw: unknown): number {
  const argName = 'expiresIn';
  if (typeof raw === 'number') {
    return fromMilliseconds(argName, raw, raw);
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (INTEGER_STRING.test(text)) {
      return fromMilliseconds(argName, raw, Number(text));
    }
    const parsed = parseDuration(text);
    if (parsed === undefined) {
      throw invalidExpiry(
        `Invalid argument "${argName}": ${show(raw)} is not a duration (expected e.g. "30d", "12h", "15m", ` +
          'a number of milliseconds, or -1 for never)',
      );
    }
    // a duration string must denote a positive whole number of ms; -1 ("never") is only read from a plain number
    if (!Number.isInteger(parsed) || parsed <= 0) {
      throw invalidExpiry(
        `Invalid argument "${argName}": the duration ${show(raw)} is ${parsed} ms; ` +
          'it must be a positive whole number of milliseconds',
      );
    }
    return checkCap(argName, parsed);
  }
  throw invalidExpiry(
    `Invalid argument "${argName}": expected a number of milliseconds, an "ms" duration string or -1, got ${show(raw)}`,
  );
}

function parseSeconds(raw: unknown): number {
  const argName = 'secondsUntilExpiration';
  let n: number | undefined;
  if (typeof raw === 'number') {
    n = raw;
  } else if (typeof raw === 'string' && UNSIGNED_INTEGER_STRING.test(raw.trim())) {
    n = Number(raw.trim());
  }
  if (n === undefined || !Number.isInteger(n) || n <= 0) {
    throw invalidExpiry(
      `Invalid argument "${argName}": expected a positive integer number of seconds, or null for never; ` +
        `got ${show(raw)}`,
    );
  }
  return checkCap(argName, n * 1000);
}

function isGiven(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Reads the requested lifetime of a key.
 * - 'plugin' mode (the plugin's controllers): `expiresIn` (ms number, `ms` string or -1) or `secondsUntilExpiration`
 *   (positive integer seconds); neither (or null) = never; both = error.
 * - 'native' mode (drop-in for Kuzzle's `*:createApiKey`, which reads `args.expiresIn || -1`): a falsy `expiresIn`
 *   (0, '', false, null, undefined) or a numeric string worth 0 ('0') means never; then the same rules.
 * @returns the TTL in ms, or NEVER
 * @throws ApiKeyError invalid_expiry
 */
export function parseTtl(input: ExpiryInput, mode: 'plugin' | 'native' = 'plugin'): number {
  let expiresIn: unknown = input?.expiresIn;
  const seconds: unknown = input?.secondsUntilExpiration;

  if (mode === 'native') {
    if (!expiresIn || (typeof expiresIn === 'string' && INTEGER_STRING.test(expiresIn.trim()) && Number(expiresIn.trim()) === 0)) {
      expiresIn = undefined;
    }
  }

  const hasExpiresIn = isGiven(expiresIn);
  const hasSeconds = isGiven(seconds);
  if (hasExpiresIn && hasSeconds) {
    throw invalidExpiry(
      'Invalid arguments: "expiresIn" and "secondsUntilExpiration" are mutually exclusive; give at most one of them',
    );
  }
  if (hasExpiresIn) {
    return parseExpiresIn(expiresIn);
  }
  if (hasSeconds) {
    return parseSeconds(seconds);
  }
  return NEVER;
}

/** The expiry date of a key created at `now` with this TTL. */
export function expiresAtFrom(ttl: number, now: number): number {
  return ttl === NEVER ? NEVER : now + ttl;
}

/**
 * @param maxTTL longest allowed lifetime in ms, -1 (any negative) = no limit
 * @throws ApiKeyError invalid_expiry when the key would never expire, or live longer than maxTTL
 */
export function assertWithinMaxTtl(ttl: number, maxTTL: number): void {
  if (maxTTL < 0) {
    return;
  }
  if (ttl === NEVER) {
    throw invalidExpiry(
      `Invalid expiry: keys must expire; the longest allowed lifetime (maxTTL) is ${maxTTL} ms`,
    );
  }
  if (ttl > maxTTL) {
    throw invalidExpiry(
      `Invalid expiry: the requested lifetime of ${ttl} ms exceeds the longest allowed lifetime (maxTTL) of ${maxTTL} ms`,
    );
  }
}

/** A key is expired from the millisecond of its expiresAt on. NEVER never expires. */
export function isExpired(expiresAt: number, now: number): boolean {
  return expiresAt !== NEVER && now >= expiresAt;
}

/**
 * updateApiKey may only shorten a key's life: a never-expiring key may get any expiry; a key with an expiry may only
 * get the same or an earlier one.
 * @throws ApiKeyError invalid_expiry
 */
export function assertShortening(newExpiresAt: number, currentExpiresAt: number): void {
  if (currentExpiresAt === NEVER) {
    return;
  }
  if (newExpiresAt === NEVER) {
    throw invalidExpiry(
      `Invalid expiry: the key expires at ${currentExpiresAt} (epoch ms); an update may only shorten its life, ` +
        'not make it never expire',
    );
  }
  if (newExpiresAt > currentExpiresAt) {
    throw invalidExpiry(
      `Invalid expiry: the key expires at ${currentExpiresAt} (epoch ms); an update may only shorten its life, ` +
        `and ${newExpiresAt} is later`,
    );
  }
}

/**
 * A rotation's `gracePeriod`: absent = 0 (the old secret stops at once), a whole number of ms >= 0, or an `ms`
 * string ("10m"; digits alone, as HTTP query strings carry numbers, are ms). Over `max` or malformed: 400.
 */
export function parseGracePeriod(value: unknown, max: number): number {
  if (value === undefined || value === null) return 0;
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') n = /^\s*\d+\s*$/.test(value) ? Number(value) : parseDuration(value);
  if (n === undefined || !Number.isInteger(n) || n < 0) {
    throw new ApiKeyError('invalid_argument', 'Invalid argument "gracePeriod": expected a whole number of milliseconds >= 0 or a duration such as "1h".');
  }
  if (n > max) {
    throw new ApiKeyError('invalid_argument', `Invalid argument "gracePeriod": at most ${max} ms (maxRotationGrace).`);
  }
  return n;
}

/** The earlier of two expiries (-1 = never). */
export function earliest(a: number, b: number): number {
  if (a === NEVER) return b;
  if (b === NEVER) return a;
  return Math.min(a, b);
}
