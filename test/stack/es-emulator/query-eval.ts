/**
 * Compiles a parsed query against one index (field types from its mapping) into a matcher that
 * returns a BM25-like score or null. Compilation errors are shard errors (query_shard_exception),
 * raised even when the index is empty, as Elasticsearch does.
 */
import { Cause, unsupported } from './errors';
import { IndexedDoc, IndexedField } from './indexing';
import { FieldDef, FieldInfo, STORED_ONLY_TYPES } from './mapping';
import { Query } from './query-parse';
import { EsIndex } from './store';
import { compareCodePoints, Json, wildcardToRegExp } from './util';
import { computeMsm, hasValue, luceneRegExp } from './query-util';
import { compileDateFormat, isNumericType, parseBoolean, parseDateMath, parseNumber, ValueError } from './values';

export interface EvalDoc {
  id: string;
  indexed: IndexedDoc;
}
export interface EvalCtx {
  matched: Set<string> | null;
}
export type Matcher = (doc: EvalDoc, ctx: EvalCtx) => number | null;

/** An error of the query phase, reported by Elasticsearch as a shard failure. */
export class ShardError extends Error {
  constructor(readonly shardCause: Cause) {
    super(shardCause.reason);
  }
}

type Category = 'keyword' | 'text' | 'number' | 'date' | 'boolean' | 'binary' | 'stored' | 'object' | 'nested';
interface Resolved {
  path: string;
  category: Category;
  def?: FieldDef;
  special?: 'id' | 'index';
}

const K1 = 1.2;
const B = 0.75;
const MATCH_NONE: Matcher = () => null;

function categoryOf(def: FieldDef): Category {
  const t = def.type;
  if (t === 'object' || t === 'nested') return t;
  if (t === 'text' || t === 'match_only_text') return 'text';
  if (['keyword', 'wildcard', 'ip', 'constant_keyword', 'flattened'].includes(t)) return 'keyword';
  if (isNumericType(t)) return 'number';
  if (t === 'date' || t === 'date_nanos') return 'date';
  if (t === 'boolean') return 'boolean';
  if (t === 'binary') return 'binary';
  if (STORED_ONLY_TYPES.has(t)) return 'stored';
  return 'stored';
}

function shardError(reason: string, index: EsIndex, causedBy?: Cause): ShardError {
  const cause: Cause = { type: 'query_shard_exception', reason, index_uuid: index.uuid, index: index.name };
  if (causedBy) cause.caused_by = causedBy;
  return new ShardError(cause);
}

function named(q: Query, m: Matcher): Matcher {
  const boost = q.boost;
  const name = q.name;
  if (boost === 1 && !name) return m;
  return (doc, ctx) => {
    const s = m(doc, ctx);
    if (s === null) return null;
    if (name && ctx.matched) ctx.matched.add(name);
    return s * boost;
  };
}

class Compiler {
  constructor(private readonly index: EsIndex) {}

  resolve(path: string): Resolved | null {
    if (path === '_id') return { path, category: 'keyword', special: 'id' };
    if (path === '_index') return { path, category: 'keyword', special: 'index' };
    const info: FieldInfo | undefined = this.index.fields().get(path);
    if (info) return { path, category: categoryOf(info.def), def: info.def };
    const parts = path.split('.');
    for (let i = parts.length - 1; i > 0; i--) {
      const parent = this.index.fields().get(parts.slice(0, i).join('.'));
      if (parent && parent.def.type === 'flattened') return { path, category: 'keyword', def: parent.def };
    }
    return null;
  }

  private values(r: Resolved, doc: EvalDoc): Array<string | number | boolean> {
    if (r.special === 'id') return [doc.id];
    if (r.special === 'index') return [this.index.name, ...this.index.aliases.keys()];
    return doc.indexed.fields.get(r.path)?.values ?? [];
  }

  private field(r: Resolved, doc: EvalDoc): IndexedField | undefined {
    if (r.special) return { values: this.values(r, doc) };
    return doc.indexed.fields.get(r.path);
  }

