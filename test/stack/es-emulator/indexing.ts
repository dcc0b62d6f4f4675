/**
 * Turns a document source into what Elasticsearch indexes for it, using the index mapping:
 * keyword terms, analysed text tokens, numbers, dates and booleans per field path; nested
 * objects as separate sub-documents. Enforces `dynamic` (strict rejects, false ignores, true maps)
 * and type coercion, with Elasticsearch's error wording.
 */
import { AnalysisRegistry } from './analysis';
import { Cause, EsError, esError, Major, strictDynamicCause } from './errors';
import { cloneRoot, Dynamic, dynamicFieldFor, FieldDef, RootMapping, STORED_ONLY_TYPES } from './mapping';
import { isObject, Json, JsonObject } from './util';
import { isNumericType, looksLikeDate, parseBoolean, parseDate, parseNumber, ValueError } from './values';

export interface IndexedField {
  /** keyword / numeric / date (epoch ms) / boolean terms */
  values: Array<string | number | boolean>;
  /** text fields: the tokens of each value */
  tokens?: string[][];
}

export interface IndexedDoc {
  fields: Map<string, IndexedField>;
  nested: Map<string, IndexedDoc[]>;
}

export function emptyIndexedDoc(): IndexedDoc {
  return { fields: new Map(), nested: new Map() };
}

export interface IndexingInput {
  id: string;
  source: JsonObject;
  mapping: RootMapping;
  analysis: AnalysisRegistry;
  major: Major;
  /** raw JSON text of the source, used for ES 8 error positions */
  rawText?: string;
}

export interface IndexingResult {
  indexed: IndexedDoc;
  /** a new mapping when the document introduced dynamic fields, otherwise null */
  newMapping: RootMapping | null;
}

class Indexer {
  private mapping: RootMapping;
  private copied = false;

  constructor(private readonly input: IndexingInput) {
    this.mapping = input.mapping;
  }

  run(): IndexingResult {
    const doc = emptyIndexedDoc();
    this.walkObject(this.input.source, () => this.mapping.properties, '', this.mapping.dynamic, doc, '_doc');
    return { indexed: doc, newMapping: this.copied ? this.mapping : null };
  }

  private writableProps(path: string): Map<string, FieldDef> {
    if (!this.copied) {
      this.mapping = cloneRoot(this.mapping);
      this.copied = true;
    }
    if (path === '') return this.mapping.properties;
    let props = this.mapping.properties;
    for (const part of path.split('.')) {
      const def = props.get(part) as FieldDef;
      props = def.properties as Map<string, FieldDef>;
    }
    return props;
  }

  private walkObject(obj: JsonObject, props: () => Map<string, FieldDef>, parentPath: string, dynamic: Dynamic, target: IndexedDoc, within: string): void {
    for (const [rawKey, value] of Object.entries(obj)) {
      if (rawKey.trim() === '') {
        throw esError(400, { type: 'mapper_parsing_exception', reason: 'field name cannot be an empty string' });
      }
      if (rawKey.includes('.')) {
        // dotted keys are object paths: {"a.b": 1} is {"a": {"b": 1}}
        const [head, ...rest] = rawKey.split('.');
        this.walkObject({ [head]: nestPath(rest, value) }, props, parentPath, dynamic, target, within);
        continue;
      }
      const path = parentPath ? `${parentPath}.${rawKey}` : rawKey;
      let def = props().get(rawKey);
      if (!def) {
        if (dynamic === 'strict') {
          throw esError(400, strictDynamicCause(rawKey, within, this.input.major, this.position(rawKey)));
        }
        if (dynamic === 'false' || isNull(value)) continue;
        const created = dynamicFieldFor(rawKey, path, value, this.mapping.dateDetection, looksLikeDate);
        if (!created) continue;
        this.writableProps(parentPath).set(rawKey, created);
        def = created;
      }
      this.indexValue(def, value, target, dynamic, rawKey);
    }
  }

  /** Looks a path up in the current (possibly copied and growing) mapping, without caching. */
  private currentDef(path: string): FieldDef | undefined {
    let props: Map<string, FieldDef> | undefined = this.mapping.properties;
    let def: FieldDef | undefined;
    for (const part of path.split('.')) {
      def = props?.get(part) ?? def?.fields?.get(part);
      if (!def) return undefined;
      props = def.properties;
    }
    return def;
  }

  private indexValue(def: FieldDef, value: Json, target: IndexedDoc, inherited: Dynamic, key: string): void {
    if (Array.isArray(value)) {
      for (const item of value) this.indexValue(def, item, target, inherited, key);
      return;
    }
    if (def.type === 'object' || def.type === 'nested') {
      if (!def.enabled || value === null) return;
      if (!isObject(value)) {
        throw esError(400, {
          type: 'mapper_parsing_exception',
          reason: `object mapping for [${def.path}] tried to parse field [${key}] as object, but found a concrete value`,
        });
      }
      const dynamic = def.dynamic ?? inherited;
      const path = def.path;
      const props = (): Map<string, FieldDef> => (this.currentDef(path) ?? def).properties as Map<string, FieldDef>;
      if (def.type === 'nested') {
        const sub = emptyIndexedDoc();
        this.walkObject(value, props, path, dynamic, sub, path);
        const list = target.nested.get(path) ?? [];
        list.push(sub);
        target.nested.set(path, list);
      } else {
        this.walkObject(value, props, path, dynamic, target, path);
      }
      return;
    }
    this.indexLeaf(def, value, target);
  }

