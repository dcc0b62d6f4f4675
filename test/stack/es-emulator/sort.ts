/**
 * Sort specifications: parsing (`"f"`, `{f: "desc"}`, `{f: {order, missing, mode, unmapped_type}}`,
 * `_score`, `_doc`, query-string `f:asc`), per-index validation with Elasticsearch's errors
 * (text fields, unmapped fields, `_id` in 8.x), sort values and comparison (search_after included).
 */
import { Cause, illegalArgument, Major, parsingError, unsupported } from './errors';
import { ShardError, resolveFieldForSort } from './query-eval';
import { EsIndex, StoredDoc } from './store';
import { compareCodePoints, isObject, Json } from './util';
import { compileDateFormat, parseBoolean, parseDate, parseNumber, ValueError } from './values';

export interface SortKey {
  kind: 'field' | 'score' | 'doc';
  field: string;
  order: 'asc' | 'desc';
  missing: Json;
  mode?: string;
  unmappedType?: string;
}

export type SortValue = string | number | null;

const SORT_PARAMS = ['order', 'missing', 'mode', 'unmapped_type', 'numeric_type', 'nested', 'nested_path', 'nested_filter', 'format'];

function parseOrder(value: Json): 'asc' | 'desc' {
  const v = String(value).toLowerCase();
  if (v !== 'asc' && v !== 'desc') throw illegalArgument(`Unknown SortOrder [${String(value)}]`);
  return v;
}

function keyFor(field: string, order?: 'asc' | 'desc'): SortKey {
  if (field === '_score') return { kind: 'score', field, order: order ?? 'desc', missing: '_last' };
  if (field === '_doc') return { kind: 'doc', field, order: order ?? 'asc', missing: '_last' };
  return { kind: 'field', field, order: order ?? 'asc', missing: '_last' };
}

export function parseSort(sort: Json | undefined, queryParam?: string): SortKey[] | null {
  if (queryParam !== undefined) {
    return queryParam.split(',').filter(Boolean).map((part) => {
      const idx = part.lastIndexOf(':');
      return idx < 0 ? keyFor(part) : keyFor(part.slice(0, idx), parseOrder(part.slice(idx + 1)));
    });
  }
  if (sort === undefined || sort === null) return null;
  const items = Array.isArray(sort) ? sort : [sort];
  return items.map((item) => {
    if (typeof item === 'string') return keyFor(item);
    if (!isObject(item)) throw parsingError(`[sort] unknown token [${typeof item}]`);
    const entries = Object.entries(item);
    if (entries.length !== 1) throw parsingError(`[sort] expected a single field per sort object, found [${Object.keys(item).join(', ')}]`);
    const [field, spec] = entries[0];
    if (field === '_geo_distance' || field === '_geoDistance') throw unsupported('_geo_distance sort');
    if (field === '_script') throw unsupported('script-based sort');
    if (typeof spec === 'string') return keyFor(field, parseOrder(spec));
    if (!isObject(spec)) throw parsingError(`[sort] unknown token after [${field}]`);
    for (const key of Object.keys(spec)) {
      if (!SORT_PARAMS.includes(key)) throw parsingError(`[field_sort] unknown field [${key}]`);
    }
    if (spec.nested !== undefined || spec.nested_path !== undefined || spec.nested_filter !== undefined) throw unsupported('nested sort');
    if (spec.numeric_type !== undefined) throw unsupported('numeric_type in sort');
    if (spec.format !== undefined) throw unsupported('format in sort');
    const key = keyFor(field, spec.order === undefined ? undefined : parseOrder(spec.order));
    if (spec.missing !== undefined) key.missing = spec.missing;
    if (spec.mode !== undefined) {
      const mode = String(spec.mode).toLowerCase();
      if (!['min', 'max', 'avg', 'sum', 'median'].includes(mode)) throw illegalArgument(`Unknown SortMode [${mode}]`);
      key.mode = mode;
    }
    if (spec.unmapped_type !== undefined) key.unmappedType = String(spec.unmapped_type);
    return key;
  });
}

/** Sort value extraction for one index. Throws ShardError like Elasticsearch's query phase. */
export type ValueGetter = (doc: StoredDoc, score: number, docPos: number) => SortValue;

const TEXT_FIELDDATA =
  'Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [%s] in order to load field data by uninverting the inverted index. Note that this can use significant memory.';

function shardCause(type: string, reason: string, index: EsIndex): Cause {
  return { type, reason, index_uuid: index.uuid, index: index.name };
}

