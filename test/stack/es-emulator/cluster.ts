/**
 * The set of indices and aliases: creation/deletion with Elasticsearch's validation, and the
 * resolution of index expressions (names, aliases, comma lists, wildcards, exclusions).
 */
import { AnalysisRegistry } from './analysis';
import {
  esError,
  EsError,
  illegalArgument,
  indexClosed,
  indexNotFound,
  invalidAliasName,
  invalidIndexName,
  Major,
  mapperParsing,
  resourceAlreadyExists,
  unsupported,
} from './errors';
import { MappingError, parseRootMapping } from './mapping';
import { AliasMeta, EsIndex, flattenSettings, nestSettings, SettingValue } from './store';
import { byteLength, isObject, wildcardToRegExp } from './util';

const INVALID_CHARS = [' ', '"', '*', '\\', '<', '|', ',', '>', '/', '?'];

export function nameProblem(name: string): string | null {
  if (INVALID_CHARS.some((c) => name.includes(c))) {
    return 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]';
  }
  if (name.includes('#')) return "must not contain '#'";
  if (name.includes(':')) return "must not contain ':'";
  if (/^[_\-+]/.test(name)) return "must not start with '_', '-', or '+'";
  if (byteLength(name) > 255) return `index name is too long, (${byteLength(name)} > 255)`;
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (name.toLowerCase() !== name) return 'must be lowercase';
  return null;
}

/** Turns a MappingError into the error Elasticsearch gives for it. */
export function mappingFailure(error: unknown, major: Major, onCreate: boolean): unknown {
  if (!(error instanceof MappingError)) return error;
  if (error.kind === 'merge') return illegalArgument(error.message);
  if (!onCreate) return mapperParsing(error.message);
  const prefix = major === 7 ? 'Failed to parse mapping [_doc]: ' : 'Failed to parse mapping: ';
  const inner = { type: 'mapper_parsing_exception', reason: error.message };
  return esError(400, { type: 'mapper_parsing_exception', reason: prefix + error.message, caused_by: inner }, [inner]);
}

const SETTINGS_DEFAULTS: Array<[string, string]> = [
  ['index.number_of_shards', '1'],
  ['index.number_of_replicas', '1'],
];

export function validateSettings(settings: Map<string, SettingValue>): void {
  for (const key of ['index.number_of_shards', 'index.number_of_replicas', 'index.max_result_window']) {
    const v = settings.get(key);
    if (v === undefined) continue;
    const n = Number(v);
    const min = key === 'index.number_of_shards' ? 1 : 0;
    if (Array.isArray(v) || !Number.isInteger(n)) {
      throw illegalArgument(`Failed to parse value [${String(v)}] for setting [${key}]`);
    }
    if (n < min) throw illegalArgument(`Failed to parse value [${n}] for setting [${key}] must be >= ${min}`);
  }
  if (settings.has('index.sort.field')) throw unsupported('index sorting (index.sort.*)');
}

export interface ResolveOptions {
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
  /** search-style: closed indices are an error (unless ignored) */
  forbidClosed?: boolean;
}

export class Cluster {
  readonly indices = new Map<string, EsIndex>();

  constructor(private readonly autoCreate: boolean) {}

  aliasNames(): string[] {
    const names = new Set<string>();
    for (const index of this.indices.values()) for (const alias of index.aliases.keys()) names.add(alias);
    return Array.from(names);
  }

  aliasTargets(alias: string): EsIndex[] {
    return Array.from(this.indices.values()).filter((i) => i.aliases.has(alias));
  }

  createIndex(name: string, body: unknown, major: Major): EsIndex {
    const problem = nameProblem(name);
    if (problem) throw invalidIndexName(name, problem);
    const existing = this.indices.get(name);
    if (existing) throw resourceAlreadyExists(existing);
    if (this.aliasTargets(name).length > 0) throw invalidIndexName(name, 'already exists as alias');
    const spec = body === undefined || body === null ? {} : body;
    if (!isObject(spec)) throw esError(400, { type: 'parse_exception', reason: 'request body is required' });
    for (const key of Object.keys(spec)) {
      if (!['aliases', 'mappings', 'settings'].includes(key)) {
        throw esError(400, { type: 'parse_exception', reason: `unknown key [${key}] for create index` });
      }
    }
    const settings = flattenSettings(spec.settings ?? {});
    for (const [k, v] of SETTINGS_DEFAULTS) if (!settings.has(k)) settings.set(k, v);
    validateSettings(settings);
    const analysisSettings = nestSettings(settings).index;
    const analysis = new AnalysisRegistry(isObject(analysisSettings) ? analysisSettings.analysis : undefined);
    let mapping;
    try {
      mapping = parseRootMapping(spec.mappings, analysis);
    } catch (e) {
      throw mappingFailure(e, major, true);
    }
    const aliases = new Map<string, AliasMeta>();
    if (spec.aliases !== undefined) {
      if (!isObject(spec.aliases)) throw esError(400, { type: 'parse_exception', reason: 'aliases must be an object' });
      for (const [alias, options] of Object.entries(spec.aliases)) {
        aliases.set(alias, this.validateAlias(alias, options, name));
      }
    }
    const index = new EsIndex(name, settings, mapping, analysis);
    for (const [alias, meta] of aliases) index.aliases.set(alias, meta);
    this.indices.set(name, index);
    return index;
  }

