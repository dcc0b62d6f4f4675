/** Key management on the 3-node cluster: concurrent creations, quotas, user deletion, lastUsedAt writes. */
import assert from 'assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { ADMIN_CREDENTIALS } from '../support/stack';
import { nodeClient, theCluster } from '../support/cluster';
import { rememberKey } from './common.steps';

const PLUGIN_INDEX = 'plugin-api-keys';

/** One client per node, each authenticated by the key `who` ("key:<alias>"). */
async function keyClientsOn(world: ApiKeysWorld, who: string, nodes: number[]) {
  const clients = [];
  for (const node of nodes) {
    const sdk = await nodeClient(world, node);
    sdk.setAPIKey(world.key(who.slice(4)).secret);
    clients.push(sdk);
  }
  return clients;
}

async function adminOn(world: ApiKeysWorld, node: number) {
  const alias = `admin@node${node}`;
  const cached = world.named.get(alias);
  if (cached) return cached;
  const sdk = await nodeClient(world, node);
  await sdk.auth.login('local', ADMIN_CREDENTIALS);
  world.named.set(alias, sdk);
  return sdk;
}

async function outcome(promise: Promise<any>): Promise<{ ok: boolean; status?: number; id?: string; result?: any }> {
  try {
    return { ok: true, result: (await promise).result };
  } catch (error: any) {
    return { ok: false, status: error.status, id: error.id };
  }
}

Given('a user {string} exists on the cluster', async function (this: ApiKeysWorld, alias: string) {
  const sdk = await adminOn(this, 1);
  const kuid = this.unique(alias);
  await sdk.security.createOrReplaceRole('cluster-user', {
    controllers: { server: { actions: { now: true } }, 'api-keys/auth': { actions: { '*': true } } },
  } as any, { refresh: 'wait_for' } as any);
  await sdk.security.createOrReplaceProfile('cluster-user', { rateLimit: 0, policies: [{ roleId: 'cluster-user' }] } as any, { refresh: 'wait_for' } as any);
  await sdk.security.createUser(kuid, { content: { profileIds: ['cluster-user'] }, credentials: {} } as any, { refresh: 'wait_for' } as any);
  this.userIds.set(alias, kuid);
  this.cleanups.push(() => sdk.security.deleteUser(kuid, { refresh: 'wait_for' } as any));
});

Given('the admin created a key {string} for cluster user {string} on node {int}', async function (this: ApiKeysWorld, alias: string, user: string, node: number) {
  const sdk = await adminOn(this, node);
  const res = await sdk.query({ controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: alias, scopes: ['server:now'] } } as any);
  rememberKey(this, alias, res.result);
});

When('the admin deletes cluster user {string} on node {int}', async function (this: ApiKeysWorld, user: string, node: number) {
  const sdk = await adminOn(this, node);
  await sdk.security.deleteUser(this.kuid(user), { refresh: 'wait_for' } as any);
});

When('the admin creates a key {string} for {string} on nodes {int} and {int} at once', async function (this: ApiKeysWorld, alias: string, user: string, a: number, b: number) {
  const id = this.unique(alias);
  const clients = [await adminOn(this, a), await adminOn(this, b)];
  const outcomes = await Promise.all(clients.map((sdk) => outcome(sdk.query({
    controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), _id: id, body: { name: alias },
  } as any))));
  this.vars.set('creations', outcomes);
});

When('{int} keys are created for {string} at once, spread over nodes {int}, {int} and {int}', async function (this: ApiKeysWorld, n: number, user: string, a: number, b: number, c: number) {
  const clients = [await adminOn(this, a), await adminOn(this, b), await adminOn(this, c)];
  const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => outcome(clients[i % clients.length].query({
    controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: `quota-${i}` }, refresh: 'wait_for',
  } as any))));
  this.vars.set('creations', outcomes);
});

Then('exactly {int} creation(s) succeeded, the others failed with status {int} and id {string}', function (this: ApiKeysWorld, n: number, status: number, id: string) {
  const outcomes: Array<{ ok: boolean; status?: number; id?: string }> = this.vars.get('creations');
  const ok = outcomes.filter((o) => o.ok).length;
  const wrong = outcomes.filter((o) => !o.ok && (o.status !== status || o.id !== id));
  assert.deepStrictEqual(wrong, [], 'unexpected failures');
  assert.strictEqual(ok, n, `${ok} creations succeeded`);
});

Then('{string} has {int} keys, asked on node {int}', async function (this: ApiKeysWorld, user: string, n: number, node: number) {
  const sdk = await adminOn(this, node);
  const res = await sdk.query({ controller: 'api-keys/security', action: 'searchApiKeys', userId: this.kuid(user), body: {} } as any);
  assert.strictEqual(res.result.total, n);
});

When('Redis is flushed on the cluster', async function (this: ApiKeysWorld) {
  await theCluster().flushRedis();
  // login tokens live in Redis: log in again
  for (const alias of [...this.named.keys()]) if (alias.startsWith('admin@node')) this.named.delete(alias);
});

When('the cluster storage counters are reset', function (this: ApiKeysWorld) {
  theCluster().emulator.resetCounters();
  this.vars.set('clusterCountersResetAt', Date.now());
});

When('{string} calls {string} on nodes {int}, {int} and {int} for {int} ms', async function (this: ApiKeysWorld, who: string, name: string, a: number, b: number, c: number, ms: number) {
  const [controller, action] = name.split(':');
  const clients = await keyClientsOn(this, who, [a, b, c]);
  const until = Date.now() + ms;
  await Promise.all(clients.map(async (sdk) => {
    while (Date.now() < until) await sdk.query({ controller, action } as any);
  }));
  // let the last interval's flush happen
  await new Promise((r) => setTimeout(r, 1200));
});

