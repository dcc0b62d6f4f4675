/**
 * Index mappings: parsing and validation (with Elasticsearch's error wording), merging on
 * PUT _mapping, serialization for GET _mapping, and a flat lookup of every field path.
 */
import { AnalysisRegistry } from './analysis';
import { unsupported } from './errors';
import { compileDateFormat, DateFormat, isNumericType } from './values';
import { isObject, Json, JsonObject } from './util';

export type Dynamic = 'true' | 'false' | 'strict';

export interface FieldDef {
  name: string;
  path: string;
  type: string;
  /** user parameters other than type/properties/fields, kept for GET _mapping */
  params: JsonObject;
  properties?: Map<string, FieldDef>;
  fields?: Map<string, FieldDef>;
  dynamic?: Dynamic;
  enabled: boolean;
  index: boolean;
  format?: DateFormat;
  copyTo: string[];
}

export interface RootMapping {
  dynamic: Dynamic;
  dynamicExplicit: boolean;
  meta?: Json;
  properties: Map<string, FieldDef>;
  dateDetection: boolean;
  extra: JsonObject;
}

export interface FieldInfo {
  def: FieldDef;
  path: string;
  /** innermost nested object path containing this field, or null */
  nestedPath: string | null;
}

/** A mapping problem; callers turn it into mapper_parsing_exception or illegal_argument_exception. */
export class MappingError extends Error {
  constructor(message: string, readonly kind: 'parse' | 'merge' = 'parse') {
    super(message);
  }
}

const COMMON = ['type', 'store', 'doc_values', 'index', 'meta', 'copy_to', 'fields', 'boost', 'null_value', 'similarity', 'index_options', 'norms', 'eager_global_ordinals', 'ignore_malformed'];
const TYPE_PARAMS: Record<string, string[]> = {
  text: [...COMMON, 'analyzer', 'search_analyzer', 'search_quote_analyzer', 'fielddata', 'fielddata_frequency_filter', 'index_phrases', 'index_prefixes', 'position_increment_gap', 'term_vector'],
  match_only_text: ['type', 'fields', 'meta', 'copy_to'],
  keyword: [...COMMON, 'ignore_above', 'normalizer', 'split_queries_on_whitespace', 'time_series_dimension'],
  wildcard: ['type', 'ignore_above', 'null_value', 'fields', 'copy_to', 'meta'],
  constant_keyword: ['type', 'value', 'meta'],
  ip: [...COMMON],
  date: [...COMMON, 'format', 'locale'],
  date_nanos: [...COMMON, 'format', 'locale'],
  boolean: [...COMMON],
  binary: ['type', 'doc_values', 'store', 'meta'],
  flattened: ['type', 'depth_limit', 'doc_values', 'eager_global_ordinals', 'ignore_above', 'index', 'index_options', 'null_value', 'similarity', 'split_queries_on_whitespace', 'meta'],
};
const NUMERIC_PARAMS = [...COMMON, 'coerce', 'scaling_factor', 'time_series_metric', 'time_series_dimension'];
/** Accepted in mappings and stored, but any query on them is refused as unsupported. */
export const STORED_ONLY_TYPES = new Set([
  'geo_point', 'geo_shape', 'point', 'shape', 'dense_vector', 'sparse_vector', 'rank_feature', 'rank_features',
  'histogram', 'completion', 'search_as_you_type', 'token_count', 'percolator', 'join', 'integer_range',
  'float_range', 'long_range', 'double_range', 'date_range', 'ip_range', 'version', 'semantic_text',
]);
const OBJECT_PARAMS = ['type', 'properties', 'dynamic', 'enabled', 'subobjects'];
const NESTED_PARAMS = ['type', 'properties', 'dynamic', 'enabled', 'include_in_parent', 'include_in_root'];
const ROOT_KEYS = new Set(['properties', 'dynamic', '_meta', 'dynamic_templates', 'date_detection', 'numeric_detection', 'dynamic_date_formats', '_source', '_routing', '_field_names', 'runtime', 'enabled']);

