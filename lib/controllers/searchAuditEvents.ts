import type { KuzzleRequest } from 'kuzzle';
import { auditQuery, readAuditFilters } from '../core/audit';
import type { AuditPage } from '../storage/AuditRepository';
import type { Runtime } from '../runtime';
import { Target, callerKuid } from './common';

/**
 * The filters: top-level arguments or body fields (the body wins, as for key fields). The `action` filter can only
 * travel in the body: a top-level `action` is the name of the API action itself in every Kuzzle request.
 */
function filterArgs(request: KuzzleRequest): Record<string, unknown> {
  const { action: _apiAction, ...args } = request.input.args as Record<string, unknown>;
  const body = request.input.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? { ...args, ...body } : args;
}

/**
 * Audit events, newest first, with the true total (filters: `userId`, `keyId`, `actor`, `action`, `since`, `until`,
 * `from`, `size`). On `api-keys/auth`, only events about the caller's own keys, whatever `userId` says.
 */
export async function searchAuditEvents(rt: Runtime, request: KuzzleRequest, target: Target): Promise<AuditPage> {
  const filters = readAuditFilters(filterArgs(request));
  if (target === 'auth') filters.userId = callerKuid(request);
  return rt.auditRepo.search(auditQuery(filters), filters.from, filters.size);
}
