/**
 * maxKeysPerUser across nodes: an atomic per-user counter in Redis (shared by every node), so that concurrent
 * creations on several nodes cannot pass the limit between a count and a write. A slot is taken (INCR) before the
 * key is written and given back (DECR) if the write fails or the limit is passed; deletions give theirs back.
 *
 * When Redis loses the counter (a flush, its TTL), it is rebuilt from storage: a create-only store of the stored
 * count, so that nodes rebuilding at once agree. The TTL bounds any drift (a node that died between taking a slot
 * and giving it back) to one hour; drift only ever refuses early, never lets more keys in.
 */
import { createHash } from 'crypto';
import type { Ask, KeyRepository } from './KeyRepository';

const COUNTER = 'plugin-api-keys/key-count/';
const COUNTER_TTL_MS = 3600 * 1000;
/** INCR only an existing counter (and refresh its TTL): a missing one is rebuilt from storage first */
const TAKE = "if redis.call('EXISTS', KEYS[1]) == 0 then return nil end "
  + "local n = redis.call('INCR', KEYS[1]) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return n";
/** DECRBY only an existing counter: a missing one would come back negative, and let keys in */
const GIVE_BACK = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECRBY', KEYS[1], ARGV[1]) end return nil";

function counterKey(userId: string): string {
  return COUNTER + createHash('sha256').update(userId).digest('hex');
}

export class KeyQuota {
  constructor(private readonly ask: Ask, private readonly repo: KeyRepository) {}

  /** Takes a slot for a new key of this user; false (and nothing taken) when the user is at `max`. */
  async take(userId: string, max: number): Promise<{ taken: boolean; count: number }> {
    const key = counterKey(userId);
    let taken = await this.ask('core:cache:internal:execute', 'eval', TAKE, 1, key, COUNTER_TTL_MS);
    if (taken === null || taken === undefined) {
      await this.repo.refresh();
      const stored = await this.repo.count({ term: { userId } });
      await this.ask('core:cache:internal:store', key, String(stored), { onlyIfNew: true, ttl: COUNTER_TTL_MS });
      taken = await this.ask('core:cache:internal:execute', 'eval', TAKE, 1, key, COUNTER_TTL_MS);
    }
    const count = Number(taken);
    if (!Number.isFinite(count)) throw new Error('the key counter is unavailable');
    if (count > max) {
      await this.giveBack(userId);
      return { taken: false, count: count - 1 };
    }
    return { taken: true, count };
  }

  async giveBack(userId: string, n = 1): Promise<void> {
    if (n <= 0) return;
    await this.ask('core:cache:internal:execute', 'eval', GIVE_BACK, 1, counterKey(userId), n);
  }

  /** The user is gone: the next creation (a new user with this id) counts from storage. */
  async forget(userId: string): Promise<void> {
    await this.ask('core:cache:internal:del', counterKey(userId));
  }
}
