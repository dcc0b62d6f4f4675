// Compiled by ../compile.test.ts with browser libs and no Node types: each @ts-expect-error line must stay an error.
import { Kuzzle, WebSocket } from 'kuzzle-sdk';
import { ApiKeys, ApiKeysError, type ApiKeysErrorShape, type VerifyCode } from '../../../../client';

export async function usage(): Promise<void> {
  const api = new ApiKeys(new Kuzzle(new WebSocket('localhost')));
  const created = await api.keys.create('alice', { name: 'ci', scopes: ['document:get'], expiresIn: '30d', ratelimits: [{ limit: 5, window: '1s' }] });
  const token: string = created._source.token;
  const found = await api.keys.search('alice', { status: 'valid', sort: [{ createdAt: 'desc' }] });
  const total: number = found.total;
  const code: VerifyCode = (await api.keys.verify(token)).code;
  await api.self.rotate(created._id, { gracePeriod: '1h' });
  await api.audit.search({ userId: 'alice', since: Date.now() - 1000 });
  void [total, code];

  // @ts-expect-error userId is required on api-keys/security
  await api.keys.create({ name: 'ci' });
  // @ts-expect-error scopes are strings
  await api.keys.create('alice', { scopes: [1] });
  // @ts-expect-error claims are an object
  await api.self.create({ name: 'x', claims: 'tenant' });
  // @ts-expect-error status is one of all/valid/revoked/expired
  await api.self.search({ status: 'active' });
  // @ts-expect-error from is a number
  await api.keys.search('alice', { from: '10' });
  // @ts-expect-error self.* takes no userId
  await api.self.get('alice', 'k1');
  // @ts-expect-error verify is on api-keys/security only
  await api.self.verify(token);
  // @ts-expect-error a rate limit needs a window
  await api.keys.update('alice', 'k1', { ratelimits: [{ limit: 5 }] });
  // @ts-expect-error self audit searches have no userId filter
  await api.self.audit.search({ userId: 'bob' });
  // @ts-expect-error create answers a key, not a search result
  const wrong: number = created.total;
  // @ts-expect-error get answers a key without its secret
  const secret: string = (await api.self.get('k1'))._source.token;
  void [wrong, secret];

  try {
    await api.self.get('k1');
  } catch (error) {
    if (error instanceof ApiKeysError && error.is('rate_limited')) {
      const status: 429 = error.status;
      void status;
    }
  }
  const shape = {} as ApiKeysErrorShape;
  if (shape.id === 'plugin.api-keys.not_found') {
    const status: 404 = shape.status;
    // @ts-expect-error a not_found is never a 400
    const bad: 400 = shape.status;
    void [status, bad];
  }
}
