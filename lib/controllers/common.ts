/**
 * Helpers shared by the action handlers: who the target user is, how key fields are read, and the
 * side effects of changing or deleting a key (caches, sessions, realtime connections, other nodes).
 */
import { KuzzleRequest, UnauthorizedError } from 'kuzzle';
import { ApiKeyError } from '../core/errors';
import { validateKeyId, validateStorageId } from '../core/validation';
import { PublicKey, StoredKey, toPublicKey } from '../core/key';
import { keyChain } from '../auth/keyState';
import { keyContextOf } from '../auth/KeyRequests';
import { touchMark } from '../auth/marks';
import type { KeyContext, NativeName, Runtime } from '../runtime';
import type { Refresh } from '../storage/KeyRepository';
import type { AuditOrigin } from '../core/audit';

export type Target = 'security' | 'auth';

export const ANONYMOUS_KUID = '-1';

export function nativeNameOf(rt: Runtime, request: KuzzleRequest): NativeName | undefined {
  return rt.nativeRequests.get(request);
}

/** The kuid of the caller; anonymous callers are refused with 401. */
export function callerKuid(request: KuzzleRequest): string {
  const kuid = request.getKuid();
  if (!kuid || kuid === ANONYMOUS_KUID) {
    throw new UnauthorizedError('Authentication required to manage your own API keys.', 'security.rights.unauthorized');
  }
  return kuid;
}

/** api-keys/security: the `userId` argument; api-keys/auth: the caller. */
export function targetUserId(request: KuzzleRequest, target: Target): string {
  if (target === 'auth') return callerKuid(request);
  return validateStorageId('userId', request.getString('userId'));
}

/** A key field: from the body first, then from the top-level arguments (the SDK copies options there). */
export function fieldOf(request: KuzzleRequest, name: string): unknown {
  const body = request.input.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && !Array.isArray(body) && body[name] !== undefined) return body[name];
  return (request.input.args as Record<string, unknown>)[name];
}

/**
 * `scopes` as sent: an array, or (HTTP query strings, where the SDK puts extra options) a JSON array or a
 * comma-separated list. Commas cannot occur inside a scope (index names forbid them).
 */
export function scopesOf(request: KuzzleRequest): unknown {
  const raw = fieldOf(request, 'scopes');
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('[')) {
    try { return JSON.parse(text); } catch { return raw; }
  }
  return text === '' ? [] : text.split(',').map((s) => s.trim());
}

/** `allowedIps` as sent: like `scopes`, a JSON array or a comma-separated list in HTTP query strings. */
export function allowedIpsOf(request: KuzzleRequest): unknown {
  const raw = fieldOf(request, 'allowedIps');
  if (typeof raw !== 'string' || !raw.trim().startsWith('[')) return raw;
  try { return JSON.parse(raw); } catch { return raw; }
}

/** `claims` as sent: an object, or (HTTP query strings, where the SDK JSON-encodes objects) a JSON string. */
export function claimsOf(request: KuzzleRequest): unknown {
  const raw = fieldOf(request, 'claims');
  if (typeof raw !== 'string' || !raw.trim().startsWith('{')) return raw;
  try { return JSON.parse(raw); } catch { return raw; }
}

/** The `_id` argument, checked before any storage access: a malformed id is a 400, never a storage error. */
export function keyIdOf(request: KuzzleRequest): string {
  return validateKeyId(request.getId()) as string;
}

/** The key `keyId` of `userId`, or 404 `not_found` (ids are per user: another user's key does not exist here). */
export async function loadOwnedKey(rt: Runtime, userId: string, keyId: string): Promise<StoredKey> {
  const key = await rt.repo.getKey({ userId, keyId });
  if (!key || key.userId !== userId) {
    throw new ApiKeyError('not_found', `API key "${keyId}" not found for user "${userId}".`);
  }
  return key;
}

export async function assertUserExists(rt: Runtime, userId: string): Promise<unknown> {
  try {
    return await rt.ask('core:security:user:get', userId);
  } catch (error: any) {
    if (error?.status === 404) throw new ApiKeyError('not_found', `User "${userId}" not found.`);
    throw error;
  }
}

export function refreshOf(request: KuzzleRequest, fallback: 'wait_for' | 'false'): Refresh {
  return request.getRefresh(fallback) === 'wait_for' ? 'wait_for' : 'false';
}

/**
 * Keys manage only what they made: a key-authenticated request that targets a key of its own user may act only on
 * the calling key itself or on one of its descendants (keys of other users follow Kuzzle's rights only, except for
 * rotation: see assertNoSecretForOtherUser).
 */
export async function assertMayManage(rt: Runtime, request: KuzzleRequest, target: StoredKey, what: string): Promise<void> {
  const ctx = await keyContextOf(rt, request);
  if (ctx) assertCurrentSecret(ctx);
  const caller = ctx?.key;
  if (!caller || caller.userId !== target.userId) return;
  if (isSameKey(target, caller) || (await isDescendant(rt, target, caller))) return;
  throw new ApiKeyError('escalation', `An API key can ${what} only itself and the keys it created (directly or not).`);
}

/**
 * An action that hands out a key's new secret (rotation), called through a key, acts on the key's own user only, as
 * createApiKey creates keys for it only: the key would otherwise hold another user's credential. Checked before the
 * target is read, so that the answer tells nothing about another user's keys.
 */
