/**
 * The key model: what is stored, and what clients see. Pure logic, no Kuzzle import.
 * The secret is never part of either shape: storage keeps its sha256 (`fingerprint`).
 */
import { createHash } from 'crypto';
import { NEVER, isExpired } from './expiry';
import { Credits, RateLimit, Refill, remainingAt } from './limits';

/** A key document as stored in the plugin's private collection. */
export interface StoredKey {
  keyId: string;
  userId: string;
  name: string | null;
  description: string | null;
  scopes: string[] | null;
  claims: Record<string, unknown> | null;
  fingerprint: string;
  expiresAt: number;
  ttl: number;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number | null;
  lastUsedAt: number | null;
  revoked: boolean;
  revokedAt: number | null;
  revokedBy: string | null;
  revocationReason: string | null;
  parentKeyId: string | null;
  /**
   * Immutable, random, set at creation (kept by rotation). A child records its parent's `uid`: a key re-created later
   * with the parent's id is another key, and the old children stay orphans. Null only on documents that predate it.
   */
  uid: string | null;
  parentUid: string | null;
  /** addresses and CIDR ranges the key may be used from; null = anywhere */
  allowedIps: string[] | null;
  /** when the secret was last rotated */
  rotatedAt: number | null;
  /** the secret before the last rotation (its sha256): kept to answer `rotated`, never searchable or shown */
  previousFingerprint: string | null;
  /** until when the previous secret still works (null: it stopped at the rotation) */
  previousSecretExpiresAt: number | null;
  /** fixed-window rate limits, cluster-wide; null = none */
  ratelimits: RateLimit[] | null;
  /** usage credits (remaining as of the last write: the live count is in Redis); null = unlimited */
  credits: Credits | null;
}

/** The key a request or a message names: ids are per user. */
export interface KeyHandle {
  userId: string;
  keyId: string;
}

/**
 * The storage id of a key, and its identity everywhere inside the plugin (caches, Redis, cluster messages): key ids
 * are chosen per user, so the user is part of it. sha256 keeps it within Elasticsearch's 512-byte `_id` limit
 * whatever the user id (64 hex + ":" + a key id of at most 128 characters).
 */
export function storageIdOf(handle: KeyHandle): string {
  return `${createHash('sha256').update(handle.userId).digest('hex')}:${handle.keyId}`;
}

/** What clients see: the contract's `_source` (the internal uids stay inside). */
/** Credits as clients see them: what is left now, and the refill. */
export interface PublicCredits {
  remaining: number;
  refill: Refill | null;
}

export interface PublicKeySource extends Omit<StoredKey, 'keyId' | 'uid' | 'parentUid' | 'previousFingerprint' | 'credits'> {
  credits: PublicCredits | null;
  expired: boolean;
  token?: string;
}

export interface PublicKey {
  _id: string;
  _source: PublicKeySource;
}

export type KeyStatus = 'valid' | 'revoked' | 'expired';

export function fingerprintOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key both revoked and expired counts as revoked. */
export function statusOf(key: StoredKey, now: number): KeyStatus {
  if (key.revoked) return 'revoked';
  if (isExpired(key.expiresAt, now)) return 'expired';
  return 'valid';
}

/**
 * The public view of a stored key. `token` is only ever passed by createApiKey. `effectiveExpiresAt` is the earliest
 * expiry along the key's ancestor chain (a child dies with its parent): `expired` follows it, `expiresAt` stays the
 * key's own.
 */
export function toPublicKey(
  key: StoredKey, now: number, token?: string, effectiveExpiresAt = key.expiresAt, remaining: number | null = null,
): PublicKey {
  const { keyId, uid: _uid, parentUid: _parentUid, previousFingerprint: _previous, credits, ...rest } = key;
  const source: PublicKeySource = {
    ...rest,
    ratelimits: rest.ratelimits ? rest.ratelimits.map((r) => ({ ...r })) : null,
    credits: credits ? { remaining: remaining ?? remainingAt(credits, now), refill: credits.refill ? { ...credits.refill } : null } : null,
    scopes: rest.scopes ? [...rest.scopes] : null,
    allowedIps: rest.allowedIps ? [...rest.allowedIps] : null,
    // shown while the grace period runs only
    previousSecretExpiresAt: graceRunning(key, now) ? key.previousSecretExpiresAt : null,
    expired: isExpired(effectiveExpiresAt, now),
  };
  if (token !== undefined) source.token = token;
  return { _id: keyId, _source: source };
}

