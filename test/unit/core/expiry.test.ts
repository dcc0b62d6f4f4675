import {
  MAX_TTL_CAP,
  NEVER,
  assertShortening,
  assertWithinMaxTtl,
  expiresAtFrom,
  isExpired,
  parseDuration,
  parseTtl,
} from '../../../lib/core/expiry';
import { expectApiKeyError } from './helpers';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('parseTtl (plugin mode)', () => {
  it('defaults to never', () => {
    expect(NEVER).toBe(-1);
    expect(parseTtl({})).toBe(NEVER);
    expect(parseTtl({ expiresIn: undefined, secondsUntilExpiration: undefined })).toBe(NEVER);
    expect(parseTtl({ expiresIn: null })).toBe(NEVER);
    expect(parseTtl({ secondsUntilExpiration: null })).toBe(NEVER);
    expect(parseTtl({ expiresIn: null, secondsUntilExpiration: null })).toBe(NEVER);
    expect(parseTtl({}, 'plugin')).toBe(NEVER);
  });

  describe('expiresIn as a number', () => {
    it.each([
      [-1, NEVER],
      [1, 1],
      [1000, 1000],
      [30 * DAY, 30 * DAY],
    ])('%p → %p', (input, expected) => {
      expect(parseTtl({ expiresIn: input })).toBe(expected);
    });

    it.each([[0], [-2], [-1000], [1.5], [-1.5], [0.5], [NaN], [Infinity], [-Infinity], [-0]])('rejects %p', (input) => {
      const err = expectApiKeyError(() => parseTtl({ expiresIn: input }), 'invalid_expiry');
      expect(err.message).toContain('"expiresIn"');
    });
  });

  describe('expiresIn as a string', () => {
    it.each([
      ['-1', NEVER],
      [' -1 ', NEVER],
      ['1000', 1000],
      ['007', 7],
      ['30d', 30 * DAY],
      ['1h', HOUR],
      ['1.5h', 1.5 * HOUR],
      ['2 days', 2 * DAY],
      ['15m', 15 * 60 * 1000],
      ['10s', 10000],
      ['1y', 365.25 * DAY],
      ['  12h ', 12 * HOUR],
      ['500ms', 500],
      ['1.5', undefined],
    ])('%j → %p', (input, expected) => {
      if (expected === undefined) {
        expectApiKeyError(() => parseTtl({ expiresIn: input }), 'invalid_expiry');
      } else {
        expect(parseTtl({ expiresIn: input })).toBe(expected);
      }
    });

    it.each([
      ['0'],
      ['-0'],
      ['-2'],
      ['0.5ms'],
      ['0ms'],
      ['0d'],
      ['-1d'],
      ['-1ms'],
      [''],
      ['   '],
      ['abc'],
      ['30 fortnights'],
      ['+5'],
      ['1e3'],
      ['Infinity'],
      ['NaN'],
      ['9'.repeat(30)],
      ['1'.repeat(200) + 'd'],
    ])('rejects %j', (input) => {
      const err = expectApiKeyError(() => parseTtl({ expiresIn: input }), 'invalid_expiry');
      expect(err.message).toContain('"expiresIn"');
    });

    it('names the unparsable value', () => {
      const err = expectApiKeyError(() => parseTtl({ expiresIn: 'abc' }), 'invalid_expiry');
      expect(err.message).toContain('"abc"');
    });
  });

  it.each([[true], [false], [{}], [[]], [['1h']], [BigInt(5)]])('rejects expiresIn of another type: %p', (input) => {
    expectApiKeyError(() => parseTtl({ expiresIn: input }), 'invalid_expiry');
  });

  describe('secondsUntilExpiration', () => {
    it.each([
      [1, 1000],
      [3600, HOUR],
      ['60', 60000],
      [' 60 ', 60000],
    ])('%p → %p', (input, expected) => {
      expect(parseTtl({ secondsUntilExpiration: input })).toBe(expected);
    });

    it.each([[0], [-1], [-5], [1.5], [NaN], [Infinity], ['0'], ['-1'], ['1.5'], ['1h'], [''], ['abc'], [true], [{}], [[]]])(
      'rejects %p',
      (input) => {
        const err = expectApiKeyError(() => parseTtl({ secondsUntilExpiration: input }), 'invalid_expiry');
        expect(err.message).toContain('"secondsUntilExpiration"');
      },
    );
  });

  it('rejects both arguments together', () => {
    const err = expectApiKeyError(() => parseTtl({ expiresIn: '1h', secondsUntilExpiration: 60 }), 'invalid_expiry');
    expect(err.message).toContain('expiresIn');
    expect(err.message).toContain('secondsUntilExpiration');
    expectApiKeyError(() => parseTtl({ expiresIn: -1, secondsUntilExpiration: 60 }), 'invalid_expiry');
    // in plugin mode, 0 is "given" (and invalid): still both
    expectApiKeyError(() => parseTtl({ expiresIn: 0, secondsUntilExpiration: 60 }), 'invalid_expiry');
  });

  it('a null argument does not count as given', () => {
    expect(parseTtl({ expiresIn: '1h', secondsUntilExpiration: null })).toBe(HOUR);
    expect(parseTtl({ expiresIn: null, secondsUntilExpiration: 10 })).toBe(10000);
  });

  it('caps the lifetime at 100 years', () => {
    expect(MAX_TTL_CAP).toBe(100 * 365.25 * DAY);
    expect(parseTtl({ expiresIn: MAX_TTL_CAP })).toBe(MAX_TTL_CAP);
    expect(parseTtl({ expiresIn: '100y' })).toBe(MAX_TTL_CAP);
    expectApiKeyError(() => parseTtl({ expiresIn: MAX_TTL_CAP + 1 }), 'invalid_expiry');
    expectApiKeyError(() => parseTtl({ expiresIn: '101y' }), 'invalid_expiry');
    expectApiKeyError(() => parseTtl({ expiresIn: Number.MAX_SAFE_INTEGER }), 'invalid_expiry');
    expectApiKeyError(() => parseTtl({ secondsUntilExpiration: MAX_TTL_CAP / 1000 + 1 }), 'invalid_expiry');
    expect(parseTtl({ secondsUntilExpiration: MAX_TTL_CAP / 1000 })).toBe(MAX_TTL_CAP);
  });

  it('tolerates a missing input object', () => {
    expect(parseTtl(undefined as unknown as object)).toBe(NEVER);
  });
});