  private termScore(r: Resolved, term: string | number | boolean, field: IndexedField, tf: number): number {
    if (r.special) return 1;
    const stats = this.index.fieldStats(r.path);
    const n = Math.max(1, stats.df.get(term) ?? 1);
    const docCount = Math.max(stats.docCount, n);
    const idf = Math.log(1 + (docCount - n + 0.5) / (n + 0.5));
    let norm = K1;
    if (field.tokens) {
      const dl = field.tokens.reduce((s, t) => s + t.length, 0);
      const avgdl = stats.docCount ? stats.sumLength / stats.docCount : dl;
      norm = K1 * (1 - B + (B * dl) / (avgdl || 1));
    }
    return Math.fround((K1 + 1) * idf * (tf / (tf + norm)));
  }

  private parseValue(r: Resolved, value: Json, roundUp = false, format?: string): string | number | boolean {
    try {
      switch (r.category) {
        case 'number':
          return parseNumber(value, 'double');
        case 'date':
          return parseDateMath(value, format ? compileDateFormat(format) : r.def?.format ?? compileDateFormat(undefined), roundUp);
        case 'boolean':
          return parseBoolean(value);
        default: {
          let text = typeof value === 'string' ? value : JSON.stringify(value);
          const normalizer = r.def?.params.normalizer;
          if (r.category === 'keyword' && normalizer !== undefined) text = this.index.analysis.normalizer(String(normalizer))!(text);
          return text;
        }
      }
    } catch (e) {
      if (e instanceof ValueError) {
        throw shardError(`failed to create query: ${e.message}`, this.index, { type: r.category === 'number' ? 'number_format_exception' : 'illegal_argument_exception', reason: e.message });
      }
      throw e;
    }
  }

  private assertQueryable(r: Resolved, query: string): void {
    if (r.category === 'binary') throw shardError('Binary fields do not support searching', this.index);
    if (r.category === 'stored') throw unsupported(`[${query}] queries on field [${r.path}] of type [${r.def?.type}]`);
    if (r.def && !r.def.index && r.category !== 'object' && r.category !== 'nested') {
      throw shardError(`failed to create query: Cannot search on field [${r.path}] since it is not indexed.`, this.index);
    }
  }

  /** Exact-term matcher (term query semantics). */
  private termMatcher(r: Resolved, value: Json, caseInsensitive: boolean): Matcher {
    if (r.category === 'object' || r.category === 'nested') return MATCH_NONE;
    this.assertQueryable(r, 'term');
    if (r.category === 'number' && r.def && r.def.type in { long: 1, integer: 1, short: 1, byte: 1, unsigned_long: 1 }) {
      const n = this.parseValue(r, value) as number;
      if (!Number.isInteger(n)) return MATCH_NONE;
    }
    let term = this.parseValue(r, value);
    if (caseInsensitive && typeof term === 'string') term = term.toLowerCase();
    const same = (v: string | number | boolean): boolean => (caseInsensitive && typeof v === 'string' ? v.toLowerCase() : v) === term;
    const constant = r.category === 'number' || r.category === 'date' || r.special !== undefined;
    return (doc) => {
      const field = this.field(r, doc);
      if (!field) return null;
      let tf = 0;
      if (field.tokens) for (const tokens of field.tokens) for (const t of tokens) if (same(t)) tf++;
      for (const v of field.values) if (same(v)) tf++;
      if (tf === 0) return null;
      return constant ? 1 : this.termScore(r, term as string | number | boolean, field, tf);
    };
  }

  private analyze(r: Resolved, text: string, analyzer?: string): string[] {
    const name = analyzer ?? (r.def?.params.search_analyzer as string | undefined) ?? (r.def?.params.analyzer as string | undefined);
    return this.index.analysis.analyzer(name)(text);
  }

  private matchMatcher(r: Resolved | null, q: { query: Json; operator: 'or' | 'and'; msm?: string | number; analyzer?: string; zeroTerms: 'none' | 'all'; lenient: boolean }): Matcher {
    if (!r || r.category === 'object' || r.category === 'nested') return MATCH_NONE;
    if (r.category !== 'text') {
      try {
        return this.termMatcher(r, q.query, false);
      } catch (e) {
        if (q.lenient && e instanceof ShardError) return MATCH_NONE;
        throw e;
      }
    }
    this.assertQueryable(r, 'match');
    const tokens = this.analyze(r, typeof q.query === 'string' ? q.query : JSON.stringify(q.query), q.analyzer);
    if (tokens.length === 0) return q.zeroTerms === 'all' ? () => 1 : MATCH_NONE;
    const clauses = tokens.map((t) => this.termMatcher(r, t, false));
    const required = q.operator === 'and' ? clauses.length : computeMsm(q.msm, clauses.length, 1);
    return (doc, ctx) => {
      let score = 0;
      let matched = 0;
      for (const c of clauses) {
        const s = c(doc, ctx);
        if (s !== null) {
          matched++;
          score += s;
        }
      }
      return matched >= Math.max(required, 1) ? score : null;
    };
  }

