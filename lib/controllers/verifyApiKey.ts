import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { PublicKey, standingOf, toPublicKey } from '../core/key';
import { normalizeIp, refusingAllowlist } from '../core/ipAllowlist';
import { keyChain } from '../auth/keyState';
import { APIKEY_PREFIX } from '../auth/KeyResolver';
import type { Runtime } from '../runtime';
import { fieldOf } from './common';

/** By precedence, when several apply: NOT_FOUND > REVOKED > EXPIRED > ROTATED > IP_DENIED > USAGE_EXCEEDED. */
export type VerifyCode = 'VALID' | 'NOT_FOUND' | 'EXPIRED' | 'REVOKED' | 'ROTATED' | 'IP_DENIED' | 'USAGE_EXCEEDED';

export interface Verdict {
  valid: boolean;
  code: VerifyCode;
  key: PublicKey | null;
}

/** The optional `ip` to check against the key's allowlist (and its ancestors'), as the client would come from. */
function ipOf(request: KuzzleRequest): string | undefined {
  const raw = fieldOf(request, 'ip');
  if (raw === undefined || raw === null) return undefined;
  const ip = typeof raw === 'string' ? normalizeIp(raw) : null;
  if (ip === null) throw new ApiKeyError('invalid_argument', 'Invalid argument "ip": expected an IPv4 or IPv6 address.');
  return ip;
}

/** Checks a secret without using it: not a use (lastUsedAt unchanged), never returns the secret. */
export async function verifyApiKey(rt: Runtime, request: KuzzleRequest): Promise<Verdict> {
  const token = request.getBodyString('token');
  const ip = ipOf(request);
  const notFound: Verdict = { valid: false, code: 'NOT_FOUND', key: null };
  if (!token.startsWith(APIKEY_PREFIX)) return notFound;
  const resolution = await rt.resolver.resolve(token);
  if (resolution.kind !== 'plugin') return notFound;
  const now = rt.now();
  const chain = await keyChain(rt.resolver, resolution.key, now);
  const keys = [resolution.key, ...chain.ancestors];
  // what each key has left, read once (a decision on it: Redis unavailable refuses the verification)
  const remaining = await Promise.all(keys.map((k) => rt.budget.remaining(k, now, { strict: true })));
  const key = toPublicKey(resolution.key, now, undefined, chain.expiresAt, remaining[0]);
  const refused = (code: VerifyCode): Verdict => ({ valid: false, code, key });
  switch (chain.state) {
    case 'orphan': return notFound;
    case 'revoked': return refused('REVOKED');
    case 'expired': return refused('EXPIRED');
    default: break;
  }
  if (standingOf(resolution.key, resolution.fingerprint, resolution.linkUid, now) === 'rotated') return refused('ROTATED');
  if (ip !== undefined && refusingAllowlist(keys, ip)) {
    return refused('IP_DENIED');
  }
  // a credit-less ancestor stops its children too (a request through the child would be refused)
  if (remaining.some((left) => left !== null && left <= 0)) return refused('USAGE_EXCEEDED');
  return { valid: true, code: 'VALID', key };
}
