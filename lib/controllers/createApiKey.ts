import { randomUUID } from 'crypto';
import { isDeepStrictEqual } from 'util';
import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { NEVER, assertWithinMaxTtl, expiresAtFrom, parseTtl } from '../core/expiry';
import { PublicKey, StoredKey, toPublicKey } from '../core/key';
import { isScopeSubset, normalizeScopes } from '../core/scopes';
import { validateClaims, validateDescription, validateKeyId, validateName } from '../core/validation';
import { mintUniqueSecret } from './secrets';
import { isIpSubset, validateAllowedIps } from '../core/ipAllowlist';
import { creditsAt, validateCredits, validateRatelimits, withinParentLimits } from '../core/limits';
import type { Runtime } from '../runtime';
import { keyContextOf } from '../auth/KeyRequests';
import { Target, allowedIpsOf, assertCurrentSecret, assertUserExists, callerKuid, destroyKey, fieldOf, scopesOf, claimsOf, nativeNameOf, refreshOf, targetUserId } from './common';

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
  let allowedIps = validateAllowedIps(allowedIpsOf(request)) ?? null;
  const ratelimits = validateRatelimits(fieldOf(request, 'ratelimits')) ?? null;
  const creditsInput = validateCredits(fieldOf(request, 'credits')) ?? null;
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
    assertCurrentSecret(caller);
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
    // where it may be used from: within every ancestor's allowlist (the parent's when not given)
    if (allowedIps === null) allowedIps = parent.allowedIps;
    const listed = chain.filter((k) => k.allowedIps !== null);
    if (listed.length > 0 && (allowedIps === null || !listed.every((k) => isIpSubset(allowedIps as string[], k.allowedIps as string[])))) {
      throw new ApiKeyError('escalation', 'An API key cannot create a key usable from addresses outside its own allowedIps.');
    }
    // a child's requests count against every ancestor too; its own limits and credits stay at or below theirs
    for (const k of chain) {
      const left = k.credits ? await rt.budget.remaining(k, now, { strict: true }) : null;
      if (!withinParentLimits({ ratelimits, credits: creditsInput }, k, left)) {
        throw new ApiKeyError('escalation', 'An API key cannot create a key with rate limits or credits above its own (or its ancestors\').');
      }
    }
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
    allowedIps,
    ratelimits,
    credits: creditsInput ? creditsAt(creditsInput, now) : null,
    rotatedAt: null,
    previousFingerprint: null,
    previousSecretExpiresAt: null,
  };
  let created: PublicKey;
  try {
    created = await mintAndStore(rt, draft, user, refresh);
  } catch (error) {
    if (limited) await rt.quota.giveBack(userId).catch(() => undefined);
    throw error;
  }
  await assertUserOutlivedTheWrite(rt, { ...draft, fingerprint: created._source.fingerprint });
  const fields = ['name', 'description', 'scopes', 'claims', 'expiresAt', 'allowedIps', 'ratelimits', 'credits'].filter((f) => (draft as any)[f] !== null && (draft as any)[f] !== NEVER);
  await rt.audit.record({ action: 'create', userId, keyId, fields }, rt.audit.originOf(request, parent));
  return created;
}

/**
 * A user deleted while its key was being written: the deletion's cascade may have run before the write landed, and a
 * user re-created with the same id would inherit the key. Whoever reads the user second removes the key.
 */
async function assertUserOutlivedTheWrite(rt: Runtime, key: StoredKey): Promise<void> {
  try {
    await assertUserExists(rt, key.userId);
  } catch (error) {
    await destroyKey(rt, key, 'wait_for');
    throw error;
  }
}

/** Mints the secret (until its fingerprint is unique) and stores the key. */
async function mintAndStore(rt: Runtime, draft: Omit<StoredKey, 'fingerprint'>, user: unknown, refresh: 'wait_for' | 'false'): Promise<PublicKey> {
  const { userId, keyId, createdAt } = draft;
  let stored: StoredKey | undefined;
  const secret = await mintUniqueSecret(rt, user, async (fingerprint) => {
    stored = { ...draft, fingerprint };
    await rt.repo.createKey(stored, refresh);
  });
  const key = stored as StoredKey;
  rt.resolver.forgetNegative(key.fingerprint);
  // a key deleted under this id may still be cached here or on other nodes: the new one replaces it everywhere
  rt.resolver.invalidate(key);
  await rt.cluster.broadcast({ kind: 'changed', userId, keyId });
  return toPublicKey(key, createdAt, secret);
}
