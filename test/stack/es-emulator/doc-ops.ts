/**
 * Document write operations (index/create, update, delete) with versions, sequence numbers,
 * optimistic concurrency and Elasticsearch's conflict errors. Shared by the single-document
 * APIs, bulk, and the by-query APIs.
 */
import { docMeta, shardsHeader } from './context';
import {
  actionValidation,
  documentMissingCause,
  EsError,
  esError,
  Major,
  unsupported,
  versionConflictCause,
} from './errors';
import { indexSource } from './indexing';
import { applySourceFilter, SourceFilter } from './source-filter';
import { EsIndex, PRIMARY_TERM, StoredDoc } from './store';
import { byteLength, clone, deepMerge, generateId, isObject, Json, JsonObject } from './util';

export interface WriteOutcome {
  status: number;
  body: JsonObject;
  index: EsIndex;
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
}

export interface Concurrency {
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
}

export function parseConcurrency(ifSeqNo: unknown, ifPrimaryTerm: unknown): Concurrency {
  const c: Concurrency = {};
  if (ifSeqNo !== undefined && ifSeqNo !== null) c.ifSeqNo = Number(ifSeqNo);
  if (ifPrimaryTerm !== undefined && ifPrimaryTerm !== null) c.ifPrimaryTerm = Number(ifPrimaryTerm);
  if (c.ifSeqNo !== undefined && c.ifPrimaryTerm === undefined) throw actionValidation(['ifSeqNo is set, but primary term is [0]']);
  if (c.ifPrimaryTerm !== undefined && c.ifSeqNo === undefined) throw actionValidation(['ifSeqNo is unassigned, but primary term is [' + c.ifPrimaryTerm + ']']);
  return c;
}

function checkConcurrency(index: EsIndex, id: string, current: StoredDoc | undefined, c: Concurrency): void {
  if (c.ifSeqNo === undefined) return;
  const required = `required seqNo [${c.ifSeqNo}], primary term [${c.ifPrimaryTerm}]`;
  if (!current) {
    throw esError(409, versionConflictCause(index, id, `${required}. but no document was found`));
  }
  if (current.seqNo !== c.ifSeqNo || current.primaryTerm !== c.ifPrimaryTerm) {
    throw esError(409, versionConflictCause(index, id, `${required}. current document has seqNo [${current.seqNo}] and primary term [${current.primaryTerm}]`));
  }
}

export function validateId(id: string): void {
  if (byteLength(id) > 512) {
    throw actionValidation([`id [${id}] is too long, must be no longer than 512 bytes but was: ${byteLength(id)}`]);
  }
}

function writeBody(major: Major, index: EsIndex, doc: { id: string; version: number; seqNo: number }, result: string, successful = 1): JsonObject {
  return {
    ...docMeta(major, index, doc.id),
    _version: doc.version,
    result,
    _shards: shardsHeader(index, successful),
    _seq_no: doc.seqNo,
    _primary_term: PRIMARY_TERM,
  };
}

/** Indexes `source` into `index` (already resolved), returning the stored document. */
function storeDocument(index: EsIndex, id: string, source: JsonObject, major: Major, rawText?: string): StoredDoc {
  const current = index.live.get(id);
  const { indexed, newMapping } = indexSource({ id, source, mapping: index.mapping, analysis: index.analysis, major, rawText });
  if (newMapping) index.mapping = newMapping;
  const version = current ? current.version + 1 : index.versionAfterDelete(id) + 1;
  const doc: StoredDoc = { id, source, version, seqNo: index.nextSeqNo(), primaryTerm: PRIMARY_TERM, indexed };
  index.put(doc);
  return doc;
}

export interface IndexOptions extends Concurrency {
  opType: 'index' | 'create';
  major: Major;
  rawText?: string;
}

