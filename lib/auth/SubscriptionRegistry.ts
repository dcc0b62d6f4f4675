/**
 * What each key opened on this node: (key) -> connection -> rooms, so that subscriptions follow the key that made
 * them, whatever the socket did since (a logout, another credential, a reconnection of the SDK elsewhere).
 *
 * Kuzzle links a connection to one token at a time and ends subscriptions only through that link, which a logout or
 * any other credential on the socket replaces. So the plugin ends a key's subscriptions itself:
 * - if every request the connection carried came from this key, with `core:realtime:tokenExpired:notify`: the client
 *   gets Kuzzle's usual `TokenExpired`, and all the connection's subscriptions are the key's;
 * - otherwise room by room, with `core:realtime:unsubscribe`, so that other credentials' subscriptions on the socket
 *   live on (a room that the key AND another credential subscribed on one socket is a single Kuzzle subscription:
 *   it ends too, which fails closed).
 * Narrowed scopes end the subscriptions they no longer allow, silently (Kuzzle has no per-subscription end notice).
 */
import { KeyHandle, StoredKey, storageIdOf } from '../core/key';
import type { Ask } from '../storage/KeyRepository';

export type SubscribeAction = 'subscribe' | 'join';

interface ConnectionSubscriptions {
  rooms: Map<string, SubscribeAction>;
  /** the secret it subscribed with (a rotated secret's subscriptions end when it stops working) */
  fingerprints: Set<string>;
  /** another credential spoke on the connection since the key subscribed, or holds subscriptions on it */
  shared: boolean;
  /** the client address the key subscribed from (allowlists are re-checked against it) */
  clientIp: string | null;
}

interface KeySubscriptions {
  handle: KeyHandle;
  connections: Map<string, ConnectionSubscriptions>;
}

/** Whether a key (with its ancestors, as they are now) may still hold a subscription to a room. */
export type RoomCheck = (key: StoredKey, roomId: string, action: SubscribeAction, clientIp: string | null) => Promise<boolean>;

export class SubscriptionRegistry {
  private readonly byKey = new Map<string, KeySubscriptions>();
  /** connections where a credential that is not a plugin key subscribed */
  private readonly foreign = new Set<string>();

  constructor(private readonly ask: Ask, private readonly warn: (msg: string) => void) {}

  /** Every request on a realtime connection: its credential (a key's storage id, another jwt, or 'anonymous'). */
  noteCredential(connectionId: string, credential: string): void {
    for (const [sid, entry] of this.byKey) {
      const connection = entry.connections.get(connectionId);
      if (connection && sid !== credential) connection.shared = true;
    }
  }

  /** A subscription made on the connection by a credential that is not a plugin key. */
  noteForeignSubscription(connectionId: string): void {
    this.foreign.add(connectionId);
    for (const entry of this.byKey.values()) {
      const connection = entry.connections.get(connectionId);
      if (connection) connection.shared = true;
    }
  }

  add(key: KeyHandle, fingerprint: string, connectionId: string, roomId: string, action: SubscribeAction, clientIp: string | null): void {
    const sid = storageIdOf(key);
    let entry = this.byKey.get(sid);
    if (!entry) {
      entry = { handle: { userId: key.userId, keyId: key.keyId }, connections: new Map() };
      this.byKey.set(sid, entry);
    }
    let connection = entry.connections.get(connectionId);
    if (!connection) {
      const othersHere = this.foreign.has(connectionId)
        || [...this.byKey.entries()].some(([other, e]) => other !== sid && e.connections.has(connectionId));
      connection = { rooms: new Map(), fingerprints: new Set(), shared: othersHere, clientIp };
      entry.connections.set(connectionId, connection);
      // this key's subscriptions make the connection shared for the keys already there
      for (const [other, e] of this.byKey) {
        const theirs = other !== sid ? e.connections.get(connectionId) : undefined;
        if (theirs) theirs.shared = true;
      }
    }
    connection.rooms.set(roomId, action);
    connection.fingerprints.add(fingerprint);
  }