Then('the cluster saw at most one lastUsedAt write per {int} ms per node for {int} nodes', function (this: ApiKeysWorld, interval: number, nodes: number) {
  const elapsed = Date.now() - this.vars.get('clusterCountersResetAt');
  const writes = theCluster().emulator.requests().filter((r) => r.op === 'update' && r.indices.some((i) => i.includes(`${PLUGIN_INDEX}.keys`))).length;
  const allowed = nodes * (Math.ceil(elapsed / interval) + 1);
  assert.ok(writes >= nodes, `positive control: each node flushed at least once (${writes} writes)`);
  assert.ok(writes <= allowed, `${writes} writes in ${elapsed} ms on ${nodes} nodes (allowed: ${allowed})`);
});

Given('the cluster has the collection {string}', async function (this: ApiKeysWorld, target: string) {
  const [index, collection] = target.split('/');
  const sdk = await adminOn(this, 1);
  if (!(await sdk.index.exists(index))) await sdk.index.create(index).catch(() => undefined);
  await sdk.collection.create(index, collection, { mappings: { dynamic: 'true', properties: {} } } as any);
});

Given('a user {string} with realtime rights exists on the cluster', async function (this: ApiKeysWorld, alias: string) {
  const sdk = await adminOn(this, 1);
  const kuid = this.unique(alias);
  await sdk.security.createOrReplaceRole('cluster-realtime', { controllers: { realtime: { actions: { '*': true } } } } as any, { refresh: 'wait_for' } as any);
  await sdk.security.createOrReplaceProfile('cluster-realtime', { rateLimit: 0, policies: [{ roleId: 'cluster-realtime' }] } as any, { refresh: 'wait_for' } as any);
  await sdk.security.createUser(kuid, { content: { profileIds: ['cluster-realtime'] }, credentials: {} } as any, { refresh: 'wait_for' } as any);
  this.userIds.set(alias, kuid);
  this.cleanups.push(() => sdk.security.deleteUser(kuid, { refresh: 'wait_for' } as any).catch(() => undefined));
});

Given('the admin created a realtime key {string} for cluster user {string} on node {int}', async function (this: ApiKeysWorld, alias: string, user: string, node: number) {
  const sdk = await adminOn(this, node);
  const res = await sdk.query({ controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: alias, scopes: ['realtime:*@shop/orders'] } } as any);
  rememberKey(this, alias, res.result);
});

When('{string} subscribes on node {int} to {string}', async function (this: ApiKeysWorld, who: string, node: number, target: string) {
  const [index, collection] = target.split('/');
  const sdk = await nodeClient(this, node, 'websocket');
  sdk.setAPIKey(this.key(who.slice(4)).secret);
  const notes: unknown[] = [];
  this.vars.set(`subscriber:${node}`, notes);
  await sdk.realtime.subscribe(index, collection, {}, (n: any) => { if (n.type === 'document') notes.push(n); });
});

When('the admin creates a document in {string} on node {int}', async function (this: ApiKeysWorld, target: string, node: number) {
  const [index, collection] = target.split('/');
  const sdk = await adminOn(this, node);
  await sdk.document.create(index, collection, { label: this.unique('doc') }, undefined, { refresh: 'wait_for' } as any);
});

Then('the subscriber on node {int} got {int} notification(s) within {int} ms', async function (this: ApiKeysWorld, node: number, n: number, ms: number) {
  const notes: unknown[] = this.vars.get(`subscriber:${node}`);
  const deadline = Date.now() + ms;
  while (notes.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  assert.strictEqual(notes.length, n, `${notes.length} notifications on node ${node}`);
});

When('the key counter of {string} expires from Redis', async function (this: ApiKeysWorld, user: string) {
  const { createHash } = await import('crypto');
  const key = `plugin-api-keys/key-count/${createHash('sha256').update(this.kuid(user)).digest('hex')}`;
  assert.strictEqual(await theCluster().redisCommand(['EXISTS', key]), 1, 'positive control: the counter exists');
  await theCluster().redisCommand(['DEL', key]);
});

When('the admin deletes one key of {string} on node {int}', async function (this: ApiKeysWorld, user: string, node: number) {
  const sdk = await adminOn(this, node);
  const page = await sdk.query({ controller: 'api-keys/security', action: 'searchApiKeys', userId: this.kuid(user), body: {}, size: 1 } as any);
  const id = page.result.hits[0]._id;
  await sdk.query({ controller: 'api-keys/security', action: 'deleteApiKey', userId: this.kuid(user), _id: id } as any);
});

/** Three nodes hammer one key together, each with its own connection, inside one fixed window. */
When('{string} calls {string} {int} times on each of nodes {int}, {int} and {int} at once', async function (this: ApiKeysWorld, who: string, name: string, n: number, a: number, b: number, c: number) {
  const [controller, action] = name.split(':');
  const clients = await keyClientsOn(this, who, [a, b, c]);
  const outcomes = (await Promise.all(clients.map((sdk) => Promise.all(Array.from({ length: n }, () => outcome(sdk.query({ controller, action } as any))))))).flat();
  this.vars.set('creations', outcomes);
});

Then('at most {int} of them succeeded, the others failed with status {int} and id {string}', function (this: ApiKeysWorld, max: number, status: number, id: string) {
  const outcomes: Array<{ ok: boolean; status?: number; id?: string }> = this.vars.get('creations');
  const wrong = outcomes.filter((o) => !o.ok && (o.status !== status || o.id !== id));
  assert.deepStrictEqual(wrong, [], 'unexpected failures');
  const ok = outcomes.filter((o) => o.ok).length;
  assert.ok(ok > 0 && ok <= max, `${ok} succeeded`);
});
