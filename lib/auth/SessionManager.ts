/**
 * One internal Kuzzle session (`kauth-` token, minted by Kuzzle's token manager) per key.
 *
 * Kuzzle only accepts the `kapikey-` tokens of its own collection, so a request authenticated by a
 * plugin key has its jwt swapped for the key's session before Kuzzle verifies it. The session is never
 * shown to anyone. Kuzzle deletes `kauth-` tokens on logout, global logout, `security:revokeTokens` and
 * a Redis flush: the session is then re-created, after the key and its user have been checked again.
 *
 * Redis holds, beside Kuzzle's own token entry:
 * - `plugin-api-keys/session/<storage id>` -> the session jwt (so that every node uses the same session);
 * - `plugin-api-keys/session-owner/<sha256(jwt)>` -> the key's storage id: two keys of one user first used in the same
 *   second could otherwise be given byte-identical JWTs (Kuzzle signs only `{_id, iat, exp}`).
 */
import { createHash, randomInt } from 'crypto';
import { LruCache } from '../core/lru';
import { NEVER } from '../core/expiry';
import { KeyHandle, StoredKey, storageIdOf } from '../core/key';
import { markKey } from './marks';
import { Ask } from '../storage/KeyRepository';

const POINTER = 'plugin-api-keys/session/';
/** Kuzzle's own token cache entries: `repos/kuzzle/token/<kuid>#<jwt>` (core/security/tokenRepository) */
const KUZZLE_TOKENS = 'repos/kuzzle/token/';
const OWNER = 'plugin-api-keys/session-owner/';
/** Sessions of never-expiring keys last 30 days (+ random spread) and are re-created when gone. */
const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const SPREAD_S = 30 * 24 * 3600;
/** A session this close to its end is replaced rather than used. */
const RENEW_MARGIN_MS = 60 * 1000;
/** A session of an expiring key outlives the key by this much, so Kuzzle never sees it expire first. */
const EXPIRY_MARGIN_MS = 2000;

interface Session {
  jwt: string;
  expiresAt: number;
}

export class UserGoneError extends Error {
  constructor() { super('the key owner no longer exists'); }
}

/** How long a node remembers that a `kauth-` token is (or is not) a key's session. */
const OWNER_CACHE_TTL_MS = 10 * 60 * 1000;
export const SESSION_PREFIX = 'kauth-';

export class SessionManager {
  private readonly local: LruCache<string, Session>;
  /** jwt -> whether it is a key's internal session (login tokens are remembered as `false`) */
  private readonly owners: LruCache<string, boolean>;

  constructor(private readonly ask: Ask, cacheSize: number) {
    this.local = new LruCache(Math.max(cacheSize, 1));
    this.owners = new LruCache(Math.max(cacheSize, 1000) * 2, OWNER_CACHE_TTL_MS);
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
   * a revocation on another node, a logout, a flush...) or when this node has none yet.
   */
  async probe(key: StoredKey, chain: KeyHandle[], now = Date.now()): Promise<{ marks: Array<string | null>; session: string | null }> {
    const known = this.local.get(storageIdOf(key));
    const usable = known !== undefined && this.usable(known, now);
    const keys = chain.map(markKey);
    if (usable) keys.push(`${KUZZLE_TOKENS}${key.userId}#${known.jwt}`);
    const values: unknown[] = await this.ask('core:cache:internal:mget', keys);
    const marks = chain.map((_, i) => (typeof values[i] === 'string' ? values[i] as string : null));
    const alive = usable && values[chain.length] !== null && values[chain.length] !== undefined;
    return { marks, session: alive ? known.jwt : null };
  }

