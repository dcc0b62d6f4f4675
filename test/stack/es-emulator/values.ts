/**
 * Field value coercion as Elasticsearch does it at index and query time: numbers (with `coerce`),
 * booleans, and dates (ISO formats, epoch_millis/epoch_second, simple custom patterns, date math).
 */
import { unsupported } from './errors';

export class ValueError extends Error {}

export const INTEGER_TYPES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  unsigned_long: [0, Number.MAX_SAFE_INTEGER * 2048],
};
export const FLOAT_TYPES = new Set(['double', 'float', 'half_float', 'scaled_float']);

export function isNumericType(type: string): boolean {
  return type in INTEGER_TYPES || FLOAT_TYPES.has(type);
}

export function parseNumber(value: unknown, type: string, coerce = true): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && coerce) {
    const text = value.trim();
    if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
      throw new ValueError(`For input string: "${value}"`);
    }
    n = Number(text);
  } else if (typeof value === 'boolean') {
    throw new ValueError(`Current token (${value ? 'VALUE_TRUE' : 'VALUE_FALSE'}) not numeric, can not use numeric value accessors`);
  } else {
    throw new ValueError(`For input string: "${String(value)}"`);
  }
  if (!Number.isFinite(n)) throw new ValueError(`[${type}] supports only finite values, but got [${n}]`);
  const range = INTEGER_TYPES[type];
  if (range) {
    if (!Number.isInteger(n) && !coerce) throw new ValueError(`Value [${n}] has a decimal part`);
    n = Math.trunc(n);
    if (n < range[0] || n > range[1]) {
      throw new ValueError(`Value [${n}] is out of range for ${type === 'integer' ? 'an integer' : `a ${type}`}`);
    }
  }
  if (type === 'float') n = Math.fround(n);
  return n;
}

export function parseBoolean(value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false' || value === '') return false;
  throw new ValueError(`Failed to parse value [${String(value)}] as only [true] or [false] are allowed.`);
}

const ISO_RE =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:([T ])(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function isoToMillis(text: string, strict: boolean): number | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, sep, h, mi, s, frac, zone] = m;
  if (strict && sep === ' ') return null;
  if (zone && h === undefined) return null;
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = s ? Number(s) : 0;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 24 || minute > 59 || second > 59) return null;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year >= 0 && year < 100) {
    const dt = new Date(t);
    dt.setUTCFullYear(year);
    t = dt.getTime();
  }
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offset * 60_000;
  }
  return t;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

type DateParser = (text: string) => number | null;