export function sortGetters(keys: SortKey[], index: EsIndex, major: Major): ValueGetter[] {
  return keys.map((key) => {
    if (key.kind === 'score') return (_doc, score) => score;
    if (key.kind === 'doc') return (_doc, _score, pos) => pos;
    if (key.field === '_id') {
      if (major === 8) {
        throw new ShardError(shardCause('illegal_argument_exception', 'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled', index));
      }
      return (doc) => doc.id;
    }
    const r = resolveFieldForSort(index, key.field);
    if (!r || r.category === 'object' || r.category === 'nested') {
      if (key.unmappedType !== undefined) return () => null;
      throw new ShardError(shardCause('query_shard_exception', `No mapping found for [${key.field}] in order to sort on`, index));
    }
    if (r.category === 'text' && r.def?.params.fielddata !== true) {
      throw new ShardError(shardCause('illegal_argument_exception', TEXT_FIELDDATA.replace('%s', key.field), index));
    }
    if (r.category === 'stored' || r.category === 'binary') throw unsupported(`sorting on field [${key.field}] of type [${r.def?.type}]`);
    if (r.def?.params.doc_values === false && r.category !== 'text') {
      throw new ShardError(shardCause('illegal_argument_exception', `Can't load fielddata on [${key.field}] because fielddata is unsupported on fields of type [${r.def.type}]. Use doc values instead.`, index));
    }
    const info = index.fields().get(key.field);
    if (info?.nestedPath) {
      throw new ShardError(shardCause('query_shard_exception', `it is mandatory to set the [nested] context on the nested sort field: [${key.field}].`, index));
    }
    const numeric = r.category === 'number' || r.category === 'date' || r.category === 'boolean';
    const mode = key.mode ?? (key.order === 'asc' ? 'min' : 'max');
    let missingValue: SortValue = null;
    if (key.missing !== '_last' && key.missing !== '_first' && key.missing !== null) {
      try {
        missingValue = r.category === 'number' ? parseNumber(key.missing, 'double')
          : r.category === 'date' ? parseDate(key.missing, r.def?.format ?? compileDateFormat(undefined))
          : r.category === 'boolean' ? (parseBoolean(key.missing) ? 1 : 0)
          : String(key.missing);
      } catch (e) {
        if (e instanceof ValueError) throw new ShardError(shardCause('illegal_argument_exception', e.message, index));
        throw e;
      }
    }
    return (doc) => {
      const field = doc.indexed.fields.get(key.field);
      let values: Array<string | number> = [];
      if (field?.tokens) values = field.tokens.flat();
      else if (field) values = field.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
      if (values.length === 0) return missingValue;
      if (!numeric) {
        const sorted = (values as string[]).slice().sort(compareCodePoints);
        return mode === 'max' ? sorted[sorted.length - 1] : sorted[0];
      }
      const nums = values as number[];
      switch (mode) {
        case 'max': return Math.max(...nums);
        case 'sum': return nums.reduce((a, b) => a + b, 0);
        case 'avg': return nums.reduce((a, b) => a + b, 0) / nums.length;
        case 'median': {
          const s = nums.slice().sort((a, b) => a - b);
          const mid = Math.floor(s.length / 2);
          return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
        }
        default: return Math.min(...nums);
      }
    };
  });
}

function compareValues(a: SortValue, b: SortValue, key: SortKey): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    const missingFirst = key.missing === '_first';
    // missing values go last (or first) whatever the order
    return (a === null ? 1 : -1) * (missingFirst ? -1 : 1);
  }
  let c: number;
  if (typeof a === 'string' && typeof b === 'string') c = compareCodePoints(a, b);
  else c = Number(a) - Number(b);
  return key.order === 'desc' ? -c : c;
}

export function compareSortValues(a: SortValue[], b: SortValue[], keys: SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const c = compareValues(a[i], b[i], keys[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Converts client-sent search_after values to the domain of each sort key. */
export function normalizeSearchAfter(after: Json[], keys: SortKey[], index: EsIndex | undefined): SortValue[] {
  if (after.length !== keys.length) {
    throw illegalArgument(`search_after has ${after.length} value(s) but sort has ${keys.length}.`);
  }
  return after.map((value, i) => {
    if (value === null) return null;
    const key = keys[i];
    if (key.kind !== 'field' || !index) return typeof value === 'number' ? value : Number(value);
    const r = key.field === '_id' ? null : resolveFieldForSort(index, key.field);
    if (r && (r.category === 'number' || r.category === 'date')) {
      if (typeof value === 'number') return value;
      try {
        return r.category === 'date' ? parseDate(value, r.def?.format ?? compileDateFormat(undefined)) : parseNumber(value, 'double');
      } catch {
        throw illegalArgument(`Failed to parse search_after value for field [${key.field}].`);
      }
    }
    if (r && r.category === 'boolean') return value === true || value === 'true' || value === 1 ? 1 : 0;
    return typeof value === 'string' ? value : String(value);
  });
}
