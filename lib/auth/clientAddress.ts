/**
 * Which address a request came from, as Kuzzle's protocols report it:
 * - HTTP: `connection.ips` is `[peer, ...X-Forwarded-For]`;
 * - WebSocket: `connection.ips` is `[peer]`, and the upgrade request's headers are in `connection.misc.headers`.
 * `X-Forwarded-For` only counts through the proxies listed in `trustedProxies` (see clientIp).
 */
import type { KuzzleRequest } from 'kuzzle';
import { clientIp } from '../core/ipAllowlist';

function splitHeader(header: unknown): string[] {
  return typeof header === 'string' ? header.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
}

/**
 * The X-Forwarded-For entries, or null when they cannot be told: Kuzzle's HTTP `ips` come from the header's first
 * line while its headers object keeps the last one, so a request with several lines (a client's forged line, then
 * the proxy's) gives two answers. Then the address is unknown (refused by any allowlist).
 */
function forwardedFor(connection: any): string[] | null {
  const ips: unknown = connection?.ips;
  const fromHeaders = splitHeader(connection?.misc?.headers?.['x-forwarded-for']);
  if (!Array.isArray(ips) || ips.length <= 1) return fromHeaders;
  const fromIps = ips.slice(1).map(String);
  if (fromHeaders.length > 0 && fromHeaders.join(',') !== fromIps.join(',')) return null;
  return fromIps;
}

/** The hops a request went through, client side first, the peer that connected to Kuzzle last. */
export function hopsOf(request: KuzzleRequest): string[] {
  const connection = request.context?.connection as any;
  const peer = Array.isArray(connection?.ips) && typeof connection.ips[0] === 'string' ? connection.ips[0] : null;
  const forwarded = forwardedFor(connection);
  if (peer === null || forwarded === null) return [];
  return [...forwarded, peer];
}

/** The client's address, or null when it cannot be told (then no allowlist matches: fail closed). */
export function clientIpOf(request: KuzzleRequest, trustedProxies: readonly string[]): string | null {
  return clientIp(hopsOf(request), trustedProxies);
}
