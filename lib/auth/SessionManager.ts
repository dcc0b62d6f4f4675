/**
 * The internal Kuzzle session (`kauth-` token, minted by Kuzzle's token manager) of each key.
 *
 * Kuzzle only accepts the `kapikey-` tokens of its own collection, so a request authenticated by a
 * plugin key has its jwt swapped for the key's session before Kuzzle verifies it. The session is never
 * shown to anyone, and it is never more than its key:
 * - it never outlives the key: it is minted with the whole-second margin Kuzzle's JWT needs, then its
 *   Redis entry is set to expire with the key (`pexpire`), so it is gone within a second of the key's expiry;
 * - it respects Kuzzle's `security.authToken.maxTTL` (no `bypassMaxTTL`): a session that ends before
 *   its key is renewed shortly before its end, by one node at a time, and the previous one is deleted once
 *   the shared pointer has moved, so at most two sessions of a key exist at any moment;
 * - a session that ends with its key is used until then: nothing is minted per request in a key's last minute.
 * Kuzzle deletes `kauth-` tokens on logout, global logout, `security:revokeTokens` and a Redis flush:
 * the session is then re-created, after the key and its user have been checked again.
 *
 * Redis holds, beside Kuzzle's own token entry:
 * - `plugin-api-keys/session/<storage id>` -> the session jwt (so that every node uses the same session);
 * - `plugin-api-keys/session-owner/<sha256(jwt)>` -> the key's storage id: two keys of one user minted in the
 *   same second could otherwise get byte-identical JWTs (Kuzzle signs only `{_id, iat, exp}`);
 * - `plugin-api-keys/session-renewal/<storage id>`: the node renewing the session.
 */
import { createHash, randomInt } from 'crypto';
import { Cache, boundedCache } from './caches';
import { NEVER } from '../core/expiry';
import { KeyHandle, StoredKey, storageIdOf } from '../core/key';
import { Ask } from '../storage/KeyRepository';
import { markKey } from './marks';

const POINTER = 'plugin-api-keys/session/';
const OWNER = 'plugin-api-keys/session-owner/';
const RENEWAL = 'plugin-api-keys/session-renewal/';
/** Kuzzle's own token cache entries: `repos/kuzzle/token/<kuid>#<jwt>` (core/security/tokenRepository) */
const KUZZLE_TOKENS = 'repos/kuzzle/token/';
/** Sessions of keys that outlive this (and without a Kuzzle maxTTL) last this long, then are renewed. */
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** A session that ends before its key is renewed this close to its end (at most a quarter of its life). */
const RENEW_MARGIN_MS = 60 * 1000;
/** Kuzzle's JWT expiry is in whole seconds: the token is minted this much longer, its Redis entry is not. */
const JWT_MARGIN_MS = 1000;
const MINT_ATTEMPTS = 8;
/** the window the JWT's own (unused) expiry is picked in, above the session's life */
const JWT_SPREAD_MS = 24 * 3600 * 1000;

interface Session {
  jwt: string;
  /** when its Redis entry ends (epoch ms) */
  expiresAt: number;
}

export class UserGoneError extends Error {
  constructor() { super('the key owner no longer exists'); }
}

/** How long a node remembers that a `kauth-` token is (or is not) a key's session. */
const OWNER_CACHE_TTL_MS = 10 * 60 * 1000;
export const SESSION_PREFIX = 'kauth-';

export class SessionManager {
  private readonly local: Cache<string, Session>;
  /** jwt -> whether it is a key's internal session (login tokens are remembered as `false`) */
  private readonly owners: Cache<string, boolean>;

  /**
   * @param maxTTL Kuzzle's `security.authToken.maxTTL` (ms, <= 0 = none), read when a session is minted
   */
  constructor(private readonly ask: Ask, cacheSize: number, private readonly maxTTL: () => number = () => -1) {
    this.local = boundedCache(Math.max(cacheSize, 1));
    this.owners = boundedCache(Math.max(cacheSize, 1000) * 2, OWNER_CACHE_TTL_MS);
  }

