/**
 * Rate limits and credits on the request path, cluster-wide: one Redis script per request covers every limit and
 * credit of the key and of its ancestors (a child never multiplies its parents' budgets). All or nothing: a refused
 * request counts nowhere and uses no credit. A key without limits or credits, in a chain without any, costs nothing.
 *
 * Redis holds, under one hash tag per user (every key of a chain belongs to one user, so a script's keys share a
 * Redis Cluster slot):
 * - `plugin-api-keys/{<sha256(user)>}/rl/<key id>/<window>/<index>`: uses in one fixed window (expires with it);
 * - `plugin-api-keys/{<sha256(user)>}/credits/<key id>/<setAt>`: `{ remaining, period }`, created from storage when
 *   missing (a flush, a restart, 30 days unused), so counting resumes from the last value written to storage (see
 *   UsageRecorder). New credits (another setAt) start a new counter; a key lowering its own keeps the counter.
 * Windows follow each node's clock: keep the nodes' clocks in sync (NTP), as Kuzzle's own tokens need.
 */
import { KeyHandle, StoredKey, storageIdOf } from '../core/key';
import { Credits, refillPeriod, remainingAt, windowOf } from '../core/limits';
import type { Ask } from '../storage/KeyRepository';

const SCRIPT = 'apiKeysBudget';
const CREDITS_TTL_MS = 30 * 24 * 3600 * 1000;
/**
 * ARGV: R, C, mode, then per rate entry (limit, ttl), then per credit entry (period, refill amount or -1). KEYS: the R
 * window counters, then the C credit hashes. Modes: 'charge' (check, then count everything or nothing), 'peek',
 * 'refund' (ARGV[4]: the period charged: a refill since then is not topped up), 'init' (ARGV[4..6]: remaining,
 * period, ttl; only when missing), 'lower' (ARGV[4]: remaining becomes at most this).
 * Returns {0, remaining...} | {1, rate index} | {2, credit index} | {3, credit index: missing, init it first}.
 */
const LUA = `
local R = tonumber(ARGV[1]) local C = tonumber(ARGV[2]) local mode = ARGV[3]
if mode == 'init' then
  if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('HSET', KEYS[1], 'remaining', ARGV[4], 'period', ARGV[5]) redis.call('PEXPIRE', KEYS[1], ARGV[6])
  end
  return {0}
end
if mode == 'refund' then
  for j = 1, C do if redis.call('HGET', KEYS[R + j], 'period') == ARGV[4] then redis.call('HINCRBY', KEYS[R + j], 'remaining', 1) end end
  return {0}
end
if mode == 'lower' then
  local rem = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '-1')
  if rem > tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], 'remaining', ARGV[4]) end
  return {0}
end
if mode == 'charge' then
  for i = 1, R do
    if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[3 + 2 * i - 1]) then return {1, i} end
  end
end
local out = {0}
for j = 1, C do
  local k = KEYS[R + j]
  local period = tonumber(ARGV[3 + 2 * R + 2 * j - 1]) local amount = tonumber(ARGV[3 + 2 * R + 2 * j])
  local h = redis.call('HMGET', k, 'remaining', 'period')
  if not h[1] then return {3, j} end
  local rem = tonumber(h[1])
  if amount >= 0 and period > tonumber(h[2]) then rem = amount redis.call('HSET', k, 'remaining', rem, 'period', period) end
  if mode == 'charge' and rem <= 0 then return {2, j} end
  out[j + 1] = rem
end
if mode == 'charge' then
  for i = 1, R do redis.call('INCR', KEYS[i]) redis.call('PEXPIRE', KEYS[i], ARGV[3 + 2 * i]) end
  for j = 1, C do
    out[j + 1] = redis.call('HINCRBY', KEYS[R + j], 'remaining', -1) redis.call('PEXPIRE', KEYS[R + j], ARGV[4 + 2 * R + 2 * C])
  end
end
return out
`;

export type Verdict =
  | { ok: true; charge: Charge | null }
  | { ok: false; code: 'rate_limited'; key: StoredKey; retryAfter: number }
  | { ok: false; code: 'usage_exceeded'; key: StoredKey };

/** What a request used: given back when Kuzzle's own limiter refuses it after us (in the same refill period). */
export interface Charge {
  creditKeys: string[];
  periods: number[];
}

/** Redis cannot tell what is left: callers that decide on it refuse (fail closed). */
export class BudgetUnavailableError extends Error {
  constructor(cause: unknown) { super(`rate limits and credits unavailable: ${(cause as Error)?.message ?? cause}`); }
}

/** The uses to write to storage, per key (see UsageRecorder). */
export type CreditsSink = (key: KeyHandle, credits: Credits) => void;

/** `{<sha256(user)>}`: every key of a chain belongs to one user, so a script's keys share one Redis Cluster slot. */
function prefixOf(key: StoredKey): string {
  const sid = storageIdOf(key);
  const cut = sid.indexOf(':');
  return `plugin-api-keys/{${sid.slice(0, cut)}}`;
}

function creditsKey(key: StoredKey): string {
  return `${prefixOf(key)}/credits/${key.keyId}/${(key.credits as Credits).setAt}`;
}

interface Plan {
  keys: string[];
  args: Array<string | number>;
  rates: Array<{ key: StoredKey; endsAt: number }>;
  credits: StoredKey[];
}

export class Budget {
  private defined: Promise<unknown> | null = null;

