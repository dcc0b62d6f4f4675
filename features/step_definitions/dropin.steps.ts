/**
 * Drop-in steps: only unmodified kuzzle-sdk methods (security.* / auth.*ApiKey*), as apps call them.
 */
import assert from 'assert';
import { createHash } from 'crypto';
import { Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { parseArgs } from '../support/interpolate';
import { actor, rememberKey } from './common.steps';

When('{string} runs sdk.security.createApiKey for {string} with {string} and options:', async function (this: ApiKeysWorld, who: string, user: string, description: string, doc: string) {
  const sdk = await actor(this, who);
  await this.attempt(() => sdk.security.createApiKey(this.kuid(user), description, parseArgs(this, doc) as any));
});

When('{string} runs sdk.auth.createApiKey with {string} and options:', async function (this: ApiKeysWorld, who: string, description: string, doc: string) {
  const sdk = await actor(this, who);
  await this.attempt(() => sdk.auth.createApiKey(description, parseArgs(this, doc) as any));
});

When('{string} runs sdk.security.searchApiKeys for {string} with:', async function (this: ApiKeysWorld, who: string, user: string, doc: string) {
  const sdk = await actor(this, who);
  const { query, ...options } = parseArgs(this, doc);
  await this.attempt(() => sdk.security.searchApiKeys(this.kuid(user), query ?? {}, options as any));
});

When('{string} runs sdk.auth.searchApiKeys with:', async function (this: ApiKeysWorld, who: string, doc: string) {
  const sdk = await actor(this, who);
  const { query, ...options } = parseArgs(this, doc);
  await this.attempt(() => sdk.auth.searchApiKeys(query ?? {}, options as any));
});

When('{string} runs sdk.security.deleteApiKey for {string} on key {string}', async function (this: ApiKeysWorld, who: string, user: string, alias: string) {
  const sdk = await actor(this, who);
  await this.attempt(() => sdk.security.deleteApiKey(this.kuid(user), this.key(alias)._id, { refresh: 'wait_for' } as any));
});

When('{string} runs sdk.auth.deleteApiKey on key {string}', async function (this: ApiKeysWorld, who: string, alias: string) {
  const sdk = await actor(this, who);
  await this.attempt(() => sdk.auth.deleteApiKey(this.key(alias)._id, { refresh: 'wait_for' } as any));
});

Then('the result is a native API key of {string} described {string}, remembered as {string}', function (this: ApiKeysWorld, user: string, description: string, alias: string) {
  if (this.error) assert.fail(`${this.error.status} ${this.error.id}: ${this.error.message}`);
  const r = this.result;
  assert.strictEqual(typeof r._id, 'string');
  assert.strictEqual(r._source.userId, this.kuid(user));
  assert.strictEqual(r._source.description, description);
  assert.strictEqual(typeof r._source.expiresAt, 'number');
  assert.strictEqual(typeof r._source.ttl, 'number');
  assert.ok(r._source.token.startsWith('kapikey-'));
  assert.strictEqual(r._source.fingerprint, createHash('sha256').update(r._source.token).digest('hex'));
  rememberKey(this, alias, r);
});

Then('the SDK answered null', function (this: ApiKeysWorld) {
  if (this.error) assert.fail(`${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.result, null);
});

Then('the SDK answered the raw response of key {string}', function (this: ApiKeysWorld, alias: string) {
  if (this.error) assert.fail(`${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.result.status, 200);
  assert.deepStrictEqual(this.result.result, { _id: this.key(alias)._id });
});