export function isLeafKnown(type: string): boolean {
  return type in TYPE_PARAMS || isNumericType(type) || STORED_ONLY_TYPES.has(type);
}

function parseDynamic(value: Json | undefined, where: string): Dynamic | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (text === 'true' || text === 'false' || text === 'strict') return text;
  if (text === 'runtime') throw unsupported('dynamic: runtime (runtime fields)');
  throw new MappingError(`Could not convert [${where}.dynamic] to boolean`);
}

function describe(value: Json): string {
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${describe(v as Json)}`).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map((v) => describe(v)).join(', ')}]`;
  return String(value);
}

function expectMap(value: Json, property: string, field: string): JsonObject {
  if (!isObject(value)) {
    const cls = typeof value === 'string' ? 'java.lang.String' : Array.isArray(value) ? 'java.util.ArrayList' : typeof value === 'number' ? 'java.lang.Integer' : 'java.lang.Boolean';
    throw new MappingError(`Expected map for property [${property}] on field [${field}] but got a class ${cls}`);
  }
  return value as JsonObject;
}

export function parseField(name: string, path: string, raw: Json, analysis: AnalysisRegistry, multi = false): FieldDef {
  const def = expectMap(raw, name, path);
  if (multi && def.type === undefined) throw new MappingError(`No type specified for field [${name}]`);
  const type = def.type === undefined ? 'object' : String(def.type);
  if (typeof def.type !== 'undefined' && typeof def.type !== 'string') {
    throw new MappingError(`No handler for type [${describe(def.type)}] declared on field [${name}]`);
  }
  if (type === 'object' || type === 'nested') {
    if (multi) throw new MappingError(`Type [${type}] cannot be used in multi field`);
    const allowed = type === 'object' ? OBJECT_PARAMS : NESTED_PARAMS;
    const unknown = Object.keys(def).filter((k) => !allowed.includes(k));
    if (unknown.length) {
      throw new MappingError(`Mapping definition for [${name}] has unsupported parameters:  ${unknown.map((k) => `[${k} : ${describe(def[k])}]`).join(' ')}`);
    }
    if (def.include_in_parent || def.include_in_root) throw unsupported('include_in_parent / include_in_root on nested fields');
    if (def.subobjects === false) throw unsupported('subobjects: false');
    const field: FieldDef = {
      name,
      path,
      type,
      params: {},
      properties: new Map(),
      dynamic: parseDynamic(def.dynamic, path),
      enabled: def.enabled === undefined ? true : def.enabled === true || def.enabled === 'true',
      index: true,
      copyTo: [],
    };
    if (def.enabled !== undefined) field.params.enabled = field.enabled;
    if (def.properties !== undefined) {
      const props = expectMap(def.properties, 'properties', path);
      for (const [child, childDef] of Object.entries(props)) {
        field.properties!.set(child, parseField(child, `${path}.${child}`, childDef, analysis));
      }
    }
    return field;
  }
  if (!isLeafKnown(type)) {
    if (type === 'alias') throw unsupported('field type [alias]');
    throw new MappingError(`No handler for type [${type}] declared on field [${name}]`);
  }
  const allowed = TYPE_PARAMS[type] ?? (isNumericType(type) ? NUMERIC_PARAMS : null);
  const params: JsonObject = {};
  for (const [key, value] of Object.entries(def)) {
    if (key === 'type' || key === 'fields') continue;
    if (allowed && !allowed.includes(key)) {
      throw new MappingError(`unknown parameter [${key}] on mapper [${path}] of type [${type}]`);
    }
    params[key] = value;
  }
  if (type === 'scaled_float' && params.scaling_factor === undefined) {
    throw new MappingError(`Field [scaling_factor] is required`);
  }
  if (type === 'text') {
    for (const key of ['analyzer', 'search_analyzer', 'search_quote_analyzer']) {
      if (params[key] !== undefined && !analysis.hasAnalyzer(String(params[key]))) {
        if (['english', 'french', 'german', 'spanish', 'snowball', 'pattern', 'fingerprint'].includes(String(params[key]))) {
          throw unsupported(`analyzer [${String(params[key])}]`);
        }
        throw new MappingError(`analyzer [${String(params[key])}] has not been configured in mappings`);
      }
    }
    if (params.index_prefixes !== undefined || params.index_phrases === true) throw unsupported('index_prefixes / index_phrases');
  }
  if (type === 'keyword' && params.normalizer !== undefined) analysis.normalizer(String(params.normalizer));
  const field: FieldDef = {
    name,
    path,
    type,
    params,
    enabled: true,
    index: params.index === undefined ? true : params.index === true || params.index === 'true',
    copyTo: params.copy_to === undefined ? [] : Array.isArray(params.copy_to) ? params.copy_to.map(String) : [String(params.copy_to)],
  };
  if (type === 'date' || type === 'date_nanos') {
    field.format = compileDateFormat(params.format === undefined ? undefined : String(params.format));
  }
  if (def.fields !== undefined) {
    const subs = expectMap(def.fields, 'fields', name);
    field.fields = new Map();
    for (const [sub, subDef] of Object.entries(subs)) {
      field.fields.set(sub, parseField(sub, `${path}.${sub}`, subDef, analysis, true));
    }
  }
  return field;
}

