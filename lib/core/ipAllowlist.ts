/**
 * Per-key IP allowlists: parsing, matching (Node's `net.BlockList`), subsets, and which address a request came from.
 * Pure logic, no Kuzzle import.
 */
import { BlockList, isIP } from 'net';
import { ApiKeyError } from './errors';

export type Family = 'ipv4' | 'ipv6';

export interface Cidr {
  address: string;
  prefix: number;
  family: Family;
}

/** The most entries one key may list: a bound on what each request checks. */
export const MAX_ALLOWED_IPS = 100;

/** IPv6 in its one canonical text form (WHATWG URL serialisation: compressed, lowercase, mapped IPv4 in hex). */
function canonicalIpv6(text: string): string | null {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/**
 * An address as Kuzzle or a header gives it, in canonical form: IPv4-mapped IPv6 (`::ffff:a.b.c.d`, or the
 * expanded hex form uWebSockets reports for IPv4 peers on a dual-stack socket) becomes IPv4; brackets go.
 */
export function normalizeIp(raw: string): string | null {
  let text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  const canonical = canonicalIpv6(text);
  if (canonical === null) return null;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** "203.0.113.0/24", "2001:db8::/32", "198.51.100.7" (a single address), or null when malformed. */
export function parseCidr(entry: string): Cidr | null {
  if (typeof entry !== 'string' || entry.length > 64) return null;
  const [addressPart, prefixPart, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return null;
  const address = normalizeIp(addressPart);
  const mapped = address !== null && isIP(address) === 4 && isIP(addressPart.trim()) === 6;
  if (address === null) return null;
  const family: Family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixPart === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixPart)) return null;
  let prefix = Number(prefixPart);
  // an IPv4-mapped range is written with an IPv6 prefix (::ffff:10.0.0.0/104)
  if (mapped) {
    if (prefix < 96) return null;
    prefix -= 96;
  }
  if (prefix > max) return null;
  return { address, prefix, family };
}

function formatCidr(cidr: Cidr): string {
  const max = cidr.family === 'ipv4' ? 32 : 128;
  return cidr.prefix === max ? cidr.address : `${cidr.address}/${cidr.prefix}`;
}

/**
 * `allowedIps` as a client sent it: undefined (not given), null (no allowlist) or a list of addresses and CIDR
 * ranges, returned in canonical form. Anything else is a 400 `invalid_argument` naming the bad entry.
 */
export function validateAllowedIps(value: unknown): string[] | null | undefined {
  if (value === undefined || value === null) return value;
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ALLOWED_IPS) {
    throw new ApiKeyError('invalid_argument',
      `Invalid argument "allowedIps": expected null or a list of 1 to ${MAX_ALLOWED_IPS} IP addresses or CIDR ranges.`);
  }
  const out: string[] = [];
  for (const entry of list) {
    const cidr = typeof entry === 'string' ? parseCidr(entry) : null;
    if (!cidr) {
      const shown = typeof entry === 'string' ? JSON.stringify(entry.slice(0, 64)) : `a value of type ${typeof entry}`;
      throw new ApiKeyError('invalid_argument',
        `Invalid argument "allowedIps": ${shown} is not an IP address or a CIDR range such as "203.0.113.0/24".`);
    }
    const canonical = formatCidr(cidr);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

const compiled = new WeakMap<readonly string[], BlockList>();

/** The first of a key and its ancestors whose `allowedIps` does not list the address (undefined: all allow it). */
export function refusingAllowlist<K extends { allowedIps: readonly string[] | null }>(chain: readonly K[], ip: string | null): K | undefined {
  return chain.find((k) => k.allowedIps !== null && !ipAllowed(k.allowedIps, ip));
}

/** Whether an address is in a list of addresses and ranges (a key's `allowedIps`, `trustedProxies`). */
export function ipAllowed(entries: readonly string[], ip: string | null): boolean {
  if (ip === null) return false;
  const address = normalizeIp(ip);
  if (address === null) return false;
  let list = compiled.get(entries);
  if (!list) {
    list = blockListOf(entries);
    compiled.set(entries, list);
  }
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** Whether every range of `child` lies inside one range of `parent` (a child key never reaches more addresses). */
export function isIpSubset(child: readonly string[], parent: readonly string[]): boolean {
  const parents = parent.map(parseCidr).filter((c): c is Cidr => c !== null);
  return child.every((entry) => {
    const range = parseCidr(entry);
    return range !== null && parents.some((p) => p.family === range.family && p.prefix <= range.prefix
      && blockListOf([formatCidr(p)]).check(range.address, range.family));
  });
}

/**
 * The client's address. `chain` is the hop order: the `X-Forwarded-For` entries, then the peer that connected to
 * Kuzzle. It is walked from the right, skipping trusted proxies: the first untrusted address is the client (so a
 * client cannot forge its address through a header unless every hop after it is a trusted proxy). When every hop
 * is trusted, the leftmost is the client. A malformed entry reached on the way makes the address unknown (null).
 */
export function clientIp(chain: readonly string[], trustedProxies: readonly string[]): string | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = normalizeIp(chain[i]);
    if (address === null) return null;
    if (i === 0 || !ipAllowed(trustedProxies, address)) return address;
  }
  return null;
}
