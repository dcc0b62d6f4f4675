/**
 * Realtime connections authenticated by a key are linked, in Kuzzle's token manager, to a token that
 * stands for the KEY (not for its internal session): subscriptions then live exactly as long as the key.
 * Kuzzle ends them when that token expires (the key's expiresAt), and this plugin ends them when the key
 * is deleted or revoked. A logout or a Redis flush, which only delete the session, leave them alone.
 *
 * The token's type is 'apiKey' (its jwt starts with `kapikey-`), so Kuzzle's auth:logout does not try to
 * delete it. It is never stored anywhere and is not a credential.
 */
import { NEVER } from '../core/expiry';
import { KeyHandle, StoredKey, storageIdOf } from '../core/key';

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
    this.expiresAt = key.expiresAt === NEVER ? FAR_FUTURE : key.expiresAt;
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
  private readonly byKey = new Map<string, Map<string, KeyConnectionToken>>();

  constructor(private readonly tokenManager: () => TokenManagerLike | undefined) {}

  tokenFor(key: StoredKey): KeyConnectionToken {
    const sid = storageIdOf(key);
    let tokens = this.byKey.get(sid);
    if (!tokens) {
      tokens = new Map();
      this.byKey.set(sid, tokens);
    }
    const token = new KeyConnectionToken(key);
    const known = tokens.get(token._id);
    if (known) return known;
    tokens.set(token._id, token);
    return token;
  }

  link(key: StoredKey, connectionId: string): KeyConnectionToken {
    const token = this.tokenFor(key);
    this.tokenManager()?.link(token, connectionId);
    return token;
  }

  /** Ends the realtime subscriptions of every connection that used this key on this node. */
  async expire(handle: KeyHandle): Promise<void> {
    const sid = storageIdOf(handle);
    const tokens = this.byKey.get(sid);
    this.byKey.delete(sid);
    if (!tokens) return;
    const manager = this.tokenManager();
    for (const token of tokens.values()) await manager?.expire(token);
  }
}