export function indexOp(index: EsIndex, idIn: string | undefined, sourceIn: unknown, opts: IndexOptions): WriteOutcome {
  if (sourceIn === undefined) throw actionValidation(['source is missing']);
  if (!isObject(sourceIn)) {
    throw esError(400, { type: 'mapper_parsing_exception', reason: 'failed to parse', caused_by: { type: 'not_x_content_exception', reason: 'Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes' } });
  }
  const id = idIn ?? generateId();
  validateId(id);
  const current = index.live.get(id);
  if (opts.opType === 'create' && current) {
    throw esError(409, versionConflictCause(index, id, `document already exists (current version [${current.version}])`));
  }
  checkConcurrency(index, id, current, opts);
  const doc = storeDocument(index, id, clone(sourceIn as JsonObject), opts.major, opts.rawText);
  const result = current ? 'updated' : 'created';
  return { status: current ? 200 : 201, body: writeBody(opts.major, index, doc, result), index, result };
}

export function deleteOp(index: EsIndex, id: string, c: Concurrency, major: Major): WriteOutcome {
  const current = index.live.get(id);
  checkConcurrency(index, id, current, c);
  const version = (current ? current.version : index.versionAfterDelete(id)) + 1;
  const seqNo = index.nextSeqNo();
  index.remove(id, version);
  const result = current ? 'deleted' : 'not_found';
  return { status: current ? 200 : 404, body: writeBody(major, index, { id, version, seqNo }, result), index, result };
}

const UPDATE_KEYS = new Set(['doc', 'upsert', 'doc_as_upsert', 'scripted_upsert', 'detect_noop', 'script', '_source', 'lang', 'if_seq_no', 'if_primary_term']);

export interface UpdateOptions extends Concurrency {
  major: Major;
  /** filter for the `get` section of the reply; null = no `get` section */
  source: SourceFilter | null;
}

export function updateOp(index: EsIndex, id: string, bodyIn: unknown, opts: UpdateOptions): WriteOutcome {
  validateId(id);
  if (!isObject(bodyIn)) throw actionValidation(['script or doc is missing']);
  const body = bodyIn as JsonObject;
  for (const key of Object.keys(body)) {
    if (!UPDATE_KEYS.has(key)) {
      throw esError(400, { type: 'x_content_parse_exception', reason: `[1:2] [UpdateRequest] unknown field [${key}]` });
    }
  }
  if (body.doc === undefined && body.script === undefined) throw actionValidation(['script or doc is missing']);
  if (body.doc !== undefined && body.script !== undefined) throw actionValidation(["can't provide both script and doc"]);
  if (body.doc !== undefined && !isObject(body.doc)) throw esError(400, { type: 'x_content_parse_exception', reason: '[1:9] [UpdateRequest] doc doesn\'t support values of type: VALUE_STRING' });
  if (body.scripted_upsert === true) throw unsupported('scripted_upsert');
  const script = body.script === undefined ? null : compileUpdateScript(body.script);
  const current = index.live.get(id);
  if (!current) {
    if (opts.ifSeqNo !== undefined) throw esError(404, documentMissingCause(index, id, opts.major));
    const upsertSource = body.upsert !== undefined ? body.upsert : body.doc_as_upsert === true ? body.doc : undefined;
    if (upsertSource === undefined) throw esError(404, documentMissingCause(index, id, opts.major));
    if (!isObject(upsertSource)) throw actionValidation(['upsert must be an object']);
    const doc = storeDocument(index, id, clone(upsertSource as JsonObject), opts.major);
    const out = writeBody(opts.major, index, doc, 'created');
    addGet(out, doc, opts.source);
    return { status: 201, body: out, index, result: 'created' };
  }
  checkConcurrency(index, id, current, opts);
  let next: JsonObject;
  let changed: boolean;
  if (script) {
    next = script(clone(current.source), index, id);
    changed = true;
  } else {
    ({ result: next, changed } = deepMerge(current.source, body.doc as JsonObject));
  }
  if (!changed && body.detect_noop !== false) {
    const out = writeBody(opts.major, index, current, 'noop', 0);
    addGet(out, current, opts.source);
    return { status: 200, body: out, index, result: 'noop' };
  }
  const doc = storeDocument(index, id, next, opts.major);
  const out = writeBody(opts.major, index, doc, 'updated');
  addGet(out, doc, opts.source);
  return { status: 200, body: out, index, result: 'updated' };
}

