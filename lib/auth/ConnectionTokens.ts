/**
 * Kuzzle links each realtime connection to the token of its last request, and ends every subscription of the
 * connection when that token is deleted or expires. A key's internal session must never be that token: deleting
 * it (revocation, logout, a flush) would end the subscriptions OTHER credentials made on the socket. So a key's
 * request links the connection to a placeholder that stands for the key, never expires and is never deleted;
 * the plugin ends the key's own subscriptions itself (SubscriptionGuard).
 *
 * The placeholder's type is 'apiKey' (its jwt starts with `kapikey-`), so Kuzzle's auth:logout does not try to
 * delete it. It is never stored anywhere and is not a credential.
 */
import { StoredKey, storageIdOf } from '../core/key';

/** Kuzzle's token manager treats -1 badly in its expiry timer: use the largest date instead. */
const FAR_FUTURE = 8.64e15;

export class KeyConnectionToken {
  readonly _id: string;
  readonly jwt: string;
  readonly userId: string;
  readonly expiresAt: number;
  readonly ttl: number;
  readonly refreshed = false;
  readonly singleUse = false;

  constructor(key: StoredKey) {
    this.userId = key.userId;
    this.expiresAt = FAR_FUTURE;
    this.ttl = key.ttl;
    this.jwt = `kapikey-connection:${storageIdOf(key)}`;
    this._id = `${key.userId}#${this.jwt}@${this.expiresAt}`;
  }

  get type(): 'apiKey' {
    return 'apiKey';
  }
}

interface TokenManagerLike {
  link(token: unknown, connectionId: string): void;
  expire(token: unknown): Promise<void>;
}

export class ConnectionTokens {
  /** userId -> placeholder id -> placeholder, for the user's deletion */
  private readonly byUser = new Map<string, Map<string, KeyConnectionToken>>();

  constructor(private readonly tokenManager: () => TokenManagerLike | undefined) {}

  /** Links the connection to the key's placeholder (replacing the session Kuzzle linked it to). */
  link(key: StoredKey, connectionId: string): KeyConnectionToken {
    let tokens = this.byUser.get(key.userId);
    if (!tokens) {
      tokens = new Map();
      this.byUser.set(key.userId, tokens);
    }
    const fresh = new KeyConnectionToken(key);
    const token = tokens.get(fresh._id) ?? fresh;
    tokens.set(token._id, token);
    this.tokenManager()?.link(token, connectionId);
    return token;
  }

  /**
   * The user is gone: the connections linked to their keys' placeholders lose every subscription (with Kuzzle's
   * TokenExpired), exactly as Kuzzle ends the connections linked to a deleted user's own tokens and native keys.
   */
  async expireUser(userId: string): Promise<void> {
    const tokens = this.byUser.get(userId);
    this.byUser.delete(userId);
    const manager = this.tokenManager();
    for (const token of tokens?.values() ?? []) await manager?.expire(token);
  }

  async expireAll(): Promise<void> {
    for (const userId of [...this.byUser.keys()]) await this.expireUser(userId);
  }
}