export function parseRootMapping(raw: unknown, analysis: AnalysisRegistry): RootMapping {
  const root: RootMapping = { dynamic: 'true', dynamicExplicit: false, properties: new Map(), dateDetection: true, extra: {} };
  if (raw === undefined || raw === null) return root;
  if (!isObject(raw)) throw new MappingError('Expected map for property [mappings] on field [_doc]');
  let body = raw as JsonObject;
  if (isObject(body._doc) && Object.keys(body).length === 1) body = body._doc as JsonObject;
  for (const [key, value] of Object.entries(body)) {
    if (!ROOT_KEYS.has(key)) {
      throw new MappingError(`Root mapping definition has unsupported parameters:  [${key} : ${describe(value)}]`);
    }
  }
  if (body.dynamic !== undefined) {
    root.dynamic = parseDynamic(body.dynamic, '_doc') ?? 'true';
    root.dynamicExplicit = true;
  }
  if (body._meta !== undefined) root.meta = body._meta;
  if (Array.isArray(body.dynamic_templates) && body.dynamic_templates.length > 0) throw unsupported('dynamic_templates');
  if (body.runtime !== undefined && isObject(body.runtime) && Object.keys(body.runtime).length > 0) throw unsupported('runtime fields');
  if (body.numeric_detection === true) throw unsupported('numeric_detection');
  if (body.dynamic_date_formats !== undefined) throw unsupported('dynamic_date_formats');
  if (body._source !== undefined && !(isObject(body._source) && Object.keys(body._source).every((k) => k === 'enabled') && body._source.enabled !== false)) {
    throw unsupported('_source mapping options (enabled: false, includes, excludes)');
  }
  if (body.date_detection !== undefined) {
    root.dateDetection = body.date_detection === true || body.date_detection === 'true';
    root.extra.date_detection = root.dateDetection;
  }
  for (const key of ['_source', '_routing', '_field_names']) {
    if (body[key] !== undefined) root.extra[key] = body[key];
  }
  if (body.properties !== undefined) {
    const props = expectMap(body.properties, 'properties', '_doc');
    for (const [name, def] of Object.entries(props)) {
      root.properties.set(name, parseField(name, name, def, analysis));
    }
  }
  return root;
}

const UPDATABLE_LEAF_PARAMS = new Set(['ignore_above', 'search_analyzer', 'search_quote_analyzer', 'meta', 'boost', 'copy_to', 'eager_global_ordinals', 'fielddata', 'ignore_malformed', 'null_value']);

