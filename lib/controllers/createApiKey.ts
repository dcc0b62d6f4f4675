import { randomInt, randomUUID } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { NEVER, assertWithinMaxTtl, expiresAtFrom, parseTtl } from '../core/expiry';
import { PublicKey, StoredKey, fingerprintOf, toPublicKey } from '../core/key';
import { isScopeSubset, normalizeScopes } from '../core/scopes';
import { validateClaims, validateDescription, validateKeyId, validateName } from '../core/validation';
import { FingerprintTakenError } from '../storage/KeyRepository';
import type { Runtime } from '../runtime';
import { keyContextOf } from '../auth/KeyRequests';
import { Target, assertUserExists, callerKuid, fieldOf, scopesOf, claimsOf, nativeNameOf, refreshOf, targetUserId } from './common';

/**
 * The embedded `exp` of a secret is ignored (the stored expiresAt counts), so it is used to make every
 * secret unique: Kuzzle signs only `{_id, iat, exp}`, and two tokens of one user minted in the same
 * second would otherwise be identical. The fingerprint collection's create-only write catches the rest.
 */
const SECRET_EXP_BASE_MS = 200 * 365 * 24 * 3600 * 1000;
const SECRET_EXP_SPREAD_S = 2 ** 31;
const MINT_ATTEMPTS = 8;

export async function createApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<PublicKey> {
  const native = nativeNameOf(rt, request);
  const userId = targetUserId(request, target);
  const creator = callerKuid(request);

  const name = validateName(fieldOf(request, 'name')) ?? null;
  let description: string | null;
  if (native) {
    // Kuzzle's native contract: body.description is required (Kuzzle's own error when missing).
    description = validateDescription(request.getBodyString('description')) ?? null;
  } else {
    description = validateDescription(fieldOf(request, 'description')) ?? null;
    if (name === null && description === null) {
      throw new ApiKeyError('invalid_argument', 'An API key needs a "name" or a "description".');
    }
  }
  let scopes = normalizeScopes(scopesOf(request));
  let claims = validateClaims(claimsOf(request), rt.config.claimsMaxBytes) ?? null;
  const args = request.input.args as Record<string, unknown>;
  const ttl = parseTtl({ expiresIn: args.expiresIn, secondsUntilExpiration: args.secondsUntilExpiration }, native ? 'native' : 'plugin');
  if (target === 'auth') assertWithinMaxTtl(ttl, rt.config.maxTTL);
  const chosenId = validateKeyId(args._id);
  const keyId = chosenId ?? randomUUID();
  const refresh = refreshOf(request, 'wait_for');
  const now = rt.now();
  const expiresAt = expiresAtFrom(ttl, now);

  // A key-authenticated request creates keys only within what its key and each of its ancestors allow now.
  const caller = await keyContextOf(rt, request);
  const parent = caller?.key ?? null;
  if (caller && parent) {
    if (userId !== parent.userId) {
      throw new ApiKeyError('escalation', 'An API key can only create keys for its own user.');
    }
    const chain = [parent, ...caller.ancestors];
    if (scopes === null) scopes = parent.scopes;
    if (!chain.every((k) => isScopeSubset(scopes, k.scopes))) {
      throw new ApiKeyError('escalation', 'An API key cannot create a key with scopes beyond its own (or its ancestors\').');
    }
    const limit = chain.reduce((min, k) => (k.expiresAt === NEVER ? min : min === NEVER ? k.expiresAt : Math.min(min, k.expiresAt)), NEVER);
    if (limit !== NEVER && (expiresAt === NEVER || expiresAt > limit)) {
      throw new ApiKeyError('escalation', 'An API key cannot create a key that outlives it.');
    }
    // Claims are trusted data (a tenant, a plan) set by whoever created the parent: a child inherits them as they are.
    if (claims !== null && !isDeepStrictEqual(claims, parent.claims)) {
      throw new ApiKeyError('escalation', 'An API key cannot create a key with other claims than its own.');
    }
    claims = parent.claims;
  }

  // A user's own legacy Kuzzle key keeps its id: a plugin key must not hide it from the native deleteApiKey.
  if (chosenId !== undefined && (await rt.repo.hasLegacyKey({ userId, keyId }))) {
    throw new ApiKeyError('already_exists', `An API key with the id "${keyId}" already exists (a Kuzzle API key of this user).`);
  }

  const user = await assertUserExists(rt, userId);
  const limited = rt.config.maxKeysPerUser !== -1;
  if (limited) {
    const slot = await rt.quota.take(userId, rt.config.maxKeysPerUser);
    if (!slot.taken) {
      throw new ApiKeyError('too_many_keys', `User "${userId}" already has ${slot.count} API keys (limit: ${rt.config.maxKeysPerUser}).`);
    }
  }
  const draft: Omit<StoredKey, 'fingerprint'> = {
    keyId,
    userId,
    name,
    description,
    scopes,
    claims,
    expiresAt,
    ttl,
    createdAt: now,
    createdBy: creator,
    updatedAt: null,
    lastUsedAt: null,
    revoked: false,
    revokedAt: null,
    revokedBy: null,
    revocationReason: null,
    parentKeyId: parent ? parent.keyId : null,
    uid: randomUUID(),
    parentUid: parent ? parent.uid : null,
  };
  try {
    return await mintAndStore(rt, draft, user, refresh);
  } catch (error) {
    if (limited) await rt.quota.giveBack(userId).catch(() => undefined);
    throw error;
  }
}

/** Mints the secret (until its fingerprint is unique) and stores the key. */
async function mintAndStore(rt: Runtime, draft: Omit<StoredKey, 'fingerprint'>, user: unknown, refresh: 'wait_for' | 'false'): Promise<PublicKey> {
  const { userId, keyId, createdAt } = draft;
  for (let attempt = 0; attempt < MINT_ATTEMPTS; attempt++) {
    const token = await rt.ask('core:security:token:create', user, {
      type: 'apiKey',
      expiresIn: SECRET_EXP_BASE_MS + randomInt(0, SECRET_EXP_SPREAD_S) * 1000,
      bypassMaxTTL: true,
    });
    const secret: string = token.jwt;
    const stored: StoredKey = { ...draft, fingerprint: fingerprintOf(secret) };
    try {
      await rt.repo.createKey(stored, refresh);
    } catch (error) {
      if (error instanceof FingerprintTakenError) continue;
      throw error;
    }
    rt.resolver.forgetNegative(stored.fingerprint);
    // a key deleted under this id may still be cached here or on other nodes: the new one replaces it everywhere
    rt.resolver.invalidate(stored);
    await rt.cluster.broadcast({ kind: 'changed', userId, keyId });
    return toPublicKey(stored, createdAt, secret);
  }
  throw new ApiKeyError('storage_unavailable', 'Could not mint a unique API key secret, retry later.');
}
