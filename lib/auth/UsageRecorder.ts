/**
 * lastUsedAt without a storage write per request: uses are collected in memory and written at most
 * once per key per `lastUsedFlushInterval`, as a partial update of `lastUsedAt` only, so a flush can
 * never undo a concurrent revoke or update. Pending uses are flushed on shutdown.
 */
import { KeyRepository } from '../storage/KeyRepository';
import { KeyHandle, storageIdOf } from '../core/key';

export class UsageRecorder {
  private pending = new Map<string, { handle: KeyHandle; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly repo: KeyRepository,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.flush(); }, this.intervalMs);
    this.timer.unref();
  }

  record(handle: KeyHandle, at = Date.now()): void {
    const sid = storageIdOf(handle);
    const previous = this.pending.get(sid);
    if (previous === undefined || previous.at < at) this.pending.set(sid, { handle: { userId: handle.userId, keyId: handle.keyId }, at });
  }

  forget(handle: KeyHandle): void {
    this.pending.delete(storageIdOf(handle));
  }

  /** Writes every pending use (one partial update per key). Concurrent calls share one run. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return Promise.resolve();
    this.flushing = (async () => {
      for (const { handle, at } of batch.values()) {
        try {
          // updateKey answers null for a key deleted meanwhile: nothing to record then.
          await this.repo.updateKey(handle, { lastUsedAt: at }, 'false');
        } catch (error) {
          this.onError(error);
        }
      }
    })().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
