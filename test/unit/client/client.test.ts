import { ApiKeys, ApiKeysError, API_KEYS_ERRORS, isApiKeysError, toApiKeysError } from '../../../client';
import { ERROR_CATALOGUE } from '../../../lib/core/errors';

/** A stand-in for kuzzle-sdk's Kuzzle: records what query() received and answers or rejects as told. */
function fakeSdk(answer: unknown = { ok: true }, reject?: unknown) {
  const calls: any[] = [];
  return {
    calls,
    sdk: {
      query: async (request: any) => {
        calls.push(request);
        if (reject) throw reject;
        return { result: answer };
      },
    },
  };
}

describe('ApiKeys: requests', () => {
  it('keys.* targets api-keys/security with userId, key fields in the body, options top-level', async () => {
    const { sdk, calls } = fakeSdk();
    const api = new ApiKeys(sdk);
    await api.keys.create('alice', { name: 'ci', scopes: ['document:get'], claims: { t: 1 }, expiresIn: '1h', _id: 'k1', refresh: false, allowedIps: ['10.0.0.0/8'] });
    expect(calls[0]).toEqual({
      controller: 'api-keys/security', action: 'createApiKey', userId: 'alice', _id: 'k1', expiresIn: '1h', refresh: false,
      body: { name: 'ci', scopes: ['document:get'], claims: { t: 1 }, allowedIps: ['10.0.0.0/8'] },
    });
    await api.keys.get('alice', 'k1');
    expect(calls[1]).toEqual({ controller: 'api-keys/security', action: 'getApiKey', userId: 'alice', _id: 'k1' });
    await api.keys.update('alice', 'k1', { description: 'd', expiresIn: 1000 });
    expect(calls[2]).toEqual({ controller: 'api-keys/security', action: 'updateApiKey', userId: 'alice', _id: 'k1', expiresIn: 1000, body: { description: 'd' } });
    await api.keys.revoke('alice', 'k1', { reason: 'leaked' });
    expect(calls[3]).toEqual({ controller: 'api-keys/security', action: 'revokeApiKey', userId: 'alice', _id: 'k1', body: { revocationReason: 'leaked' } });
    await api.keys.rotate('alice', 'k1', { gracePeriod: '2s' });
    expect(calls[4]).toEqual({ controller: 'api-keys/security', action: 'rotateApiKey', userId: 'alice', _id: 'k1', body: { gracePeriod: '2s' } });
    await api.keys.delete('alice', 'k1');
    expect(calls[5]).toEqual({ controller: 'api-keys/security', action: 'deleteApiKey', userId: 'alice', _id: 'k1' });
    await api.keys.verify('kapikey-x', { ip: '10.0.0.1' });
    expect(calls[6]).toEqual({ controller: 'api-keys/security', action: 'verifyApiKey', body: { token: 'kapikey-x', ip: '10.0.0.1' } });
    await api.keys.scroll('s1', { scroll: '1m' });
    expect(calls[7]).toEqual({ controller: 'api-keys/security', action: 'scrollApiKeys', scrollId: 's1', scroll: '1m' });
  });

  it('search sends the clause as the body and a structured sort as JSON (HTTP query strings would mangle it)', async () => {
    const { sdk, calls } = fakeSdk({ hits: [], total: 0 });
    const api = new ApiKeys(sdk);
    await api.keys.search('alice', { query: 'ci', status: 'valid', size: 5, sort: [{ name: 'asc' }], body: { term: { revoked: false } } });
    expect(calls[0]).toEqual({
      controller: 'api-keys/security', action: 'searchApiKeys', userId: 'alice', query: 'ci', status: 'valid', size: 5,
      sort: '[{"name":"asc"}]', body: { term: { revoked: false } },
    });
    await api.self.search({ sort: 'createdAt:desc' });
    expect(calls[1]).toEqual({ controller: 'api-keys/auth', action: 'searchApiKeys', sort: 'createdAt:desc', body: {} });
  });

  it('self.* targets api-keys/auth without userId; audit searches take top-level filters', async () => {
    const { sdk, calls } = fakeSdk();
    const api = new ApiKeys(sdk);
    await api.self.create({ name: 'mine' });
    await api.self.rotate('k1');
    await api.self.delete('k1', { refresh: 'wait_for' });
    await api.audit.search({ userId: 'alice', action: 'revoke', since: 1 });
    await api.self.audit.search({ keyId: 'k1', size: 2 });
    expect(calls).toEqual([
      { controller: 'api-keys/auth', action: 'createApiKey', body: { name: 'mine' } },
      { controller: 'api-keys/auth', action: 'rotateApiKey', _id: 'k1', body: {} },
      { controller: 'api-keys/auth', action: 'deleteApiKey', _id: 'k1', refresh: 'wait_for' },
      { controller: 'api-keys/security', action: 'searchAuditEvents', userId: 'alice', since: 1, body: { action: 'revoke' } },
      { controller: 'api-keys/auth', action: 'searchAuditEvents', keyId: 'k1', size: 2 },
    ]);
  });

  it('answers the result of the response', async () => {
    const { sdk } = fakeSdk({ _id: 'k1', _source: { token: 'kapikey-x' } });
    expect((await new ApiKeys(sdk).keys.create('a', { name: 'n' }))._source.token).toBe('kapikey-x');
  });

  it('needs an SDK', () => {
    expect(() => new ApiKeys({} as any)).toThrow(TypeError);
  });
});

describe('ApiKeys: errors', () => {
  it('maps a plugin error from kuzzle-sdk to an ApiKeysError with its id, name and status', async () => {
    const sdkError = Object.assign(new Error('API key "k" not found'), { id: 'plugin.api-keys.not_found', status: 404, code: 779 });
    const { sdk } = fakeSdk(undefined, sdkError);
    const error = await new ApiKeys(sdk).keys.get('a', 'k').catch((e) => e);
    expect(error).toBeInstanceOf(ApiKeysError);
    expect([error.id, error.errorName, error.status, error.message, error.sdkError]).toEqual(['plugin.api-keys.not_found', 'not_found', 404, 'API key "k" not found', sdkError]);
    expect(error.is('not_found')).toBe(true);
    expect(isApiKeysError(error, 'not_found')).toBe(true);
    expect(isApiKeysError(error, 'revoked')).toBe(false);
  });

  it('rethrows other errors unchanged (Kuzzle\'s own ids, unknown plugin ids, network errors)', async () => {
    for (const other of [
      Object.assign(new Error('Invalid token.'), { id: 'security.token.invalid', status: 401 }),
      Object.assign(new Error('newer'), { id: 'plugin.api-keys.some_future_error', status: 400 }),
      new Error('socket hang up'),
      'a string',
    ]) {
      const { sdk } = fakeSdk(undefined, other);
      await expect(new ApiKeys(sdk).self.get('k')).rejects.toBe(other);
      expect(toApiKeysError(other)).toBeNull();
    }
  });

  it('knows every error of the plugin\'s catalogue, with the same status', () => {
    for (const [name, { status }] of Object.entries(ERROR_CATALOGUE)) {
      expect([name, (API_KEYS_ERRORS as Record<string, number>)[name]]).toEqual([name, status]);
    }
    expect(Object.keys(API_KEYS_ERRORS).sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });
});
