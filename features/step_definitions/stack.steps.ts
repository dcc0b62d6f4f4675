/**
 * Steps that need the test stack's helpers (scenarios tagged @stack-only): storage counters, fault
 * injection, restarts, Redis flushes, and scans of storage, Redis and logs for secrets.
 */
import assert from 'assert';
import { After, Given, Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { theStack, EXTERNAL, BASE_PLUGIN_CONFIG } from '../support/stack';

const PLUGIN_INDEX = 'plugin-api-keys';

After(function () {
  if (!EXTERNAL) theStack().clearFaults();
});

Given('the storage counters are reset', function () {
  theStack().resetCounters();
});

Then('the storage saw {int} plugin key reads', function (n: number) {
  assert.strictEqual(theStack().counters({ indexContains: PLUGIN_INDEX }).reads, n, JSON.stringify(theStack().counters()));
});

Then('the storage saw at least {int} plugin key read(s)', function (n: number) {
  const reads = theStack().counters({ indexContains: PLUGIN_INDEX }).reads;
  assert.ok(reads >= n, `plugin key reads: ${reads} < ${n}`);
});

Then('the storage saw at most {int} plugin key read(s)', function (n: number) {
  const reads = theStack().counters({ indexContains: PLUGIN_INDEX }).reads;
  assert.ok(reads <= n, `plugin key reads: ${reads} > ${n}`);
});

Then('the storage saw at most {int} plugin key write(s)', function (n: number) {
  const writes = theStack().counters({ indexContains: PLUGIN_INDEX }).writes;
  assert.ok(writes <= n, `plugin key writes: ${writes} > ${n}`);
});

Then('the storage saw no request at all', function () {
  const c = theStack().counters();
  assert.strictEqual(c.reads + c.writes, 0, JSON.stringify(c));
});

When('the plugin storage fails', function () {
  theStack().injectFault({ mode: 'fail', indexContains: PLUGIN_INDEX });
});

When('the plugin storage hangs', function () {
  theStack().injectFault({ mode: 'hang', indexContains: PLUGIN_INDEX });
});

When('the next write to the plugin storage hangs', function () {
  theStack().injectFault({ mode: 'hang', indexContains: PLUGIN_INDEX, kind: 'write', times: 1 });
});

When('the plugin storage recovers', function () {
  theStack().clearFaults();
});

/** Tokens kept by clients are gone with Redis: log the admin back in; user clients are re-created. */
async function reconnectAdmin(world: ApiKeysWorld): Promise<void> {
  world.admin = await world.adminClient();
  for (const alias of [...world.named.keys()]) if (!alias.startsWith('key:')) world.named.delete(alias);
}

When('Redis is flushed', async function (this: ApiKeysWorld) {
  await theStack().flushRedis();
  await reconnectAdmin(this);
});

When('Kuzzle restarts', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld) {
  await theStack().restartKuzzle();
  // WebSocket clients of this scenario were cut: use fresh ones
  for (const alias of [...this.named.keys()]) this.named.delete(alias);
  this.admin = await this.adminClient();
});

When('Kuzzle restarts with the plugin configuration:', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, doc: string) {
  await theStack().restartKuzzle({ pluginConfig: { ...BASE_PLUGIN_CONFIG, ...JSON.parse(doc) } });
  for (const alias of [...this.named.keys()]) this.named.delete(alias);
  this.admin = await this.adminClient();
});

Then('no storage document, Redis entry or Kuzzle log contains the secret of key {string}', async function (this: ApiKeysWorld, alias: string) {
  const secret = this.key(alias).secret;
  const bare = secret.slice('kapikey-'.length);
  const stack = theStack();
  const docs = JSON.stringify(stack.emulator.allDocuments());
  assert.ok(docs.includes(this.key(alias)._id), 'positive control: the key document is in the emulator');
  assert.ok(!docs.includes(bare), 'the secret is in a storage document');
  const redis = JSON.stringify(await stack.redisDump());
  assert.ok(!redis.includes(bare), 'the secret is in Redis');
  const logs = stack.logs();
  assert.ok(logs.length > 0, 'positive control: Kuzzle logs were captured');
  assert.ok(!logs.includes(bare), 'the secret is in Kuzzle logs');
});