  validateAlias(alias: string, options: unknown, indexName: string): AliasMeta {
    const problem = nameProblem(alias);
    if (problem) throw invalidAliasName(alias, problem);
    if (alias === indexName || this.indices.has(alias)) {
      throw invalidAliasName(alias, 'an index or data stream exists with the same name as the alias');
    }
    const meta: AliasMeta = {};
    if (isObject(options)) {
      if (options.filter !== undefined) throw unsupported('filtered aliases');
      if (options.is_write_index !== undefined) meta.isWriteIndex = options.is_write_index === true || options.is_write_index === 'true';
    }
    return meta;
  }

  deleteIndex(name: string): void {
    this.indices.delete(name);
  }

  /** Resolves a comma-split index expression to concrete indices (search, count, refresh...). */
  resolve(parts: string[], opts: ResolveOptions = {}): EsIndex[] {
    const allowNoIndices = opts.allowNoIndices ?? true;
    const result = new Map<string, EsIndex>();
    let sawWildcard = false;
    const targets = parts.length === 0 ? ['_all'] : parts;
    for (const part of targets) {
      if (part.startsWith('-') && sawWildcard) {
        const re = wildcardToRegExp(part.slice(1), false, false);
        for (const name of Array.from(result.keys())) {
          const idx = result.get(name) as EsIndex;
          if (re.test(name) || Array.from(idx.aliases.keys()).some((a) => re.test(a))) result.delete(name);
        }
        continue;
      }
      if (part === '_all' || part.includes('*')) {
        sawWildcard = true;
        const re = wildcardToRegExp(part === '_all' ? '*' : part, false, false);
        for (const index of this.indices.values()) {
          if (index.closed) continue;
          if (re.test(index.name) || Array.from(index.aliases.keys()).some((a) => re.test(a))) result.set(index.name, index);
        }
        continue;
      }
      const direct = this.indices.get(part);
      const found = direct ? [direct] : this.aliasTargets(part);
      if (found.length === 0) {
        if (opts.ignoreUnavailable) continue;
        throw indexNotFound(part);
      }
      for (const index of found) {
        if (index.closed && opts.forbidClosed) {
          if (opts.ignoreUnavailable) continue;
          throw indexClosed(index);
        }
        result.set(index.name, index);
      }
    }
    if (result.size === 0 && !allowNoIndices) throw indexNotFound(targets.join(','));
    return Array.from(result.values());
  }

  /** The single index a document read (get, mget, exists) targets. */
  resolveForRead(name: string): EsIndex {
    const direct = this.indices.get(name);
    if (direct) return this.open(direct);
    const targets = this.aliasTargets(name);
    if (targets.length === 0) throw indexNotFound(name);
    if (targets.length > 1) {
      throw illegalArgument(`alias [${name}] has more than one index associated with it [${targets.map((t) => t.name).join(', ')}], can't execute a single index op`);
    }
    return this.open(targets[0]);
  }

  /** The index a document write targets: an index, an alias's write index, or an auto-created index. */
  resolveForWrite(name: string, major: Major, requireAlias = false): { index: EsIndex; created: boolean } {
    const direct = this.indices.get(name);
    if (direct && !requireAlias) return { index: this.open(direct), created: false };
    const targets = this.aliasTargets(name);
    if (targets.length === 1) return { index: this.open(targets[0]), created: false };
    if (targets.length > 1) {
      const write = targets.find((t) => t.aliases.get(name)?.isWriteIndex === true);
      if (!write) {
        throw illegalArgument(`no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`);
      }
      return { index: this.open(write), created: false };
    }
    if (requireAlias) {
      throw esError(404, { type: 'index_not_found_exception', reason: `no such index [${name}] and [require_alias] request flag is [true] and [${name}] is not an alias`, 'resource.type': 'index_expression', 'resource.id': name, index_uuid: '_na_', index: name });
    }
    if (!this.autoCreate) throw indexNotFound(name);
    return { index: this.createIndex(name, {}, major), created: true };
  }

  private open(index: EsIndex): EsIndex {
    if (index.closed) throw indexClosed(index);
    return index;
  }

  /** Names for error-free logging and fault matching: physical indices an expression touches. */
  bestEffortPhysical(parts: string[]): string[] {
    try {
      const resolved = this.resolve(parts, { ignoreUnavailable: true });
      const names = resolved.map((i) => i.name);
      const unresolved = parts.filter((p) => !p.includes('*') && !p.startsWith('-') && p !== '_all' && !this.indices.has(p) && this.aliasTargets(p).length === 0);
      return [...names, ...unresolved];
    } catch (e) {
      if (e instanceof EsError) return parts;
      throw e;
    }
  }
}