function mergeField(existing: FieldDef, incoming: FieldDef): FieldDef {
  const existingIsObject = existing.type === 'object' || existing.type === 'nested';
  const incomingIsObject = incoming.type === 'object' || incoming.type === 'nested';
  if (existingIsObject !== incomingIsObject) {
    throw new MappingError(`can't merge a non object mapping [${existing.path}] with an object mapping`, 'merge');
  }
  if (existingIsObject) {
    if (existing.type !== incoming.type) {
      const from = existing.type === 'nested' ? 'nested to non-nested' : 'non-nested to nested';
      throw new MappingError(`object mapping [${existing.path}] can't be changed from ${from}`, 'merge');
    }
    if (incoming.params.enabled !== undefined && incoming.enabled !== existing.enabled) {
      throw new MappingError(`the [enabled] parameter can't be updated for the object mapping [${existing.path}]`, 'merge');
    }
    const merged: FieldDef = { ...existing, properties: new Map(existing.properties), params: { ...existing.params } };
    if (incoming.dynamic !== undefined) merged.dynamic = incoming.dynamic;
    for (const [name, field] of incoming.properties ?? []) {
      const current = merged.properties!.get(name);
      merged.properties!.set(name, current ? mergeField(current, field) : field);
    }
    return merged;
  }
  if (existing.type !== incoming.type) {
    throw new MappingError(`mapper [${existing.path}] cannot be changed from type [${existing.type}] to [${incoming.type}]`, 'merge');
  }
  const conflicts: string[] = [];
  const keys = new Set([...Object.keys(existing.params), ...Object.keys(incoming.params)]);
  const params: JsonObject = { ...existing.params };
  for (const key of keys) {
    const a = JSON.stringify(existing.params[key]);
    const b = JSON.stringify(incoming.params[key]);
    if (a === b) continue;
    if (UPDATABLE_LEAF_PARAMS.has(key)) {
      if (incoming.params[key] !== undefined) params[key] = incoming.params[key];
      continue;
    }
    conflicts.push(`Cannot update parameter [${key}] from [${existing.params[key] === undefined ? 'default' : String(existing.params[key])}] to [${incoming.params[key] === undefined ? 'default' : String(incoming.params[key])}]`);
  }
  if (conflicts.length) {
    throw new MappingError(`Mapper for [${existing.path}] conflicts with existing mapper:\n\t${conflicts.join('\n\t')}`, 'merge');
  }
  const merged: FieldDef = { ...existing, params };
  if (params.copy_to !== undefined) merged.copyTo = Array.isArray(params.copy_to) ? params.copy_to.map(String) : [String(params.copy_to)];
  if (incoming.fields) {
    merged.fields = new Map(existing.fields ?? []);
    for (const [name, sub] of incoming.fields) {
      const current = merged.fields.get(name);
      merged.fields.set(name, current ? mergeField(current, sub) : sub);
    }
  }
  return merged;
}

/** PUT _mapping: merges new properties into the current mapping, or throws like Elasticsearch. */
export function mergeRootMappings(existing: RootMapping, incoming: RootMapping, incomingRaw: JsonObject): RootMapping {
  const merged: RootMapping = { ...existing, properties: new Map(existing.properties), extra: { ...existing.extra } };
  if (incomingRaw.dynamic !== undefined) {
    merged.dynamic = incoming.dynamic;
    merged.dynamicExplicit = true;
  }
  if (incomingRaw._meta !== undefined) merged.meta = incoming.meta;
  if (incomingRaw.date_detection !== undefined) {
    merged.dateDetection = incoming.dateDetection;
    merged.extra.date_detection = incoming.dateDetection;
  }
  for (const [name, field] of incoming.properties) {
    const current = merged.properties.get(name);
    merged.properties.set(name, current ? mergeField(current, field) : field);
  }
  return merged;
}

