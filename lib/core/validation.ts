/**
 * Validation of a key's user-supplied fields. Pure logic: no Kuzzle import.
 * Lengths are counted in characters (Unicode code points).
 */
import { ApiKeyError } from './errors';

export const LIMITS = Object.freeze({
  nameMaxLength: 256,
  descriptionMaxLength: 4096,
  idMaxLength: 128,
  revocationReasonMaxLength: 1024,
} as const);

const KEY_ID = /^[A-Za-z0-9_.:-]+$/;
/** Elasticsearch refuses document ids over 512 bytes. */
const STORAGE_ID_MAX_BYTES = 512;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function invalidArgument(message: string): ApiKeyError {
  return new ApiKeyError('invalid_argument', message);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

/**
 * A user id, or the id of one of Kuzzle's own keys, as the storage can hold it: a non-blank string of at most 512
 * UTF-8 bytes with no lone surrogate. Anything else cannot exist, and would fail inside the storage client (a lone
 * surrogate cannot be put in a URL) rather than be "not found".
 */
export function validateStorageId(argName: string, v: unknown): string {
  if (typeof v !== 'string') {
    throw invalidArgument(`Invalid argument "${argName}": expected a string, got ${typeName(v)}`);
  }
  if (v.trim() === '' || LONE_SURROGATE.test(v) || Buffer.byteLength(v, 'utf8') > STORAGE_ID_MAX_BYTES) {
    throw invalidArgument(`Invalid argument "${argName}": expected an id of 1 to ${STORAGE_ID_MAX_BYTES} bytes of valid Unicode`);
  }
  return v;
}

/** Number of code points, or a number over `limit` (without counting them all) for long strings. */
function lengthUpTo(s: string, limit: number): number {
  // a code point takes 1 or 2 UTF-16 units: past 2 * limit units, there are more than `limit` code points
  if (s.length > 2 * limit) {
    return limit + 1;
  }
  return [...s].length;
}

function checkString(argName: string, v: unknown, maxLength: number, allowEmpty: boolean): string {
  if (typeof v !== 'string') {
    throw invalidArgument(`Invalid argument "${argName}": expected a string, got ${typeName(v)}`);
  }
  if (!allowEmpty && v.trim() === '') {
    throw invalidArgument(`Invalid argument "${argName}": cannot be empty`);
  }
  if (lengthUpTo(v, maxLength) > maxLength) {
    throw invalidArgument(`Invalid argument "${argName}": at most ${maxLength} characters are allowed`);
  }
  return v;
}

/** A key's name: undefined/null = not given; otherwise a non-blank string of at most 256 characters, returned trimmed. */
export function validateName(v: unknown): string | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  return checkString('name', v, LIMITS.nameMaxLength, false).trim();
}

/** A key's description: undefined/null = not given; otherwise a string (possibly empty) of at most 4096 characters, kept as is. */
export function validateDescription(v: unknown): string | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  return checkString('description', v, LIMITS.descriptionMaxLength, true);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A key's claims: undefined/null = not given; otherwise a plain JSON object whose serialisation takes at most
 * `maxBytes` bytes (UTF-8). Returns a JSON copy (what will be stored).
 * @throws ApiKeyError invalid_argument (not an object, not serialisable), claims_too_large
 */
export function validateClaims(v: unknown, maxBytes: number): Record<string, unknown> | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (!isPlainObject(v)) {
    throw invalidArgument(`Invalid argument "claims": expected a JSON object, got ${typeName(v)}`);
  }
  let json: string;
  try {
    json = JSON.stringify(v);
  } catch {
    throw invalidArgument('Invalid argument "claims": the object cannot be serialised to JSON');
  }
  const copy = JSON.parse(json) as Record<string, unknown>;
  const poisoned = prototypeKeyIn(copy, []);
  if (poisoned) {
    throw invalidArgument(`Invalid argument "claims": "${poisoned}" is not allowed (a prototype key)`);
  }
  const size = Buffer.byteLength(json, 'utf8');
  if (size > maxBytes) {
    throw new ApiKeyError(
      'claims_too_large',
      `Invalid argument "claims": its JSON serialisation takes ${size} bytes, over the limit of ${maxBytes} bytes`,
    );
  }
  return copy;
}

/**
 * The path of a `__proto__` or `constructor.prototype` key, at any depth. Elasticsearch's client refuses to parse a
 * response holding one, so one stored key would make every search of its user's keys (and the cascades on user
 * deletion) fail.
 */
function prototypeKeyIn(value: unknown, path: string[]): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [name, child] of Object.entries(value)) {
    const at = [...path, name];
    if (name === '__proto__') return at.join('.');
    if (name === 'constructor' && child !== null && typeof child === 'object' && Object.prototype.hasOwnProperty.call(child, 'prototype')) {
      return [...at, 'prototype'].join('.');
    }
    const found = prototypeKeyIn(child, at);
    if (found) return found;
  }
  return null;
}

/**
 * An optional user-chosen key id: undefined/null = not given (an id is generated); otherwise 1 to 128 characters
 * among [A-Za-z0-9_.:-], not starting with "_".
 */
export function validateKeyId(v: unknown): string | undefined {
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v !== 'string') {
    throw invalidArgument(`Invalid argument "_id": expected a string, got ${typeName(v)}`);
  }
  if (v.length === 0) {
    throw invalidArgument('Invalid argument "_id": cannot be empty');
  }
  if (v.length > LIMITS.idMaxLength) {
    throw invalidArgument(`Invalid argument "_id": at most ${LIMITS.idMaxLength} characters are allowed`);
  }
  if (!KEY_ID.test(v)) {
    throw invalidArgument(
      `Invalid argument "_id": ${JSON.stringify(v)} may only contain letters, digits, "_", ".", ":" and "-"`,
    );
  }
  if (v.startsWith('_')) {
    throw invalidArgument(`Invalid argument "_id": ${JSON.stringify(v)} cannot start with "_"`);
  }
  return v;
}

/**
 * revokeApiKey's optional reason: undefined/null/blank = no reason (null); otherwise a string of at most 1024
 * characters, returned trimmed.
 */
export function validateRevocationReason(v: unknown): string | null {
  if (v === undefined || v === null) {
    return null;
  }
  const reason = checkString('revocationReason', v, LIMITS.revocationReasonMaxLength, true).trim();
  return reason === '' ? null : reason;
}