  private indexLeaf(def: FieldDef, value: Json, target: IndexedDoc): void {
    let v: Json = value;
    if (v === null) {
      if (def.params.null_value === undefined) return;
      v = def.params.null_value;
    }
    if (def.type === 'flattened') {
      this.indexFlattened(def.path, v, target);
      return;
    }
    if (isObject(v) && !STORED_ONLY_TYPES.has(def.type)) {
      throw this.parseFailure(def, v, {
        type: 'illegal_state_exception',
        reason: `Can't get text on a START_OBJECT at 1:${this.position(def.name).split(':')[1]}`,
      });
    }
    const field = target.fields.get(def.path) ?? { values: [] };
    target.fields.set(def.path, field);
    try {
      this.addValue(def, v, field);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      if (def.params.ignore_malformed === true) return;
      throw this.parseFailure(def, v, { type: 'illegal_argument_exception', reason: e.message });
    }
    for (const sub of def.fields?.values() ?? []) this.indexLeaf(sub, v, target);
    for (const dest of def.copyTo) {
      const destDef = this.currentDef(dest);
      if (!destDef) throw esError(501, { type: 'es_emulator_unsupported_exception', reason: `[es-emulator] copy_to an unmapped field [${dest}] is not supported by the Elasticsearch emulator` });
      this.indexLeaf(destDef, v, target);
    }
  }

  private addValue(def: FieldDef, v: Json, field: IndexedField): void {
    const type = def.type;
    if (type === 'text' || type === 'match_only_text') {
      const text = typeof v === 'string' ? v : String(v);
      const tokens = this.input.analysis.analyzer(def.params.analyzer === undefined ? undefined : String(def.params.analyzer))(text);
      (field.tokens ??= []).push(tokens);
      return;
    }
    if (type === 'keyword' || type === 'wildcard' || type === 'ip' || type === 'constant_keyword') {
      let text = typeof v === 'string' ? v : String(v);
      const ignoreAbove = def.params.ignore_above;
      if (typeof ignoreAbove === 'number' && text.length > ignoreAbove) return;
      const normalizer = this.input.analysis.normalizer(def.params.normalizer === undefined ? undefined : String(def.params.normalizer));
      if (normalizer) text = normalizer(text);
      field.values.push(text);
      return;
    }
    if (isNumericType(type)) {
      let n = parseNumber(v, type, def.params.coerce !== false);
      if (type === 'scaled_float') {
        const factor = Number(def.params.scaling_factor);
        n = Math.round(n * factor) / factor;
      }
      field.values.push(n);
      return;
    }
    if (type === 'date' || type === 'date_nanos') {
      field.values.push(parseDate(v, def.format!));
      return;
    }
    if (type === 'boolean') {
      field.values.push(parseBoolean(v));
      return;
    }
    // binary and stored-only types: present (for exists) but not searchable
    field.values.push(typeof v === 'string' ? v : JSON.stringify(v));
  }

  private indexFlattened(path: string, v: Json, target: IndexedDoc): void {
    const add = (p: string, leaf: string): void => {
      const f = target.fields.get(p) ?? { values: [] };
      f.values.push(leaf);
      target.fields.set(p, f);
    };
    const walk = (node: Json, sub: string): void => {
      if (node === null) return;
      if (Array.isArray(node)) node.forEach((n) => walk(n, sub));
      else if (isObject(node)) for (const [k, child] of Object.entries(node)) walk(child as Json, sub ? `${sub}.${k}` : k);
      else {
        add(path, String(node));
        if (sub) add(`${path}.${sub}`, String(node));
      }
    };
    walk(v, '');
  }

  private parseFailure(def: FieldDef, value: Json, cause: Cause): EsError {
    const preview = isObject(value) ? `{${Object.entries(value).map(([k, x]) => `${k}=${String(x)}`).join(', ')}}` : String(value);
    return esError(400, {
      type: 'mapper_parsing_exception',
      reason: `failed to parse field [${def.path}] of type [${def.type}] in document with id '${this.input.id}'. Preview of field's value: '${preview}'`,
      caused_by: cause,
    });
  }

  /** "line:col" of a key in the raw JSON (ES 8 error messages carry the parser position). */
  private position(key: string): string {
    const raw = this.input.rawText;
    if (!raw) return '1:2';
    const idx = raw.indexOf(`"${key}"`);
    if (idx < 0) return '1:2';
    const before = raw.slice(0, idx);
    const line = before.split('\n').length;
    const col = idx - before.lastIndexOf('\n') + key.length + 2;
    return `${line}:${col}`;
  }
}

function isNull(value: Json): boolean {
  return value === null || (Array.isArray(value) && value.every((v) => v === null));
}

function nestPath(parts: string[], value: Json): Json {
  return parts.reduceRight<Json>((acc, part) => ({ [part]: acc }), value);
}

export function indexSource(input: IndexingInput): IndexingResult {
  return new Indexer(input).run();
}