  private phraseMatcher(r: Resolved | null, query: Json, analyzer: string | undefined, prefix: boolean, zeroTerms: 'none' | 'all'): Matcher {
    if (!r || r.category === 'object' || r.category === 'nested') return MATCH_NONE;
    if (r.category !== 'text') {
      if (prefix) return this.prefixLike(r, 'prefix', String(query), false);
      return this.termMatcher(r, query, false);
    }
    this.assertQueryable(r, 'match_phrase');
    const tokens = this.analyze(r, String(query), analyzer);
    if (tokens.length === 0) return zeroTerms === 'all' ? () => 1 : MATCH_NONE;
    return (doc) => {
      const field = this.field(r, doc);
      if (!field?.tokens) return null;
      let freq = 0;
      for (const seq of field.tokens) {
        for (let i = 0; i + tokens.length <= seq.length; i++) {
          let ok = true;
          for (let j = 0; j < tokens.length && ok; j++) {
            const last = j === tokens.length - 1;
            ok = prefix && last ? seq[i + j].startsWith(tokens[j]) : seq[i + j] === tokens[j];
          }
          if (ok) freq++;
        }
      }
      if (freq === 0) return null;
      return tokens.reduce((s, t) => s + this.termScore(r, t, field, freq), 0);
    };
  }

  private prefixLike(r: Resolved, kind: 'prefix' | 'wildcard' | 'regexp', value: string, caseInsensitive: boolean): Matcher {
    if (r.category === 'object' || r.category === 'nested') return MATCH_NONE;
    if (r.category !== 'keyword' && r.category !== 'text') {
      const allowed = kind === 'regexp' ? 'keyword and text' : 'keyword, text and wildcard';
      throw shardError(`Can only use ${kind} queries on ${allowed} fields - not on [${r.path}] which is of type [${r.def?.type}]`, this.index);
    }
    this.assertQueryable(r, kind);
    let pattern = value;
    const normalizer = r.def?.params.normalizer;
    if (r.category === 'keyword' && normalizer !== undefined && kind !== 'regexp') pattern = this.index.analysis.normalizer(String(normalizer))!(pattern);
    let test: (s: string) => boolean;
    if (kind === 'prefix') {
      const p = caseInsensitive ? pattern.toLowerCase() : pattern;
      test = (s) => (caseInsensitive ? s.toLowerCase() : s).startsWith(p);
    } else if (kind === 'wildcard') {
      const re = wildcardToRegExp(pattern, caseInsensitive);
      test = (s) => re.test(s);
    } else {
      const re = luceneRegExp(pattern, caseInsensitive);
      test = (s) => re.test(s);
    }
    return (doc) => {
      const field = this.field(r, doc);
      if (!field) return null;
      if (field.tokens) for (const seq of field.tokens) for (const t of seq) if (test(t)) return 1;
      for (const v of field.values) if (typeof v === 'string' && test(v)) return 1;
      return null;
    };
  }

  private rangeMatcher(q: Extract<Query, { kind: 'range' }>): Matcher {
    const r = this.resolve(q.field);
    if (!r || r.category === 'object' || r.category === 'nested') return MATCH_NONE;
    this.assertQueryable(r, 'range');
    const bound = (v: Json | undefined, roundUp: boolean): string | number | boolean | undefined => (v === undefined ? undefined : this.parseValue(r, v, roundUp, q.format));
    const gt = bound(q.gt, true);
    const gte = bound(q.gte, false);
    const lt = bound(q.lt, false);
    const lte = bound(q.lte, true);
    const cmp = (a: string | number | boolean, b: string | number | boolean): number => {
      if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
      return Number(a) - Number(b);
    };
    const inRange = (v: string | number | boolean): boolean =>
      (gt === undefined || cmp(v, gt) > 0) && (gte === undefined || cmp(v, gte) >= 0) && (lt === undefined || cmp(v, lt) < 0) && (lte === undefined || cmp(v, lte) <= 0);
    return (doc) => {
      const field = this.field(r, doc);
      if (!field) return null;
      if (field.tokens) for (const seq of field.tokens) for (const t of seq) if (inRange(t)) return 1;
      for (const v of field.values) if (inRange(v)) return 1;
      return null;
    };
  }

