import assert from 'assert';
import { Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { actor, call } from './common.steps';

Then('{string} is authenticated as {string}', async function (this: ApiKeysWorld, who: string, user: string) {
  await call(this, who, 'auth:getCurrentUser');
  if (this.error) assert.fail(`getCurrentUser failed: ${this.error.status} ${this.error.id}: ${this.error.message}`);
  assert.strictEqual(this.result._id, this.kuid(user));
});

When('{string} subscribes to {string}', async function (this: ApiKeysWorld, who: string, target: string) {
  const [index, collection] = target.split('/');
  // Realtime needs a persistent connection: the subscriber uses WebSocket even in the HTTP profile.
  const sdk = this.protocol === 'websocket' ? await actor(this, who)
    : who.startsWith('key:') ? await this.keyClient(this.key(who.slice(4)).secret, 'websocket')
      : await actor(this, who);
  this.notifications = [];
  await this.attempt(() => sdk.realtime.subscribe(index, collection, {}, (n: any) => { this.notifications.push(n); }));
  if (!this.error) this.vars.set(`room:${who}`, this.result);
});

When('the admin creates a document in {string}', async function (this: ApiKeysWorld, target: string) {
  const [index, collection] = target.split('/');
  await this.admin.document.create(index, collection, { label: this.unique('doc') }, undefined, { refresh: 'wait_for' } as any);
});

Then('{int} notification(s) arrived within {int} ms', async function (this: ApiKeysWorld, n: number, ms: number) {
  const deadline = Date.now() + ms;
  while (this.notifications.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // and nothing more shortly after
  await new Promise((r) => setTimeout(r, 100));
  assert.strictEqual(this.notifications.filter((x) => x.type === 'document').length, n, JSON.stringify(this.notifications));
});

When('I wait until key {string} has {int} ms left', async function (this: ApiKeysWorld, alias: string, left: number) {
  const expiresAt = this.key(alias).source.expiresAt;
  const wait = expiresAt - left - Date.now();
  assert.ok(wait >= 0, `too late: key ${alias} has only ${expiresAt - Date.now()} ms left`);
  await new Promise((r) => setTimeout(r, wait));
});

When('I wait until key {string} has expired', async function (this: ApiKeysWorld, alias: string) {
  const wait = this.key(alias).source.expiresAt - Date.now();
  if (wait >= 0) await new Promise((r) => setTimeout(r, wait + 1));
});

When('the admin deletes user {string}', async function (this: ApiKeysWorld, alias: string) {
  await this.admin.security.deleteUser(this.kuid(alias), { refresh: 'wait_for' } as any);
});

When('the admin creates user {string} again, with roles {string}', async function (this: ApiKeysWorld, alias: string, roles: string) {
  const profileId = `apikeys-test-${roles.split(',').map((r) => r.trim()).join('-')}`;
  await this.admin.security.createUser(this.kuid(alias), { content: { profileIds: [profileId] } } as any, { refresh: 'wait_for' } as any);
});

When('{string} creates {int} keys concurrently for {string}', async function (this: ApiKeysWorld, who: string, n: number, user: string) {
  const sdk = await actor(this, who);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: n }, (_, i) => sdk.query({
    controller: 'api-keys/security', action: 'createApiKey', userId: this.kuid(user), body: { name: `burst-${i}` }, refresh: 'false',
  } as any)));
  this.vars.set('burstMs', Date.now() - started);
  results.forEach((res: any, i: number) => {
    this.keys.set(`burst-${i}`, { _id: res.result._id, secret: res.result._source.token, userId: res.result._source.userId, source: res.result._source });
  });
});

Then('the {int} secrets are distinct', function (this: ApiKeysWorld, n: number) {
  const secrets = new Set(Array.from({ length: n }, (_, i) => this.key(`burst-${i}`).secret));
  assert.strictEqual(secrets.size, n);
});

Then('each of the {int} keys authenticates as {string}', async function (this: ApiKeysWorld, n: number, user: string) {
  const kuid = this.kuid(user);
  const sdk = await this.connectedClient();
  // one connection, each request with another key's secret
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => sdk.query(
    { controller: 'auth', action: 'getCurrentUser', jwt: this.key(`burst-${i}`).secret } as any,
  ).then((r: any) => r.result._id, (e: any) => `${e.status} ${e.id}`)));
  assert.deepStrictEqual(answers.filter((a) => a !== kuid), []);
});

When('{string} creates a key with claims of {int} bytes', async function (this: ApiKeysWorld, who: string, bytes: number) {
  // {"blob":"..."} is 11 bytes of JSON around the string
  const claims = { blob: 'x'.repeat(bytes - 11) };
  await call(this, who, 'api-keys/auth:createApiKey', { body: { name: 'claims', claims } });
});

/**
 * The SDK drops its credential after a 401 security.token.invalid: to send a rejected secret again, each
 * request carries it explicitly, from an unauthenticated client.
 */
When('the secret of key {string} is sent {int} times to {string}', async function (this: ApiKeysWorld, alias: string, n: number, name: string) {
  const sdk = await this.connectedClient();
  const [controller, action] = name.split(':');
  for (let i = 0; i < n; i++) {
    await this.attempt(() => sdk.query({ controller, action, jwt: this.key(alias).secret } as any));
  }
});

Then('every burst key of {int} but number {int} authenticates as {string}, and that one is refused', async function (this: ApiKeysWorld, n: number, deleted: number, user: string) {
  const kuid = this.kuid(user);
  const sdk = await this.connectedClient();
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => sdk.query(
    { controller: 'auth', action: 'getCurrentUser', jwt: this.key(`burst-${i}`).secret } as any,
  ).then((r: any) => r.result._id, (e: any) => e.id)));
  answers.forEach((answer, i) => {
    assert.strictEqual(answer, i === deleted ? 'security.token.invalid' : kuid, `burst key ${i}`);
  });
});
