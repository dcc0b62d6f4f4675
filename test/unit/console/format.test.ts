import { keyStatus, parseClaims, parseDuration, policiesSummary, relativeTime, validIpRange } from '../../../console/src/format';

const base = { revoked: false, expired: false, expiresAt: -1, previousSecretExpiresAt: null } as any;

describe('console format helpers', () => {
  it('badges: revoked wins over expired; a running rotation grace shows as such', () => {
    expect(keyStatus({ ...base }, 1000)).toBe('valid');
    expect(keyStatus({ ...base, revoked: true, expired: true }, 1000)).toBe('revoked');
    expect(keyStatus({ ...base, expiresAt: 999 }, 1000)).toBe('expired');
    expect(keyStatus({ ...base, previousSecretExpiresAt: 2000 }, 1000)).toBe('grace');
    expect(keyStatus({ ...base, previousSecretExpiresAt: 500 }, 1000)).toBe('valid');
  });

  it('relative times', () => {
    expect(relativeTime(null, 0)).toBe('never');
    expect(relativeTime(1000, 2000)).toBe('just now');
    expect(relativeTime(0, 3 * 3600e3)).toBe('3 hours ago');
    expect(relativeTime(2 * 86400e3, 0)).toBe('in 2 days');
  });

  it('durations as Kuzzle reads them', () => {
    expect(parseDuration('1m')).toBe(60000);
    expect(parseDuration(' 12h ')).toBe(12 * 3600e3);
    expect(parseDuration('0s')).toBeNull();
    expect(parseDuration('12 parsecs')).toBeNull();
  });

  it('IP addresses and CIDR ranges', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '::ffff:127.0.0.1']) expect(validIpRange(ok)).toBe(true);
    for (const bad of ['10.0.0.256', '10.0.0.0/33', '2001:db8::/129', 'example.com', '1.2.3.4/8/9', '1::2::3']) expect(validIpRange(bad)).toBe(false);
  });

  it('claims must be a JSON object', () => {
    expect(parseClaims('')).toEqual({ value: null, error: null });
    expect(parseClaims('{"a":1}').value).toEqual({ a: 1 });
    expect(parseClaims('[1]').error).toMatch(/JSON object/);
    expect(parseClaims('{').error).toMatch(/Not valid JSON/);
  });

  it('summarises policies', () => {
    expect(policiesSummary({ ...base })).toBe('—');
    expect(policiesSummary({ ...base, ratelimits: [{ limit: 5, window: 1000 }], credits: { remaining: 3 }, allowedIps: ['10.0.0.0/8'] }))
      .toBe('5/1s · 3 credits · IPs: 10.0.0.0/8');
  });
});
