/**
 * Keeps every key's realtime subscriptions within what the key may do now, on this node:
 * - records them (realtime:afterSubscribe / afterJoin) and forgets them when Kuzzle removes them;
 * - ends them when the key ends (here, through a cluster message, or found by the periodic check), and narrows them
 *   when the key's or an ancestor's scopes or allowlist change;
 * - every `subscriptionCheckInterval`, re-checks in one MGET the shared marks (see marks.ts) of the keys holding
 *   subscriptions here and of their ancestors: a lost cluster message cannot keep a subscription alive;
 * - ends them at the key's (effective) expiry.
 */
import type { KuzzleRequest } from 'kuzzle';
import { KeyHandle, StoredKey, acceptedFingerprints, graceRunning, storageIdOf } from '../core/key';
import { NEVER, earliest } from '../core/expiry';
import { scopesAllow } from '../core/scopes';
import { refusingAllowlist } from '../core/ipAllowlist';
import { clientIpOf } from './clientAddress';
import type { Ask } from '../storage/KeyRepository';
import type { KeyResolver } from './KeyResolver';
import type { ResourceLookups } from './resources';
import { keyChain } from './keyState';
import { markKey } from './marks';
import { SubscribeAction, SubscriptionRegistry } from './SubscriptionRegistry';
import { keyContextOf, KeyRequests } from './KeyRequests';
import type { SessionManager } from './SessionManager';