  constructor(private readonly ask: Ask, private readonly reload: (key: StoredKey) => Promise<StoredKey | null>, private readonly sink: CreditsSink) {}

  /** Whether any key of the chain has limits or credits (otherwise the request path pays nothing). */
  static applies(chain: StoredKey[]): boolean {
    return chain.some((k) => k.ratelimits !== null || k.credits !== null);
  }

  private define(): Promise<unknown> {
    // numberOfKeys undefined: the key count is the first argument (it varies with the chain)
    if (!this.defined) this.defined = this.ask('core:cache:internal:script:define', SCRIPT, undefined, LUA).catch((e) => { this.defined = null; throw e; });
    return this.defined;
  }

  private plan(chain: StoredKey[], now: number, mode: string): Plan {
    const rates: Plan['rates'] = [];
    const rateKeys: string[] = [];
    const rateArgs: number[] = [];
    for (const key of chain) {
      for (const limit of key.ratelimits ?? []) {
        const w = windowOf(limit.window, now);
        rates.push({ key, endsAt: w.endsAt });
        rateKeys.push(`${prefixOf(key)}/rl/${key.keyId}/${limit.window}/${w.index}`);
        rateArgs.push(limit.limit, limit.window);
      }
    }
    const credits = chain.filter((k) => k.credits !== null);
    const creditArgs = credits.flatMap((k) => {
      const c = k.credits as Credits;
      return [refillPeriod(c.refill, c.setAt, now), c.refill ? c.refill.amount : -1];
    });
    return {
      keys: [...rateKeys, ...credits.map(creditsKey)],
      args: [rates.length, credits.length, mode, ...rateArgs, ...creditArgs, CREDITS_TTL_MS],
      rates,
      credits,
    };
  }

  private async run(plan: Plan): Promise<number[]> {
    await this.define();
    return this.ask('core:cache:internal:script:execute', SCRIPT, plan.keys.length, ...plan.keys, ...plan.args);
  }

  /**
   * Credits missing from Redis (a flush, a restart): created from storage, read again first. Returns the fresh key
   * when its credits changed meanwhile (the request then counts against the new ones).
   */
  private async init(key: StoredKey): Promise<StoredKey | null> {
    const fresh = await this.reload(key);
    if (!fresh || !fresh.credits) throw new Error('the key or its credits are gone');
    if (fresh.credits.setAt !== (key.credits as Credits).setAt) return fresh;
    const c = fresh.credits;
    await this.run({ keys: [creditsKey(fresh)], args: [0, 0, 'init', c.remaining, c.period, CREDITS_TTL_MS], rates: [], credits: [] });
    return null;
  }

  /** Counts one use against the key and its ancestors, or says why not. Throws when Redis cannot answer. */
  async charge(chain: StoredKey[], now: number): Promise<Verdict> {
    if (!Budget.applies(chain)) return { ok: true, charge: null };
    let plan = this.plan(chain, now, 'charge');
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = (await this.run(plan)).map(Number);
      const [status, index] = result;
      if (status === 0) {
        plan.credits.forEach((key, j) => {
          const c = key.credits as Credits;
          this.sink(key, { ...c, remaining: result[j + 1], period: refillPeriod(c.refill, c.setAt, now) });
        });
        const periods = plan.credits.map((k) => refillPeriod((k.credits as Credits).refill, (k.credits as Credits).setAt, now));
        return { ok: true, charge: plan.credits.length > 0 ? { creditKeys: plan.credits.map(creditsKey), periods } : null };
      }
      if (status === 1) {
        const { key, endsAt } = plan.rates[index - 1];
        return { ok: false, code: 'rate_limited', key, retryAfter: Math.max(1, endsAt - now) };
      }
      if (status === 2) return { ok: false, code: 'usage_exceeded', key: plan.credits[index - 1] };
      const stale = plan.credits[index - 1];
      const fresh = await this.init(stale);
      if (fresh) {
        chain = chain.map((k) => (k === stale ? fresh : k));
        plan = this.plan(chain, now, 'charge');
      }
    }
    throw new Error('the credits counter could not be initialised');
  }

  /** Gives back the credits of a request refused after us (Kuzzle's per-profile limiter). */
  async refund(charge: Charge): Promise<void> {
    for (let i = 0; i < charge.creditKeys.length; i++) {
      await this.run({ keys: [charge.creditKeys[i]], args: [0, 1, 'refund', charge.periods[i]], rates: [], credits: [] });
    }
  }

  /** A key lowered its own credits: the live counter goes down to it (never up), and keeps counting. */
  async lower(key: StoredKey, remaining: number): Promise<void> {
    if (!key.credits) return;
    await this.run({ keys: [creditsKey(key)], args: [0, 0, 'lower', remaining], rates: [], credits: [] });
  }

  /**
   * What is left now for a key with credits (refill applied), without using any. When Redis cannot answer: the stored
   * value (as of the last flush) for views, or BudgetUnavailableError with `strict` (decisions: verify, key callers).
   */
  async remaining(key: StoredKey, now: number, opts: { strict?: boolean } = {}): Promise<number | null> {
    if (!key.credits) return null;
    try {
      const plan = this.plan([{ ...key, ratelimits: null }], now, 'peek');
      const [status, value] = (await this.run(plan)).map(Number);
      if (status === 0) return value;
    } catch (error) {
      if (opts.strict) throw new BudgetUnavailableError(error);
    }
    return remainingAt(key.credits, now);
  }
}
