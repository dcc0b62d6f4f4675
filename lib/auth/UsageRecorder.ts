/**
 * lastUsedAt without a storage write per request: uses are collected in memory and written at most
 * once per key per `lastUsedFlushInterval`, as a partial update of `lastUsedAt` only, so a flush can
 * never undo a concurrent revoke or update. Pending uses are flushed on shutdown.
 */
import { KeyRepository } from '../storage/KeyRepository';
import { KeyHandle, storageIdOf } from '../core/key';
import type { Credits } from '../core/limits';

export class UsageRecorder {
  private pending = new Map<string, { handle: KeyHandle; at: number }>();
  /** the last count of credits seen per key (Redis is authoritative; storage is where counting resumes from) */
  private credits = new Map<string, { handle: KeyHandle; credits: Credits }>();
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

  recordCredits(handle: KeyHandle, credits: Credits): void {
    this.credits.set(storageIdOf(handle), { handle: { userId: handle.userId, keyId: handle.keyId }, credits });
  }

  forget(handle: KeyHandle): void {
    this.pending.delete(storageIdOf(handle));
    this.credits.delete(storageIdOf(handle));
  }

  /** Writes every pending use (one partial update per key). Concurrent calls share one run. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.pending;
    const credits = this.credits;
    this.pending = new Map();
    this.credits = new Map();
    if (batch.size === 0 && credits.size === 0) return Promise.resolve();
    this.flushing = (async () => {
      for (const { handle, at } of batch.values()) {
        try {
          // updateKey answers null for a key deleted meanwhile: nothing to record then.
          await this.repo.updateKey(handle, { lastUsedAt: at }, 'false');
        } catch (error) {
          this.onError(error);
        }
      }
      for (const [sid, entry] of credits) {
        const { handle, credits: counted } = entry;
        try {
          // its own field, tagged with the credits it counts (setAt): new credits set meanwhile ignore it
          await this.repo.writeCreditsUsage(handle, { setAt: counted.setAt, remaining: counted.remaining, period: counted.period });
        } catch (error) {
          // retried at the next flush, unless a newer count came in meanwhile
          if (!this.credits.has(sid)) this.credits.set(sid, entry);
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