const NAMED_FORMATS: Record<string, DateParser> = {
  strict_date_optional_time: (t) => isoToMillis(t, true),
  date_optional_time: (t) => isoToMillis(t, false),
  strict_date_optional_time_nanos: (t) => isoToMillis(t, true),
  strict_date_time: (t) => (/T\d{2}:\d{2}:\d{2}\.\d+(Z|[+-])/.test(t) ? isoToMillis(t, true) : null),
  date_time: (t) => (/T\d{2}:\d{2}:\d{2}\.\d+(Z|[+-])/.test(t) ? isoToMillis(t, false) : null),
  strict_date_time_no_millis: (t) => (/T\d{2}:\d{2}:\d{2}(Z|[+-])/.test(t) ? isoToMillis(t, true) : null),
  strict_date: (t) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? isoToMillis(t, true) : null),
  date: (t) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? isoToMillis(t, true) : null),
  strict_date_hour_minute_second: (t) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(t) ? isoToMillis(t, true) : null),
  date_hour_minute_second: (t) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(t) ? isoToMillis(t, true) : null),
  basic_date: (t) => (/^\d{8}$/.test(t) ? isoToMillis(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6)}`, true) : null),
  epoch_millis: (t) => (/^-?\d+(\.\d+)?$/.test(t) ? Math.trunc(Number(t)) : null),
  epoch_second: (t) => (/^-?\d+(\.\d+)?$/.test(t) ? Math.trunc(Number(t) * 1000) : null),
};

/** Compiles a simple Java date pattern (yyyy-MM-dd HH:mm:ss.SSS, quoted literals, X/Z zones). */
function compilePattern(pattern: string): DateParser {
  let re = '';
  const groups: string[] = [];
  const tokenRe = /'([^']*)'|(yyyy|uuuu|MM|dd|HH|mm|ss|SSS|XXX|XX|X|Z)|([^A-Za-z'])|([A-Za-z]+)/g;
  let m: RegExpExecArray | null;
  while ((m = tokenRe.exec(pattern)) !== null) {
    if (m[1] !== undefined) re += m[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (m[2]) {
      groups.push(m[2]);
      re += m[2].startsWith('X') || m[2] === 'Z' ? '(Z|[+-]\\d{2}:?\\d{2})' : m[2] === 'SSS' ? '(\\d{3})' : m[2].length === 4 ? '(\\d{4})' : '(\\d{2})';
    } else if (m[3]) re += m[3].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else throw unsupported(`date format pattern [${pattern}]`);
  }
  const compiled = new RegExp(`^${re}$`);
  return (text) => {
    const mm = compiled.exec(text);
    if (!mm) return null;
    const parts: Record<string, string> = {};
    groups.forEach((g, i) => (parts[g] = mm[i + 1]));
    const year = parts.yyyy ?? parts.uuuu ?? '1970';
    const iso = `${year}-${parts.MM ?? '01'}-${parts.dd ?? '01'}T${parts.HH ?? '00'}:${parts.mm ?? '00'}:${parts.ss ?? '00'}.${parts.SSS ?? '000'}`;
    const zone = parts.XXX ?? parts.XX ?? parts.X ?? parts.Z ?? 'Z';
    return isoToMillis(iso + zone, true);
  };
}

export interface DateFormat {
  text: string;
  parsers: DateParser[];
}

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

export function compileDateFormat(format: string | undefined): DateFormat {
  const text = format ?? DEFAULT_DATE_FORMAT;
  const parsers = text.split('||').map((part) => {
    const name = part.trim();
    return NAMED_FORMATS[name] ?? compilePattern(name);
  });
  return { text, parsers };
}

export function parseDate(value: unknown, format: DateFormat): number {
  if (typeof value === 'number') {
    if (format.parsers.includes(NAMED_FORMATS.epoch_second)) return Math.trunc(value * 1000);
    return Math.trunc(value);
  }
  if (typeof value !== 'string') throw new ValueError(`failed to parse date field [${String(value)}] with format [${format.text}]`);
  for (const parser of format.parsers) {
    const t = parser(value);
    if (t !== null && Number.isFinite(t)) return t;
  }
  throw new ValueError(`failed to parse date field [${value}] with format [${format.text}]`);
}

const MATH_UNITS = new Set(['y', 'M', 'w', 'd', 'h', 'H', 'm', 's']);

/** Date math: `now`, `now-1d/d`, `2020-01-01||+1M`. `roundUp` is used for gt and lte bounds. */
export function parseDateMath(value: unknown, format: DateFormat, roundUp: boolean, now = Date.now()): number {
  if (typeof value !== 'string') return parseDate(value, format);
  let base: number;
  let math: string;
  if (value.startsWith('now')) {
    base = now;
    math = value.slice(3);
  } else {
    const idx = value.indexOf('||');
    if (idx < 0) return parseDate(value, format);
    base = parseDate(value.slice(0, idx), format);
    math = value.slice(idx + 2);
  }
  const d = new Date(base);
  let i = 0;
  while (i < math.length) {
    const op = math[i++];
    if (op === '/') {
      const unit = math[i++];
      if (!MATH_UNITS.has(unit)) throw new ValueError(`operator not supported for date math [${value}]`);
      roundDate(d, unit, roundUp);
    } else if (op === '+' || op === '-') {
      const numMatch = /^\d*/.exec(math.slice(i)) as RegExpExecArray;
      const n = numMatch[0] === '' ? 1 : Number(numMatch[0]);
      i += numMatch[0].length;
      const unit = math[i++];
      if (!MATH_UNITS.has(unit)) throw new ValueError(`unit [${unit}] not supported for date math [${value}]`);
      addUnits(d, unit, op === '+' ? n : -n);
    } else {
      throw new ValueError(`operator not supported for date math [${value}]`);
    }
  }
  return d.getTime();
}

function addUnits(d: Date, unit: string, n: number): void {
  switch (unit) {
    case 'y': d.setUTCFullYear(d.getUTCFullYear() + n); break;
    case 'M': d.setUTCMonth(d.getUTCMonth() + n); break;
    case 'w': d.setUTCDate(d.getUTCDate() + 7 * n); break;
    case 'd': d.setUTCDate(d.getUTCDate() + n); break;
    case 'h': case 'H': d.setUTCHours(d.getUTCHours() + n); break;
    case 'm': d.setUTCMinutes(d.getUTCMinutes() + n); break;
    default: d.setUTCSeconds(d.getUTCSeconds() + n);
  }
}

function roundDate(d: Date, unit: string, up: boolean): void {
  const start = new Date(d.getTime());
  switch (unit) {
    case 'y': start.setUTCMonth(0, 1); start.setUTCHours(0, 0, 0, 0); break;
    case 'M': start.setUTCDate(1); start.setUTCHours(0, 0, 0, 0); break;
    case 'w': {
      const dow = (start.getUTCDay() + 6) % 7;
      start.setUTCDate(start.getUTCDate() - dow);
      start.setUTCHours(0, 0, 0, 0);
      break;
    }
    case 'd': start.setUTCHours(0, 0, 0, 0); break;
    case 'h': case 'H': start.setUTCMinutes(0, 0, 0); break;
    case 'm': start.setUTCSeconds(0, 0); break;
    default: start.setUTCMilliseconds(0);
  }
  if (up) {
    addUnits(start, unit, 1);
    start.setTime(start.getTime() - 1);
  }
  d.setTime(start.getTime());
}

/** Dynamic date detection (`date_detection`): the default dynamic_date_formats. */
export function looksLikeDate(text: string): boolean {
  if (isoToMillis(text, true) !== null && /^\d{4}-\d{2}-\d{2}/.test(text)) return true;
  return /^\d{4}\/\d{2}\/\d{2}( \d{2}:\d{2}:\d{2})?$/.test(text);
}
