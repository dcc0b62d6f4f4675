/**
 * Helpers of the query evaluator: minimum_should_match arithmetic and Lucene regular expressions.
 */
import { unsupported } from './errors';
import { IndexedField } from './indexing';
import { escapeRegExp } from './util';

export function computeMsm(spec: string | number | undefined, count: number, fallback: number): number {
  if (spec === undefined) return fallback;
  let n: number;
  const text = String(spec).trim();
  if (/^-?\d+$/.test(text)) {
    n = Number(text);
    if (n < 0) n = count + n;
  } else if (/^-?\d+(\.\d+)?%$/.test(text)) {
    const pct = Number(text.slice(0, -1));
    n = pct >= 0 ? Math.floor((count * pct) / 100) : count - Math.floor((count * -pct) / 100);
  } else {
    throw unsupported(`minimum_should_match [${text}] (only integers and percentages are emulated)`);
  }
  return Math.max(0, Math.min(n, count));
}

export function hasValue(f: IndexedField): boolean {
  return f.values.length > 0 || (f.tokens !== undefined && f.tokens.length > 0);
}

/** Lucene regular expressions (default flags) as an anchored JS RegExp; exotic operators are refused. */
export function luceneRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[++i] ?? '';
      out += inClass && next === '-' ? '\\-' : escapeRegExp(next);
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch === '/' ? '\\/' : ch;
      continue;
    }
    if ('@&~<>#"'.includes(ch)) throw unsupported(`the [${ch}] operator in regexp queries`);
    if (ch === '[') inClass = true;
    if (ch === '^' || ch === '$' || ch === '/') out += `\\${ch}`;
    else out += ch;
  }
  try {
    return new RegExp(`^(?:${out})$`, caseInsensitive ? 'iu' : 'u');
  } catch {
    throw unsupported(`regexp [${pattern}]`);
  }
}

