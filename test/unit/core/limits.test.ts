import { creditsAt, refillPeriod, remainingAt, validateCredits, validateRatelimits, windowOf, withinParentLimits } from '../../../lib/core/limits';

const invalid = expect.objectContaining({ id: 'plugin.api-keys.invalid_argument' });

describe('rate limits and credits', () => {
  it('reads ratelimits (ms strings, JSON text from query strings) and refuses bad ones', () => {
    expect(validateRatelimits([{ limit: 1000, window: '1h' }, { limit: 10, window: 1000 }])).toEqual([{ limit: 10, window: 1000 }, { limit: 1000, window: 3600000 }]);
    expect(validateRatelimits('[{"limit":5,"window":"1s"}]')).toEqual([{ limit: 5, window: 1000 }]);
    expect(validateRatelimits(null)).toBeNull();
    for (const bad of [[], [{ limit: 0, window: 1000 }], [{ limit: 1, window: 10 }], [{ limit: 1, window: 'soon' }], [{ limit: 1.5, window: 1000 }],
      [{ limit: 1, window: 1000, burst: 2 }], [{ limit: 1, window: 1000 }, { limit: 2, window: '1s' }], {}, 'x']) {
      expect(() => validateRatelimits(bad)).toThrow(invalid);
    }
  });

  it('reads credits and refills, and refuses bad ones', () => {
    expect(validateCredits({ remaining: 3 })).toEqual({ remaining: 3, refill: null });
    expect(validateCredits({ remaining: 0, refill: { amount: 10, interval: 'daily' } })).toEqual({ remaining: 0, refill: { amount: 10, interval: 'daily' } });
    expect(validateCredits({ remaining: 1, refill: { amount: 2, interval: '2s' } })).toEqual({ remaining: 1, refill: { amount: 2, interval: 2000 } });
    for (const bad of [{ remaining: -1 }, { remaining: 1, refill: { amount: 0, interval: 'daily' } }, { remaining: 1, refill: { amount: 1, interval: 'weekly' } },
      { remaining: 1, extra: 1 }, { remaining: '3' }, [], 'x']) {
      expect(() => validateCredits(bad)).toThrow(invalid);
    }
  });

  it('aligns windows on the epoch and counts refill periods (UTC days, months, durations from setAt)', () => {
    expect(windowOf(1000, 12345)).toEqual({ index: 12, endsAt: 13000 });
    const day = 24 * 3600 * 1000;
    expect(refillPeriod({ amount: 1, interval: 'daily' }, 0, 3 * day + 5)).toBe(3);
    expect(refillPeriod({ amount: 1, interval: 'monthly' }, 0, Date.UTC(1971, 1, 1))).toBe(13);
    expect(refillPeriod({ amount: 1, interval: 2000 }, 10_000, 13_999)).toBe(1);
    expect(refillPeriod(null, 0, 99)).toBe(0);
  });

  it('applies a refill due since the last write: it sets, it does not add', () => {
    const credits = creditsAt({ remaining: 1, refill: { amount: 5, interval: 2000 } }, 10_000);
    expect(remainingAt({ ...credits, remaining: 0 }, 11_000)).toBe(0);
    expect(remainingAt({ ...credits, remaining: 0 }, 12_000)).toBe(5);
  });

  it('keeps a child at or below its parent', () => {
    const parent = { ratelimits: [{ limit: 10, window: 1000 }], credits: { remaining: 5, refill: { amount: 5, interval: 'daily' as const } } };
    expect(withinParentLimits({ ratelimits: [{ limit: 10, window: 1000 }], credits: { remaining: 5, refill: null } }, parent, 5)).toBe(true);
    expect(withinParentLimits({ ratelimits: [{ limit: 11, window: 1000 }], credits: null }, parent, 5)).toBe(false);
    expect(withinParentLimits({ ratelimits: null, credits: { remaining: 4, refill: null } }, parent, 3)).toBe(false);
    expect(withinParentLimits({ ratelimits: null, credits: { remaining: 1, refill: { amount: 6, interval: 'daily' } } }, parent, 5)).toBe(false);
    expect(withinParentLimits({ ratelimits: null, credits: null }, parent, 0)).toBe(true);
    // never a refill more often than the parent's
    expect(withinParentLimits({ ratelimits: null, credits: { remaining: 1, refill: { amount: 5, interval: 1000 } } }, parent, 5)).toBe(false);
    expect(withinParentLimits({ ratelimits: null, credits: { remaining: 1, refill: { amount: 5, interval: 'monthly' } } }, parent, 5)).toBe(true);
  });
});