function sortedEntries<T>(map: Map<string, T>): Array<[string, T]> {
  return Array.from(map.entries()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function serializeField(field: FieldDef): JsonObject {
  if (field.type === 'object' || field.type === 'nested') {
    const out: JsonObject = {};
    if (field.type === 'nested') out.type = 'nested';
    else if ((field.properties?.size ?? 0) === 0) out.type = 'object';
    if (field.dynamic !== undefined) out.dynamic = field.dynamic;
    if (field.params.enabled !== undefined) out.enabled = field.enabled;
    if (field.properties && field.properties.size > 0) {
      const props: JsonObject = {};
      for (const [name, child] of sortedEntries(field.properties)) props[name] = serializeField(child);
      out.properties = props;
    }
    return out;
  }
  const out: JsonObject = { type: field.type, ...field.params };
  if (field.fields && field.fields.size > 0) {
    const fields: JsonObject = {};
    for (const [name, sub] of sortedEntries(field.fields)) fields[name] = serializeField(sub);
    out.fields = fields;
  }
  return out;
}

export function serializeRootMapping(root: RootMapping): JsonObject {
  const out: JsonObject = {};
  if (root.dynamicExplicit) out.dynamic = root.dynamic;
  if (root.meta !== undefined) out._meta = root.meta;
  Object.assign(out, root.extra);
  if (root.properties.size > 0) {
    const props: JsonObject = {};
    for (const [name, field] of sortedEntries(root.properties)) props[name] = serializeField(field);
    out.properties = props;
  }
  return out;
}

const fieldIndexCache = new WeakMap<RootMapping, Map<string, FieldInfo>>();

/** Every field path of a mapping (objects, leaves and multi-fields), with its nested context. */
export function fieldIndex(root: RootMapping): Map<string, FieldInfo> {
  let index = fieldIndexCache.get(root);
  if (index) return index;
  index = new Map();
  const walk = (props: Map<string, FieldDef>, nestedPath: string | null): void => {
    for (const field of props.values()) {
      index!.set(field.path, { def: field, path: field.path, nestedPath });
      if (field.properties) walk(field.properties, field.type === 'nested' ? field.path : nestedPath);
      for (const sub of field.fields?.values() ?? []) {
        index!.set(sub.path, { def: sub, path: sub.path, nestedPath });
      }
    }
  };
  walk(root.properties, null);
  fieldIndexCache.set(root, index);
  return index;
}

/** Copy-on-write clone used when a document adds dynamic fields. */
export function cloneRoot(root: RootMapping): RootMapping {
  const cloneField = (f: FieldDef): FieldDef => ({
    ...f,
    params: { ...f.params },
    properties: f.properties ? new Map(Array.from(f.properties, ([k, v]) => [k, cloneField(v)])) : undefined,
    fields: f.fields ? new Map(Array.from(f.fields, ([k, v]) => [k, cloneField(v)])) : undefined,
  });
  return { ...root, extra: { ...root.extra }, properties: new Map(Array.from(root.properties, ([k, v]) => [k, cloneField(v)])) };
}

/** The mapping Elasticsearch infers for a new field under `dynamic: true`. */
export function dynamicFieldFor(name: string, path: string, value: Json, dateDetection: boolean, looksLikeDate: (s: string) => boolean): FieldDef | null {
  const sample = Array.isArray(value) ? value.find((v) => v !== null) : value;
  if (sample === undefined || sample === null) return null;
  const base = { name, path, enabled: true, index: true, copyTo: [] as string[] };
  if (isObject(sample)) return { ...base, type: 'object', params: {}, properties: new Map() };
  if (typeof sample === 'boolean') return { ...base, type: 'boolean', params: {} };
  if (typeof sample === 'number') return { ...base, type: Number.isInteger(sample) ? 'long' : 'float', params: {} };
  if (Array.isArray(sample)) return dynamicFieldFor(name, path, sample as Json, dateDetection, looksLikeDate);
  if (dateDetection && looksLikeDate(sample as string)) {
    const slashed = (sample as string).includes('/');
    const params: JsonObject = slashed ? { format: 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis' } : {};
    return { ...base, type: 'date', params, format: compileDateFormat(slashed ? String(params.format) : undefined) };
  }
  const keyword: FieldDef = { name: 'keyword', path: `${path}.keyword`, type: 'keyword', params: { ignore_above: 256 }, enabled: true, index: true, copyTo: [] };
  return { ...base, type: 'text', params: {}, fields: new Map([['keyword', keyword]]) };
}
