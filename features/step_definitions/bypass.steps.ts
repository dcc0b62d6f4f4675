import assert from 'assert';
import { Then, When, DataTable } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { actor, call, splitAction } from './common.steps';
import { kuzzleAddress, theStack } from '../support/stack';
import { redisCommand } from '../../test/stack/resp';
import { isClassified } from '../../lib/core/resourceTable';
import { isAlwaysAllowed } from '../../lib/core/actionRules';
import { ADMIN_CREDENTIALS } from '../support/stack';

When('{string} calls each of these actions with {string} = {string}, each is refused with {int} {string}',
  async function (this: ApiKeysWorld, who: string, arg: string, value: string, status: number, id: string, table: DataTable) {
    const failures: string[] = [];
    for (const [name] of table.raw()) {
      // the other arguments only let the SDK build an HTTP route; none of them names an index
      await call(this, who, name, { [arg]: value, collection: 'orders', _id: 'x', pattern: '*', strategy: 'local', userId: 'admin' });
      if (!this.error || this.error.status !== status || this.error.id !== id) {
        failures.push(`${name}: ${this.error ? `${this.error.status} ${this.error.id}` : 'succeeded'}`);
      }
    }
    assert.deepStrictEqual(failures, []);
  });

Then('the local user {string} does not exist', async function (this: ApiKeysWorld, username: string) {
  const exists = await this.admin.query({
    controller: 'security', action: 'searchUsersByCredentials', strategy: 'local',
    body: { query: { term: { username } } },
  } as any).then((res: any) => res.result.total > 0).catch(() => false);
  assert.strictEqual(exists, false, `a user with the local username "${username}" was created`);
});

Then('the index {string} still exists', async function (this: ApiKeysWorld, index: string) {
  assert.strictEqual(await this.admin.index.exists(index), true);
});

When('{string} calls {string} over WebSocket with the room of {string}, and {string} = {string}, {string} = {string}',
  async function (this: ApiKeysWorld, who: string, name: string, owner: string, a1: string, v1: string, a2: string, v2: string) {
    const room = this.vars.get(`room:${owner}`);
    const sdk = who.startsWith('key:') ? await this.keyClient(this.key(who.slice(4)).secret, 'websocket') : await actor(this, who);
    await this.attempt(async () => (await sdk.query({ ...splitAction(name), [a1]: v1, [a2]: v2, body: { roomId: room } } as any)).result);
  });

// realtime:count has no HTTP route in Kuzzle 2.56: WebSocket in both profiles
When('{string} calls {string} with the room of {string}', async function (this: ApiKeysWorld, who: string, name: string, owner: string) {
  const sdk = await this.keyClient(this.key(who.slice(4)).secret, 'websocket');
  const args = { ...splitAction(name), body: { roomId: this.vars.get(`room:${owner}`) }, index: 'shop', collection: 'orders' };
  await this.attempt(async () => (await sdk.query(args as any)).result);
});

Then('the room of {string} has {int} subscriber(s)', async function (this: ApiKeysWorld, owner: string, n: number) {
  const res = await this.vars.get('socket:admin').query({ controller: 'realtime', action: 'count', body: { roomId: this.vars.get(`room:${owner}`) } } as any);
  assert.strictEqual(res.result.count, n);
});

When('{string} subscribes over WebSocket to {string}', async function (this: ApiKeysWorld, who: string, target: string) {
  const [index, collection] = target.split('/');
  const sdk = who === 'admin' ? await this.connectedClient('websocket')
    : who.startsWith('key:') ? await this.keyClient(this.key(who.slice(4)).secret, 'websocket') : await actor(this, who);
  if (who === 'admin') await sdk.auth.login('local', ADMIN_CREDENTIALS);
  await this.attempt(() => sdk.realtime.subscribe(index, collection, {}, () => undefined));
  if (!this.error) {
    this.vars.set(`room:${who}`, this.result);
    this.vars.set(`socket:${who}`, sdk);
  }
});

When('{string} unsubscribes from its room', async function (this: ApiKeysWorld, who: string) {
  const sdk = this.vars.get(`socket:${who}`);
  await this.attempt(() => sdk.realtime.unsubscribe(this.vars.get(`room:${who}`)));
});

Then('{string} can still log in with her password', async function (this: ApiKeysWorld, alias: string) {
  const sdk = await this.connectedClient('http');
  await sdk.auth.login('local', { username: this.kuid(alias), password: this.passwords.get(alias) as string });
  const takenOver = await this.connectedClient('http');
  const loggedIn = await takenOver.auth.login('local', { username: this.kuid(alias), password: 'taken-over' }).then(() => true, () => false);
  assert.strictEqual(loggedIn, false, 'the password was changed');
});

Then('the rights report {string} as denied', function (this: ApiKeysWorld, name: string) {
  assert.ifError(this.error);
  const { controller, action } = splitAction(name);
  const hits: any[] = this.result.hits;
  assert.ok(hits.some((h) => h.controller === controller && h.action === action && h.value === 'denied'), JSON.stringify(hits));
});

Then('the created user is deleted afterwards', function (this: ApiKeysWorld) {
  assert.ifError(this.error);
  const kuid = this.result._id;
  this.cleanups.push(() => this.admin.security.deleteUser(kuid, { refresh: 'wait_for' } as any));
});

