/**
 * Text analysis: an approximation of Lucene's standard tokenizer (Unicode word boundaries), the
 * built-in analyzers that need no language data, simple custom analyzers, and normalizers.
 * Anything else is refused when the mapping or settings reference it (never silently approximated).
 */
import { unsupported } from './errors';
import { isObject } from './util';

export type Analyzer = (text: string) => string[];
export type Normalizer = (text: string) => string;

const WORD_CHAR = /[\p{L}\p{M}\p{N}\p{Pc}]/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;
const SINGLE_CHAR_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const MID_LETTER = new Set([':', '·', '\u0387', '\u05F4', '\u2027', '\uFE13', '\uFE55', '\uFF1A']);
const MID_NUM_LET = new Set(['.', "'", '\u2018', '\u2019', '\u2024', '\uFE52', '\uFF07', '\uFF0E']);
const MID_NUM = new Set([',', ';', '\u037E', '\u0589', '\u060C', '\u066C', '\u07F8', '\u2044', '\uFE10', '\uFE14', '\uFE50', '\uFE54', '\uFF0C', '\uFF1B']);
const MAX_TOKEN_LENGTH = 255;

/** Splits text into words the way the standard tokenizer mostly does (UAX #29 word rules). */
export function standardTokenize(text: string): string[] {
  const chars = Array.from(text);
  const tokens: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current) {
      for (let i = 0; i < current.length; i += MAX_TOKEN_LENGTH) {
        tokens.push(current.slice(i, i + MAX_TOKEN_LENGTH));
      }
    }
    current = '';
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (SINGLE_CHAR_SCRIPT.test(ch)) {
      flush();
      tokens.push(ch);
      continue;
    }
    if (WORD_CHAR.test(ch)) {
      current += ch;
      continue;
    }
    if (current && i + 1 < chars.length) {
      const prev = chars[i - 1];
      const next = chars[i + 1];
      const letters = LETTER.test(prev) && LETTER.test(next);
      const digits = DIGIT.test(prev) && DIGIT.test(next);
      if ((MID_LETTER.has(ch) && letters) || (MID_NUM_LET.has(ch) && (letters || digits)) || (MID_NUM.has(ch) && digits)) {
        current += ch;
        continue;
      }
    }
    flush();
  }
  flush();
  return tokens;
}

const ENGLISH_STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of',
  'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
]);

const lower = (t: string): string => t.toLowerCase();
const fold = (t: string): string => t.normalize('NFD').replace(/\p{M}/gu, '');

const TOKENIZERS: Record<string, (text: string) => string[]> = {
  standard: standardTokenize,
  whitespace: (text) => text.split(/\s+/u).filter(Boolean),
  keyword: (text) => [text],
  letter: (text) => text.split(/[^\p{L}]+/u).filter(Boolean),
  lowercase: (text) => text.split(/[^\p{L}]+/u).filter(Boolean).map(lower),
};

const TOKEN_FILTERS: Record<string, (tokens: string[]) => string[]> = {
  lowercase: (tokens) => tokens.map(lower),
  uppercase: (tokens) => tokens.map((t) => t.toUpperCase()),
  asciifolding: (tokens) => tokens.map(fold),
  trim: (tokens) => tokens.map((t) => t.trim()),
  stop: (tokens) => tokens.filter((t) => !ENGLISH_STOP_WORDS.has(t)),
  unique: (tokens) => Array.from(new Set(tokens)),
};

const CHAR_FILTERS_FOR_NORMALIZER: Record<string, Normalizer> = {
  lowercase: lower,
  uppercase: (t) => t.toUpperCase(),
  asciifolding: fold,
  trim: (t) => t.trim(),
};

const BUILTIN_ANALYZERS: Record<string, Analyzer> = {
  standard: (text) => standardTokenize(text).map(lower),
  simple: (text) => text.split(/[^\p{L}]+/u).filter(Boolean).map(lower),
  whitespace: (text) => text.split(/\s+/u).filter(Boolean),
  keyword: (text) => [text],
  stop: (text) => text.split(/[^\p{L}]+/u).filter(Boolean).map(lower).filter((t) => !ENGLISH_STOP_WORDS.has(t)),
};

