import assert from 'assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { actor, splitAction } from './common.steps';

/** So that a burst falls in one fixed window (windows are aligned on multiples of their length since the epoch). */
When('I wait for the start of a {int} ms window', async function (window: number) {
  const now = Date.now();
  const next = (Math.floor(now / window) + 1) * window;
  // a start with less than 40% of the window left would let the burst spill over
  await new Promise((resolve) => setTimeout(resolve, next - now + 5));
});

When('{string} calls {string} {int} times', async function (this: ApiKeysWorld, who: string, name: string, n: number) {
  const sdk = await actor(this, who);
  const outcomes: Array<{ ok: boolean; status?: number; id?: string; message?: string }> = [];
  for (let i = 0; i < n; i++) {
    try {
      await sdk.query({ ...splitAction(name) } as any);
      outcomes.push({ ok: true });
    } catch (error: any) {
      outcomes.push({ ok: false, status: error.status, id: error.id, message: error.message });
    }
  }
  this.vars.set('outcomes', outcomes);
});

Then('{int} succeeded and the others failed with status {int} and id {string}', function (this: ApiKeysWorld, n: number, status: number, id: string) {
  const outcomes: Array<{ ok: boolean; status?: number; id?: string }> = this.vars.get('outcomes');
  const wrong = outcomes.filter((o) => !o.ok && (o.status !== status || o.id !== id));
  assert.deepStrictEqual(wrong, [], 'unexpected failures');
  assert.strictEqual(outcomes.filter((o) => o.ok).length, n, JSON.stringify(outcomes));
});

Then('every refusal message gives retryAfter', function (this: ApiKeysWorld) {
  const outcomes: Array<{ ok: boolean; message?: string }> = this.vars.get('outcomes');
  const refusals = outcomes.filter((o) => !o.ok);
  assert.ok(refusals.length > 0);
  for (const r of refusals) {
    const ms = Number(/retryAfter (\d+) ms/.exec(r.message ?? '')?.[1]);
    assert.ok(ms > 0 && ms <= 1000, r.message);
  }
});

Then('the HTTP response has a Retry-After header of {int} second(s)', function (this: ApiKeysWorld, seconds: number) {
  const headers = this.vars.get('httpHeaders') as Record<string, string>;
  assert.strictEqual(headers['retry-after'], String(seconds), JSON.stringify(headers));
});

Given('a user {string} with roles {string} and a Kuzzle rate limit of {int} requests per second', async function (this: ApiKeysWorld, alias: string, roles: string, limit: number) {
  const roleIds = roles.split(',').map((r) => r.trim());
  const profileId = `apikeys-test-limited-${limit}-${roleIds.join('-')}`;
  await this.admin.security.createOrReplaceProfile(profileId, { rateLimit: limit, policies: roleIds.map((roleId) => ({ roleId })) } as any, { refresh: 'wait_for' } as any);
  const kuid = await this.createUser(alias, roleIds);
  await this.admin.security.updateUser(kuid, { profileIds: [profileId] } as any, { refresh: 'wait_for' } as any);
});

When('{string} calls {string} {int} times at once', async function (this: ApiKeysWorld, who: string, name: string, n: number) {
  const sdk = await actor(this, who);
  const outcomes = await Promise.all(Array.from({ length: n }, () => sdk.query({ ...splitAction(name) } as any)
    .then(() => ({ ok: true }), (error: any) => ({ ok: false, status: error.status, id: error.id }))));
  this.vars.set('outcomes', outcomes);
});

Then('some were refused by Kuzzle with status {int} and id {string}, the others succeeded', function (this: ApiKeysWorld, status: number, id: string) {
  const outcomes: Array<{ ok: boolean; status?: number; id?: string }> = this.vars.get('outcomes');
  assert.deepStrictEqual(outcomes.filter((o) => !o.ok && (o.status !== status || o.id !== id)), [], JSON.stringify(outcomes));
  assert.ok(outcomes.some((o) => !o.ok), `none refused: ${JSON.stringify(outcomes)}`);
});

Then('the result field {string} is {int} minus the successes', function (this: ApiKeysWorld, path: string, total: number) {
  assert.ifError(this.error);
  const outcomes: Array<{ ok: boolean }> = this.vars.get('outcomes');
  const value = path.split('.').reduce((acc: any, p) => acc?.[p], this.result);
  assert.strictEqual(value, total - outcomes.filter((o) => o.ok).length, JSON.stringify(this.result));
});