  /**
   * Whether a `kauth-` jwt is the internal session of some key. A login token costs one Redis read per node, the
   * first time this node sees it. When Redis cannot answer, the token is treated as a session: refused (fail closed).
   */
  async isSession(jwt: string): Promise<boolean> {
    const known = this.owners.get(jwt);
    if (known !== undefined) return known;
    let owner: unknown;
    try {
      owner = await this.ask('core:cache:internal:get', OWNER + hash(jwt));
    } catch {
      return true;
    }
    const isSession = typeof owner === 'string';
    this.owners.set(jwt, isSession);
    return isSession;
  }

  /**
   * One Redis round trip per request: the current marks of the key and its ancestors (see marks.ts), and whether
   * this node's session for the key is still in Kuzzle's token cache. `session` is null when it is gone (deleted by
   * a revocation on another node, a logout, a flush...), due for renewal, or when this node has none yet.
   * @param keyExpiresAt the key's effective expiry (-1 = never)
   */
  async probe(key: StoredKey, chain: KeyHandle[], keyExpiresAt: number, now = Date.now()): Promise<{ marks: Array<string | null>; session: string | null }> {
    const known = this.local.get(storageIdOf(key));
    const usable = known !== undefined && this.usable(known, keyExpiresAt, now);
    const keys = chain.map(markKey);
    if (usable) keys.push(`${KUZZLE_TOKENS}${key.userId}#${known.jwt}`);
    const values: unknown[] = await this.ask('core:cache:internal:mget', keys);
    const marks = chain.map((_, i) => (typeof values[i] === 'string' ? values[i] as string : null));
    const alive = usable && values[chain.length] !== null && values[chain.length] !== undefined;
    return { marks, session: alive ? known.jwt : null };
  }

  /**
   * A session jwt that Kuzzle will accept now for this key's user: the shared one when it is usable, else a new one.
   * @param keyExpiresAt the key's effective expiry (-1 = never): the session never outlives it
   */
  async sessionFor(key: StoredKey, keyExpiresAt: number, now = Date.now()): Promise<string> {
    const sid = storageIdOf(key);
    const pointer = await this.ask('core:cache:internal:get', POINTER + sid);
    let previous: Session | null = null;
    if (typeof pointer === 'string') {
      const ttl = await this.ask('core:cache:internal:execute', 'pttl', `${KUZZLE_TOKENS}${key.userId}#${pointer}`);
      if (typeof ttl === 'number' && ttl > 0) {
        previous = { jwt: pointer, expiresAt: now + ttl };
        if (this.usable(previous, keyExpiresAt, now)) return this.remember(sid, previous);
      }
    }
    // One node renews at a time; the others keep using the previous session, still valid for a while.
    if (previous && previous.expiresAt > now) {
      const renewing = await this.ask('core:cache:internal:store', RENEWAL + sid, '1', { onlyIfNew: true, ttl: 5000 });
      if (!renewing) return this.remember(sid, previous);
    }
    return this.mint(key, keyExpiresAt, now, previous);
  }

  /** Deletes the key's session everywhere (Redis), so nothing minted for the key outlives it. */
  async drop(handle: KeyHandle): Promise<void> {
    const sid = storageIdOf(handle);
    const { userId } = handle;
    const known = this.local.get(sid);
    this.local.delete(sid);
    const pointer = await this.ask('core:cache:internal:get', POINTER + sid).catch(() => null);
    const jwts = new Set([known?.jwt, pointer].filter((j): j is string => typeof j === 'string'));
    for (const jwt of jwts) await this.deleteSession(userId, jwt);
    await this.ask('core:cache:internal:del', POINTER + sid).catch(() => undefined);
  }

  forgetLocal(handle: KeyHandle): void {
    this.local.delete(storageIdOf(handle));
  }

  /** A session that ends with its key is usable until then; one that ends before it is renewed near its end. */
  private usable(session: Session, keyExpiresAt: number, now: number): boolean {
    if (session.expiresAt <= now) return false;
    if (keyExpiresAt !== NEVER && session.expiresAt >= keyExpiresAt) return true;
    const maxTTL = this.maxTTL();
    const margin = maxTTL > 0 ? Math.min(RENEW_MARGIN_MS, maxTTL / 4) : RENEW_MARGIN_MS;
    return session.expiresAt - now > margin;
  }

