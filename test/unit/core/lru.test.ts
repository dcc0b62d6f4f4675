import { LruCache } from '../../../lib/core/lru';

describe('LruCache', () => {
  it('stores and reads values', () => {
    const c = new LruCache<string, number>(3);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    expect(c.get('b')).toBe(2);
    expect(c.get('z')).toBeUndefined();
    expect(c.has('a')).toBe(true);
    expect(c.has('z')).toBe(false);
    expect(c.size).toBe(2);
  });

  it('overwrites a key without growing', () => {
    const c = new LruCache<string, number>(3);
    c.set('a', 1);
    c.set('a', 2);
    expect(c.get('a')).toBe(2);
    expect(c.size).toBe(1);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const c = new LruCache<string, number>(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    c.set('d', 4);
    expect(c.size).toBe(3);
    expect(c.has('a')).toBe(false);
    expect([...c.keys()]).toEqual(['b', 'c', 'd']);
  });

  it('get refreshes recency', () => {
    const c = new LruCache<string, number>(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect(c.get('a')).toBe(1);
    c.set('d', 4);
    expect(c.has('b')).toBe(false);
    expect([...c.keys()]).toEqual(['c', 'a', 'd']);
  });

  it('set refreshes recency', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 10);
    c.set('c', 3);
    expect([...c.keys()]).toEqual(['a', 'c']);
    expect(c.get('a')).toBe(10);
  });

  it('has does not refresh recency', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.has('a')).toBe(true);
    c.set('c', 3);
    expect(c.has('a')).toBe(false);
  });

  it('stores nothing with maxEntries 0', () => {
    const c = new LruCache<string, number>(0);
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
    expect(c.has('a')).toBe(false);
    expect(c.size).toBe(0);
    expect([...c.keys()]).toEqual([]);
  });

  it('keeps a single entry with maxEntries 1', () => {
    const c = new LruCache<number, string>(1);
    c.set(1, 'one');
    c.set(2, 'two');
    expect(c.get(1)).toBeUndefined();
    expect(c.get(2)).toBe('two');
  });

  it('deletes and clears', () => {
    const c = new LruCache<string, number>(5);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.delete('a')).toBe(true);
    expect(c.delete('a')).toBe(false);
    expect(c.size).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get('b')).toBeUndefined();
  });

  it('can cache falsy values', () => {
    const c = new LruCache<string, unknown>(5);
    c.set('zero', 0);
    c.set('null', null);
    c.set('false', false);
    expect(c.get('zero')).toBe(0);
    expect(c.get('null')).toBeNull();
    expect(c.get('false')).toBe(false);
    expect(c.has('null')).toBe(true);
  });

  describe('ttl', () => {
    let now = 0;
    const clock = (): number => now;
    beforeEach(() => {
      now = 1000;
    });

    it('expires entries ttlMs after they were set', () => {
      const c = new LruCache<string, number>(10, 100, clock);
      c.set('a', 1);
      now = 1099;
      expect(c.get('a')).toBe(1);
      now = 1100;
      expect(c.get('a')).toBeUndefined();
      // the expired entry was removed
      expect(c.size).toBe(0);
    });

    it('has removes expired entries', () => {
      const c = new LruCache<string, number>(10, 100, clock);
      c.set('a', 1);
      now = 1200;
      expect(c.size).toBe(1);
      expect(c.has('a')).toBe(false);
      expect(c.size).toBe(0);
    });

    it('get does not extend the ttl, set does', () => {
      const c = new LruCache<string, number>(10, 100, clock);
      c.set('a', 1);
      now = 1050;
      expect(c.get('a')).toBe(1);
      now = 1100;
      expect(c.get('a')).toBeUndefined();
      c.set('a', 2);
      now = 1199;
      expect(c.get('a')).toBe(2);
    });

    it('keys() skips expired entries', () => {
      const c = new LruCache<string, number>(10, 100, clock);
      c.set('a', 1);
      now = 1050;
      c.set('b', 2);
      now = 1120;
      expect([...c.keys()]).toEqual(['b']);
    });

    it('ttl 0 or undefined means no expiry', () => {
      const c0 = new LruCache<string, number>(10, 0, clock);
      const cu = new LruCache<string, number>(10, undefined, clock);
      c0.set('a', 1);
      cu.set('a', 1);
      now = Number.MAX_SAFE_INTEGER;
      expect(c0.get('a')).toBe(1);
      expect(cu.get('a')).toBe(1);
    });

    it('uses Date.now by default', () => {
      const spy = jest.spyOn(Date, 'now').mockReturnValue(5000);
      try {
        const c = new LruCache<string, number>(10, 100);
        c.set('a', 1);
        spy.mockReturnValue(5100);
        expect(c.get('a')).toBeUndefined();
      } finally {
        spy.mockRestore();
      }
    });
  });

  it('rejects invalid settings', () => {
    expect(() => new LruCache(-1)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
    expect(() => new LruCache(NaN)).toThrow(RangeError);
    expect(() => new LruCache(1, -1)).toThrow(RangeError);
    expect(() => new LruCache(1, Infinity)).toThrow(RangeError);
  });

  it('stays bounded under many insertions', () => {
    const c = new LruCache<number, number>(100);
    for (let i = 0; i < 10000; i++) c.set(i, i);
    expect(c.size).toBe(100);
    expect(c.get(9999)).toBe(9999);
    expect(c.get(9899)).toBeUndefined();
    expect(c.get(9900)).toBe(9900);
  });
});
