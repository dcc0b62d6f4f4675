/**
 * Parses the Elasticsearch query DSL into a small AST, rejecting malformed queries with the
 * `parsing_exception` wording of Elasticsearch 7.17/8.x, and known-but-unemulated queries with 501.
 */
import { Cause, EsError, esError, parsingError, unsupported } from './errors';
import { isObject, Json } from './util';

interface Base {
  boost: number;
  name?: string;
}

export type Query =
  | (Base & { kind: 'match_all' })
  | (Base & { kind: 'match_none' })
  | (Base & { kind: 'bool'; must: Query[]; filter: Query[]; should: Query[]; mustNot: Query[]; msm?: string | number })
  | (Base & { kind: 'term'; field: string; value: Json; caseInsensitive: boolean })
  | (Base & { kind: 'terms'; field: string; values: Json[] })
  | (Base & { kind: 'ids'; values: string[] })
  | (Base & { kind: 'range'; field: string; gt?: Json; gte?: Json; lt?: Json; lte?: Json; format?: string })
  | (Base & { kind: 'match'; field: string; query: Json; operator: 'or' | 'and'; msm?: string | number; analyzer?: string; zeroTerms: 'none' | 'all'; lenient: boolean })
  | (Base & { kind: 'match_phrase'; field: string; query: Json; analyzer?: string; prefix: boolean; zeroTerms: 'none' | 'all' })
  | (Base & { kind: 'multi_match'; fields: Array<{ field: string; boost: number }>; query: Json; type: string; operator: 'or' | 'and'; msm?: string | number; analyzer?: string; tieBreaker: number; lenient: boolean; zeroTerms: 'none' | 'all' })
  | (Base & { kind: 'exists'; field: string })
  | (Base & { kind: 'prefix' | 'wildcard' | 'regexp'; field: string; value: string; caseInsensitive: boolean })
  | (Base & { kind: 'constant_score'; filter: Query })
  | (Base & { kind: 'nested'; path: string; query: Query; scoreMode: string; ignoreUnmapped: boolean })
  | (Base & { kind: 'dis_max'; queries: Query[]; tieBreaker: number })
  | (Base & { kind: 'boosting'; positive: Query; negative: Query; negativeBoost: number });

const UNSUPPORTED_QUERIES = new Set([
  'query_string', 'simple_query_string', 'fuzzy', 'geo_bounding_box', 'geo_distance', 'geo_polygon', 'geo_shape',
  'geo_distance_range', 'shape', 'more_like_this', 'script', 'script_score', 'function_score', 'percolate',
  'has_child', 'has_parent', 'parent_id', 'span_term', 'span_near', 'span_or', 'span_not', 'span_first',
  'span_multi', 'span_containing', 'span_within', 'span_field_masking', 'field_masking_span', 'intervals',
  'distance_feature', 'rank_feature', 'wrapper', 'pinned', 'combined_fields', 'terms_set', 'match_bool_prefix',
  'knn', 'semantic', 'sparse_vector', 'text_expansion', 'weighted_tokens', 'rule', 'type',
]);

function malformedNoStartObject(name: string): EsError {
  return parsingError(`[${name}] query malformed, no start_object after query name`);
}

function doesNotSupport(query: string, key: string): EsError {
  return parsingError(`[${query}] query does not support [${key}]`);
}

function num(value: Json, query: string, key: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || Number.isNaN(n)) throw parsingError(`[${query}] failed to parse field [${key}]`);
  return n;
}

function bool(value: Json): boolean {
  return value === true || value === 'true';
}

function msmValue(value: Json): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw parsingError('[bool] failed to parse field [minimum_should_match]');
}

function operatorValue(value: Json, _query: string): 'or' | 'and' {
  const v = String(value).toLowerCase();
  if (v !== 'or' && v !== 'and') {
    throw esError(400, { type: 'illegal_argument_exception', reason: `operator needs to be either [and] or [or], but got [${String(value)}]` });
  }
  return v;
}

function zeroTerms(value: Json | undefined): 'none' | 'all' {
  if (value === undefined) return 'none';
  const v = String(value).toLowerCase();
  if (v !== 'none' && v !== 'all') throw parsingError(`Unsupported zero_terms_query value [${String(value)}]`);
  return v;
}