  private existsMatcher(path: string): Matcher {
    if (path.includes('*')) {
      const re = wildcardToRegExp(path);
      return (doc) => (Array.from(doc.indexed.fields.entries()).some(([k, f]) => re.test(k) && hasValue(f)) ? 1 : null);
    }
    const r = this.resolve(path);
    if (!r) return MATCH_NONE;
    if (r.special) return () => 1;
    if (r.category === 'nested') return MATCH_NONE;
    if (r.category === 'object') {
      const prefix = `${path}.`;
      return (doc) => {
        for (const [k, f] of doc.indexed.fields) if (k.startsWith(prefix) && hasValue(f)) return 1;
        return null;
      };
    }
    return (doc) => {
      const f = doc.indexed.fields.get(path);
      return f && hasValue(f) ? 1 : null;
    };
  }

  private multiMatch(q: Extract<Query, { kind: 'multi_match' }>): Matcher {
    const fields = this.index.fields();
    const targets: Array<{ r: Resolved; boost: number; lenient: boolean }> = [];
    const leaf = (info: FieldInfo): boolean => !['object', 'nested'].includes(info.def.type);
    const specs = q.fields.length ? q.fields : [{ field: '*', boost: 1 }];
    for (const spec of specs) {
      if (spec.field.includes('*')) {
        const re = wildcardToRegExp(spec.field);
        for (const [path, info] of fields) {
          const category = categoryOf(info.def);
          if (leaf(info) && re.test(path) && category !== 'binary' && category !== 'stored' && info.def.index) {
            targets.push({ r: { path, category, def: info.def }, boost: spec.boost, lenient: true });
          }
        }
      } else {
        const r = this.resolve(spec.field);
        if (r) targets.push({ r, boost: spec.boost, lenient: q.lenient });
      }
    }
    const matchers = targets.map(({ r, boost, lenient }) => {
      const m = q.type === 'phrase' || q.type === 'phrase_prefix'
        ? this.phraseMatcher(r, q.query, q.analyzer, q.type === 'phrase_prefix', q.zeroTerms)
        : this.matchMatcher(r, { query: q.query, operator: q.operator, msm: q.msm, analyzer: q.analyzer, zeroTerms: q.zeroTerms, lenient });
      return (doc: EvalDoc, ctx: EvalCtx): number | null => {
        const s = m(doc, ctx);
        return s === null ? null : s * boost;
      };
    });
    if (matchers.length === 0) return MATCH_NONE;
    return (doc, ctx) => {
      const scores: number[] = [];
      for (const m of matchers) {
        const s = m(doc, ctx);
        if (s !== null) scores.push(s);
      }
      if (scores.length === 0) return null;
      const sum = scores.reduce((a, b) => a + b, 0);
      if (q.type === 'most_fields') return sum;
      const max = Math.max(...scores);
      return max + q.tieBreaker * (sum - max);
    };
  }

