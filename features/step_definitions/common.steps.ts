import assert from 'assert';
import { Given, When, Then } from '@cucumber/cucumber';
import type { Kuzzle } from 'kuzzle-sdk';
import type { ApiKeysWorld } from '../support/world';
import { interpolate, parseArgs, partialMatch, pathGet } from '../support/interpolate';
import { kuzzleAddress } from '../support/stack';

/**
 * Actors: "admin", "anonymous", a user alias (logged in with its password), "key:<alias>" (a client
 * authenticated by that key's secret with sdk.setAPIKey).
 */
export async function actor(world: ApiKeysWorld, who: string): Promise<Kuzzle> {
  if (who === 'admin') return world.admin;
  const cached = world.named.get(who);
  if (cached) return cached;
  let sdk: Kuzzle;
  if (who === 'anonymous') sdk = await world.connectedClient();
  else if (who.startsWith('key:')) sdk = await world.keyClient(world.key(who.slice(4)).secret);
  else sdk = await world.userClient(who);
  world.named.set(who, sdk);
  return sdk;
}

export function splitAction(name: string): { controller: string; action: string } {
  const at = name.lastIndexOf(':');
  return { controller: name.slice(0, at), action: name.slice(at + 1) };
}

export async function call(world: ApiKeysWorld, who: string, name: string, args: Record<string, any> = {}): Promise<void> {
  // Kuzzle 2.56 has no HTTP route for a multi-index search (`targets`): that call goes over WebSocket.
  const sdk = args.targets && world.protocol === 'http' && who.startsWith('key:')
    ? await world.keyClient(world.key(who.slice(4)).secret, 'websocket')
    : await actor(world, who);
  await world.attempt(async () => (await sdk.query({ ...splitAction(name), ...args } as any)).result);
}

export function rememberKey(world: ApiKeysWorld, alias: string, result: any): void {
  assert.ok(result && result._id, `no key in ${JSON.stringify(result)}`);
  world.keys.set(alias, { _id: result._id, secret: result._source.token, userId: result._source.userId, source: result._source });
}

Given('a user {string} with roles {string}', async function (this: ApiKeysWorld, alias: string, roles: string) {
  await this.createUser(alias, roles.split(',').map((r) => r.trim()));
});

Given('the admin created a key {string} for {string}', async function (this: ApiKeysWorld, alias: string, user: string) {
  const res = await this.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: alias } } as any);
  rememberKey(this, alias, res.result);
});

Given('the admin created a key {string} for {string} with:', async function (this: ApiKeysWorld, alias: string, user: string, doc: string) {
  const args = parseArgs(this, doc);
  const res = await this.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: alias }, ...args } as any);
  rememberKey(this, alias, res.result);
});

When('{string} calls {string}', async function (this: ApiKeysWorld, who: string, name: string) {
  await call(this, who, name);
});

When('{string} calls {string} with:', async function (this: ApiKeysWorld, who: string, name: string, doc: string) {
  await call(this, who, name, parseArgs(this, doc));
});

When('{string} calls {string} with {string} = {string}', async function (this: ApiKeysWorld, who: string, name: string, arg: string, value: string) {
  await call(this, who, name, { [arg]: interpolate(this, value) });
});

/** A call left running while the next steps go on; "the pending call ends" waits for its answer. */
When('{string} starts calling {string} with:', async function (this: ApiKeysWorld, who: string, name: string, doc: string) {
  const sdk = await actor(this, who);
  const args = parseArgs(this, doc);
  this.vars.set('pending', sdk.query({ ...splitAction(name), ...args } as any).then((res) => ({ result: res.result }), (error) => ({ error })));
});

When('the pending call ends', { timeout: 30 * 1000 }, async function (this: ApiKeysWorld) {
  const { result, error } = await this.vars.get('pending');
  this.result = result ?? null;
  this.error = error ?? null;
});

When('the result is remembered as key {string}', function (this: ApiKeysWorld, alias: string) {
  assert.ifError(this.error);
  rememberKey(this, alias, this.result);
});

When('the result field {string} is saved as {string}', function (this: ApiKeysWorld, path: string, name: string) {
  assert.ifError(this.error);
  this.vars.set(name, pathGet(this.result, path));
});

When('I wait {int} ms', async function (ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
});

