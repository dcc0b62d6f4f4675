/**
 * Steps for the real 3-node cluster (features/cluster*.feature, tagged @cluster) and for the one stack
 * that runs Kuzzle with its cluster disabled (features/no-cluster.feature). Every client talks to one
 * node, over the profile's protocol.
 *
 * Actors on a node: "admin" (logged in on that node), "key:<alias>" (sdk.setAPIKey with the key's secret).
 */
import assert from 'assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Kuzzle } from 'kuzzle-sdk';
import { disconnectQuietly, ApiKeysWorld } from '../support/world';
import { ADMIN_CREDENTIALS } from '../support/stack';
import { nodeClient, theCluster } from '../support/cluster';
import { parseArgs } from '../support/interpolate';
import { rememberKey, splitAction } from './common.steps';
import { startStack, Stack } from '../../test/stack';

async function actorOn(world: ApiKeysWorld, who: string, node: number): Promise<Kuzzle> {
  const alias = `${who}@node${node}`;
  const cached = world.named.get(alias);
  if (cached) return cached;
  const sdk = await nodeClient(world, node);
  if (who === 'admin') await sdk.auth.login('local', ADMIN_CREDENTIALS);
  else if (who.startsWith('key:')) sdk.setAPIKey(world.key(who.slice(4)).secret);
  else throw new Error(`unknown actor "${who}" on a cluster node`);
  world.named.set(alias, sdk);
  return sdk;
}

/** Clients of a node that stopped are dead: forget them. */
function forgetClientsOf(world: ApiKeysWorld, node: number): void {
  for (const alias of [...world.named.keys()]) {
    if (alias.endsWith(`@node${node}`)) {
      disconnectQuietly(world.named.get(alias));
      world.named.delete(alias);
    }
  }
}

async function callOn(world: ApiKeysWorld, who: string, name: string, node: number, args: Record<string, any> = {}): Promise<void> {
  const sdk = await actorOn(world, who, node);
  await world.attempt(async () => (await sdk.query({ ...splitAction(name), ...args } as any)).result);
}

function describeOutcome(world: ApiKeysWorld): string {
  return world.error ? `${world.error.status} ${world.error.id}: ${world.error.message}` : `success ${JSON.stringify(world.result)}`;
}

Given('the admin created a key {string} on node {int} with:', async function (this: ApiKeysWorld, alias: string, node: number, doc: string) {
  await callOn(this, 'admin', 'api-keys/security:createApiKey', node, { userId: 'admin', ...parseArgs(this, doc) });
  if (this.error) assert.fail(`createApiKey on node ${node}: ${describeOutcome(this)}`);
  rememberKey(this, alias, this.result);
});

When('{string} calls {string} on node {int}', async function (this: ApiKeysWorld, who: string, name: string, node: number) {
  await callOn(this, who, name, node);
});

When('{string} calls {string} on node {int} with:', async function (this: ApiKeysWorld, who: string, name: string, node: number, doc: string) {
  await callOn(this, who, name, node, parseArgs(this, doc));
});

Then('{string} calling {string} on nodes {string} succeeds', async function (this: ApiKeysWorld, who: string, name: string, nodes: string) {
  for (const node of nodes.split(',').map((n) => Number(n.trim()))) {
    await callOn(this, who, name, node);
    if (this.error) assert.fail(`node ${node}: expected success, got ${describeOutcome(this)}`);
  }
});

Then('{string} calling {string} on nodes {string} fails with status {int} and id {string}', async function (this: ApiKeysWorld, who: string, name: string, nodes: string, status: number, id: string) {
  for (const node of nodes.split(',').map((n) => Number(n.trim()))) {
    await callOn(this, who, name, node);
    assert.ok(this.error, `node ${node}: expected ${status} ${id}, got ${describeOutcome(this)}`);
    assert.strictEqual(this.error.id, id, `node ${node}: ${describeOutcome(this)}`);
    assert.strictEqual(this.error.status, status, `node ${node}: ${describeOutcome(this)}`);
  }
});

