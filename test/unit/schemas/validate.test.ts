import { validateInput } from '../../../lib/core/schemas/validate';
import { ApiKeyError } from '../../../lib/core/errors';

function errorOf(fn: () => void): ApiKeyError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiKeyError) return error;
    throw error;
  }
  return undefined;
}

describe('validateInput', () => {
  it('accepts the shapes the handlers accept: body fields, top-level fields, query-string encodings', () => {
    const ok = [
      () => validateInput('createApiKey', 'security', { userId: 'u', expiresIn: '1h' }, { name: 'n', scopes: ['document:get'], claims: { a: 1 } }),
      () => validateInput('createApiKey', 'security', { userId: 'u', name: 'n', scopes: 'document:get,document:search', claims: '{"a":1}', expiresIn: -1 }, null),
      () => validateInput('createApiKey', 'auth', { scopes: '["document:get"]', secondsUntilExpiration: '60' }, { description: '' }),
      () => validateInput('createApiKey', 'security', { userId: 'u', refresh: 'false' }, { name: 'n', ratelimits: [{ limit: 5, window: '1s' }], credits: { remaining: 3, refill: { amount: 3, interval: 'daily' } }, allowedIps: ['10.0.0.0/8'] }),
      () => validateInput('searchApiKeys', 'security', { userId: 'u', from: '0', size: 20, sort: 'name:asc', status: 'valid' }, { bool: {} }),
      () => validateInput('searchApiKeys', 'auth', { sort: [{ name: 'asc' }], scroll: '30s' }, []),
      () => validateInput('revokeApiKey', 'auth', { _id: 'k', revocationReason: 'leaked' }, {}),
      () => validateInput('rotateApiKey', 'auth', { _id: 'k' }, { gracePeriod: 2000 }),
      () => validateInput('verifyApiKey', 'security', {}, { token: 'kapikey-x', ip: '10.0.0.1' }),
      // requiredness stays with the handler (Kuzzle's api.assert.missing_argument)
      () => validateInput('verifyApiKey', 'security', {}, {}),
      () => validateInput('searchAuditEvents', 'security', { userId: 'u', since: '1700000000000', size: 5 }, null),
      // Kuzzle accepts extra arguments
      () => validateInput('getApiKey', 'security', { userId: 'u', _id: 'k', foo: { bar: 1 } }, null),
      // an action without a schema is left to its handler
      () => validateInput('unknownAction', 'security', { anything: 1 }, null),
    ];
    for (const fn of ok) expect(errorOf(fn)).toBeUndefined();
  });

  it('refuses a wrong type with invalid_argument, naming the argument', () => {
    const error = errorOf(() => validateInput('createApiKey', 'security', { userId: 'u' }, { name: 42 }));
    expect(error?.id).toBe('plugin.api-keys.invalid_argument');
    expect(error?.status).toBe(400);
    expect(error?.message).toContain('"name"');
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u', claims: '[1]' }, { name: 'n' }))?.errorName).toBe('invalid_argument');
    expect(errorOf(() => validateInput('searchApiKeys', 'security', { userId: 'u', status: 'gone' }, null))?.errorName).toBe('invalid_argument');
    expect(errorOf(() => validateInput('searchApiKeys', 'security', { userId: 'u', size: 10001 }, null))?.errorName).toBe('invalid_argument');
    expect(errorOf(() => validateInput('verifyApiKey', 'security', {}, { token: 12 }))?.message).toContain('"body.token"');
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u' }, { name: 'n', ratelimits: [{ limit: 0, window: '1s' }] }))?.errorName).toBe('invalid_argument');
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u' }, { name: 'n', credits: { refill: { amount: 1, interval: 'daily' } } }))?.errorName).toBe('invalid_argument');
    expect(errorOf(() => validateInput('deleteApiKey', 'security', { userId: 'u', fingerprint: 'abc' }, null))?.errorName).toBe('invalid_argument');
  });

  it('keeps the ids the handlers raise for scopes and expiries', () => {
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u' }, { name: 'n', scopes: [1] }))?.errorName).toBe('invalid_scope');
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u' }, { name: 'n', scopes: { a: 1 } }))?.errorName).toBe('invalid_scope');
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u', expiresIn: true }, { name: 'n' }))?.errorName).toBe('invalid_expiry');
    expect(errorOf(() => validateInput('updateApiKey', 'auth', { _id: 'k', secondsUntilExpiration: {} }, { name: 'n' }))?.errorName).toBe('invalid_expiry');
  });

  it('reads the body first, then the top-level argument', () => {
    // a valid body value wins over a malformed top-level one (the handler ignores the latter)
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u', name: 42 }, { name: 'n' }))).toBeUndefined();
    expect(errorOf(() => validateInput('createApiKey', 'security', { userId: 'u', name: 42 }, {}))?.errorName).toBe('invalid_argument');
  });
});
