/**
 * One Elasticsearch index: settings, mapping, aliases, and its documents with near-real-time
 * semantics. `live` is what GET sees at once; `searchable` is the last refreshed snapshot that
 * search, count, scroll and the by-query APIs read.
 */
import { AnalysisRegistry } from './analysis';
import { IndexRef } from './errors';
import { IndexedDoc } from './indexing';
import { fieldIndex, RootMapping } from './mapping';
import { generateUuid, isObject, Json, JsonObject, parseTimeValue } from './util';

export interface StoredDoc {
  id: string;
  source: JsonObject;
  version: number;
  seqNo: number;
  primaryTerm: number;
  indexed: IndexedDoc;
}

export interface AliasMeta {
  isWriteIndex?: boolean;
}

export interface FieldStats {
  docCount: number;
  sumLength: number;
  df: Map<string | number | boolean, number>;
}

const GC_DELETES_MS = 60_000;
export const PRIMARY_TERM = 1;

export type SettingValue = string | string[];

/** Flattens `{ index: { a: 1 } }`, `{ "index.a": 1 }` and `{ a: 1 }` to `index.a` keys. */
export function flattenSettings(input: unknown, prefix = ''): Map<string, SettingValue> {
  const out = new Map<string, SettingValue>();
  const walk = (node: unknown, path: string): void => {
    if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (node === null || node === undefined) return;
    const key = path.startsWith('index.') || path === 'index' ? path : `index.${path}`;
    out.set(key, Array.isArray(node) ? node.map((v) => String(v)) : String(node));
  };
  walk(input, prefix);
  return out;
}

export function nestSettings(flat: Map<string, SettingValue>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Array.from(flat.entries()).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = key.split('.');
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      if (!isObject(node[parts[i]])) node[parts[i]] = {};
      node = node[parts[i]] as JsonObject;
    }
    node[parts[parts.length - 1]] = value as Json;
  }
  return out;
}

export class EsIndex implements IndexRef {
  readonly uuid = generateUuid();
  readonly creationDate = Date.now();
  settings: Map<string, SettingValue>;
  mapping: RootMapping;
  analysis: AnalysisRegistry;
  readonly aliases = new Map<string, AliasMeta>();
  closed = false;

  readonly live = new Map<string, StoredDoc>();
  private searchableDocs = new Map<string, StoredDoc>();
  private dirty = false;
  private lastRefresh = Date.now();
  generation = 0;
  private seqNo = -1;
  private readonly tombstones = new Map<string, { version: number; at: number }>();
  private orderCache: { generation: number; docs: StoredDoc[] } | null = null;
  private statsCache = new Map<string, FieldStats>();
  private statsGeneration = -1;

  constructor(readonly name: string, settings: Map<string, SettingValue>, mapping: RootMapping, analysis: AnalysisRegistry) {
    this.settings = settings;
    this.mapping = mapping;
    this.analysis = analysis;
  }

  get searchable(): Map<string, StoredDoc> {
    return this.searchableDocs;
  }

  nextSeqNo(): number {
    this.seqNo += 1;
    return this.seqNo;
  }

  get maxSeqNo(): number {
    return this.seqNo;
  }

  /** Version a (re)created document starts from: deleted ids keep their version for gc_deletes. */
  versionAfterDelete(id: string): number {
    const tomb = this.tombstones.get(id);
    if (!tomb) return 0;
    if (Date.now() - tomb.at > GC_DELETES_MS) {
      this.tombstones.delete(id);
      return 0;
    }
    return tomb.version;
  }

  put(doc: StoredDoc): void {
    this.live.set(doc.id, doc);
    this.tombstones.delete(doc.id);
    this.dirty = true;
  }

  remove(id: string, version: number): void {
    this.live.delete(id);
    this.tombstones.set(id, { version, at: Date.now() });
    this.dirty = true;
  }

  clear(): void {
    this.live.clear();
    this.searchableDocs = new Map();
    this.generation++;
    this.dirty = false;
  }

  /** Makes every write so far visible to search. Returns true when something changed. */
  refresh(): boolean {
    this.lastRefresh = Date.now();
    if (!this.dirty) return false;
    this.searchableDocs = new Map(this.live);
    this.dirty = false;
    this.generation++;
    return true;
  }

  get hasPendingWrites(): boolean {
    return this.dirty;
  }

  /** `index.refresh_interval` in ms (null = use the emulator default, -1 = disabled). */
  refreshInterval(): number | null {
    const value = this.settings.get('index.refresh_interval');
    if (value === undefined || Array.isArray(value)) return null;
    return parseTimeValue(value);
  }

  dueForRefresh(defaultMs: number, now: number): boolean {
    const interval = this.refreshInterval() ?? defaultMs;
    if (interval < 0) return false;
    return now - this.lastRefresh >= interval;
  }

  maxResultWindow(): number {
    const value = this.settings.get('index.max_result_window');
    return value === undefined || Array.isArray(value) ? 10_000 : Number(value);
  }

  /** Searchable documents in Lucene doc order (order of their last write). */
  orderedSearchable(): StoredDoc[] {
    if (this.orderCache && this.orderCache.generation === this.generation) return this.orderCache.docs;
    const docs = Array.from(this.searchableDocs.values()).sort((a, b) => a.seqNo - b.seqNo);
    this.orderCache = { generation: this.generation, docs };
    return docs;
  }

  /** BM25 statistics of one field over the searchable snapshot (nested documents included). */
  fieldStats(path: string): FieldStats {
    if (this.statsGeneration !== this.generation) {
      this.statsCache = new Map();
      this.statsGeneration = this.generation;
    }
    let stats = this.statsCache.get(path);
    if (stats) return stats;
    stats = { docCount: 0, sumLength: 0, df: new Map() };
    const visit = (doc: IndexedDoc): void => {
      const field = doc.fields.get(path);
      if (field) {
        stats!.docCount++;
        const terms = new Set<string | number | boolean>();
        if (field.tokens) {
          for (const tokens of field.tokens) {
            stats!.sumLength += tokens.length;
            tokens.forEach((t) => terms.add(t));
          }
        } else {
          stats!.sumLength += field.values.length;
          field.values.forEach((v) => terms.add(v));
        }
        for (const t of terms) stats!.df.set(t, (stats!.df.get(t) ?? 0) + 1);
      }
      for (const list of doc.nested.values()) list.forEach(visit);
    };
    for (const doc of this.searchableDocs.values()) visit(doc.indexed);
    this.statsCache.set(path, stats);
    return stats;
  }

  fields() {
    return fieldIndex(this.mapping);
  }

  storeSizeBytes(): number {
    let size = 0;
    for (const doc of this.live.values()) size += JSON.stringify(doc.source).length + 64;
    return size;
  }
}
