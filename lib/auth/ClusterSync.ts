/**
 * Cache invalidation across Kuzzle nodes. `context.accessors.cluster` reaches the OTHER nodes only, so
 * callers always invalidate locally first. With `cluster.enabled: false` nobody answers cluster events
 * and those calls throw: a single node has nobody to tell, so that is not an error.
 */
export const INVALIDATE_EVENT = 'plugin-api-keys:invalidate';

export interface InvalidationMessage {
  keyId?: string;
  fingerprint?: string;
  userId?: string;
  /**
   * 'changed': forget the cached key; 'ended' (revoked, expiry shortened): also end its sessions and
   * realtime subscriptions; 'deleted': also remember the fingerprint as unknown; 'all': clear the caches.
   */
  kind: 'changed' | 'ended' | 'deleted' | 'user-deleted' | 'all';
}

export interface ClusterAccessor {
  broadcast(event: string, payload: unknown): Promise<void>;
  on(event: string, listener: (payload: any) => void): Promise<void>;
}

export class ClusterSync {
  private enabled = true;

  constructor(private readonly cluster: ClusterAccessor | undefined, private readonly debug: (msg: string) => void) {}

  async listen(handler: (message: InvalidationMessage) => void): Promise<void> {
    if (!this.cluster) { this.enabled = false; return; }
    try {
      await this.cluster.on(INVALIDATE_EVENT, handler);
    } catch (error) {
      this.enabled = false;
      this.debug(`cluster events unavailable (single node): ${(error as Error)?.message ?? error}`);
    }
  }

  /** Tells the other nodes; never throws (a failed broadcast cannot be undone by the caller). */
  async broadcast(message: InvalidationMessage): Promise<boolean> {
    if (!this.enabled || !this.cluster) return false;
    try {
      await this.cluster.broadcast(INVALIDATE_EVENT, message);
      return true;
    } catch (error) {
      this.debug(`cluster broadcast failed: ${(error as Error)?.message ?? error}`);
      return false;
    }
  }
}
