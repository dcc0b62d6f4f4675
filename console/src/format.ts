/**
 * Pure formatting and validation helpers (no DOM): statuses, times, durations, IP ranges, JSON claims.
 */
import type { ApiKeySource } from '../../client';

export type KeyStatus = 'valid' | 'revoked' | 'expired' | 'grace';

export const STATUS_LABELS: Record<KeyStatus, string> = {
  valid: 'Valid',
  revoked: 'Revoked',
  expired: 'Expired',
  grace: 'In rotation grace',
};

/** The badge a key shows. Revoked wins over expired (as the server's status filter counts it). */
export function keyStatus(k: ApiKeySource, now: number): KeyStatus {
  if (k.revoked) return 'revoked';
  if (k.expired || (k.expiresAt !== -1 && k.expiresAt <= now)) return 'expired';
  if (typeof k.previousSecretExpiresAt === 'number' && k.previousSecretExpiresAt > now) return 'grace';
  return 'valid';
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600e3],
  ['month', 30 * 24 * 3600e3],
  ['day', 24 * 3600e3],
  ['hour', 3600e3],
  ['minute', 60e3],
  ['second', 1e3],
];

/** "3 minutes ago", "in 2 days" */
export function relativeTime(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return 'never';
  const delta = at - now;
  const abs = Math.abs(delta);
  if (abs < 5000) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.round(delta / size), unit);
  }
  return rtf.format(Math.round(delta / 1000), 'second');
}

/** A date in the viewer's time zone, to the minute (UTC in the screenshots, which freeze the clock and zone). */
export function absoluteTime(at: number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  if (at === -1) return 'never';
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, y: 365.25 * 86400e3 };

/** A duration such as "90s", "15m", "12h", "7d" (the `ms` strings Kuzzle reads), in ms; null when invalid. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const value = Math.round(Number(m[1]) * UNIT_MS[m[2]]);
  return value > 0 ? value : null;
}

export function formatDuration(msValue: number | string): string {
  if (typeof msValue === 'string') return msValue;
  for (const [unit, size] of [['d', 86400e3], ['h', 3600e3], ['m', 60e3], ['s', 1e3]] as const) {
    if (msValue >= size && msValue % size === 0) return `${msValue / size}${unit}`;
  }
  return `${msValue}ms`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return false;
  const doubles = text.split('::').length - 1;
  if (doubles > 1) return false;
  let parts = text.split(':');
  const last = parts[parts.length - 1];
  let groups = parts.length;
  if (last.includes('.')) {
    if (!IPV4.test(last)) return false;
    groups += 1;
    parts = parts.slice(0, -1);
  }
  if (parts.some((p) => p.length > 4)) return false;
  return doubles === 1 ? groups <= 8 : groups === 8 && parts.every((p) => p.length > 0);
}

/** An IPv4 or IPv6 address, optionally with a /prefix (the server checks it again, with its own parser). */
export function validIpRange(text: string): boolean {
  const [addr, prefix, extra] = text.trim().split('/');
  if (extra !== undefined) return false;
  const v4 = IPV4.test(addr);
  if (!v4 && !isIPv6(addr)) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

/** Claims typed as JSON: an object, or nothing. */
export function parseClaims(text: string): { value: Record<string, unknown> | null; error: string | null } {
  if (text.trim() === '') return { value: null, error: null };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { value: null, error: 'Claims must be a JSON object, such as {"plan": "pro"}.' };
    }
    return { value: value as Record<string, unknown>, error: null };
  } catch (e) {
    return { value: null, error: `Not valid JSON: ${(e as Error).message}` };
  }
}

export function policiesSummary(k: ApiKeySource): string {
  const parts: string[] = [];
  for (const r of k.ratelimits ?? []) parts.push(`${r.limit}/${formatDuration(r.window)}`);
  if (k.credits) parts.push(`${k.credits.remaining} credits`);
  if (k.allowedIps && k.allowedIps.length > 0) parts.push(`IPs: ${k.allowedIps.join(', ')}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}