export async function assertNoSecretForOtherUser(rt: Runtime, request: KuzzleRequest, userId: string, what: string): Promise<void> {
  const ctx = await keyContextOf(rt, request);
  if (ctx && ctx.key.userId !== userId) {
    throw new ApiKeyError('escalation', `An API key can ${what} only itself and the keys it created, never a key of another user.`);
  }
}

/**
 * A secret in its rotation grace still authenticates requests, but it manages nothing: it could otherwise rotate the
 * key to a secret of its own (locking the owner out) or mint a child that outlives its grace.
 */
export function assertCurrentSecret(ctx: KeyContext): void {
  if (ctx.fingerprint !== ctx.key.fingerprint) {
    throw new ApiKeyError('escalation', 'A secret replaced by a rotation cannot manage API keys: use the new secret.');
  }
}

function isSameKey(a: StoredKey, b: StoredKey): boolean {
  return a.keyId === b.keyId && a.userId === b.userId && a.uid === b.uid;
}

async function isDescendant(rt: Runtime, key: StoredKey, ancestor: StoredKey): Promise<boolean> {
  let current: StoredKey | null = key;
  for (let depth = 0; current?.parentKeyId && depth < 16; depth++) {
    if (current.parentKeyId === ancestor.keyId && current.parentUid === ancestor.uid) return true;
    const parent: StoredKey | null = await rt.resolver.getKey({ userId: current.userId, keyId: current.parentKeyId });
    if (!parent || parent.uid !== current.parentUid) return false;
    current = parent;
  }
  return false;
}

/** The public view of a key, `expired` following its ancestors (a child dies with its parent). */
export async function publicView(rt: Runtime, key: StoredKey): Promise<PublicKey> {
  const now = rt.now();
  const expiresAt = key.parentKeyId ? (await keyChain(rt.resolver, key, now)).expiresAt : key.expiresAt;
  return toPublicKey(key, now, undefined, expiresAt, await rt.budget.remaining(key, now));
}

/** A key changed (update, revoke): forget cached copies here and on other nodes. */
export async function keyChanged(rt: Runtime, key: StoredKey, opts: { endSessions: boolean }): Promise<void> {
  rt.resolver.invalidate(key, key.fingerprint);
  await touchMark(rt.ask, key);
  if (opts.endSessions) {
    await rt.sessions.drop(key);
    await rt.subscriptions.end(key);
  } else {
    // narrower scopes (its own or, for its descendants, an ancestor's) end what they no longer allow
    await rt.subscriptions.recheckUser(key.userId);
  }
  await rt.cluster.broadcast({ kind: opts.endSessions ? 'ended' : 'changed', keyId: key.keyId, fingerprint: key.fingerprint, userId: key.userId });
}

/** Who made a request and from where (the key that authenticated it, if any), for audit events. */
export async function auditOriginOf(rt: Runtime, request: KuzzleRequest): Promise<AuditOrigin> {
  const caller = (await keyContextOf(rt, request))?.key ?? null;
  return rt.audit.originOf(request, caller);
}

/** The names of the key fields a change sets (never their values), for audit events. */
export function changedFields(changes: Partial<StoredKey>): string[] {
  return Object.keys(changes).filter((f) => f !== 'updatedAt').sort();
}

/** Children of a key (keys it created), at any depth below, found by the parents' uids. */
export async function descendantsOf(rt: Runtime, key: StoredKey): Promise<StoredKey[]> {
  const out: StoredKey[] = [];
  let frontier = key.uid ? [key.uid] : [];
  for (let depth = 0; frontier.length > 0 && depth < 16; depth++) {
    const children = await rt.repo.findAll({ bool: { filter: [{ term: { userId: key.userId } }, { terms: { parentUid: frontier } }] } });
    out.push(...children);
    frontier = children.map((c) => c.uid).filter((uid): uid is string => typeof uid === 'string');
  }
  return out;
}

/** A deleted key's secrets (its current one and, after a rotation, the previous one) are unknown from now on. */
export function forgetSecrets(rt: Runtime, key: StoredKey): void {
  rt.resolver.invalidate(key, key.fingerprint, true);
  if (key.previousFingerprint) rt.resolver.invalidate(key, key.previousFingerprint, true);
}

/** Hard-deletes a key: storage, caches, session, realtime subscriptions, other nodes. */
export async function destroyKey(rt: Runtime, key: StoredKey, refresh: Refresh): Promise<boolean> {
  // Reject it locally first: the very next request must fail even while storage is being updated.
  forgetSecrets(rt, key);
  const existed = await rt.repo.deleteKey(key, refresh);
  forgetSecrets(rt, key);
  await touchMark(rt.ask, key);
  if (existed) await rt.quota.giveBack(key.userId).catch(() => undefined);
  rt.usage.forget(key);
  await rt.sessions.drop(key).catch((e) => rt.log.warn(`api key session cleanup failed: ${e?.message ?? e}`));
  await rt.subscriptions.end(key);
  await rt.cluster.broadcast({ kind: 'deleted', keyId: key.keyId, fingerprint: key.fingerprint, userId: key.userId });
  return existed;
}