Then('the call succeeds', function (this: ApiKeysWorld) {
  if (this.error) assert.fail(`expected success, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
});

Then('the call fails with status {int} and id {string}', function (this: ApiKeysWorld, status: number, id: string) {
  assert.ok(this.error, `expected an error ${status} ${id}, got a result: ${JSON.stringify(this.result)}`);
  assert.strictEqual(this.error.id, id, `error: ${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.error.status, status, `error: ${this.error.status} ${this.error.id}: ${this.error.message}`);
});

Then('the error message contains {string}', function (this: ApiKeysWorld, text: string) {
  assert.ok(this.error, 'expected an error');
  assert.ok(String(this.error.message).includes(interpolate(this, text)), `message: ${this.error.message}`);
});

Then('the result matches:', function (this: ApiKeysWorld, doc: string) {
  if (this.error) assert.fail(`expected a result, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
  const problem = partialMatch(this.result, parseArgs(this, doc));
  assert.ok(!problem, `${problem}\nresult: ${JSON.stringify(this.result)}`);
});

Then('the result field {string} is {string}', function (this: ApiKeysWorld, path: string, expected: string) {
  if (this.error) assert.fail(`expected a result, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.deepStrictEqual(pathGet(this.result, path), JSON.parse(interpolate(this, expected)), JSON.stringify(this.result));
});

Then('the result has no field {string}', function (this: ApiKeysWorld, path: string) {
  assert.ifError(this.error);
  assert.strictEqual(pathGet(this.result, path), undefined, JSON.stringify(this.result));
});

Then('the result field {string} is a number between {string} and {string}', function (this: ApiKeysWorld, path: string, lo: string, hi: string) {
  assert.ifError(this.error);
  const value = pathGet(this.result, path);
  assert.strictEqual(typeof value, 'number', `${path} = ${JSON.stringify(value)}`);
  assert.ok(value >= Number(interpolate(this, lo)) && value <= Number(interpolate(this, hi)), `${path} = ${value} not in [${interpolate(this, lo)}, ${interpolate(this, hi)}]`);
});

Then('the result field {string} starts with {string}', function (this: ApiKeysWorld, path: string, prefix: string) {
  assert.ifError(this.error);
  const value = pathGet(this.result, path);
  assert.ok(typeof value === 'string' && value.startsWith(prefix), `${path} = ${JSON.stringify(value)}`);
});

Then('the result hits are keys {string}', function (this: ApiKeysWorld, aliases: string) {
  if (this.error) assert.fail(`expected a result, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
  const expected = aliases.split(',').map((a) => a.trim()).filter(Boolean).map((a) => this.key(a)._id);
  const actual = (this.result.hits as any[]).map((h) => h._id);
  assert.deepStrictEqual(actual, expected);
});

Then('the result hits contain key {string}', function (this: ApiKeysWorld, alias: string) {
  assert.ifError(this.error);
  assert.ok((this.result.hits as any[]).some((h) => h._id === this.key(alias)._id), JSON.stringify(this.result));
});

Then('no result hit has the field {string}', function (this: ApiKeysWorld, field: string) {
  assert.ifError(this.error);
  for (const hit of this.result.hits) assert.strictEqual(hit._source[field], undefined, JSON.stringify(hit));
});

/** Raw HTTP, as curl or any HTTP client would send it. */
When('{string} sends {string} {string}', async function (this: ApiKeysWorld, who: string, verb: string, path: string) {
  await rawHttp(this, who, verb, path, undefined);
});

When('{string} sends {string} {string} with body:', async function (this: ApiKeysWorld, who: string, verb: string, path: string, doc: string) {
  await rawHttp(this, who, verb, path, interpolate(this, doc));
});

/**
 * A request as a JSON document, in the current protocol: over HTTP through Kuzzle's `POST /_query` (any argument, no
 * route needed), over WebSocket as the message itself.
 */
When('{string} sends the query:', async function (this: ApiKeysWorld, who: string, doc: string) {
  const payload = parseArgs(this, doc);
  if (this.protocol === 'http') {
    await rawHttp(this, who, 'POST', '/_query', JSON.stringify(payload));
    return;
  }
  const sdk = await actor(this, who);
  await this.attempt(async () => (await sdk.query(payload as any)).result);
});

export async function rawHttp(world: ApiKeysWorld, who: string, verb: string, path: string, body: string | undefined): Promise<void> {
  const { host, port } = kuzzleAddress();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who.startsWith('key:')) headers.authorization = `Bearer ${world.key(who.slice(4)).secret}`;
  else if (who === 'admin') headers.authorization = `Bearer ${(world.admin as any).jwt}`;
  else if (who !== 'anonymous') headers.authorization = `Bearer ${(await actor(world, who) as any).jwt}`;
  const response = await fetch(`http://${host}:${port}${interpolate(world, path)}`, { method: verb, headers, body });
  const json: any = await response.json();
  world.result = null;
  world.error = null;
  if (json.error) world.error = { ...json.error, status: json.status ?? response.status };
  else world.result = json.result;
  world.vars.set('httpStatus', response.status);
  world.vars.set('httpHeaders', Object.fromEntries(response.headers.entries()));
}

Then('the result hits with {string} = {string} are:', function (this: ApiKeysWorld, field: string, value: string, doc: string) {
  if (this.error) assert.fail(`expected a result, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
  const hits = (this.result.hits as any[]).filter((h) => h[field] === value);
  assert.deepStrictEqual(hits, parseArgs(this, doc), JSON.stringify(this.result.hits));
});