/** Fills the fields an older or partial document may lack, so every read has the full shape. */
export function normalizeStoredKey(id: string, source: Record<string, any>): StoredKey {
  const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
  return {
    keyId: typeof source.keyId === 'string' ? source.keyId : id,
    userId: source.userId,
    name: orNull(source.name),
    description: orNull(source.description),
    scopes: Array.isArray(source.scopes) ? source.scopes : null,
    claims: source.claims && typeof source.claims === 'object' ? source.claims : null,
    fingerprint: source.fingerprint,
    expiresAt: typeof source.expiresAt === 'number' ? source.expiresAt : NEVER,
    ttl: typeof source.ttl === 'number' ? source.ttl : NEVER,
    createdAt: source.createdAt,
    createdBy: orNull(source.createdBy),
    updatedAt: orNull(source.updatedAt),
    lastUsedAt: orNull(source.lastUsedAt),
    revoked: source.revoked === true,
    revokedAt: orNull(source.revokedAt),
    revokedBy: orNull(source.revokedBy),
    revocationReason: orNull(source.revocationReason),
    parentKeyId: orNull(source.parentKeyId),
    uid: orNull(source.uid),
    parentUid: orNull(source.parentUid),
    allowedIps: Array.isArray(source.allowedIps) ? source.allowedIps : null,
    rotatedAt: orNull(source.rotatedAt),
    previousFingerprint: orNull(source.previousFingerprint),
    previousSecretExpiresAt: orNull(source.previousSecretExpiresAt),
    ratelimits: Array.isArray(source.ratelimits) ? source.ratelimits : null,
    credits: source.credits && typeof source.credits === 'object' ? withUsage(readStoredCredits(source.credits), source.creditsUsage) : null,
  };
}

/** Storage keeps a duration interval as text (one keyword field for 'daily', 'monthly' and durations). */
function readStoredCredits(raw: Record<string, any>): Credits {
  const interval = raw.refill?.interval;
  const refill = raw.refill ? { amount: raw.refill.amount, interval: interval === 'daily' || interval === 'monthly' ? interval : Number(interval) } : null;
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  // a document missing a number counts as spent (0 left): never as unlimited
  return { remaining: count(raw.remaining), refill, setAt: count(raw.setAt), period: count(raw.period) };
}

/**
 * The uses counted since the credits were set, as the nodes last wrote them (`creditsUsage`, a field of its own so
 * that a late write never reverts new credits): they count only for the same credits (same `setAt`).
 */
function withUsage(credits: Credits, usage: any): Credits {
  if (!usage || typeof usage !== 'object' || usage.setAt !== credits.setAt) return credits;
  if (typeof usage.remaining !== 'number' || typeof usage.period !== 'number') return credits;
  if (usage.period > credits.period) return { ...credits, remaining: usage.remaining, period: usage.period };
  if (usage.period === credits.period) return { ...credits, remaining: Math.min(credits.remaining, usage.remaining) };
  return credits;
}

/** Credits as written to storage (see readStoredCredits). */
export function storedCredits(credits: Credits | null): Record<string, unknown> | null {
  if (!credits) return null;
  return { ...credits, refill: credits.refill ? { amount: credits.refill.amount, interval: String(credits.refill.interval) } : null };
}

/** Whether the secret before the last rotation still works. */
export function graceRunning(key: StoredKey, now: number): boolean {
  return key.previousFingerprint !== null && key.previousSecretExpiresAt !== null && now < key.previousSecretExpiresAt;
}

/**
 * What a presented secret is to the key its fingerprint document names:
 * - `current`: the key's secret; `grace`: the previous one, within its grace period;
 * - `rotated`: one of the key's former secrets (its fingerprint document carries the key's uid);
 * - `foreign`: none of those (the key was deleted and re-created under the same id, or the document is stale).
 */
export type SecretStanding = 'current' | 'grace' | 'rotated' | 'foreign';

export function standingOf(key: StoredKey, fingerprint: string, linkUid: string | null, now: number): SecretStanding {
  if (key.fingerprint === fingerprint) return 'current';
  if (key.previousFingerprint === fingerprint) return graceRunning(key, now) ? 'grace' : 'rotated';
  if (key.uid !== null && linkUid === key.uid) return 'rotated';
  return 'foreign';
}

/** The secrets a key accepts now (a rotated secret's subscriptions end when it stops working). */
export function acceptedFingerprints(key: StoredKey, now: number): string[] {
  return graceRunning(key, now) ? [key.fingerprint, key.previousFingerprint as string] : [key.fingerprint];
}
