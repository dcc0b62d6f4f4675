import { auditLogLine, auditQuery, readAuditFilters } from '../../../lib/core/audit';

describe('audit search filters', () => {
  it('reads the top-level filters, numbers from query strings included', () => {
    expect(readAuditFilters({ userId: 'u1', keyId: 'k', actor: 'admin', action: 'rotate', since: '10', until: 20, from: '5', size: 3 }))
      .toEqual({ userId: 'u1', keyId: 'k', actor: 'admin', action: 'rotate', since: 10, until: 20, from: 5, size: 3 });
    expect(readAuditFilters({})).toEqual(expect.objectContaining({ from: 0, size: 10 }));
  });

  it('refuses mistyped filters and windows past 10,000', () => {
    for (const args of [{ action: 'login' }, { size: 10001 }, { from: 9999, size: 2 }, { since: -1 }, { userId: 42 }, { keyId: '' }, { size: 1.5 }, { until: 'yesterday' }]) {
      expect(() => readAuditFilters(args)).toThrow(expect.objectContaining({ id: 'plugin.api-keys.invalid_argument' }));
    }
  });

  it('builds exact-term filters only (no free text)', () => {
    expect(auditQuery({ userId: 'u', actor: 'a', since: 1, from: 0, size: 10 })).toEqual({
      bool: { filter: [{ term: { userId: 'u' } }, { term: { 'actor.userId': 'a' } }, { range: { at: { gte: 1 } } }] },
    });
  });

  it('logs a [SECURITY] line that names the actor key and never a value', () => {
    const line = auditLogLine({
      eventId: 'e', at: 1, action: 'update', userId: 'u', keyId: 'k', actor: { userId: 'u', keyId: 'parent' },
      fields: ['scopes'], requestId: 'r', ip: '10.0.0.1', cause: null, suppressed: 2,
    });
    expect(line).toMatch(/^\[SECURITY\] api-keys: update/);
    expect(line).toContain('API key "parent"');
    expect(line).toContain('fields scopes');
    expect(line).toContain('2 similar refusals');
  });
});