When('Kuzzle is started with the invalid plugin configuration:', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, doc: string) {
  this.error = null;
  try {
    await theStack().restartKuzzle({ pluginConfig: { ...BASE_PLUGIN_CONFIG, ...JSON.parse(doc) } });
  } catch (error) {
    this.error = error;
  }
  assert.ok(this.error, 'Kuzzle booted with an invalid configuration');
});

Then('Kuzzle refused to boot, naming {string}', function (this: ApiKeysWorld, key: string) {
  assert.ok(String(this.error.message).includes('[api-keys] Invalid configuration') && String(this.error.message).includes(key), this.error.message);
});

When('the npm package is packed and installed as a directory plugin', { timeout: 240 * 1000 }, async function (this: ApiKeysWorld) {
  const { execFileSync } = await import('child_process');
  const path = await import('path');
  const fs = await import('fs');
  const root = path.resolve(__dirname, '../..');
  const dir = path.join(root, '.tmp', 'pack');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // the real tarball, as `npm publish` would ship it (prepack builds dist/)
  const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() as string;
  execFileSync('tar', ['-xzf', path.join(dir, out), '-C', dir]);
  this.vars.set('packedFiles', execFileSync('tar', ['-tzf', path.join(dir, out)], { encoding: 'utf8' }));
  await theStack().restartKuzzle({ pluginMode: 'directory', pluginDirectory: path.join(dir, 'package') });
  this.cleanups.push(() => theStack().restartKuzzle({ pluginMode: 'app' }));
  for (const alias of [...this.named.keys()]) this.named.delete(alias);
  this.admin = await this.adminClient();
});

Then('the package ships {string} and not {string}', function (this: ApiKeysWorld, shipped: string, notShipped: string) {
  const files: string = this.vars.get('packedFiles');
  for (const f of shipped.split(',')) assert.ok(files.includes(`package/${f.trim()}`), `missing ${f} in\n${files}`);
  for (const f of notShipped.split(',')) assert.ok(!files.includes(`package/${f.trim()}`), `unexpected ${f} in\n${files}`);
});

Given('the storage counters are reset now', function (this: ApiKeysWorld) {
  theStack().resetCounters();
  this.vars.set('countersResetAt', Date.now());
});

Then('the plugin key writes since then are at most one per {int} ms flush interval', function (this: ApiKeysWorld, interval: number) {
  const elapsed = Date.now() - this.vars.get('countersResetAt');
  // lastUsedAt flushes are partial updates of the keys collection
  const writes = theStack().emulator.requests().filter((r) => r.op === 'update' && r.indices.some((i) => i.includes(`${PLUGIN_INDEX}.keys`))).length;
  const allowed = Math.ceil(elapsed / interval) + 1;
  assert.ok(writes >= 1, 'positive control: the uses were flushed at least once');
  assert.ok(writes <= allowed, `${writes} writes in ${elapsed} ms (allowed: ${allowed})`);
});

When('the plugin key reads are saved as {string}', function (this: ApiKeysWorld, name: string) {
  this.vars.set(name, theStack().counters({ indexContains: PLUGIN_INDEX }).reads);
});

Then('the saved reads {string} and {string} are equal and at least 1', function (this: ApiKeysWorld, a: string, b: string) {
  assert.ok(this.vars.get(a) >= 1, `${a} = ${this.vars.get(a)}`);
  assert.strictEqual(this.vars.get(b), this.vars.get(a));
});

Given('Kuzzle runs with the test plugin {string}', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, name: string) {
  await theStack().restartKuzzle({ testPlugins: [name] });
  for (const alias of [...this.named.keys()]) this.named.delete(alias);
  this.admin = await this.adminClient();
  // the next scenarios run without it
  this.cleanups.push(() => theStack().restartKuzzle({ testPlugins: [] }));
});