describe('parseTtl (native mode)', () => {
  it.each([[0], [''], [null], [undefined], [false], ['0'], [' 0 '], ['00'], [-0]])('falsy expiresIn %p → never', (input) => {
    expect(parseTtl({ expiresIn: input }, 'native')).toBe(NEVER);
  });

  it('parses other values like plugin mode', () => {
    expect(parseTtl({ expiresIn: -1 }, 'native')).toBe(NEVER);
    expect(parseTtl({ expiresIn: '-1' }, 'native')).toBe(NEVER);
    expect(parseTtl({ expiresIn: '1h' }, 'native')).toBe(HOUR);
    expect(parseTtl({ expiresIn: 5000 }, 'native')).toBe(5000);
    expect(parseTtl({ expiresIn: '5000' }, 'native')).toBe(5000);
    for (const bad of [-2, 1.5, 'abc', '0.5ms', true, {}, '  ']) {
      expectApiKeyError(() => parseTtl({ expiresIn: bad }, 'native'), 'invalid_expiry');
    }
  });

  it('accepts secondsUntilExpiration too', () => {
    expect(parseTtl({ secondsUntilExpiration: 30 }, 'native')).toBe(30000);
    // a falsy expiresIn is not given
    expect(parseTtl({ expiresIn: 0, secondsUntilExpiration: 30 }, 'native')).toBe(30000);
    expectApiKeyError(() => parseTtl({ expiresIn: '1h', secondsUntilExpiration: 30 }, 'native'), 'invalid_expiry');
    expectApiKeyError(() => parseTtl({ secondsUntilExpiration: 0 }, 'native'), 'invalid_expiry');
  });
});

describe('parseDuration', () => {
  it('parses ms strings and returns undefined otherwise', () => {
    expect(parseDuration('1h')).toBe(HOUR);
    expect(parseDuration(' 2d ')).toBe(2 * DAY);
    expect(parseDuration('100')).toBe(100);
    expect(parseDuration('-1')).toBe(-1);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('x'.repeat(200))).toBeUndefined();
  });
});

describe('expiresAtFrom', () => {
  it('adds the ttl to now, or stays never', () => {
    expect(expiresAtFrom(NEVER, 1000)).toBe(NEVER);
    expect(expiresAtFrom(500, 1000)).toBe(1500);
  });
});

describe('assertWithinMaxTtl', () => {
  it('accepts anything without a limit', () => {
    expect(() => assertWithinMaxTtl(NEVER, -1)).not.toThrow();
    expect(() => assertWithinMaxTtl(MAX_TTL_CAP, -1)).not.toThrow();
  });

  it('refuses never-expiring keys under a limit', () => {
    const err = expectApiKeyError(() => assertWithinMaxTtl(NEVER, HOUR), 'invalid_expiry');
    expect(err.message).toContain(String(HOUR));
  });

  it('refuses lifetimes over the limit, giving both values', () => {
    expect(() => assertWithinMaxTtl(HOUR, HOUR)).not.toThrow();
    expect(() => assertWithinMaxTtl(1, HOUR)).not.toThrow();
    const err = expectApiKeyError(() => assertWithinMaxTtl(HOUR + 1, HOUR), 'invalid_expiry');
    expect(err.message).toContain(String(HOUR + 1));
    expect(err.message).toContain(String(HOUR));
  });
});

describe('isExpired', () => {
  it('never expires NEVER', () => {
    expect(isExpired(NEVER, 0)).toBe(false);
    expect(isExpired(NEVER, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('is expired from the millisecond of expiresAt on', () => {
    expect(isExpired(1000, 999)).toBe(false);
    expect(isExpired(1000, 1000)).toBe(true);
    expect(isExpired(1000, 1001)).toBe(true);
  });
});

describe('assertShortening', () => {
  it('allows any expiry on a never-expiring key', () => {
    expect(() => assertShortening(1000, NEVER)).not.toThrow();
    expect(() => assertShortening(NEVER, NEVER)).not.toThrow();
  });

  it('allows the same or an earlier expiry', () => {
    expect(() => assertShortening(1000, 1000)).not.toThrow();
    expect(() => assertShortening(999, 1000)).not.toThrow();
  });

  it('refuses a later expiry or never', () => {
    const later = expectApiKeyError(() => assertShortening(1001, 1000), 'invalid_expiry');
    expect(later.message).toContain('1001');
    expect(later.message).toContain('1000');
    expectApiKeyError(() => assertShortening(NEVER, 1000), 'invalid_expiry');
  });
});