Then('no allowed right names {string}, {string}, {string}, {string} or {string}',
  function (this: ApiKeysWorld, c1: string, c2: string, c3: string, c4: string, name: string) {
    assert.ifError(this.error);
    const hits: any[] = this.result.hits;
    const allowed = hits.filter((h) => h.value !== 'denied' && !isAlwaysAllowed(h.controller, h.action));
    assert.ok(allowed.length > 0, 'positive control: some rights are reported');
    const { controller, action } = splitAction(name);
    const wrong = allowed.filter((h) => [c1, c2, c3, c4, '*'].includes(h.controller) || (h.controller === controller && h.action === action) || h.action === '*');
    assert.deepStrictEqual(wrong, []);
    assert.ok(allowed.every((h) => h.index === 'shop'), JSON.stringify(allowed.filter((h) => h.index !== 'shop')));
  });

Then('every native action of the result is classified by the resource table', function (this: ApiKeysWorld) {
  assert.ifError(this.error);
  const missing: string[] = [];
  let native = 0;
  for (const [controller, actions] of Object.entries(this.result as Record<string, Record<string, unknown>>)) {
    if (controller.includes('/')) continue; // plugin controllers: no resource, by definition
    for (const action of Object.keys(actions)) {
      native++;
      if (!isClassified(controller, action)) missing.push(`${controller}:${action}`);
    }
  }
  assert.ok(native > 100, `positive control: ${native} native actions listed`);
  assert.deepStrictEqual(missing, [], 'add these to lib/core/resourceTable.ts, after reading where Kuzzle reads their resources');
});

async function internalSessionOf(world: ApiKeysWorld, alias: string): Promise<string> {
  const key = world.key(alias);
  const keys = (await redisCommand(theStack().redisPort, ['KEYS', `plugin-api-keys/session/*${key._id}`])) as string[];
  assert.strictEqual(keys.length, 1, `positive control: one session pointer for the key (${JSON.stringify(keys)})`);
  const jwt = (await redisCommand(theStack().redisPort, ['GET', keys[0]])) as string;
  assert.ok(jwt.startsWith('kauth-'), 'positive control: the pointer holds a session');
  return jwt;
}

When('the internal session of key {string} is sent as a token to {string}', async function (this: ApiKeysWorld, alias: string, name: string) {
  const jwt = await internalSessionOf(this, alias);
  const sdk = await this.connectedClient();
  sdk.jwt = jwt;
  await this.attempt(async () => (await sdk.query({ ...splitAction(name) } as any)).result);
});

When('the internal session of key {string} is checked with auth:checkToken', async function (this: ApiKeysWorld, alias: string) {
  const jwt = await internalSessionOf(this, alias);
  await this.attempt(async () => (await this.admin.query({ controller: 'auth', action: 'checkToken', body: { token: jwt } } as any)).result);
});

/** The attack: a second request under the same id ends first, and its end must not unbind the first one's key. */
When('{string} sends {int} rounds of a createApiKey beyond its scopes racing a refused server:info under one request id',
  async function (this: ApiKeysWorld, who: string, rounds: number) {
    await raceUnderOneId(this, who, rounds, () => ({ verb: 'POST', path: '/_/api-keys/me/_create', body: { name: 'escaped', scopes: ['*:*'] } }));
  });

When('{string} sends {int} rounds of an updateApiKey of itself to null scopes racing a refused server:info under one request id',
  async function (this: ApiKeysWorld, who: string, rounds: number) {
    const id = this.key(who.slice(4))._id;
    await raceUnderOneId(this, who, rounds, () => ({ verb: 'POST', path: `/_/api-keys/me/${encodeURIComponent(id)}/_update`, body: { scopes: null } }));
  });

async function raceUnderOneId(world: ApiKeysWorld, who: string, rounds: number, attack: () => { verb: string; path: string; body: unknown }) {
  const { host, port } = kuzzleAddress();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${world.key(who.slice(4)).secret}` };
  const statuses: Array<[number, string]> = [];
  for (let round = 0; round < rounds; round++) {
    const requestId = world.unique('shared-id');
    const { verb, path, body } = attack();
    const target = fetch(`http://${host}:${port}${path}?requestId=${requestId}`, { method: verb, headers, body: JSON.stringify(body) })
      .then(async (res) => { const json: any = await res.json(); return [res.status, json.error?.id ?? 'ok'] as [number, string]; });
    const decoys = Array.from({ length: 3 }, () => fetch(`http://${host}:${port}/_serverInfo?requestId=${requestId}`, { headers })
      .then((res) => res.text()));
    const [result] = await Promise.all([target, ...decoys]);
    statuses.push(result);
  }
  world.vars.set('race', statuses);
}

Then('every {word} was refused with {int} {string}', function (this: ApiKeysWorld, _action: string, status: number, id: string) {
  const statuses: Array<[number, string]> = this.vars.get('race');
  const wrong = statuses.filter(([s, i]) => s !== status || i !== id);
  assert.deepStrictEqual(wrong, [], `${wrong.length}/${statuses.length} rounds were not refused`);
});
