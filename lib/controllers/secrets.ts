/**
 * Minting a key's secret: a `kapikey-` token from Kuzzle's token manager, so that unchanged clients accept it.
 */
import { randomInt } from 'crypto';
import { ApiKeyError } from '../core/errors';
import { fingerprintOf } from '../core/key';
import { FingerprintTakenError } from '../storage/KeyRepository';
import type { Runtime } from '../runtime';

/**
 * The embedded `exp` of a secret is ignored (the stored expiresAt counts), so it is used to make every
 * secret unique: Kuzzle signs only `{_id, iat, exp}`, and two tokens of one user minted in the same
 * second would otherwise be identical. The fingerprint collection's create-only write catches the rest.
 */
const SECRET_EXP_BASE_MS = 200 * 365 * 24 * 3600 * 1000;
const SECRET_EXP_SPREAD_S = 2 ** 31;
const MINT_ATTEMPTS = 8;

/**
 * Mints secrets until `store` accepts one (it throws FingerprintTakenError for a fingerprint already taken).
 * Returns the secret: the caller shows it once and keeps only its fingerprint.
 */
export async function mintUniqueSecret(rt: Runtime, user: unknown, store: (fingerprint: string) => Promise<void>): Promise<string> {
  for (let attempt = 0; attempt < MINT_ATTEMPTS; attempt++) {
    const token = await rt.ask('core:security:token:create', user, {
      type: 'apiKey',
      expiresIn: SECRET_EXP_BASE_MS + randomInt(0, SECRET_EXP_SPREAD_S) * 1000,
      bypassMaxTTL: true,
    });
    const secret: string = token.jwt;
    try {
      await store(fingerprintOf(secret));
    } catch (error) {
      if (error instanceof FingerprintTakenError) continue;
      throw error;
    }
    return secret;
  }
  throw new ApiKeyError('storage_unavailable', 'Could not mint a unique API key secret, retry later.');
}