/** setTimeout's limit: later expiries are left to the periodic check */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SubscriptionGuard {
  readonly registry: SubscriptionRegistry;
  private timer: NodeJS.Timeout | null = null;
  private readonly expiryTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** the shared mark each holder (and ancestor) had when its subscriptions were last checked */
  private readonly checkedMarks = new Map<string, string | null>();

  constructor(
    private readonly deps: {
      ask: Ask;
      resolver: KeyResolver;
      lookups: ResourceLookups;
      keyRequests: KeyRequests;
      sessions: SessionManager;
      log: { warn(msg: string): void };
      now(): number;
      trustedProxies: readonly string[];
    },
    private readonly checkIntervalMs: number,
  ) {
    this.registry = new SubscriptionRegistry(deps.ask, deps.log.warn);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.check().catch((e) => this.deps.log.warn(`subscription check failed: ${e?.message ?? e}`)); }, this.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const { timer } of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /** realtime:afterSubscribe / realtime:afterJoin */
  recorder(action: SubscribeAction) {
    return async (request: KuzzleRequest): Promise<KuzzleRequest> => {
      const ctx = await keyContextOf(this.deps, request);
      const roomId = (request.result as any)?.roomId;
      const connectionId = request.context.connection?.id;
      if (typeof roomId !== 'string' || typeof connectionId !== 'string') return request;
      if (!ctx) {
        this.registry.noteForeignSubscription(connectionId);
        return request;
      }
      this.registry.add(ctx.key, ctx.fingerprint, connectionId, roomId, action, clientIpOf(request, this.deps.trustedProxies));
      // the key may have ended between the authorization and now
      await this.recheck(ctx.key);
      return request;
    };
  }

  /** core:realtime:user:unsubscribe:after */
  onUnsubscribed = (payload: { subscription?: { connectionId?: string; roomId?: string } }): void => {
    const { connectionId, roomId } = payload?.subscription ?? {};
    if (typeof connectionId === 'string' && typeof roomId === 'string') this.registry.removeRoom(connectionId, roomId);
  };

  /** connection:remove */
  onConnectionRemoved = (connection: { id?: string }): void => {
    if (typeof connection?.id === 'string') this.registry.removeConnection(connection.id);
  };

  async end(key: KeyHandle): Promise<void> {
    this.clearExpiry(key);
    await this.registry.end(key);
  }

  async endUser(userId: string): Promise<void> {
    await this.registry.endUser(userId);
  }

  async endAll(): Promise<void> {
    await this.registry.endAll();
  }

  /** A key of this user changed (scopes, expiry...): re-check every key of the user holding subscriptions here. */
  async recheckUser(userId: string): Promise<void> {
    for (const handle of this.registry.holders()) {
      if (handle.userId === userId) await this.recheck(handle);
    }
  }

  /** Ends or narrows one key's subscriptions by its current state (and its ancestors'). */
  private async recheck(handle: KeyHandle): Promise<void> {
    const now = this.deps.now();
    let key: StoredKey | null;
    let chain;
    try {
      key = await this.deps.resolver.getKey(handle);
      chain = key ? await keyChain(this.deps.resolver, key, now) : null;
    } catch (error) {
      // storage cannot tell: keep them, the next check retries (a revoked key is refused at its next request anyway)
      this.deps.log.warn(`could not re-check the subscriptions of an API key: ${(error as Error)?.message ?? error}`);
      return;
    }
    if (!key || !chain || chain.state !== 'valid') {
      await this.end(handle);
      return;
    }
    // a rotated secret's subscriptions end when it stops working
    await this.registry.keepFingerprints(key, acceptedFingerprints(key, now));
    const keys = [key, ...chain.ancestors];
    await this.registry.narrow(key, async (_key, roomId, action, clientIp) => {
      // an allowlist narrowed since the subscription ends it, as it refuses the connection's next request
      if (refusingAllowlist(keys, clientIp)) return false;
      const room = await this.deps.lookups.room(roomId);
      const resources = room ? [room] : [];
      return keys.every((k) => scopesAllow(k.scopes, 'realtime', action, resources));
    });
    const graceEnd = graceRunning(key, now) ? key.previousSecretExpiresAt as number : NEVER;
    this.scheduleExpiry(handle, earliest(chain.expiresAt, graceEnd));
  }

  private scheduleExpiry(handle: KeyHandle, expiresAt: number): void {
    const sid = storageIdOf(handle);
    if (expiresAt < 0 || !this.registry.has(handle)) return;
    const known = this.expiryTimers.get(sid);
    if (known && known.at <= expiresAt) return;
    if (known) clearTimeout(known.timer);
    const delay = expiresAt - this.deps.now() + 1;
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.expiryTimers.delete(sid);
      void this.recheck(handle);
    }, Math.max(delay, 0));
    timer.unref();
    this.expiryTimers.set(sid, { at: expiresAt, timer });
  }

  private clearExpiry(handle: KeyHandle): void {
    const sid = storageIdOf(handle);
    const known = this.expiryTimers.get(sid);
    if (known) clearTimeout(known.timer);
    this.expiryTimers.delete(sid);
  }

  /**
   * The periodic check: one MGET of the marks of the keys holding subscriptions here and of their ancestors; a key
   * whose mark moved (or whose ancestor's did) is re-read from storage and re-checked.
   */
  async check(): Promise<void> {
    const holders = this.registry.holders();
    if (holders.length === 0) return;
    const handles = new Map<string, KeyHandle>();
    const chains = new Map<string, string[]>();
    for (const holder of holders) {
      const sids = [storageIdOf(holder)];
      handles.set(sids[0], holder);
      const key = await this.deps.resolver.getKey(holder).catch(() => null);
      if (key) {
        const chain = await keyChain(this.deps.resolver, key, this.deps.now()).catch(() => null);
        for (const ancestor of chain?.ancestors ?? []) {
          const sid = storageIdOf(ancestor);
          handles.set(sid, ancestor);
          sids.push(sid);
        }
      }
      chains.set(storageIdOf(holder), sids);
    }
    const all = [...handles.entries()];
    const marks: unknown[] = await this.deps.ask('core:cache:internal:mget', all.map(([, h]) => markKey(h)));
    const moved = new Set<string>();
    for (let i = 0; i < all.length; i++) {
      const [sid, handle] = all[i];
      const mark = typeof marks[i] === 'string' ? marks[i] as string : null;
      // against what THIS check last saw, not the resolver's cache: a request may have reloaded the key meanwhile
      if (!this.checkedMarks.has(sid) || this.checkedMarks.get(sid) !== mark) {
        moved.add(sid);
        if (mark !== this.deps.resolver.cachedMark(handle)) await this.deps.resolver.reload(handle).catch(() => undefined);
      }
      this.checkedMarks.set(sid, mark);
    }
    // forget the marks of keys that no longer hold subscriptions here
    for (const sid of [...this.checkedMarks.keys()]) if (!handles.has(sid)) this.checkedMarks.delete(sid);
    for (const holder of holders) {
      const sids = chains.get(storageIdOf(holder)) ?? [];
      if (sids.some((sid) => moved.has(sid))) await this.recheck(holder);
    }
  }
}