/** Analyzers and normalizers of one index, built from its `index.analysis` settings. */
export class AnalysisRegistry {
  private readonly analyzers = new Map<string, Analyzer>();
  private readonly normalizers = new Map<string, Normalizer>();

  constructor(analysis: unknown) {
    for (const [name, fn] of Object.entries(BUILTIN_ANALYZERS)) this.analyzers.set(name, fn);
    this.normalizers.set('lowercase', lower);
    if (!isObject(analysis)) return;
    if (isObject(analysis.char_filter) && Object.keys(analysis.char_filter).length > 0) {
      throw unsupported('custom char_filter definitions in index.analysis');
    }
    if (isObject(analysis.tokenizer) && Object.keys(analysis.tokenizer).length > 0) {
      throw unsupported('custom tokenizer definitions in index.analysis');
    }
    if (isObject(analysis.filter) && Object.keys(analysis.filter).length > 0) {
      throw unsupported('custom token filter definitions in index.analysis');
    }
    if (isObject(analysis.analyzer)) {
      for (const [name, def] of Object.entries(analysis.analyzer)) {
        this.analyzers.set(name, buildAnalyzer(name, def));
      }
    }
    if (isObject(analysis.normalizer)) {
      for (const [name, def] of Object.entries(analysis.normalizer)) {
        this.normalizers.set(name, buildNormalizer(name, def));
      }
    }
  }

  analyzer(name: string | undefined): Analyzer {
    const fn = this.analyzers.get(name ?? 'standard');
    if (!fn) throw unsupported(`analyzer [${name}] (only standard, simple, whitespace, keyword, stop and simple custom analyzers are emulated)`);
    return fn;
  }

  hasAnalyzer(name: string): boolean {
    return this.analyzers.has(name);
  }

  normalizer(name: string | undefined): Normalizer | null {
    if (name === undefined) return null;
    const fn = this.normalizers.get(name);
    if (!fn) throw unsupported(`normalizer [${name}]`);
    return fn;
  }
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.map(String);
  return [];
}

function buildAnalyzer(name: string, def: unknown): Analyzer {
  if (!isObject(def)) throw unsupported(`analyzer definition [${name}]`);
  const type = String(def.type ?? 'custom');
  if (type !== 'custom') {
    const builtin = BUILTIN_ANALYZERS[type];
    const extra = Object.keys(def).filter((k) => k !== 'type');
    if (!builtin || (extra.length > 0 && !(type === 'standard' && def.stopwords === '_none_' && extra.length === 1))) {
      throw unsupported(`analyzer [${name}] of type [${type}]${extra.length ? ` with parameters [${extra.join(', ')}]` : ''}`);
    }
    return builtin;
  }
  if (stringList(def.char_filter).length > 0) throw unsupported(`char_filter in analyzer [${name}]`);
  const tokenizerName = String(def.tokenizer ?? 'standard');
  const tokenizer = TOKENIZERS[tokenizerName];
  if (!tokenizer) throw unsupported(`tokenizer [${tokenizerName}] in analyzer [${name}]`);
  const filters = stringList(def.filter).map((f) => {
    const filter = TOKEN_FILTERS[f];
    if (!filter) throw unsupported(`token filter [${f}] in analyzer [${name}]`);
    return filter;
  });
  return (text) => filters.reduce((tokens, f) => f(tokens), tokenizer(text)).filter((t) => t.length > 0);
}

function buildNormalizer(name: string, def: unknown): Normalizer {
  if (!isObject(def)) throw unsupported(`normalizer definition [${name}]`);
  if (def.type !== undefined && def.type !== 'custom') throw unsupported(`normalizer [${name}] of type [${String(def.type)}]`);
  if (stringList(def.char_filter).length > 0) throw unsupported(`char_filter in normalizer [${name}]`);
  const filters = stringList(def.filter).map((f) => {
    const fn = CHAR_FILTERS_FOR_NORMALIZER[f];
    if (!fn) throw unsupported(`filter [${f}] in normalizer [${name}]`);
    return fn;
  });
  return (text) => filters.reduce((t, f) => f(t), text);
}
