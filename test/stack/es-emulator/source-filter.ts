/**
 * `_source` filtering (true/false, includes/excludes with wildcards) for get, mget and search.
 */
import { isObject, Json, JsonObject, wildcardToRegExp } from './util';

export interface SourceFilter {
  enabled: boolean;
  includes: string[];
  excludes: string[];
}

export const FULL_SOURCE: SourceFilter = { enabled: true, includes: [], excludes: [] };

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** From a body `_source` value (boolean, string, array or {includes, excludes}). */
export function sourceFilterFromBody(value: Json | undefined): SourceFilter {
  if (value === undefined || value === null || value === true) return FULL_SOURCE;
  if (value === false) return { enabled: false, includes: [], excludes: [] };
  if (typeof value === 'string' || Array.isArray(value)) return { enabled: true, includes: list(value), excludes: [] };
  if (isObject(value)) {
    return {
      enabled: true,
      includes: list(value.includes ?? value.include),
      excludes: list(value.excludes ?? value.exclude),
    };
  }
  return FULL_SOURCE;
}

/** From query parameters `_source`, `_source_includes`, `_source_excludes`; null when absent. */
export function sourceFilterFromParams(params: Record<string, string>, base: SourceFilter = FULL_SOURCE): SourceFilter {
  let filter = base;
  const source = params._source;
  if (source !== undefined) {
    if (source === 'false') filter = { enabled: false, includes: [], excludes: [] };
    else if (source === 'true' || source === '') filter = FULL_SOURCE;
    else filter = { enabled: true, includes: list(source), excludes: [] };
  }
  const inc = params._source_includes ?? params._source_include;
  const exc = params._source_excludes ?? params._source_exclude;
  if (inc !== undefined || exc !== undefined) {
    filter = {
      enabled: true,
      includes: inc !== undefined ? list(inc) : filter.includes,
      excludes: exc !== undefined ? list(exc) : filter.excludes,
    };
  }
  return filter;
}

function literalPrefix(pattern: string): string {
  const idx = pattern.indexOf('*');
  return idx < 0 ? pattern : pattern.slice(0, idx);
}

export function applySourceFilter(source: JsonObject, filter: SourceFilter): JsonObject | undefined {
  if (!filter.enabled) return undefined;
  if (filter.includes.length === 0 && filter.excludes.length === 0) return source;
  const inc = filter.includes.map((p) => ({ p, re: wildcardToRegExp(p, false, false) }));
  const exc = filter.excludes.map((p) => wildcardToRegExp(p, false, false));
  const excluded = (path: string): boolean => exc.some((re) => re.test(path));
  const included = (path: string): boolean => inc.length === 0 || inc.some(({ re }) => re.test(path));
  const mayContain = (path: string): boolean =>
    inc.length === 0 || inc.some(({ p }) => {
      const lp = literalPrefix(p);
      return lp.startsWith(`${path}.`) || (p.includes('*') && `${path}.`.startsWith(lp));
    });

  const filterValue = (value: Json, path: string, inside: boolean): Json | undefined => {
    if (isObject(value)) {
      const out = filterObject(value, path, inside);
      return out;
    }
    if (Array.isArray(value)) {
      const items = value
        .map((v) => (isObject(v) || Array.isArray(v) ? filterValue(v, path, inside) : inside ? v : undefined))
        .filter((v) => v !== undefined) as Json[];
      return items.length || inside ? items : undefined;
    }
    return inside ? value : undefined;
  };

  const filterObject = (obj: JsonObject, prefix: string, inside: boolean): JsonObject | undefined => {
    const out: JsonObject = {};
    let kept = false;
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (excluded(path)) continue;
      const isIn = inside || included(path);
      if (!isIn && !((isObject(value) || Array.isArray(value)) && mayContain(path))) continue;
      const filtered = filterValue(value, path, isIn);
      if (filtered === undefined) continue;
      if (!isIn && isObject(filtered) && Object.keys(filtered).length === 0) continue;
      out[key] = filtered;
      kept = true;
    }
    return kept || inside || prefix === '' ? out : undefined;
  };

  return filterObject(source, '', false) ?? {};
}
