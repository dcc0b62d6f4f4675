/**
 * Mappings of the plugin's private collections (index `plugin-api-keys`).
 *
 * `dynamic: 'strict'`: a write with a field that is not declared here is rejected by Elasticsearch
 * instead of being silently stored unindexed. The plugin controls every document it writes, so a
 * strict mapping catches programming errors early and guarantees that a future field is added on
 * purpose (with its mapping) rather than by accident. `claims` is free-form user data: it is kept in
 * `_source` but not indexed (`enabled: false`), so it can hold any JSON without mapping explosions.
 */
const keyword = { type: 'keyword' };
const date = { type: 'long' };
const searchableText = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };

export const KEYS_COLLECTION = 'keys';
export const FINGERPRINTS_COLLECTION = 'fingerprints';
export const REVOCATIONS_COLLECTION = 'revocations';
export const AUDIT_COLLECTION = 'audit';

export const KEYS_MAPPING = {
  dynamic: 'strict',
  properties: {
    keyId: keyword,
    userId: keyword,
    name: searchableText,
    description: searchableText,
    scopes: keyword,
    claims: { type: 'object', enabled: false },
    fingerprint: keyword,
    expiresAt: date,
    ttl: date,
    createdAt: date,
    createdBy: keyword,
    updatedAt: date,
    lastUsedAt: date,
    revoked: { type: 'boolean' },
    revokedAt: date,
    revokedBy: keyword,
    revocationReason: { type: 'text' },
    parentKeyId: keyword,
    uid: keyword,
    parentUid: keyword,
    allowedIps: keyword,
    rotatedAt: date,
    // kept to answer `rotated`, never searched
    previousFingerprint: { type: 'keyword', index: false },
    previousSecretExpiresAt: date,
    ratelimits: { properties: { limit: { type: 'long' }, window: { type: 'long' } } },
    credits: {
      properties: {
        remaining: { type: 'long' },
        refill: { properties: { amount: { type: 'long' }, interval: keyword } },
        setAt: date,
        period: { type: 'long' },
      },
    },
    // written by the nodes (at most once per flush interval each), apart from `credits` so that it never reverts them
    creditsUsage: { properties: { setAt: date, remaining: { type: 'long' }, period: { type: 'long' } } },
  },
};

/** fingerprint (document id) -> key: resolves a secret with one real-time GET, and guards uniqueness. */
export const FINGERPRINTS_MAPPING = {
  dynamic: 'strict',
  properties: {
    keyId: keyword,
    userId: keyword,
    // the key's uid: a former secret of the key (rotation) is told apart from a key re-created under the same id
    uid: keyword,
  },
};

/** key storage id (document id) -> first revocation: a create-only document, so the first reason wins. */
export const REVOCATIONS_MAPPING = {
  dynamic: 'strict',
  properties: {
    revokedAt: date,
    revokedBy: keyword,
    revocationReason: { type: 'text', index: false },
  },
};

/** Audit events: append-only (created, never updated; pruned past `auditRetention`). Never a secret. */
export const AUDIT_MAPPING = {
  dynamic: 'strict',
  properties: {
    eventId: keyword,
    at: date,
    action: keyword,
    userId: keyword,
    keyId: keyword,
    actor: { properties: { userId: keyword, keyId: keyword } },
    fields: keyword,
    requestId: keyword,
    ip: keyword,
    cause: keyword,
    suppressed: { type: 'integer' },
  },
};

export const COLLECTIONS = {
  [KEYS_COLLECTION]: KEYS_MAPPING,
  [FINGERPRINTS_COLLECTION]: FINGERPRINTS_MAPPING,
  [REVOCATIONS_COLLECTION]: REVOCATIONS_MAPPING,
  [AUDIT_COLLECTION]: AUDIT_MAPPING,
};

/** Fields a client may sort on, and the indexed field behind each. */
export const SORTABLE_FIELDS: Record<string, string> = {
  name: 'name.keyword',
  description: 'description.keyword',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  expiresAt: 'expiresAt',
  lastUsedAt: 'lastUsedAt',
  revokedAt: 'revokedAt',
  userId: 'userId',
  createdBy: 'createdBy',
  keyId: 'keyId',
};
