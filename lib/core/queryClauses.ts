/**
 * The Elasticsearch clause types a searchApiKeys query may use. Pure: no Kuzzle import.
 *
 * Searches are self-service: a user searching their own keys must not be able to make Elasticsearch read other
 * indices (a `terms` lookup, `more_like_this`, `percolate`...) or run scripts. Koncorde queries are translated to
 * Elasticsearch first, then checked the same way. Anything else is a 400 `invalid_argument`.
 */
import { ApiKeyError } from './errors';

const LEAF = new Set(['match', 'match_all', 'term', 'terms', 'range', 'exists', 'prefix', 'ids']);
const BOOL_OCCURRENCES = new Set(['must', 'filter', 'should', 'must_not']);
const BOOL_OPTIONS = new Set(['minimum_should_match', 'boost']);
const MAX_DEPTH = 16;

function refuse(detail: string): never {
  throw new ApiKeyError('invalid_argument', `Invalid search query: ${detail}. Allowed clauses: bool, ${[...LEAF].join(', ')}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @throws ApiKeyError invalid_argument when the clause uses anything outside the whitelist */
export function assertAllowedClause(clause: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) refuse(`nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(clause)) refuse('a clause must be an object');
  const types = Object.keys(clause);
  if (types.length !== 1) refuse(`a clause has exactly one type, got ${types.length === 0 ? 'none' : types.join(', ')}`);
  const [type] = types;
  const spec = clause[type];
  if (type === 'bool') {
    if (!isObject(spec)) refuse('"bool" takes an object');
    for (const [occurrence, value] of Object.entries(spec)) {
      if (BOOL_OPTIONS.has(occurrence)) continue;
      if (!BOOL_OCCURRENCES.has(occurrence)) refuse(`"bool.${occurrence}" is not supported`);
      for (const inner of Array.isArray(value) ? value : [value]) assertAllowedClause(inner, depth + 1);
    }
    return;
  }
  if (!LEAF.has(type)) refuse(`"${type}" is not allowed`);
  if (!isObject(spec)) refuse(`"${type}" takes an object`);
  if (type === 'terms') {
    for (const [field, values] of Object.entries(spec)) {
      if (field === 'boost') continue;
      // an object here is a terms lookup: it reads another index
      if (!Array.isArray(values)) refuse('"terms" takes an array of values (terms lookups are not allowed)');
    }
  }
}
