/**
 * Rate limits and credits: validation and the calendar of refills. Pure logic, no Kuzzle import.
 *
 * - `ratelimits: [{ limit, window }]`: fixed windows aligned on multiples of `window` since the epoch.
 * - `credits: { remaining, refill?: { amount, interval } }`: `interval` is `daily` (00:00 UTC), `monthly` (the 1st,
 *   00:00 UTC) or a duration counted from when the credits were last set. A refill sets `remaining` to `amount`.
 */
import { ApiKeyError } from './errors';
import { parseDuration } from './expiry';

export interface RateLimit {
  limit: number;
  /** ms */
  window: number;
}

export interface Refill {
  amount: number;
  /** 'daily', 'monthly', or a duration in ms */
  interval: 'daily' | 'monthly' | number;
}

export interface Credits {
  /** what was set last (create, update, or the last flush of uses) */
  remaining: number;
  refill: Refill | null;
  /** when the credits were last set by create or update (names their counter, starts ms intervals) */
  setAt: number;
  /** the refill period `remaining` belongs to (see refillPeriod) */
  period: number;
}

/** credits as a client sets them */
export type CreditsInput = Pick<Credits, 'remaining' | 'refill'>;

export const MAX_RATELIMITS = 5;
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 366 * 24 * 3600 * 1000;
const MAX_COUNT = 1_000_000_000;
const DAY_MS = 24 * 3600 * 1000;

function bad(message: string): never {
  throw new ApiKeyError('invalid_argument', message);
}

/** HTTP query strings carry objects as JSON text (the SDK encodes them so). */
function fromJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try { return JSON.parse(value); } catch { return value; }
}

function count(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_COUNT) bad(`Invalid argument "${name}": expected an integer between ${min} and ${MAX_COUNT}.`);
  return v;
}

function duration(name: string, v: unknown, min: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : undefined;
  if (n === undefined || !Number.isInteger(n) || n < min || n > MAX_WINDOW_MS) {
    bad(`Invalid argument "${name}": expected a duration between ${min} ms and 366 days (ms or a string such as "1m").`);
  }
  return n;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** undefined (not given), null (no limit), or the windows in ms; duplicated windows are refused. */
export function validateRatelimits(value: unknown): RateLimit[] | null | undefined {
  const v = fromJson(value);
  if (v === undefined || v === null) return v;
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_RATELIMITS) {
    bad(`Invalid argument "ratelimits": expected null or 1 to ${MAX_RATELIMITS} entries { limit, window }.`);
  }
  const out = v.map((entry, i) => {
    if (!isPlainObject(entry) || Object.keys(entry).some((k) => k !== 'limit' && k !== 'window')) bad(`Invalid argument "ratelimits[${i}]": expected { limit, window }.`);
    return { limit: count(`ratelimits[${i}].limit`, entry.limit, 1), window: duration(`ratelimits[${i}].window`, entry.window, MIN_WINDOW_MS) };
  });
  if (new Set(out.map((r) => r.window)).size !== out.length) bad('Invalid argument "ratelimits": two entries have the same window.');
  return out.sort((a, b) => a.window - b.window);
}

/** undefined (not given), null (no credits), or `{ remaining, refill }` (setAt filled by the caller). */
export function validateCredits(value: unknown): CreditsInput | null | undefined {
  const v = fromJson(value);
  if (v === undefined || v === null) return v;
  if (!isPlainObject(v) || Object.keys(v).some((k) => k !== 'remaining' && k !== 'refill')) bad('Invalid argument "credits": expected { remaining, refill? }.');
  const remaining = count('credits.remaining', v.remaining, 0);
  if (v.refill === undefined || v.refill === null) return { remaining, refill: null };
  const r = v.refill;
  if (!isPlainObject(r) || Object.keys(r).some((k) => k !== 'amount' && k !== 'interval')) bad('Invalid argument "credits.refill": expected { amount, interval }.');
  const amount = count('credits.refill.amount', r.amount, 1);
  const interval = r.interval === 'daily' || r.interval === 'monthly' ? r.interval : duration('credits.refill.interval', r.interval, 1000);
  return { remaining, refill: { amount, interval } };
}

/**
 * Which refill period `now` falls in: a number that grows by one at each refill. Credits set in an earlier period
 * than the current one are refilled (lazily, at the next use or read).
 */
export function refillPeriod(refill: Refill | null, setAt: number, now: number): number {
  if (!refill) return 0;
  if (refill.interval === 'daily') return Math.floor(now / DAY_MS);
  if (refill.interval === 'monthly') {
    const d = new Date(now);
    return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
  }
  return Math.floor(Math.max(0, now - setAt) / refill.interval);
}

/** The start of the fixed window `now` is in, and when it ends. */
export function windowOf(window: number, now: number): { index: number; endsAt: number } {
  const index = Math.floor(now / window);
  return { index, endsAt: (index + 1) * window };
}

/**
 * A key-authenticated caller gives a child limits and credits at or below its own: for every window the parent
 * limits, a child limit on the same window is not higher; child credits never exceed what the parent has, nor refill
 * more or when the parent does not.
 */
export function withinParentLimits(
  child: { ratelimits: RateLimit[] | null; credits: CreditsInput | null },
  parent: { ratelimits: RateLimit[] | null; credits: CreditsInput | null },
  parentRemaining: number | null,
): boolean {
  for (const p of parent.ratelimits ?? []) {
    const c = child.ratelimits?.find((r) => r.window === p.window);
    if (c && c.limit > p.limit) return false;
  }
  if (parent.credits) {
    if (!child.credits) return true; // the parent's credits still count every use of the child
    if (child.credits.remaining > (parentRemaining ?? parent.credits.remaining)) return false;
    if (child.credits.refill) {
      const p = parent.credits.refill;
      if (!p || child.credits.refill.amount > p.amount || intervalLength(child.credits.refill.interval) < intervalLength(p.interval)) return false;
    }
  }
  return true;
}

/** How often a refill comes, at least (a month is never shorter than 28 days): a child never refills more often. */
function intervalLength(interval: Refill['interval']): number {
  if (interval === 'daily') return DAY_MS;
  if (interval === 'monthly') return 28 * DAY_MS;
  return interval;
}

/** Credits as stored when a client sets them at `now`. */
export function creditsAt(input: CreditsInput, now: number): Credits {
  return { remaining: input.remaining, refill: input.refill, setAt: now, period: refillPeriod(input.refill, now, now) };
}

/** What is left now, from a stored value (a refill due since is applied). */
export function remainingAt(credits: Credits, now: number): number {
  return credits.refill && refillPeriod(credits.refill, credits.setAt, now) > credits.period ? credits.refill.amount : credits.remaining;
}