Then('within {int} ms {string} calling {string} on nodes {string} fails with status {int} and id {string}', async function (this: ApiKeysWorld, ms: number, who: string, name: string, nodes: string, status: number, id: string) {
  // every node gets the same deadline, counted from now
  const started = Date.now();
  for (const node of nodes.split(',').map((n) => Number(n.trim()))) {
    for (;;) {
      await callOn(this, who, name, node);
      if (this.error && this.error.id === id && this.error.status === status) break;
      if (Date.now() - started > ms) assert.fail(`node ${node} after ${ms} ms: expected ${status} ${id}, got ${describeOutcome(this)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});

/**
 * Kuzzle's cluster broadcast returns once the message is queued on the node's publisher socket, not
 * once other nodes applied it. This step repeats "change a warm key on node A, then at once send one
 * request with it to each other node" and requires every such request to be refused.
 */
Then('{int} times in a row, {word} a warm key on node {int} makes the very next request on nodes {string} fail with status {int} and id {string}', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, rounds: number, change: string, from: number, nodes: string, status: number, id: string) {
  const targets = nodes.split(',').map((n) => Number(n.trim()));
  const admin = await actorOn(this, 'admin', from);
  const failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const created = (await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'admin', body: { name: this.unique('race'), scopes: ['server:now', 'server:info'] } } as any)).result as any;
    const clients: Kuzzle[] = [];
    for (const node of targets) {
      const sdk = await nodeClient(this, node);
      sdk.setAPIKey(created._source.token);
      await sdk.query({ controller: 'server', action: 'now' } as any); // warm: cached on that node
      clients.push(sdk);
    }
    const ref = { userId: 'admin', _id: created._id };
    if (change === 'revoking') await admin.query({ controller: 'api-keys/security', action: 'revokeApiKey', ...ref } as any);
    else if (change === 'deleting') await admin.query({ controller: 'api-keys/security', action: 'deleteApiKey', ...ref } as any);
    else if (change === 'narrowing') await admin.query({ controller: 'api-keys/security', action: 'updateApiKey', ...ref, body: { scopes: ['server:info'] } } as any);
    else throw new Error(`unknown change "${change}" (revoking, deleting, narrowing)`);
    for (let i = 0; i < targets.length; i++) {
      try {
        await clients[i].query({ controller: 'server', action: 'now' } as any);
        failures.push(`round ${round}: node ${targets[i]} accepted it`);
      } catch (error: any) {
        if (error.status !== status || error.id !== id) failures.push(`round ${round}: node ${targets[i]}: ${error.status} ${error.id}`);
      }
      disconnectQuietly(clients[i]);
    }
  }
  assert.deepStrictEqual(failures, [], `${failures.length} of ${rounds * targets.length} next requests were not refused with ${status} ${id}`);
});

Then('within {int} ms {string} calling {string} on node {int} fails with status {int} and id {string}', async function (this: ApiKeysWorld, ms: number, who: string, name: string, node: number, status: number, id: string) {
  const started = Date.now();
  for (;;) {
    await callOn(this, who, name, node);
    if (this.error && this.error.id === id && this.error.status === status) {
      this.vars.set('convergedInMs', Date.now() - started);
      return;
    }
    if (Date.now() - started > ms) assert.fail(`node ${node} after ${ms} ms: expected ${status} ${id}, got ${describeOutcome(this)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

When('node {int} is killed', async function (this: ApiKeysWorld, node: number) {
  await theCluster().killNode(node);
  forgetClientsOf(this, node);
});

When('node {int} is restarted', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, node: number) {
  await theCluster().restartNode(node);
  forgetClientsOf(this, node);
});

Then('cluster:status on node {int} reports {int} active nodes', { timeout: 60 * 1000 }, async function (this: ApiKeysWorld, node: number, count: number) {
  const sdk = await actorOn(this, 'admin', node);
  const status = (await sdk.query({ controller: 'cluster', action: 'status' } as any)).result as any;
  assert.strictEqual(status.activeNodes, count, JSON.stringify(status));
  const addresses = new Set((status.nodes as any[]).map((n) => n.address));
  const expected = theCluster().nodes.filter((n) => n.running).map((n) => n.host);
  for (const address of expected) assert.ok(addresses.has(address), `${address} missing from ${JSON.stringify(status.nodes)}`);
});

When('node {int} is cut off from node {int}', async function (this: ApiKeysWorld, a: number, b: number) {
  const cluster = theCluster();
  this.vars.set('partitionLogMarks', cluster.nodes.map((n) => n.logs().length));
  this.vars.set('partitionStartedAt', Date.now());
  await cluster.partition(a, b);
});

When('the partition heals within {int} ms of its start', async function (this: ApiKeysWorld, ms: number) {
  const elapsed = Date.now() - this.vars.get('partitionStartedAt');
  await theCluster().heal();
  assert.ok(elapsed <= ms, `the partition lasted ${elapsed} ms (limit ${ms} ms): raise the feature's @cluster-heartbeat`);
});

Then('no node was evicted since the partition began', async function (this: ApiKeysWorld) {
  const cluster = theCluster();
  // an eviction shows a heartbeat round after the silence: wait for it before looking
  await new Promise((r) => setTimeout(r, cluster.heartbeat * 1.5 + 500));
  const marks: number[] = this.vars.get('partitionLogMarks');
  cluster.nodes.forEach((n, i) => {
    const since = n.logs().slice(marks[i]);
    const evictions = since.split('\n').filter((l) => /evicted/i.test(l));
    assert.deepStrictEqual(evictions, [], `node ${n.index} logged evictions`);
  });
});

/** no-cluster.feature: a separate stack with Kuzzle's cluster disabled (no support plugin). */
let noClusterStack: Stack | null = null;

Given('a separate stack running Kuzzle with the cluster disabled', { timeout: 180 * 1000 }, async function (this: ApiKeysWorld) {
  noClusterStack = await startStack({
    esMajor: (process.env.ES_MAJOR as '7' | '8') || '7',
    verbose: process.env.STACK_VERBOSE === '1',
    kuzzleConfig: { 'cluster.enabled': false },
  });
  const stack = noClusterStack;
  this.cleanups.push(async () => {
    noClusterStack = null;
    await stack.stopStack();
  });
});

function separateStack(): Stack {
  if (!noClusterStack) throw new Error('no separate stack');
  return noClusterStack;
}

async function separateClient(world: ApiKeysWorld): Promise<Kuzzle> {
  const { Kuzzle: Sdk, Http, WebSocket } = await import('kuzzle-sdk');
  const s = separateStack();
  const sdk = new Sdk((world.protocol === 'http' ? new Http(s.host, { port: s.port }) : new WebSocket(s.host, { port: s.port })) as any);
  sdk.on('networkError', () => undefined);
  world.clients.push(sdk);
  await sdk.connect();
  return sdk;
}

Then('that stack runs without a cluster and the api-keys plugin is loaded', async function (this: ApiKeysWorld) {
  const s = separateStack();
  assert.ok(!/\[CLUSTER\]/.test(s.logs()), `Kuzzle logged cluster activity:\n${s.logs().split('\n').filter((l) => /CLUSTER/.test(l)).join('\n')}`);
  const sdk = await separateClient(this);
  await sdk.auth.login('local', ADMIN_CREDENTIALS);
  const api = (await sdk.query({ controller: 'server', action: 'publicApi' } as any)).result as any;
  assert.ok(api['api-keys/security']?.createApiKey, 'the api-keys/security controller is not registered');
  this.vars.set('separateAdmin', sdk);
});

When('the admin of that stack creates a key {string} for the admin', async function (this: ApiKeysWorld, alias: string) {
  const sdk: Kuzzle = this.vars.get('separateAdmin');
  const res = await sdk.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'admin', body: { name: alias } } as any);
  rememberKey(this, alias, res.result);
});

Then('key {string} authenticates as the admin on that stack', async function (this: ApiKeysWorld, alias: string) {
  const sdk = await separateClient(this);
  sdk.setAPIKey(this.key(alias).secret);
  const now = (await sdk.query({ controller: 'server', action: 'now' } as any)).result as any;
  assert.strictEqual(typeof now.now, 'number', JSON.stringify(now));
  const user = (await sdk.query({ controller: 'auth', action: 'getCurrentUser' } as any)).result as any;
  assert.strictEqual(user._id, 'admin', JSON.stringify(user));
});
