/**
 * The shapes the plugin's actions take and answer with (see the README's API reference and the contract).
 * Pure types: nothing here runs, so the client stays usable in a browser.
 */

/** Epoch milliseconds. */
export type EpochMs = number;

/** An `ms` duration string (`'30s'`, `'7d'`) or a number of milliseconds. */
export type Duration = string | number;

/** A rate limit: at most `limit` requests per fixed `window` (aligned on multiples of the window since the epoch). */
export interface RateLimit {
  limit: number;
  window: Duration;
}

/** Usage credits: one per accepted request; a refill sets `remaining` to `amount` (it does not add). */
export interface Credits {
  remaining: number;
  refill?: { amount: number; interval: 'daily' | 'monthly' | Duration } | null;
}

/** A key as every action shows it (`_source`). `null` means unset; `expiresAt`/`ttl` are -1 for never. */
export interface ApiKeySource {
  userId: string;
  name: string | null;
  description: string | null;
  /** `controller:action[@index[/collection]]`; null = unrestricted (the user's rights) */
  scopes: string[] | null;
  claims: Record<string, unknown> | null;
  /** sha256 (hex) of the secret */
  fingerprint: string;
  expiresAt: EpochMs;
  ttl: number;
  createdAt: EpochMs;
  createdBy: string | null;
  updatedAt: EpochMs | null;
  lastUsedAt: EpochMs | null;
  revoked: boolean;
  revokedAt: EpochMs | null;
  revokedBy: string | null;
  revocationReason: string | null;
  /** true once the key (or one of its ancestors) is past its expiry */
  expired: boolean;
  /** the key that created this one (keys on keys), or null */
  parentKeyId: string | null;
  /** (v0.2) rate limits, if any */
  ratelimits?: RateLimit[] | null;
  /** (v0.2) usage credits, with the current `remaining` */
  credits?: Credits | null;
  /** (v0.2) addresses or CIDR blocks the key may be used from */
  allowedIps?: string[] | null;
  /** (v0.2) last rotation */
  rotatedAt?: EpochMs | null;
  /** (v0.2) while a rotation grace runs: when the previous secret stops */
  previousSecretExpiresAt?: EpochMs | null;
}

/** A key: `{ _id, _source }`. */
export interface ApiKey<S extends ApiKeySource = ApiKeySource> {
  _id: string;
  _source: S;
}

/** What createApiKey and rotateApiKey answer: the key with its secret, shown once. */
export type ApiKeyWithToken = ApiKey<ApiKeySource & { token: string }>;

/** Fields shared by create and update. */
export interface KeyFields {
  name?: string;
  description?: string;
  scopes?: string[] | null;
  claims?: Record<string, unknown> | null;
  /** (v0.2) */
  ratelimits?: RateLimit[] | null;
  /** (v0.2) */
  credits?: Credits | null;
  /** (v0.2) */
  allowedIps?: string[] | null;
}

/** `'wait_for'` (the default) waits until the change is searchable; `false` does not. */
export type Refresh = 'wait_for' | false;

export interface CreateKeyInput extends KeyFields {
  /** an `ms` string or ms; -1 or absent = never */
  expiresIn?: Duration;
  /** a key id of your choice (per user), else a UUID */
  _id?: string;
  refresh?: Refresh;
}

export interface UpdateKeyInput extends KeyFields {
  /** the expiry may only be shortened */
  expiresIn?: Duration;
  refresh?: Refresh;
}

export type KeyStatusFilter = 'all' | 'valid' | 'revoked' | 'expired';

export type SortOrder = 'asc' | 'desc';
export type SortSpec = string | Record<string, SortOrder>;

export interface SearchKeysInput {
  /** free text on name and description */
  query?: string;
  status?: KeyStatusFilter;
  from?: number;
  size?: number;
  /** a field, `'field:order'`, `{ field: order }`, or an array of them (default: newest first) */
  sort?: SortSpec | SortSpec[];
  /** keep a scroll open this long (e.g. `'30s'`) and get a `scrollId` */
  scroll?: string;
  /** an Elasticsearch query clause (whitelisted clause types), always restricted to the target user */
  body?: Record<string, unknown>;
}

export interface SearchResult<T> {
  hits: T[];
  /** the true number of matches */
  total: number;
  scrollId?: string;
}

export interface ScrollInput {
  scroll?: string;
}

export interface RevokeInput {
  reason?: string;
  refresh?: Refresh;
}

export interface RotateInput {
  /** how long the previous secret keeps working: an `ms` string or ms (default 0, at most `maxRotationGrace`) */
  gracePeriod?: Duration;
  refresh?: Refresh;
}

export interface DeleteInput {
  refresh?: Refresh;
}

export type VerifyCode = 'VALID' | 'NOT_FOUND' | 'EXPIRED' | 'REVOKED' | 'ROTATED' | 'IP_DENIED' | 'USAGE_EXCEEDED';

export interface VerifyInput {
  /** (v0.2) the client address to check against the key's `allowedIps` */
  ip?: string;
}

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  key: ApiKey | null;
}

export type AuditAction = 'create' | 'update' | 'revoke' | 'rotate' | 'delete' | 'escalation' | (string & {});

/** (v0.2) One audit event. It never holds a secret. */
export interface AuditEvent {
  at: EpochMs;
  action: AuditAction;
  /** the key's owner */
  userId: string;
  keyId: string;
  /** who acted: a user id, plus the key id for key-authenticated callers */
  actor: { userId: string; keyId?: string | null } | string;
  /** names of the changed fields */
  changes?: string[] | null;
  requestId?: string | null;
  ip?: string | null;
  /** for cascades: `parent-deleted`, `user-deleted`, `reset-security` */
  cause?: string | null;
  /** escalation events skipped by the rate bound since the previous one */
  suppressed?: number;
  [field: string]: unknown;
}

export interface AuditFilters {
  userId?: string;
  keyId?: string;
  actor?: string;
  action?: string;
  since?: EpochMs;
  until?: EpochMs;
  from?: number;
  size?: number;
}

export interface AuditSearchResult {
  hits: Array<{ _id: string; _source: AuditEvent }>;
  total: number;
}