function addGet(out: JsonObject, doc: StoredDoc, filter: SourceFilter | null): void {
  if (!filter || !filter.enabled) return;
  const get: JsonObject = { _seq_no: doc.seqNo, _primary_term: doc.primaryTerm, found: true };
  const source = applySourceFilter(doc.source, filter);
  if (source !== undefined) get._source = source;
  out.get = get;
}

type ScriptFn = (source: JsonObject, index: EsIndex, id: string) => JsonObject;

const ASSIGN = /^ctx\._source((?:\.[A-Za-z_$][\w$]*|\[\s*'[^']*'\s*\]|\[\s*"[^"]*"\s*\])+)\s*=\s*(.+)$/s;
const REMOVE = /^ctx\._source((?:\.[A-Za-z_$][\w$]*|\[\s*'[^']*'\s*\])*)\.remove\(\s*['"]([^'"]+)['"]\s*\)$/;

function pathOf(expr: string): string[] {
  const parts: string[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) parts.push(m[1] ?? m[2] ?? m[3]);
  return parts;
}

function scriptRuntimeError(reason: string): EsError {
  return esError(400, { type: 'illegal_argument_exception', reason: 'failed to execute script', caused_by: { type: 'script_exception', reason: 'runtime error', caused_by: { type: 'null_pointer_exception', reason } } });
}

/**
 * Only trivial Painless scripts are emulated: statements `ctx._source.<path> = params.<name>`
 * (or `params['name']`, or a JSON literal) and `ctx._source.remove('field')`, separated by `;`.
 */
export function compileUpdateScript(script: Json): ScriptFn {
  let sourceText: string;
  let params: JsonObject = {};
  if (typeof script === 'string') sourceText = script;
  else if (isObject(script)) {
    if (script.id !== undefined) throw unsupported('stored scripts');
    if (script.lang !== undefined && script.lang !== 'painless') throw unsupported(`script language [${String(script.lang)}]`);
    sourceText = String(script.source ?? script.inline ?? '');
    params = isObject(script.params) ? (script.params as JsonObject) : {};
  } else {
    throw actionValidation(['script or doc is missing']);
  }
  const statements = sourceText.split(';').map((s) => s.trim()).filter(Boolean);
  const ops: Array<(src: JsonObject) => void> = statements.map((stmt) => {
    const assign = ASSIGN.exec(stmt);
    if (assign) {
      const path = pathOf(assign[1]);
      const rhs = assign[2].trim();
      let value: Json;
      const p = /^params(?:\.([A-Za-z_$][\w$]*)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])$/.exec(rhs);
      if (p) {
        const name = p[1] ?? p[2] ?? p[3];
        value = params[name] === undefined ? null : params[name];
      } else {
        try {
          value = JSON.parse(rhs.replace(/^'(.*)'$/s, (_m, s: string) => JSON.stringify(s)));
        } catch {
          throw unsupported(`update scripts other than field assignments (got [${stmt}])`);
        }
      }
      return (src) => {
        let node: JsonObject = src;
        for (const part of path.slice(0, -1)) {
          const next = node[part];
          if (!isObject(next)) throw scriptRuntimeError(`Cannot invoke "Object.getClass()" because "${part}" is null`);
          node = next as JsonObject;
        }
        node[path[path.length - 1]] = clone(value);
      };
    }
    const remove = REMOVE.exec(stmt);
    if (remove) {
      const path = pathOf(remove[1]);
      return (src) => {
        let node: JsonObject = src;
        for (const part of path) {
          const next = node[part];
          if (!isObject(next)) return;
          node = next as JsonObject;
        }
        delete node[remove[2]];
      };
    }
    throw unsupported(`update scripts other than field assignments (got [${stmt}])`);
  });
  return (source) => {
    for (const op of ops) op(source);
    return source;
  };
}