  /** Kuzzle removed a subscription (client unsubscribe, connection closed, token expired). */
  removeRoom(connectionId: string, roomId: string): void {
    for (const [sid, entry] of this.byKey) {
      const connection = entry.connections.get(connectionId);
      if (!connection) continue;
      connection.rooms.delete(roomId);
      if (connection.rooms.size === 0) entry.connections.delete(connectionId);
      if (entry.connections.size === 0) this.byKey.delete(sid);
    }
  }

  removeConnection(connectionId: string): void {
    this.foreign.delete(connectionId);
    for (const [sid, entry] of this.byKey) {
      entry.connections.delete(connectionId);
      if (entry.connections.size === 0) this.byKey.delete(sid);
    }
  }

  /** The keys holding subscriptions on this node. */
  holders(): KeyHandle[] {
    return [...this.byKey.values()].map((entry) => entry.handle);
  }

  has(key: KeyHandle, connectionId?: string): boolean {
    const entry = this.byKey.get(storageIdOf(key));
    return Boolean(entry && (connectionId === undefined || entry.connections.has(connectionId)));
  }

  /** The key ended (revoked, deleted, expired, its user deleted...): end exactly its subscriptions on this node. */
  async end(key: KeyHandle): Promise<void> {
    const sid = storageIdOf(key);
    const entry = this.byKey.get(sid);
    this.byKey.delete(sid);
    if (!entry) return;
    for (const [connectionId, connection] of entry.connections) {
      if (!connection.shared) {
        await this.ask('core:realtime:tokenExpired:notify', connectionId).catch((e: any) => this.warn(`TokenExpired notification failed: ${e?.message ?? e}`));
        continue;
      }
      for (const roomId of connection.rooms.keys()) await this.unsubscribe(connectionId, roomId);
    }
  }

  async endUser(userId: string): Promise<void> {
    for (const entry of [...this.byKey.values()]) {
      if (entry.handle.userId === userId) await this.end(entry.handle);
    }
  }

  async endAll(): Promise<void> {
    for (const entry of [...this.byKey.values()]) await this.end(entry.handle);
  }

  /**
   * Ends the subscriptions of this key on connections where it spoke with a secret it no longer accepts (rotation).
   * Rooms are not told apart by secret on one connection: a connection that used both loses both (fail closed).
   */
  async keepFingerprints(key: KeyHandle, accepted: readonly string[]): Promise<void> {
    const entry = this.byKey.get(storageIdOf(key));
    if (!entry) return;
    for (const [connectionId, connection] of [...entry.connections]) {
      if ([...connection.fingerprints].every((f) => accepted.includes(f))) continue;
      for (const roomId of [...connection.rooms.keys()]) await this.unsubscribe(connectionId, roomId);
      entry.connections.delete(connectionId);
    }
    if (entry.connections.size === 0) this.byKey.delete(storageIdOf(key));
  }

  /** Ends, room by room, what the key's current scopes and allowlists (and its ancestors') no longer allow. */
  async narrow(key: StoredKey, allowed: RoomCheck): Promise<void> {
    const entry = this.byKey.get(storageIdOf(key));
    if (!entry) return;
    for (const [connectionId, connection] of [...entry.connections]) {
      for (const [roomId, action] of [...connection.rooms]) {
        if (await allowed(key, roomId, action, connection.clientIp).catch(() => false)) continue;
        await this.unsubscribe(connectionId, roomId);
        connection.rooms.delete(roomId);
      }
      if (connection.rooms.size === 0) entry.connections.delete(connectionId);
    }
  }

  private async unsubscribe(connectionId: string, roomId: string): Promise<void> {
    try {
      await this.ask('core:realtime:unsubscribe', connectionId, roomId, true);
    } catch (error: any) {
      if (error?.id !== 'core.realtime.not_subscribed') this.warn(`could not end subscription ${roomId}: ${error?.message ?? error}`);
    }
  }
}
