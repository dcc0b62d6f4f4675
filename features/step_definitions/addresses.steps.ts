/**
 * Requests from chosen client addresses: the stack's Kuzzle listens on every address of this host, and the test
 * binds its side of the connection to another loopback address (127.0.0.2 is the stack's trusted proxy, see
 * features/support/stack.ts). Both protocols go through kuzzle-sdk: over HTTP with an agent bound to the address,
 * over WebSocket with the `ws` client's `localAddress`.
 */
import http from 'http';
import assert from 'assert';
import { When } from '@cucumber/cucumber';
import { Http, Kuzzle, WebSocket } from 'kuzzle-sdk';
import type { ApiKeysWorld } from '../support/world';
import { kuzzleAddress } from '../support/stack';
import { parseArgs } from '../support/interpolate';
import { splitAction } from './common.steps';

async function fromAddress(world: ApiKeysWorld, address: string, headers: Record<string, string>, run: (sdk: Kuzzle) => Promise<any>): Promise<void> {
  const { host, port } = kuzzleAddress();
  assert.ok(['127.0.0.1', 'localhost'].includes(host), `this step needs Kuzzle on the host's loopback (stack host: ${host})`);
  if (world.protocol === 'http') {
    const previous = http.globalAgent;
    // kuzzle-sdk's Node HTTP transport uses Node's global agent: bound to the address for this request only
    http.globalAgent = new http.Agent({ localAddress: address, keepAlive: false } as any);
    try {
      const sdk = new Kuzzle(new Http(host, { port, headers } as any) as any);
      await sdk.connect();
      await world.attempt(() => run(sdk));
      sdk.disconnect();
    } finally {
      http.globalAgent = previous;
    }
    return;
  }
  const transport = new WebSocket(host, { port, headers } as any);
  (transport as any).options.localAddress = address;
  const sdk = new Kuzzle(transport as any, { autoResubscribe: false } as any);
  sdk.on('networkError', () => undefined);
  world.clients.push(sdk);
  await sdk.connect();
  await world.attempt(() => run(sdk));
}

function keyQuery(world: ApiKeysWorld, alias: string, name: string, args: Record<string, unknown> = {}) {
  return async (sdk: Kuzzle) => {
    sdk.setAPIKey(world.key(alias).secret);
    return (await sdk.query({ ...splitAction(name), ...args } as any)).result;
  };
}

When('{string} calls {string} from {string}', async function (this: ApiKeysWorld, who: string, name: string, address: string) {
  assert.ok(who.startsWith('key:'));
  await fromAddress(this, address, {}, keyQuery(this, who.slice(4), name));
});

When('{string} calls {string} from {string} with X-Forwarded-For {string}', async function (this: ApiKeysWorld, who: string, name: string, address: string, xff: string) {
  assert.ok(who.startsWith('key:'));
  await fromAddress(this, address, { 'x-forwarded-for': xff }, keyQuery(this, who.slice(4), name));
});


When('{string} creates a child from {string} with:', async function (this: ApiKeysWorld, who: string, address: string, doc: string) {
  await fromAddress(this, address, {}, keyQuery(this, who.slice(4), 'api-keys/auth:createApiKey', parseArgs(this, doc)));
});

/** A subscription on a WebSocket of its own, bound to the address (in both profiles: realtime needs a WebSocket). */
When('{string} subscribes to {string} from {string}', async function (this: ApiKeysWorld, who: string, target: string, address: string) {
  assert.ok(who.startsWith('key:'));
  const { host, port } = kuzzleAddress();
  const transport = new WebSocket(host, { port } as any);
  (transport as any).options.localAddress = address;
  const sdk = new Kuzzle(transport as any, { autoResubscribe: false } as any);
  sdk.on('networkError', () => undefined);
  this.clients.push(sdk);
  await sdk.connect();
  sdk.setAPIKey(this.key(who.slice(4)).secret);
  const [index, collection] = target.split('/');
  const notes: unknown[] = [];
  this.vars.set(`notes:${address} ${target}`, notes);
  await sdk.realtime.subscribe(index, collection, {}, (n: any) => { if (n.type === 'document') notes.push(n); });
});
