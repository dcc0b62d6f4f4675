import type { KuzzleRequest } from 'kuzzle';
import { auditQuery, readAuditFilters } from '../core/audit';
import type { AuditPage } from '../storage/AuditRepository';
import type { Runtime } from '../runtime';
import { Target, callerKuid } from './common';

/**
 * Audit events, newest first, with the true total. Filters are top-level arguments (`userId`, `keyId`, `actor`,
 * `action`, `since`, `until`, `from`, `size`). On `api-keys/auth`, only events about the caller's own keys, whatever
 * `userId` says.
 */
export async function searchAuditEvents(rt: Runtime, request: KuzzleRequest, target: Target): Promise<AuditPage> {
  const filters = readAuditFilters(request.input.args as Record<string, unknown>);
  if (target === 'auth') filters.userId = callerKuid(request);
  return rt.auditRepo.search(auditQuery(filters), filters.from, filters.size);
}
