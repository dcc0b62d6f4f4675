/**
 * The audit trail's events and search filters. Pure logic, no Kuzzle import. An event never holds a secret: only
 * ids, field names, times and addresses.
 */
import { ApiKeyError } from './errors';

export type AuditAction = 'create' | 'update' | 'revoke' | 'rotate' | 'delete' | 'escalation';
export const AUDIT_ACTIONS: readonly AuditAction[] = ['create', 'update', 'revoke', 'rotate', 'delete', 'escalation'];

/** Why a key changed without being named by the request (one event per key). */
export type AuditCause = 'parent-revoked' | 'parent-deleted' | 'user-deleted' | 'reset-security';

export interface AuditActor {
  /** the user who made the request (null: Kuzzle itself, e.g. a user deleted outside the API) */
  userId: string | null;
  /** the key that authenticated the request, for key-authenticated callers */
  keyId: string | null;
}

export interface AuditEvent {
  eventId: string;
  at: number;
  action: AuditAction;
  /** the key's owner */
  userId: string;
  keyId: string | null;
  actor: AuditActor;
  /** the names of the fields the request changed (never their values) */
  fields: string[];
  requestId: string | null;
  /** the client's address (see trustedProxies) */
  ip: string | null;
  cause: AuditCause | null;
  /** escalation events only: refusals of the same key not recorded since the previous event (rate bound) */
  suppressed: number;
}

/** Who made a request, from where: the part of an event the request gives. */
export interface AuditOrigin {
  actor: AuditActor;
  requestId: string | null;
  ip: string | null;
}

export interface AuditFilters {
  userId?: string;
  keyId?: string;
  actor?: string;
  action?: AuditAction;
  since?: number;
  until?: number;
  from: number;
  size: number;
}

export const AUDIT_MAX_WINDOW = 10000;

function bad(message: string): never {
  throw new ApiKeyError('invalid_argument', message);
}

function optionalString(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 512) bad(`Invalid argument "${name}": expected a non-empty string.`);
  return v;
}

function optionalInteger(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined || v === null) return undefined;
  // HTTP query strings carry numbers as text
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    bad(`Invalid argument "${name}": expected an integer between ${min} and ${max}.`);
  }
  return n;
}

/** Reads the search filters (top-level arguments); anything mistyped is a 400 `invalid_argument`. */
export function readAuditFilters(args: Record<string, unknown>): AuditFilters {
  const action = optionalString('action', args.action);
  if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action)) {
    bad(`Invalid argument "action": expected one of ${AUDIT_ACTIONS.join(', ')}.`);
  }
  const from = optionalInteger('from', args.from, 0, AUDIT_MAX_WINDOW) ?? 0;
  const size = optionalInteger('size', args.size, 0, AUDIT_MAX_WINDOW) ?? 10;
  if (from + size > AUDIT_MAX_WINDOW) bad(`"from" + "size" must be at most ${AUDIT_MAX_WINDOW}.`);
  const since = optionalInteger('since', args.since, 0);
  const until = optionalInteger('until', args.until, 0);
  return {
    userId: optionalString('userId', args.userId),
    keyId: optionalString('keyId', args.keyId),
    actor: optionalString('actor', args.actor),
    action: action as AuditAction | undefined,
    since,
    until,
    from,
    size,
  };
}

/** The Elasticsearch query of a search: every filter is an exact term or a range, never free text. */
export function auditQuery(filters: AuditFilters): Record<string, unknown> {
  const filter: unknown[] = [];
  if (filters.userId !== undefined) filter.push({ term: { userId: filters.userId } });
  if (filters.keyId !== undefined) filter.push({ term: { keyId: filters.keyId } });
  if (filters.actor !== undefined) filter.push({ term: { 'actor.userId': filters.actor } });
  if (filters.action !== undefined) filter.push({ term: { action: filters.action } });
  if (filters.since !== undefined || filters.until !== undefined) {
    filter.push({ range: { at: { ...(filters.since !== undefined ? { gte: filters.since } : {}), ...(filters.until !== undefined ? { lte: filters.until } : {}) } } });
  }
  return { bool: { filter } };
}

/** A line for Kuzzle's logger, in the style of its own `[SECURITY]` lines. */
export function auditLogLine(event: AuditEvent): string {
  const actor = event.actor.keyId ? `${event.actor.userId} (API key "${event.actor.keyId}")` : String(event.actor.userId ?? 'kuzzle');
  const parts = [`[SECURITY] api-keys: ${event.action}`, `key "${event.keyId ?? '-'}" of user "${event.userId}"`, `by ${actor}`];
  if (event.fields.length > 0) parts.push(`fields ${event.fields.join(',')}`);
  if (event.cause) parts.push(`cause ${event.cause}`);
  if (event.ip) parts.push(`from ${event.ip}`);
  if (event.requestId) parts.push(`request ${event.requestId}`);
  if (event.suppressed > 0) parts.push(`(${event.suppressed} similar refusals not recorded)`);
  return parts.join(', ');
}
