/**
 * A key's effective state: its own, and that of every ancestor (a child key dies with its parent).
 */
import { StoredKey, statusOf } from '../core/key';
import type { KeyResolver } from './KeyResolver';

export type EffectiveState = 'valid' | 'revoked' | 'expired' | 'orphan';

const MAX_DEPTH = 16;

export async function effectiveState(resolver: KeyResolver, key: StoredKey, now: number): Promise<EffectiveState> {
  let current: StoredKey | null = key;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    const status = statusOf(current, now);
    if (status !== 'valid') return status;
    if (!current.parentKeyId) return 'valid';
    current = await resolver.getKey(current.parentKeyId);
  }
  return 'orphan';
}