  compile(q: Query): Matcher {
    switch (q.kind) {
      case 'match_all':
        return named(q, () => 1);
      case 'match_none':
        return MATCH_NONE;
      case 'term': {
        const r = this.resolve(q.field);
        return named(q, r ? this.termMatcher(r, q.value, q.caseInsensitive) : MATCH_NONE);
      }
      case 'terms': {
        const r = this.resolve(q.field);
        if (!r) return MATCH_NONE;
        const ms = q.values.map((v) => this.termMatcher(r, v, false));
        return named(q, (doc, ctx) => (ms.some((m) => m(doc, ctx) !== null) ? 1 : null));
      }
      case 'ids': {
        const set = new Set(q.values);
        return named(q, (doc) => (set.has(doc.id) ? 1 : null));
      }
      case 'range':
        return named(q, this.rangeMatcher(q));
      case 'match':
        return named(q, this.matchMatcher(this.resolve(q.field), q));
      case 'match_phrase':
        return named(q, this.phraseMatcher(this.resolve(q.field), q.query, q.analyzer, q.prefix, q.zeroTerms));
      case 'multi_match':
        return named(q, this.multiMatch(q));
      case 'exists':
        return named(q, this.existsMatcher(q.field));
      case 'prefix':
      case 'wildcard':
      case 'regexp': {
        const r = this.resolve(q.field);
        return named(q, r ? this.prefixLike(r, q.kind, q.value, q.caseInsensitive) : MATCH_NONE);
      }
      case 'constant_score': {
        const inner = this.compile(q.filter);
        return named(q, (doc, ctx) => (inner(doc, ctx) === null ? null : 1));
      }
      case 'dis_max': {
        const inner = q.queries.map((x) => this.compile(x));
        return named(q, (doc, ctx) => {
          const scores = inner.map((m) => m(doc, ctx)).filter((s): s is number => s !== null);
          if (scores.length === 0) return null;
          const max = Math.max(...scores);
          return max + q.tieBreaker * (scores.reduce((a, b) => a + b, 0) - max);
        });
      }
      case 'boosting': {
        const pos = this.compile(q.positive);
        const neg = this.compile(q.negative);
        return named(q, (doc, ctx) => {
          const s = pos(doc, ctx);
          if (s === null) return null;
          return neg(doc, { matched: null }) === null ? s : s * q.negativeBoost;
        });
      }
      case 'nested':
        return named(q, this.nested(q));
      case 'bool':
        return named(q, this.bool(q));
    }
  }

  private nested(q: Extract<Query, { kind: 'nested' }>): Matcher {
    const info = this.index.fields().get(q.path);
    if (!info) {
      if (q.ignoreUnmapped) return MATCH_NONE;
      throw shardError(`[nested] failed to find nested object under path [${q.path}]`, this.index);
    }
    if (info.def.type !== 'nested') throw shardError(`[nested] nested object under path [${q.path}] is not of nested type`, this.index);
    const inner = this.compile(q.query);
    return (doc, ctx) => {
      const subs = doc.indexed.nested.get(q.path) ?? [];
      const scores: number[] = [];
      for (const sub of subs) {
        const s = inner({ id: doc.id, indexed: sub }, ctx);
        if (s !== null) scores.push(s);
      }
      if (scores.length === 0) return null;
      switch (q.scoreMode) {
        case 'max': return Math.max(...scores);
        case 'min': return Math.min(...scores);
        case 'sum': return scores.reduce((a, b) => a + b, 0);
        case 'none': return 0;
        default: return scores.reduce((a, b) => a + b, 0) / scores.length;
      }
    };
  }

  private bool(q: Extract<Query, { kind: 'bool' }>): Matcher {
    const must = q.must.map((x) => this.compile(x));
    const filter = q.filter.map((x) => this.compile(x));
    const should = q.should.map((x) => this.compile(x));
    const mustNot = q.mustNot.map((x) => this.compile(x));
    if (!must.length && !filter.length && !should.length && !mustNot.length) return () => 1;
    const fallback = must.length || filter.length ? 0 : should.length ? 1 : 0;
    const msm = computeMsm(q.msm, should.length, fallback);
    return (doc, ctx) => {
      let score = 0;
      for (const m of must) {
        const s = m(doc, ctx);
        if (s === null) return null;
        score += s;
      }
      for (const m of filter) if (m(doc, ctx) === null) return null;
      for (const m of mustNot) if (m(doc, { matched: null }) !== null) return null;
      let matched = 0;
      for (const m of should) {
        const s = m(doc, ctx);
        if (s !== null) {
          matched++;
          score += s;
        }
      }
      if (matched < msm) return null;
      return score;
    };
  }
}

export function compileQuery(q: Query, index: EsIndex): Matcher {
  return new Compiler(index).compile(q);
}

export function resolveFieldForSort(index: EsIndex, path: string): { category: string; def?: FieldDef; special?: string } | null {
  const r = new Compiler(index).resolve(path);
  return r;
}
