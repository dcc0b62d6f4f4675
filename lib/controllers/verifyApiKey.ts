import type { KuzzleRequest } from 'kuzzle';
import { PublicKey, toPublicKey } from '../core/key';
import { keyChain } from '../auth/keyState';
import { APIKEY_PREFIX } from '../auth/KeyResolver';
import type { Runtime } from '../runtime';

export type VerifyCode = 'VALID' | 'NOT_FOUND' | 'EXPIRED' | 'REVOKED';

/** Checks a secret without using it: not a use (lastUsedAt unchanged), never returns the secret. */
export async function verifyApiKey(rt: Runtime, request: KuzzleRequest): Promise<{ valid: boolean; code: VerifyCode; key: PublicKey | null }> {
  const token = request.getBodyString('token');
  const notFound = { valid: false, code: 'NOT_FOUND' as const, key: null };
  if (!token.startsWith(APIKEY_PREFIX)) return notFound;
  const resolution = await rt.resolver.resolve(token);
  if (resolution.kind !== 'plugin') return notFound;
  const now = rt.now();
  const chain = await keyChain(rt.resolver, resolution.key, now);
  const { state } = chain;
  const key = toPublicKey(resolution.key, now, undefined, chain.expiresAt);
  switch (state) {
    case 'valid': return { valid: true, code: 'VALID', key };
    case 'revoked': return { valid: false, code: 'REVOKED', key };
    case 'expired': return { valid: false, code: 'EXPIRED', key };
    default: return notFound;
  }
}