/** Parses one query clause `{ <name>: <body> }`. */
export function parseQuery(node: Json): Query {
  if (!isObject(node)) throw parsingError('[_na] query malformed, must start with start_object');
  const keys = Object.keys(node);
  if (keys.length === 0) throw parsingError('query malformed, empty clause found at [1:2]');
  const name = keys[0];
  if (keys.length > 1) {
    throw parsingError(`[${name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  }
  const body = node[name];
  if (UNSUPPORTED_QUERIES.has(name)) throw unsupported(`the [${name}] query`);
  const parser = PARSERS[name];
  if (!parser) {
    const cause: Cause = { type: 'named_object_not_found_exception', reason: `[1:2] unknown field [${name}]` };
    throw parsingError(`unknown query [${name}]`, cause);
  }
  if (!isObject(body)) throw malformedNoStartObject(name);
  return parser(body as Record<string, Json>);
}

function common(body: Record<string, Json>, query: string): Base {
  const base: Base = { boost: 1 };
  if (body.boost !== undefined) base.boost = num(body.boost, query, 'boost');
  if (body._name !== undefined) base.name = String(body._name);
  return base;
}

function clauses(value: Json, query: string, key: string): Query[] {
  if (Array.isArray(value)) return value.map((v) => parseQuery(v));
  if (isObject(value)) return [parseQuery(value)];
  throw doesNotSupport(query, key);
}

/** `{ field: value }` or `{ field: { value..., params } }` single-field clauses. */
function singleField(body: Record<string, Json>, query: string): [string, Json] {
  const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length === 0) throw esError(400, { type: 'illegal_argument_exception', reason: `[${query}] query requires a field name` });
  if (fields.length > 1) throw parsingError(`[${query}] query doesn't support multiple fields, found [${fields[0]}] and [${fields[1]}]`);
  return [fields[0], body[fields[0]]];
}

function checkKeys(body: Record<string, Json>, query: string, allowed: string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw doesNotSupport(query, key);
}

function termLevel(kind: 'prefix' | 'wildcard' | 'regexp'): (body: Record<string, Json>) => Query {
  return (body) => {
    const base = common(body, kind);
    const [field, spec] = singleField(body, kind);
    if (!isObject(spec)) {
      if (spec === null || Array.isArray(spec)) throw doesNotSupport(kind, field);
      return { ...base, kind, field, value: String(spec), caseInsensitive: false };
    }
    const allowed = ['value', 'boost', '_name', 'rewrite', 'case_insensitive'];
    if (kind === 'wildcard') allowed.push('wildcard');
    if (kind === 'regexp') allowed.push('flags', 'flags_value', 'max_determinized_states');
    checkKeys(spec, kind, allowed);
    const value = spec.value ?? spec.wildcard;
    if (value === undefined || value === null) throw esError(400, { type: 'illegal_argument_exception', reason: `value cannot be null` });
    if (kind === 'regexp' && spec.flags !== undefined && !['ALL', 'NONE'].includes(String(spec.flags))) throw unsupported(`regexp flags [${String(spec.flags)}]`);
    return { ...common(spec, kind), kind, field, value: String(value), caseInsensitive: bool(spec.case_insensitive ?? false) };
  };
}

const MATCH_PARAMS = ['query', 'operator', 'minimum_should_match', 'analyzer', 'zero_terms_query', 'boost', '_name', 'lenient', 'fuzziness', 'prefix_length', 'max_expansions', 'fuzzy_transpositions', 'auto_generate_synonyms_phrase_query', 'cutoff_frequency', 'fuzzy_rewrite'];

function matchLike(kind: 'match' | 'match_phrase' | 'match_phrase_prefix'): (body: Record<string, Json>) => Query {
  return (body) => {
    const [field, spec] = singleField(body, kind);
    let options: Record<string, Json> = {};
    if (isObject(spec)) {
      options = spec;
      const allowed = kind === 'match' ? MATCH_PARAMS : ['query', 'slop', 'analyzer', 'zero_terms_query', 'boost', '_name', 'max_expansions'];
      checkKeys(options, kind, allowed);
    } else if (Array.isArray(spec)) {
      throw parsingError(`[${kind}] unknown token [START_ARRAY] after [${field}]`);
    } else {
      options = { query: spec };
    }
    if (options.query === undefined || options.query === null) {
      throw esError(400, { type: 'illegal_argument_exception', reason: `[${kind}] requires query value` });
    }
    if (options.fuzziness !== undefined) throw unsupported('fuzziness in match queries');
    if (options.cutoff_frequency !== undefined) throw unsupported('cutoff_frequency');
    const base = common(options, kind);
    const analyzer = options.analyzer === undefined ? undefined : String(options.analyzer);
    if (kind === 'match') {
      return {
        ...base,
        kind: 'match',
        field,
        query: options.query,
        operator: options.operator === undefined ? 'or' : operatorValue(options.operator, kind),
        msm: options.minimum_should_match === undefined ? undefined : msmValue(options.minimum_should_match),
        analyzer,
        zeroTerms: zeroTerms(options.zero_terms_query),
        lenient: bool(options.lenient ?? false),
      };
    }
    if (options.slop !== undefined && Number(options.slop) !== 0) throw unsupported('slop in phrase queries');
    return { ...base, kind: 'match_phrase', field, query: options.query, analyzer, prefix: kind === 'match_phrase_prefix', zeroTerms: zeroTerms(options.zero_terms_query) };
  };
}

const PARSERS: Record<string, (body: Record<string, Json>) => Query> = {
  match_all: (body) => {
    checkKeys(body, 'match_all', ['boost', '_name']);
    return { ...common(body, 'match_all'), kind: 'match_all' };
  },
  match_none: (body) => {
    checkKeys(body, 'match_none', ['boost', '_name']);
    return { ...common(body, 'match_none'), kind: 'match_none' };
  },
  bool: (body) => {
    const q: Query = { ...common(body, 'bool'), kind: 'bool', must: [], filter: [], should: [], mustNot: [] };
    for (const [key, value] of Object.entries(body)) {
      switch (key) {
        case 'must': q.must.push(...clauses(value, 'bool', key)); break;
        case 'filter': q.filter.push(...clauses(value, 'bool', key)); break;
        case 'should': q.should.push(...clauses(value, 'bool', key)); break;
        case 'must_not': case 'mustNot': q.mustNot.push(...clauses(value, 'bool', key)); break;
        case 'minimum_should_match': case 'minimumShouldMatch': q.msm = msmValue(value); break;
        case 'boost': case '_name': case 'adjust_pure_negative': case 'disable_coord': break;
        default: throw doesNotSupport('bool', key);
      }
    }
    return q;
  },
  term: (body) => {
    const [field, spec] = singleField(body, 'term');
    if (Array.isArray(spec)) throw parsingError('[term] query does not support array of values');
    if (isObject(spec)) {
      checkKeys(spec, 'term', ['value', 'boost', '_name', 'case_insensitive']);
      if (spec.value === undefined || spec.value === null) throw esError(400, { type: 'illegal_argument_exception', reason: 'value cannot be null' });
      return { ...common(spec, 'term'), kind: 'term', field, value: spec.value, caseInsensitive: bool(spec.case_insensitive ?? false) };
    }
    if (spec === null) throw esError(400, { type: 'illegal_argument_exception', reason: 'value cannot be null' });
    return { ...common(body, 'term'), kind: 'term', field, value: spec, caseInsensitive: false };
  },
  terms: (body) => {
    const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
    if (fields.length === 0) throw esError(400, { type: 'illegal_argument_exception', reason: 'field name cannot be null.' });
    if (fields.length > 1) throw parsingError(`[terms] query does not support multiple fields, found [${fields[0]}] and [${fields[1]}]`);
    const field = fields[0];
    const values = body[field];
    if (isObject(values)) throw unsupported('terms lookup');
    if (!Array.isArray(values)) throw doesNotSupport('terms', field);
    return { ...common(body, 'terms'), kind: 'terms', field, values };
  },
  ids: (body) => {
    checkKeys(body, 'ids', ['values', 'type', 'types', '_type', 'boost', '_name']);
    if (body.values !== undefined && !Array.isArray(body.values)) throw doesNotSupport('ids', 'values');
    return { ...common(body, 'ids'), kind: 'ids', values: ((body.values as Json[]) ?? []).map(String) };
  },
  range: (body) => {
    const [field, spec] = singleField(body, 'range');
    if (!isObject(spec)) throw doesNotSupport('range', field);
    checkKeys(spec, 'range', ['gt', 'gte', 'lt', 'lte', 'from', 'to', 'include_lower', 'include_upper', 'format', 'time_zone', 'relation', 'boost', '_name']);
    if (spec.time_zone !== undefined && !['UTC', 'Z', '+00:00', 'Etc/UTC'].includes(String(spec.time_zone))) throw unsupported('time_zone in range queries');
    if (spec.relation !== undefined && String(spec.relation).toLowerCase() !== 'intersects') throw unsupported('relation in range queries');
    const q: Query = { ...common(spec, 'range'), kind: 'range', field };
    const nonNull = (v: Json | undefined): Json | undefined => (v === null ? undefined : v);
    if (spec.from !== undefined) {
      if (spec.include_lower === false) q.gt = nonNull(spec.from);
      else q.gte = nonNull(spec.from);
    }
    if (spec.to !== undefined) {
      if (spec.include_upper === false) q.lt = nonNull(spec.to);
      else q.lte = nonNull(spec.to);
    }
    if (spec.gt !== undefined) { q.gt = nonNull(spec.gt); q.gte = undefined; }
    if (spec.gte !== undefined) { q.gte = nonNull(spec.gte); q.gt = undefined; }
    if (spec.lt !== undefined) { q.lt = nonNull(spec.lt); q.lte = undefined; }
    if (spec.lte !== undefined) { q.lte = nonNull(spec.lte); q.lt = undefined; }
    if (spec.format !== undefined) q.format = String(spec.format);
    return q;
  },
  match: matchLike('match'),
  match_phrase: matchLike('match_phrase'),
  match_phrase_prefix: matchLike('match_phrase_prefix'),
  multi_match: (body) => {
    checkKeys(body, 'multi_match', [...MATCH_PARAMS, 'fields', 'type', 'tie_breaker', 'slop', 'use_dis_max']);
    if (body.query === undefined || body.query === null) throw parsingError('No text specified for multi_match query');
    if (body.fuzziness !== undefined) throw unsupported('fuzziness in multi_match queries');
    const type = String(body.type ?? 'best_fields').toLowerCase();
    if (['cross_fields', 'bool_prefix'].includes(type)) throw unsupported(`multi_match type [${type}]`);
    if (!['best_fields', 'most_fields', 'phrase', 'phrase_prefix'].includes(type)) {
      throw esError(400, { type: 'illegal_argument_exception', reason: `failed to parse [multi_match] query type [${type}]. unknown type.` });
    }
    if (body.slop !== undefined && Number(body.slop) !== 0) throw unsupported('slop in phrase queries');
    const rawFields = body.fields === undefined ? [] : Array.isArray(body.fields) ? body.fields : [body.fields];
    const fields = rawFields.map((f) => {
      const [field, boost] = String(f).split('^');
      return { field, boost: boost === undefined ? 1 : num(boost, 'multi_match', 'fields') };
    });
    return {
      ...common(body, 'multi_match'),
      kind: 'multi_match',
      fields,
      query: body.query,
      type,
      operator: body.operator === undefined ? 'or' : operatorValue(body.operator, 'multi_match'),
      msm: body.minimum_should_match === undefined ? undefined : msmValue(body.minimum_should_match),
      analyzer: body.analyzer === undefined ? undefined : String(body.analyzer),
      tieBreaker: body.tie_breaker === undefined ? 0 : num(body.tie_breaker, 'multi_match', 'tie_breaker'),
      lenient: bool(body.lenient ?? false),
      zeroTerms: zeroTerms(body.zero_terms_query),
    };
  },
  exists: (body) => {
    checkKeys(body, 'exists', ['field', 'boost', '_name']);
    if (body.field === undefined || body.field === null) throw parsingError('[exists] must be provided with a [field]');
    return { ...common(body, 'exists'), kind: 'exists', field: String(body.field) };
  },
  prefix: termLevel('prefix'),
  wildcard: termLevel('wildcard'),
  regexp: termLevel('regexp'),
  constant_score: (body) => {
    checkKeys(body, 'constant_score', ['filter', 'boost', '_name']);
    if (body.filter === undefined) throw parsingError("[constant_score] requires a 'filter' element");
    return { ...common(body, 'constant_score'), kind: 'constant_score', filter: parseQuery(body.filter) };
  },
  nested: (body) => {
    checkKeys(body, 'nested', ['path', 'query', 'score_mode', 'ignore_unmapped', 'inner_hits', 'boost', '_name']);
    if (body.inner_hits !== undefined) throw unsupported('inner_hits');
    if (body.path === undefined) throw parsingError("[nested] requires 'path' field");
    if (body.query === undefined) throw parsingError("[nested] requires 'query' field");
    const scoreMode = String(body.score_mode ?? 'avg');
    if (!['avg', 'max', 'min', 'sum', 'none'].includes(scoreMode)) throw esError(400, { type: 'illegal_argument_exception', reason: `No score mode for child query [${scoreMode}] found` });
    return { ...common(body, 'nested'), kind: 'nested', path: String(body.path), query: parseQuery(body.query), scoreMode, ignoreUnmapped: bool(body.ignore_unmapped ?? false) };
  },
  dis_max: (body) => {
    checkKeys(body, 'dis_max', ['queries', 'tie_breaker', 'boost', '_name']);
    if (!Array.isArray(body.queries) || body.queries.length === 0) throw parsingError('[dis_max] requires \'queries\' field with at least one clause');
    return { ...common(body, 'dis_max'), kind: 'dis_max', queries: body.queries.map((q) => parseQuery(q)), tieBreaker: body.tie_breaker === undefined ? 0 : num(body.tie_breaker, 'dis_max', 'tie_breaker') };
  },
  boosting: (body) => {
    checkKeys(body, 'boosting', ['positive', 'negative', 'negative_boost', 'boost', '_name']);
    if (body.positive === undefined) throw parsingError('[boosting] query requires \'positive\' query');
    if (body.negative === undefined) throw parsingError('[boosting] query requires \'negative\' query');
    if (body.negative_boost === undefined) throw parsingError('[boosting] query requires \'negative_boost\' to be set to be a positive value\'');
    return { ...common(body, 'boosting'), kind: 'boosting', positive: parseQuery(body.positive), negative: parseQuery(body.negative), negativeBoost: num(body.negative_boost, 'boosting', 'negative_boost') };
  },
};
