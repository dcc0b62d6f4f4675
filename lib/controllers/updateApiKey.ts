import type { KuzzleRequest } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { NEVER, assertShortening, expiresAtFrom, parseTtl } from '../core/expiry';
import { PublicKey, StoredKey, storageIdOf } from '../core/key';
import { isScopeSubset, normalizeScopes } from '../core/scopes';
import { isIpSubset, validateAllowedIps } from '../core/ipAllowlist';
import { CreditsInput, RateLimit, creditsAt, refillPeriod, validateCredits, validateRatelimits, withinParentLimits } from '../core/limits';
import { validateClaims, validateDescription, validateName } from '../core/validation';
import type { Runtime } from '../runtime';
import { keyContextOf } from '../auth/KeyRequests';
import { Target, allowedIpsOf, assertMayManage, auditOriginOf, changedFields, fieldOf, scopesOf, claimsOf, keyChanged, keyIdOf, loadOwnedKey, refreshOf, targetUserId, publicView } from './common';
import { isDeepStrictEqual } from 'util';

/**
 * Changes name, description, scopes, claims, and may shorten the expiry. Never changes the secret.
 * Takes effect on the next request (caches are invalidated here and on other nodes).
 */
export async function updateApiKey(rt: Runtime, request: KuzzleRequest, target: Target): Promise<PublicKey> {
  const userId = targetUserId(request, target);
  const keyId = keyIdOf(request);
  const refresh = refreshOf(request, 'wait_for');
  const changes: Partial<StoredKey> = {};

  const name = validateName(fieldOf(request, 'name'));
  if (name !== undefined) changes.name = name;
  const description = validateDescription(fieldOf(request, 'description'));
  if (description !== undefined) changes.description = description;
  const rawScopes = scopesOf(request);
  if (rawScopes !== undefined) changes.scopes = normalizeScopes(rawScopes);
  const claims = validateClaims(claimsOf(request), rt.config.claimsMaxBytes);
  if (claims !== undefined) changes.claims = claims;
  const allowedIps = validateAllowedIps(allowedIpsOf(request));
  if (allowedIps !== undefined) changes.allowedIps = allowedIps;
  const ratelimits = validateRatelimits(fieldOf(request, 'ratelimits'));
  if (ratelimits !== undefined) changes.ratelimits = ratelimits;
  const credits = validateCredits(fieldOf(request, 'credits'));

  const args = request.input.args as Record<string, unknown>;
  const expiryGiven = [args.expiresIn, args.secondsUntilExpiration].some((v) => v !== undefined && v !== null);
  const now = rt.now();
  const key = await loadOwnedKey(rt, userId, keyId);
  // new credits start a new counter (see Budget): what was used under the old ones no longer counts
  if (credits !== undefined) changes.credits = credits === null ? null : creditsAt(credits, now);

  if (expiryGiven) {
    const ttl = parseTtl({ expiresIn: args.expiresIn, secondsUntilExpiration: args.secondsUntilExpiration });
    const expiresAt = expiresAtFrom(ttl, now);
    assertShortening(expiresAt, key.expiresAt);
    changes.expiresAt = expiresAt;
    changes.ttl = expiresAt === NEVER ? NEVER : expiresAt - key.createdAt;
  }
  if (Object.keys(changes).length === 0) {
    throw new ApiKeyError('invalid_argument', 'Nothing to update: give name, description, scopes, claims, allowedIps, ratelimits, credits or a shorter expiry.');
  }

  // A key-authenticated request manages only itself and its descendants, never beyond its own (and its ancestors')
  // scopes, and never changes claims: they are trusted data set by whoever created the key.
  const caller = await keyContextOf(rt, request);
  let lowered: number | null = null;
  if (caller) {
    await assertMayManage(rt, request, key, 'update');
    const chain = [caller.key, ...caller.ancestors];
    if ('scopes' in changes && !chain.every((k) => isScopeSubset(changes.scopes ?? null, k.scopes))) {
      throw new ApiKeyError('escalation', 'An API key cannot give a key scopes beyond its own.');
    }
    if ('claims' in changes && !isDeepStrictEqual(changes.claims, key.claims)) {
      throw new ApiKeyError('escalation', 'An API key cannot change the claims of a key.');
    }
    const listed = chain.filter((k) => k.allowedIps !== null);
    if ('allowedIps' in changes && listed.length > 0
      && (changes.allowedIps == null || !listed.every((k) => isIpSubset(changes.allowedIps as string[], k.allowedIps as string[])))) {
      throw new ApiKeyError('escalation', 'An API key cannot make a key usable from addresses outside its own allowedIps.');
    }
    await assertNoMoreBudget(rt, key, chain, ratelimits, credits, now);
    // Through a key, existing credits are only lowered, on the same counter: a new counter (a new setAt) would forget
    // what is being spent on the old one meanwhile, and let a key top itself up.
    if (credits && key.credits) {
      changes.credits = { ...key.credits, remaining: credits.remaining, period: refillPeriod(key.credits.refill, key.credits.setAt, now) };
      lowered = credits.remaining;
    }
  }

  changes.updatedAt = now;
  const updated = await rt.repo.updateKey(key, changes, refresh);
  if (!updated) throw new ApiKeyError('not_found', `API key "${keyId}" not found for user "${userId}".`);
  if (lowered !== null) await rt.budget.lower(updated, lowered);
  // A shorter life or other scopes: end the session so nothing outlives the new expiry.
  await keyChanged(rt, updated, { endSessions: 'expiresAt' in changes });
  await rt.audit.record({ action: 'update', userId, keyId, fields: changedFields(changes) }, await auditOriginOf(rt, request));
  return publicView(rt, updated);
}

/**
 * Through a key, limits and credits only tighten: never a removed or higher limit, never more credits than are left
 * nor another refill (only callers that are not keys raise them), and never above the caller's chain.
 */
async function assertNoMoreBudget(
  rt: Runtime, key: StoredKey, chain: StoredKey[], ratelimits: RateLimit[] | null | undefined, credits: CreditsInput | null | undefined, now: number,
): Promise<void> {
  const refuse = () => { throw new ApiKeyError('escalation', 'An API key cannot raise rate limits or credits (its own or another key\'s).'); };
  // what a key has left, read once per key (the target is often the caller itself, in the chain)
  const read = new Map<string, Promise<number | null>>();
  const leftOf = (k: StoredKey) => {
    const sid = storageIdOf(k);
    if (!read.has(sid)) read.set(sid, rt.budget.remaining(k, now, { strict: true }));
    return read.get(sid) as Promise<number | null>;
  };
  if (ratelimits !== undefined) {
    if (key.ratelimits && (ratelimits === null || key.ratelimits.some((r) => !ratelimits.some((n) => n.window === r.window)))) refuse();
    if (!withinParentLimits({ ratelimits, credits: null }, { ratelimits: key.ratelimits, credits: null }, null)) refuse();
  }
  if (credits !== undefined && key.credits) {
    if (credits === null || !isDeepStrictEqual(credits.refill, key.credits.refill)) refuse();
    if ((credits as CreditsInput).remaining > ((await leftOf(key)) ?? 0)) refuse();
  }
  for (const k of chain) {
    const left = k.credits ? await leftOf(k) : null;
    if (!withinParentLimits({ ratelimits: ratelimits ?? null, credits: credits ?? null }, k, left)) refuse();
  }
}
