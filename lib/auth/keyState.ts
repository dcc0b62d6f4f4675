/**
 * A key's effective state: its own, and that of every ancestor, as they are now. A child can do at most what each of
 * its ancestors can do, dies with any of them, and is an orphan (an unknown token) when its parent is gone or was
 * re-created under the same id (another `uid`).
 */
import { NEVER, earliest } from '../core/expiry';
import { StoredKey, statusOf } from '../core/key';
import type { KeyResolver } from './KeyResolver';

export type EffectiveState = 'valid' | 'revoked' | 'expired' | 'orphan';

export interface KeyChain {
  state: EffectiveState;
  /** parent first, root last (only complete when the state is valid) */
  ancestors: StoredKey[];
  /** the earliest expiry along the chain (-1 = never) */
  expiresAt: number;
}

const MAX_DEPTH = 16;


export async function keyChain(resolver: Pick<KeyResolver, 'getKey'>, key: StoredKey, now: number): Promise<KeyChain> {
  const ancestors: StoredKey[] = [];
  let expiresAt = key.expiresAt;
  let current = key;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const status = statusOf(current, now);
    if (status !== 'valid') return { state: status, ancestors, expiresAt };
    if (!current.parentKeyId) return { state: 'valid', ancestors, expiresAt };
    const parent = await resolver.getKey({ userId: current.userId, keyId: current.parentKeyId });
    if (!parent || current.parentUid === null || parent.uid !== current.parentUid) return { state: 'orphan', ancestors, expiresAt };
    ancestors.push(parent);
    expiresAt = earliest(expiresAt, parent.expiresAt);
    current = parent;
  }
  return { state: 'orphan', ancestors, expiresAt };
}

export async function effectiveState(resolver: Pick<KeyResolver, 'getKey'>, key: StoredKey, now: number): Promise<EffectiveState> {
  return (await keyChain(resolver, key, now)).state;
}
