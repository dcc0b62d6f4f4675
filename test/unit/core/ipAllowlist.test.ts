import { clientIp, ipAllowed, isIpSubset, normalizeIp, parseCidr, validateAllowedIps } from '../../../lib/core/ipAllowlist';

describe('IP allowlists', () => {
  it('normalises IPv4-mapped IPv6 and brackets, refuses what is not an address', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('203.0.113.9:443')).toBeNull();
    expect(normalizeIp('example.com')).toBeNull();
    expect(normalizeIp('')).toBeNull();
  });

  it('parses addresses and ranges, and refuses malformed ones', () => {
    expect(parseCidr('203.0.113.0/24')).toEqual({ address: '203.0.113.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr('198.51.100.7')).toEqual({ address: '198.51.100.7', prefix: 32, family: 'ipv4' });
    expect(parseCidr('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/8/8', '10.0.0.0/-1', '10.0.0.0/', '10.0.0/8', 'a.b.c.d', '::ffff:10.0.0.0/64']) {
      expect(parseCidr(bad)).toBeNull();
    }
  });

  it('validates allowedIps into canonical form, 400 on a malformed entry', () => {
    expect(validateAllowedIps(undefined)).toBeUndefined();
    expect(validateAllowedIps(null)).toBeNull();
    expect(validateAllowedIps(['203.0.113.0/24', '::ffff:198.51.100.7', '198.51.100.7'])).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect(validateAllowedIps('10.0.0.1, 10.0.0.2')).toEqual(['10.0.0.1', '10.0.0.2']);
    for (const bad of [[], ['10.0.0.0/33'], [42], 'x', {}, Array(101).fill('10.0.0.1')]) {
      expect(() => validateAllowedIps(bad)).toThrow(expect.objectContaining({ id: 'plugin.api-keys.invalid_argument' }));
    }
  });

  it('matches v4, v6 and mapped addresses with net.BlockList', () => {
    const list = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'];
    expect(ipAllowed(list, '203.0.113.200')).toBe(true);
    expect(ipAllowed(list, '::ffff:203.0.113.5')).toBe(true);
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(list, '198.51.100.8')).toBe(false);
    expect(ipAllowed(list, '2001:db9::1')).toBe(false);
    expect(ipAllowed(list, null)).toBe(false);
    expect(ipAllowed(list, 'garbage')).toBe(false);
  });

  it('tells whether a child list stays inside its parent', () => {
    expect(isIpSubset(['203.0.113.0/25', '203.0.113.7'], ['203.0.113.0/24'])).toBe(true);
    expect(isIpSubset(['203.0.112.0/23'], ['203.0.113.0/24', '203.0.112.0/24'])).toBe(false);
    expect(isIpSubset(['2001:db8:1::/48'], ['2001:db8::/32'])).toBe(true);
    expect(isIpSubset(['10.0.0.1'], ['2001:db8::/32'])).toBe(false);
  });

  it('finds the client: from the right, skipping trusted proxies only', () => {
    // hops: X-Forwarded-For entries, then the peer
    expect(clientIp(['1.2.3.4', '10.0.0.5'], [])).toBe('10.0.0.5');
    expect(clientIp(['1.2.3.4', '10.0.0.5'], ['10.0.0.0/8'])).toBe('1.2.3.4');
    // a forged entry left of a real client is ignored: the first untrusted address from the right wins
    expect(clientIp(['203.0.113.1', '1.2.3.4', '10.0.0.5'], ['10.0.0.0/8'])).toBe('1.2.3.4');
    expect(clientIp(['10.0.0.9', '10.0.0.5'], ['10.0.0.0/8'])).toBe('10.0.0.9');
    expect(clientIp(['not-an-ip', '10.0.0.5'], ['10.0.0.0/8'])).toBeNull();
    expect(clientIp(['::ffff:1.2.3.4', '::ffff:10.0.0.5'], ['10.0.0.0/8'])).toBe('1.2.3.4');
    expect(clientIp([], [])).toBeNull();
  });
});

describe('addresses as uWebSockets reports them', () => {
  it('reads the expanded IPv4-mapped form of a dual-stack socket as IPv4', () => {
    expect(normalizeIp('0000:0000:0000:0000:0000:ffff:7f00:0004')).toBe('127.0.0.4');
    expect(normalizeIp('0000:0000:0000:0000:0000:0000:0000:0001')).toBe('::1');
    expect(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0005')).toBe('2001:db8::5');
    expect(ipAllowed(['127.0.0.3'], '0000:0000:0000:0000:0000:ffff:7f00:0003')).toBe(true);
  });
});
