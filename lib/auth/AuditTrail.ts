/**
 * Records audit events: one `[SECURITY]` line through Kuzzle's logger, and one document in the `audit` collection,
 * written after the change it describes. A failed write is logged at error level and never undoes the change.
 *
 * Refused escalations are bounded: at most one event per calling key per second, cluster-wide (a Redis window);
 * the refusals in between are counted in the next event's `suppressed`.
 */
import { randomBytes } from 'crypto';
import type { KuzzleRequest } from 'kuzzle';
import { AuditAction, AuditCause, AuditEvent, AuditOrigin, auditLogLine } from '../core/audit';
import { KeyHandle, storageIdOf } from '../core/key';
import type { Ask } from '../storage/KeyRepository';
import type { AuditRepository } from '../storage/AuditRepository';
import { clientIpOf } from './clientAddress';

const ESCALATION_WINDOW = 'plugin-api-keys/audit-escalation/';
const ESCALATION_SUPPRESSED = 'plugin-api-keys/audit-suppressed/';
const WINDOW_MS = 1000;
const SUPPRESSED_TTL_MS = 24 * 3600 * 1000;
/** -1: inside the window (count it); otherwise the count suppressed since the previous event (a new window) */
const ESCALATION_GATE = "if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then "
  + "local n = tonumber(redis.call('GET', KEYS[2]) or '0') redis.call('DEL', KEYS[2]) return n end "
  + "redis.call('INCR', KEYS[2]) redis.call('PEXPIRE', KEYS[2], ARGV[2]) return -1";
const PRUNE_EVERY_MS = 3600 * 1000;

export interface AuditSubject {
  action: AuditAction;
  userId: string;
  keyId: string | null;
  fields?: string[];
  cause?: AuditCause | null;
}

interface Deps {
  repo: AuditRepository;
  ask: Ask;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  now(): number;
  trustedProxies: readonly string[];
  retention: number;
}

/** Sortable and unique: the time, then random bytes. */
function eventIdAt(at: number): string {
  return `${at.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
}

export class AuditTrail {
  private pruner: NodeJS.Timeout | null = null;

  constructor(private readonly deps: Deps) {}

  /** Who made the request and from where. `callerKey` is the key that authenticated it, if any. */
  originOf(request: KuzzleRequest | null, callerKey: KeyHandle | null = null): AuditOrigin {
    if (!request) return { actor: { userId: null, keyId: null }, requestId: null, ip: null };
    const kuid = request.getKuid();
    return {
      actor: { userId: kuid && kuid !== '-1' ? kuid : null, keyId: callerKey?.keyId ?? null },
      requestId: typeof request.id === 'string' ? request.id : null,
      ip: clientIpOf(request, this.deps.trustedProxies),
    };
  }

  async record(subject: AuditSubject, origin: AuditOrigin, suppressed = 0): Promise<void> {
    const at = this.deps.now();
    const event: AuditEvent = {
      eventId: eventIdAt(at),
      at,
      action: subject.action,
      userId: subject.userId,
      keyId: subject.keyId,
      actor: origin.actor,
      fields: subject.fields ?? [],
      requestId: origin.requestId,
      ip: origin.ip,
      cause: subject.cause ?? null,
      suppressed,
    };
    this.deps.log.info(auditLogLine(event));
    try {
      await this.deps.repo.append(event);
    } catch (error) {
      this.deps.log.error(`could not write an audit event (${auditLogLine(event)}): ${(error as Error)?.message ?? error}`);
    }
  }

  /** A refused escalation by a key: recorded at most once per second per key. */
  async escalation(subject: Omit<AuditSubject, 'action'>, origin: AuditOrigin, callerKey: KeyHandle): Promise<void> {
    let suppressed = 0;
    try {
      const sid = storageIdOf(callerKey);
      const gate = Number(await this.deps.ask('core:cache:internal:execute', 'eval', ESCALATION_GATE, 2,
        ESCALATION_WINDOW + sid, ESCALATION_SUPPRESSED + sid, WINDOW_MS, SUPPRESSED_TTL_MS));
      if (gate < 0) return;
      suppressed = Number.isFinite(gate) ? gate : 0;
    } catch (error) {
      // without the shared window, record it: an unrecorded refusal is worse than an extra event
      this.deps.log.warn(`audit rate bound unavailable: ${(error as Error)?.message ?? error}`);
    }
    await this.record({ ...subject, action: 'escalation' }, origin, suppressed);
  }

  /** Every node prunes (at boot, then hourly): events older than `auditRetention` go. */
  startPruning(): void {
    if (this.pruner) return;
    const prune = () => {
      this.deps.repo.prune(this.deps.now() - this.deps.retention)
        .catch((e) => this.deps.log.warn(`audit pruning failed: ${e?.message ?? e}`));
    };
    prune();
    this.pruner = setInterval(prune, Math.min(PRUNE_EVERY_MS, Math.max(this.deps.retention, 1000)));
    this.pruner.unref();
  }

  stopPruning(): void {
    if (this.pruner) clearInterval(this.pruner);
    this.pruner = null;
  }
}
