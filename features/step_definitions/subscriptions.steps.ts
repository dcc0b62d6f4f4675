/** Subscribers on named WebSockets, each request carrying the credential of the actor who sends it. */
import assert from 'assert';
import { Then, When } from '@cucumber/cucumber';
import type { Kuzzle } from 'kuzzle-sdk';
import type { ApiKeysWorld } from '../support/world';
import { actor, splitAction } from './common.steps';

async function socket(world: ApiKeysWorld, name: string): Promise<Kuzzle> {
  let sdk: Kuzzle | undefined = world.vars.get(`socket:${name}`);
  if (!sdk) {
    sdk = await world.connectedClient('websocket');
    const expired: string[] = [];
    sdk.on('tokenExpired', () => expired.push('TokenExpired'));
    world.vars.set(`socket:${name}`, sdk);
    world.vars.set(`socket-events:${name}`, expired);
  }
  return sdk;
}

/** the secret of "key:<alias>", or a user's login token, put on the socket for the next requests */
async function speakAs(world: ApiKeysWorld, sdk: Kuzzle, who: string): Promise<void> {
  if (who.startsWith('key:')) {
    (sdk as any).jwt = world.key(who.slice(4)).secret;
    return;
  }
  (sdk as any).jwt = (await actor(world, who) as any).jwt;
}

When('{string} subscribes on socket {string} to {string}', async function (this: ApiKeysWorld, who: string, name: string, target: string) {
  const sdk = await socket(this, name);
  await speakAs(this, sdk, who);
  const [index, collection] = target.split('/');
  const notes: unknown[] = [];
  this.vars.set(`notes:${name} ${target}`, notes);
  await sdk.realtime.subscribe(index, collection, {}, (n: any) => { if (n.type === 'document') notes.push(n); });
});

When('{string} sends {string} on socket {string}', async function (this: ApiKeysWorld, who: string, name: string, socketName: string) {
  const sdk = await socket(this, socketName);
  await speakAs(this, sdk, who);
  await sdk.query({ ...splitAction(name) } as any);
});

Then('the subscription {string} got {int} notification(s) within {int} ms', async function (this: ApiKeysWorld, sub: string, n: number, ms: number) {
  const notes: unknown[] = this.vars.get(`notes:${sub}`);
  const deadline = Date.now() + ms;
  while (notes.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 150));
  assert.strictEqual(notes.length, n, `${notes.length} notifications`);
});

Then('socket {string} received a TokenExpired notification within {int} ms', async function (this: ApiKeysWorld, name: string, ms: number) {
  const events: string[] = this.vars.get(`socket-events:${name}`);
  const deadline = Date.now() + ms;
  while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepStrictEqual(events, ['TokenExpired']);
});

When('key {string} is {word}', async function (this: ApiKeysWorld, alias: string, ending: string) {
  await endKey(this, alias, ending);
});

When('key {string} is deleted with its user', async function (this: ApiKeysWorld, alias: string) {
  await endKey(this, alias, 'user-deleted');
});

When('key {string} is narrowed to shop\\/products', async function (this: ApiKeysWorld, alias: string) {
  await endKey(this, alias, 'narrowed');
});

async function endKey(world: ApiKeysWorld, alias: string, ending: string): Promise<void> {
  const key = world.key(alias);
  const target = { controller: 'api-keys/security', userId: key.userId, _id: key._id };
  switch (ending) {
    case 'revoked': await world.admin.query({ ...target, action: 'revokeApiKey' } as any); break;
    case 'deleted': await world.admin.query({ ...target, action: 'deleteApiKey' } as any); break;
    case 'narrowed': await world.admin.query({ ...target, action: 'updateApiKey', body: { scopes: ['realtime:*@shop/products', 'auth:*'] } } as any); break;
    case 'user-deleted': await world.admin.security.deleteUser(key.userId, { refresh: 'wait_for' } as any); break;
    default: throw new Error(`unknown ending ${ending}`);
  }
}
