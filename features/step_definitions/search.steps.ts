import assert from 'assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { actor } from './common.steps';

Given('the admin created {int} keys for {string}', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, n: number, user: string) {
  const userId = this.kuid(user);
  const create = (i: number, refresh: string) => this.admin.query({
    controller: 'api-keys/security', action: 'createApiKey', userId, refresh,
    body: { name: `bulk ${String(i).padStart(3, '0')}`, description: i % 2 ? 'odd key' : 'even key' },
  } as any);
  for (let i = 0; i < n - 1; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, n - 1 - i) }, (_, j) => create(i + j, 'false')));
  }
  // wait_for on the last write: every earlier write is searchable too when it returns
  await create(n - 1, 'wait_for');
});

When('{string} pages through the keys of {string} with size {int}', async function (this: ApiKeysWorld, who: string, user: string, size: number) {
  const sdk = await actor(this, who);
  const ids: string[] = [];
  const totals = new Set<number>();
  for (let from = 0; ; from += size) {
    const { result } = await sdk.query({ controller: 'api-keys/security', action: 'searchApiKeys', userId: this.kuid(user), from, size } as any);
    totals.add(result.total);
    ids.push(...result.hits.map((h: any) => h._id));
    if (result.hits.length < size) break;
  }
  this.vars.set('pagedIds', ids);
  this.vars.set('totals', [...totals]);
});

When('{string} scrolls through the keys of {string} with size {int}', async function (this: ApiKeysWorld, who: string, user: string, size: number) {
  const sdk = await actor(this, who);
  const ids: string[] = [];
  const totals = new Set<number>();
  let { result } = await sdk.query({ controller: 'api-keys/security', action: 'searchApiKeys', userId: this.kuid(user), size, scroll: '10s' } as any);
  totals.add(result.total);
  ids.push(...result.hits.map((h: any) => h._id));
  while (result.scrollId && ids.length < result.total) {
    ({ result } = await sdk.query({ controller: 'api-keys/security', action: 'scrollApiKeys', scrollId: result.scrollId, scroll: '10s' } as any));
    if (result.hits.length === 0) break;
    ids.push(...result.hits.map((h: any) => h._id));
  }
  this.vars.set('pagedIds', ids);
  this.vars.set('totals', [...totals]);
});

Then('{int} distinct keys were seen with a total of {int}', function (this: ApiKeysWorld, n: number, total: number) {
  const ids: string[] = this.vars.get('pagedIds');
  assert.strictEqual(ids.length, n, `saw ${ids.length} keys`);
  assert.strictEqual(new Set(ids).size, n, 'duplicates across pages');
  assert.deepStrictEqual(this.vars.get('totals'), [total]);
});

Then('the result total is {int}', function (this: ApiKeysWorld, total: number) {
  if (this.error) assert.fail(`${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.result.total, total, JSON.stringify(this.result));
});

Then('the result has {int} hit(s)', function (this: ApiKeysWorld, n: number) {
  if (this.error) assert.fail(`${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.result.hits.length, n, JSON.stringify(this.result));
});

Then('the hits are sorted by {string} {string}', function (this: ApiKeysWorld, field: string, order: string) {
  assert.ifError(this.error);
  const values = this.result.hits.map((h: any) => h._source[field]);
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (order === 'desc') sorted.reverse();
  assert.deepStrictEqual(values, sorted);
});
