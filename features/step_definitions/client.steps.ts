/**
 * Steps that drive kuzzle-plugin-api-keys/client (the built dist/client, as an app would load it) over the profile's
 * protocol. Results and errors land where the common steps read them.
 */
import assert from 'assert';
import { When, Then } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { actor, rememberKey } from './common.steps';
import { interpolate } from '../support/interpolate';
// the package's own export, as built by `npm run build` (test:features builds first)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ApiKeys, ApiKeysError } = require('../../dist/client') as typeof import('../../client');

/** `keys.create`, `self.audit.search`, ...: the client method at that path, bound to its object. */
function methodOf(api: InstanceType<typeof ApiKeys>, path: string): (...args: unknown[]) => Promise<unknown> {
  const parts = path.split('.');
  const owner = parts.slice(0, -1).reduce((o: any, p) => o?.[p], api);
  const fn = owner?.[parts[parts.length - 1]];
  assert.strictEqual(typeof fn, 'function', `no client method ${path}`);
  return fn.bind(owner);
}

When('{string} calls the client\'s {string} with:', async function (this: ApiKeysWorld, who: string, path: string, doc: string) {
  const args = JSON.parse(interpolate(this, doc));
  assert.ok(Array.isArray(args), 'the arguments are a JSON array');
  const api = new ApiKeys(await actor(this, who));
  await this.attempt(() => methodOf(api, path)(...args));
});

When('the client result is remembered as key {string}', function (this: ApiKeysWorld, alias: string) {
  assert.ifError(this.error);
  rememberKey(this, alias, this.result);
});

Then('the client fails with ApiKeysError {string} and status {int}', function (this: ApiKeysWorld, name: string, status: number) {
  assert.ok(this.error instanceof ApiKeysError, `expected an ApiKeysError, got ${this.error?.constructor?.name}: ${this.error?.message ?? JSON.stringify(this.result)}`);
  assert.deepStrictEqual([this.error.errorName, this.error.id, this.error.status], [name, `plugin.api-keys.${name}`, status]);
});

Then('the client fails with Kuzzle\'s error {string}', function (this: ApiKeysWorld, id: string) {
  assert.ok(this.error && !(this.error instanceof ApiKeysError), `expected Kuzzle's ${id}, got ${this.error?.constructor?.name ?? JSON.stringify(this.result)}`);
  assert.strictEqual(this.error.id, id);
});
