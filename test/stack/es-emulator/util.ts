/**
 * Small helpers shared by the Elasticsearch emulator: JSON cloning, deep merge, path access,
 * wildcard patterns, time values and id generation.
 */
import { randomBytes } from 'crypto';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * Deep merge like an Elasticsearch partial update: objects are merged key by key, anything else
 * (arrays included) replaces. Returns a new object and whether anything changed.
 */
export function deepMerge(target: JsonObject, patch: JsonObject): { result: JsonObject; changed: boolean } {
  const result: JsonObject = { ...target };
  let changed = false;
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    if (isObject(value) && isObject(current)) {
      const merged = deepMerge(current as JsonObject, value as JsonObject);
      result[key] = merged.result;
      changed = changed || merged.changed;
    } else {
      if (!(key in result) || !jsonEqual(current, value)) {
        changed = true;
      }
      result[key] = clone(value);
    }
  }
  return { result, changed };
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Reads a dotted path in a source document; arrays of objects are traversed (values flattened). */
export function valuesAtPath(source: unknown, path: string): unknown[] {
  const parts = path.split('.');
  let current: unknown[] = [source];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const node of current) {
      if (Array.isArray(node)) {
        for (const item of node) {
          if (isObject(item) && part in item) next.push(item[part]);
        }
      } else if (isObject(node) && part in node) {
        next.push(node[part]);
      }
    }
    current = next;
  }
  const out: unknown[] = [];
  const flatten = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(flatten);
    else out.push(v);
  };
  current.forEach(flatten);
  return out;
}

/** Converts an Elasticsearch wildcard pattern (`*` and `?`) to an anchored RegExp. */
export function wildcardToRegExp(pattern: string, caseInsensitive = false, questionMark = true): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i]);
    } else if (ch === '*') {
      re += '[\\s\\S]*';
    } else if (ch === '?' && questionMark) {
      re += '[\\s\\S]';
    } else {
      re += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'iu' : 'u');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const TIME_UNITS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses an Elasticsearch time value ("1m", "15s", "500ms"); returns null when malformed. */
export function parseTimeValue(value: unknown): number | null {
  if (typeof value === 'number') return null;
  if (typeof value !== 'string') return null;
  const m = /^(-?\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim());
  if (!m) {
    if (value === '-1') return -1;
    if (value === '0') return 0;
    return null;
  }
  return Number(m[1]) * TIME_UNITS[m[2]];
}

/** A 20-character URL-safe id, like Elasticsearch's auto-generated ids. */
export function generateId(): string {
  return randomBytes(15).toString('base64url');
}

export function generateUuid(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/** Compares strings by Unicode code point, which is the order of their UTF-8 bytes (Lucene's order). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Query-string boolean as Elasticsearch reads it ("" and "true" are true). */
export function parseBooleanParam(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The shortest decimal that reads back as the same float32 (how Elasticsearch prints scores). */
export function float32Json(value: number): number {
  const f = Math.fround(value);
  if (!Number.isFinite(f) || Number.isInteger(f)) return f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A strict boolean query parameter ("", "true", "false"), as Elasticsearch parses them. */
export function strictBooleanParam(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new BooleanParamError(value);
}

export class BooleanParamError extends Error {
  constructor(readonly value: string) {
    super(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
  }
}