  /** A session jwt that Kuzzle will accept now for this key's user. */
  async sessionFor(key: StoredKey, now = Date.now()): Promise<string> {
    const sid = storageIdOf(key);
    const known = this.local.get(sid);
    if (known && this.usable(known, now) && (await this.alive(key.userId, known.jwt))) return known.jwt;

    const pointer = await this.ask('core:cache:internal:get', POINTER + sid);
    if (typeof pointer === 'string' && pointer !== known?.jwt) {
      const token = await this.ask('core:security:token:get', key.userId, pointer);
      if (token && this.usable({ jwt: pointer, expiresAt: token.expiresAt }, now)) {
        this.local.set(sid, { jwt: pointer, expiresAt: token.expiresAt });
        this.owners.set(pointer, true);
        return pointer;
      }
    }
    return this.mint(key, now);
  }

  /** Deletes the key's session everywhere (Redis), so nothing minted for the key outlives it. */
  async drop(handle: KeyHandle): Promise<void> {
    const sid = storageIdOf(handle);
    const { userId } = handle;
    const known = this.local.get(sid);
    this.local.delete(sid);
    const pointer = await this.ask('core:cache:internal:get', POINTER + sid).catch(() => null);
    const jwts = new Set([known?.jwt, pointer].filter((j): j is string => typeof j === 'string'));
    for (const jwt of jwts) {
      const token = await this.ask('core:security:token:get', userId, jwt).catch(() => null);
      if (token) await this.ask('core:security:token:delete', token);
      await this.ask('core:cache:internal:del', OWNER + hash(jwt)).catch(() => undefined);
    }
    await this.ask('core:cache:internal:del', POINTER + sid).catch(() => undefined);
  }

  forgetLocal(handle: KeyHandle): void {
    this.local.delete(storageIdOf(handle));
  }

  private usable(session: Session, now: number): boolean {
    return session.expiresAt === NEVER || session.expiresAt - now > RENEW_MARGIN_MS;
  }

  private async alive(userId: string, jwt: string): Promise<boolean> {
    return Boolean(await this.ask('core:security:token:get', userId, jwt));
  }

  private async mint(key: StoredKey, now: number): Promise<string> {
    const sid = storageIdOf(key);
    let user: unknown;
    try {
      user = await this.ask('core:security:user:get', key.userId);
    } catch (error: any) {
      if (error?.status === 404) throw new UserGoneError();
      throw error;
    }
    const cap = SESSION_TTL_MS + randomInt(0, SPREAD_S) * 1000;
    const ttl = key.expiresAt === NEVER ? cap : Math.min(cap, key.expiresAt - now + EXPIRY_MARGIN_MS + randomInt(0, 1000));
    for (let attempt = 0; attempt < 8; attempt++) {
      const token = await this.ask('core:security:token:create', user,
        { type: 'authToken', expiresIn: ttl + attempt * 1000, bypassMaxTTL: true });
      const claimed = await this.ask('core:cache:internal:store', OWNER + hash(token.jwt), sid,
        { onlyIfNew: true, ttl: token.ttl });
      if (!claimed) {
        const owner = await this.ask('core:cache:internal:get', OWNER + hash(token.jwt));
        if (owner !== sid) continue; // another key's session: mint another one
      }
      const stored = await this.ask('core:cache:internal:store', POINTER + sid, token.jwt,
        { onlyIfNew: true, ttl: token.ttl });
      if (!stored) {
        // another node minted concurrently: keep one session per key
        const other = await this.ask('core:cache:internal:get', POINTER + sid);
        const otherToken = typeof other === 'string' ? await this.ask('core:security:token:get', key.userId, other) : null;
        if (otherToken && other !== token.jwt && this.usable({ jwt: other, expiresAt: otherToken.expiresAt }, now)) {
          await this.ask('core:security:token:delete', token).catch(() => undefined);
          await this.ask('core:cache:internal:del', OWNER + hash(token.jwt)).catch(() => undefined);
          this.local.set(sid, { jwt: other, expiresAt: otherToken.expiresAt });
          this.owners.set(other, true);
          return other;
        }
        await this.ask('core:cache:internal:store', POINTER + sid, token.jwt, { ttl: token.ttl });
      }
      this.local.set(sid, { jwt: token.jwt, expiresAt: token.expiresAt });
      this.owners.set(token.jwt, true);
      return token.jwt;
    }
    throw new Error('could not mint a unique session');
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
