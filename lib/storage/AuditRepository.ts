/**
 * Audit events in the private collection `audit` (see mappings.ts): created with ids the plugin picks, never
 * updated; pruned by date.
 */
import type { AuditEvent } from '../core/audit';
import { AUDIT_COLLECTION } from './mappings';
import { Ask, STORAGE_INDEX } from './KeyRepository';

const PRIVATE = 'core:storage:private:document';

export interface AuditPage {
  hits: Array<{ _id: string; _source: AuditEvent }>;
  total: number;
}

export class AuditRepository {
  constructor(private readonly ask: Ask, private readonly index = STORAGE_INDEX) {}

  async append(event: AuditEvent): Promise<void> {
    await this.ask(`${PRIVATE}:create`, this.index, AUDIT_COLLECTION, { ...event }, { id: event.eventId, injectKuzzleMeta: false });
  }

  /** Newest first (ties broken on the event id), with the true total. */
  async search(query: Record<string, unknown>, from: number, size: number): Promise<AuditPage> {
    // events are written without waiting for a refresh: a search right after a change must see it
    await this.ask('core:storage:private:collection:refresh', this.index, AUDIT_COLLECTION);
    const result = await this.ask(`${PRIVATE}:search`, this.index, AUDIT_COLLECTION,
      { query, sort: [{ at: 'desc' }, { eventId: 'desc' }] }, { from, size });
    const total = typeof result.total === 'number' ? result.total : (result.total?.value ?? 0);
    return { hits: (result.hits ?? []).map((hit: any) => ({ _id: hit._id, _source: hit._source as AuditEvent })), total };
  }

  /** Deletes the events older than `before` (epoch ms). Every node runs it: deleting twice is harmless. */
  async prune(before: number): Promise<void> {
    await this.ask(`${PRIVATE}:deleteByQuery`, this.index, AUDIT_COLLECTION, { range: { at: { lt: before } } }, { fetch: false });
  }
}
