/**
 * Which address a request came from, as Kuzzle's protocols report it:
 * - HTTP: `connection.ips` is `[peer, ...X-Forwarded-For]`;
 * - WebSocket: `connection.ips` is `[peer]`, and the upgrade request's headers are in `connection.misc.headers`.
 * `X-Forwarded-For` only counts through the proxies listed in `trustedProxies` (see clientIp).
 */
import type { KuzzleRequest } from 'kuzzle';
import { clientIp } from '../core/ipAllowlist';

function forwardedFor(connection: any): string[] {
  const ips: unknown = connection?.ips;
  if (Array.isArray(ips) && ips.length > 1) return ips.slice(1).map(String);
  const header = connection?.misc?.headers?.['x-forwarded-for'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The hops a request went through, client side first, the peer that connected to Kuzzle last. */
export function hopsOf(request: KuzzleRequest): string[] {
  const connection = request.context?.connection as any;
  const peer = Array.isArray(connection?.ips) && typeof connection.ips[0] === 'string' ? connection.ips[0] : null;
  if (peer === null) return [];
  return [...forwardedFor(connection), peer];
}

/** The client's address, or null when it cannot be told (then no allowlist matches: fail closed). */
export function clientIpOf(request: KuzzleRequest, trustedProxies: readonly string[]): string | null {
  return clientIp(hopsOf(request), trustedProxies);
}