  private remember(sid: string, session: Session): string {
    this.local.set(sid, session);
    this.owners.set(session.jwt, true);
    return session.jwt;
  }

  private async deleteSession(userId: string, jwt: string): Promise<void> {
    const token = await this.ask('core:security:token:get', userId, jwt).catch(() => null);
    if (token) await this.ask('core:security:token:delete', token).catch(() => undefined);
    await this.ask('core:cache:internal:del', OWNER + hash(jwt)).catch(() => undefined);
  }

  private async mint(key: StoredKey, keyExpiresAt: number, now: number, previous: Session | null): Promise<string> {
    const sid = storageIdOf(key);
    let user: unknown;
    try {
      user = await this.ask('core:security:user:get', key.userId);
    } catch (error: any) {
      if (error?.status === 404) throw new UserGoneError();
      throw error;
    }
    const maxTTL = this.maxTTL();
    const cap = maxTTL > 0 ? Math.min(maxTTL, SESSION_TTL_MS) : SESSION_TTL_MS;
    const remaining = keyExpiresAt === NEVER ? Infinity : keyExpiresAt - now;
    if (remaining <= 0) throw new Error('the key has expired');
    const lifetime = Math.min(remaining, cap);
    // Kuzzle's JWT has whole-second expiries, and two tokens of one user minted in the same second with the same
    // expiry are byte-identical: pick the JWT expiry at random in a window above the session's life (never above
    // Kuzzle's maxTTL); the session's Redis entry still ends at `lifetime` (pexpire below).
    const lo = Math.ceil(lifetime / 1000) * 1000 + JWT_MARGIN_MS;
    const hi = maxTTL > 0 ? Math.max(1000, Math.floor(maxTTL / 1000) * 1000) : lo + JWT_SPREAD_MS;
    for (let attempt = 0; attempt < MINT_ATTEMPTS; attempt++) {
      const expiresIn = lo <= hi ? randomInt(lo / 1000, hi / 1000 + 1) * 1000 : Math.max(1000, hi - attempt * 1000);
      const token = await this.ask('core:security:token:create', user, { type: 'authToken', expiresIn });
      const ttl = Math.min(lifetime, token.expiresAt - now);
      const claimed = await this.ask('core:cache:internal:store', OWNER + hash(token.jwt), sid, { onlyIfNew: true, ttl });
      if (!claimed) continue; // byte-identical to a session of another key (same user, same second): mint another
      // the session's Redis entry ends with the key, not with the JWT's whole-second expiry
      await this.ask('core:cache:internal:pexpire', `${KUZZLE_TOKENS}${key.userId}#${token.jwt}`, ttl);
      const session = { jwt: token.jwt, expiresAt: now + ttl };
      if (previous) {
        await this.ask('core:cache:internal:store', POINTER + sid, token.jwt, { ttl });
        if (previous.jwt !== token.jwt) await this.deleteSession(key.userId, previous.jwt);
        await this.ask('core:cache:internal:del', RENEWAL + sid).catch(() => undefined);
        return this.remember(sid, session);
      }
      const stored = await this.ask('core:cache:internal:store', POINTER + sid, token.jwt, { onlyIfNew: true, ttl });
      if (!stored) {
        // another node minted concurrently: keep one session per key
        const other = await this.ask('core:cache:internal:get', POINTER + sid);
        const otherTtl = typeof other === 'string'
          ? await this.ask('core:cache:internal:execute', 'pttl', `${KUZZLE_TOKENS}${key.userId}#${other}`) : -2;
        if (typeof other === 'string' && typeof otherTtl === 'number' && otherTtl > 0) {
          await this.deleteSession(key.userId, token.jwt);
          return this.remember(sid, { jwt: other, expiresAt: now + otherTtl });
        }
        // a pointer to a session Kuzzle already deleted (logout, revokeTokens): ours replaces it
        await this.ask('core:cache:internal:store', POINTER + sid, token.jwt, { ttl });
      }
      return this.remember(sid, session);
    }
    throw new Error('could not mint a unique session');
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
