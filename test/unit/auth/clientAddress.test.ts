import { clientIpOf, hopsOf } from '../../../lib/auth/clientAddress';

function request(ips: string[], headers: Record<string, string> = {}): any {
  return { context: { connection: { ips, misc: { headers } } } };
}

describe('the client address of a request', () => {
  it('HTTP: [peer, ...X-Forwarded-For]; WebSocket: the peer and the upgrade header', () => {
    expect(hopsOf(request(['10.0.0.5', '1.2.3.4'], { 'x-forwarded-for': '1.2.3.4' }))).toEqual(['1.2.3.4', '10.0.0.5']);
    expect(hopsOf(request(['10.0.0.5'], { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' }))).toEqual(['1.2.3.4', '5.6.7.8', '10.0.0.5']);
    expect(clientIpOf(request(['10.0.0.5'], { 'x-forwarded-for': '1.2.3.4' }), ['10.0.0.0/8'])).toBe('1.2.3.4');
    expect(clientIpOf(request(['10.0.0.5'], { 'x-forwarded-for': '1.2.3.4' }), [])).toBe('10.0.0.5');
  });

  it('several X-Forwarded-For lines (Kuzzle reads the first into ips, the last into headers): unknown, refused', () => {
    // a client's forged line first, the trusted proxy's own line last
    const forged = request(['127.0.0.2', '198.51.100.7'], { 'x-forwarded-for': '203.0.113.9' });
    expect(clientIpOf(forged, ['127.0.0.2'])).toBeNull();
  });

  it('no peer: unknown', () => {
    expect(clientIpOf({ context: { connection: { ips: [] } } } as any, [])).toBeNull();
  });
});
