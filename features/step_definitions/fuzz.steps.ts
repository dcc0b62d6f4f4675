/**
 * A fuzzer for the plugin's actions and the native API-key actions: junk types, huge strings, prototype keys,
 * plausible-but-wrong values. Over HTTP it posts raw JSON to /_query (so that anything reaches Kuzzle, not only what
 * the SDK can route); over WebSocket it sends the same payloads through kuzzle-sdk. Seeded: FUZZ_SEED=<n> replays.
 */
import assert from 'assert';
import { Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { kuzzleAddress } from '../support/stack';

const ACTIONS = [
  ...['createApiKey', 'searchApiKeys', 'scrollApiKeys', 'getApiKey', 'updateApiKey', 'revokeApiKey', 'deleteApiKey', 'verifyApiKey']
    .map((a) => `api-keys/security:${a}`),
  ...['createApiKey', 'searchApiKeys', 'scrollApiKeys', 'getApiKey', 'updateApiKey', 'revokeApiKey', 'deleteApiKey']
    .map((a) => `api-keys/auth:${a}`),
  'security:createApiKey', 'security:searchApiKeys', 'security:deleteApiKey',
  'auth:createApiKey', 'auth:searchApiKeys', 'auth:deleteApiKey', 'auth:checkToken', 'auth:getMyRights', 'auth:checkRights',
];
const FIELDS = ['_id', 'userId', 'name', 'description', 'scopes', 'claims', 'expiresIn', 'secondsUntilExpiration', 'refresh',
  'from', 'size', 'scroll', 'scrollId', 'query', 'status', 'sort', 'revocationReason', 'token', 'fingerprint', 'key', 'lang',
  'index', 'collection', 'controller', 'action', 'roomId', 'ip', 'gracePeriod', '__proto__', 'constructor'];
// Not `targets`: Kuzzle 2.56 itself dies (uncaughtException in funnel.execute, before any plugin runs) on a `targets`
// argument that is neither an array nor a string, whoever sends it. Nothing a plugin can catch; see the README.

/** mulberry32: small, seeded, good enough to pick junk */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function junk(r: () => number, ctx: { ids: string[]; kuid: string }, depth = 0): unknown {
  const pick = Math.floor(r() * 24);
  switch (pick) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2 ** 31) * (r() < 0.5 ? -1 : 1);
    case 3: return r() * 1e308;
    case 4: return '';
    case 5: return 'x'.repeat(r() < 0.1 ? 20_000 : 1 + Math.floor(r() * 600));
    case 6: return ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'][Math.floor(r() * 5)];
    case 7: return ['30d', '-1', '0', '1ms', '1e400', 'NaN', '10 years', '-5s', '1.5'][Math.floor(r() * 9)];
    case 8: return ['*:*', 'document:*@shop', 'server:*@shop', 'a:b@c/d/e', '*:*@_all', 'security:createUser', ':', '@'][Math.floor(r() * 8)];
    case 9: return `kapikey-${Buffer.from(JSON.stringify({ _id: 'x' })).toString('base64')}.${'a'.repeat(10)}`;
    case 10: return 'kauth-eyJhbGciOiJIUzI1NiJ9.e30.x';
    case 11: return ctx.ids.length ? ctx.ids[Math.floor(r() * ctx.ids.length)] : 'missing';
    case 12: return ctx.kuid;
    case 13: return '\u0000\u202e\ud800 \n\t"\\/é😀';
    case 14: return ['all', 'valid', 'revoked', 'expired', 'bogus'][Math.floor(r() * 5)];
    case 15: return ['wait_for', 'false', 'true', false, 'no'][Math.floor(r() * 5)];
    case 16: return { match_all: {} };
    case 17: return { terms: { userId: { index: 'users', id: 'x', path: 'y' } } };
    case 18: return { bool: { must: [{ more_like_this: { like: 'x' } }] } };
    default:
      if (depth >= 3) return 'deep';
      if (pick < 21) return Array.from({ length: Math.floor(r() * 4) }, () => junk(r, ctx, depth + 1));
      return junkObject(r, ctx, depth + 1);
  }
}

/** an object whose keys may be __proto__/constructor as OWN properties (built through JSON.parse) */
function junkObject(r: () => number, ctx: { ids: string[]; kuid: string }, depth: number): Record<string, unknown> {
  const parts: string[] = [];
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = FIELDS[Math.floor(r() * FIELDS.length)];
    const value = junk(r, ctx, depth);
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) continue;
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return JSON.parse(`{${parts.join(',')}}`);
}

When('{int} random argument sets are sent by {string} and {string}, {int} at a time', { timeout: 15 * 60 * 1000 },
  async function (this: ApiKeysWorld, total: number, user: string, keyWho: string, concurrency: number) {
    const seed = Number(process.env.FUZZ_SEED || Date.now() % 1_000_000);
    const r = rng(seed);
    const kuid = this.kuid(user);
    const userSdk = await this.userClient(user);
    const userToken: string = (userSdk as any).jwt;
    const keySecret = this.key(keyWho.slice(4)).secret;
    const ctx = { ids: [this.key(keyWho.slice(4))._id], kuid };
    const { host, port } = kuzzleAddress();
    const wsClients = this.protocol === 'websocket'
      ? { user: await this.connectedClient('websocket'), key: await this.keyClient(keySecret, 'websocket') }
      : null;
    if (wsClients) await wsClients.user.auth.login('local', { username: kuid, password: this.passwords.get(user) as string });

    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const [controller, action] = splitName(ACTIONS[Math.floor(r() * ACTIONS.length)]);
        const args = junkObject(r, ctx, 0);
        // Over WebSocket, Kuzzle answers a non-object body outside of the SDK's request/response pairing (the SDK then
        // waits forever, whatever the action): non-object bodies go over HTTP only.
        const body = r() < 0.8 || wsClients ? junkObject(r, ctx, 1) : junk(r, ctx, 2);
        const asKey = r() < 0.5;
        const started = Date.now();
        let answer: Answer;
        const payload = { ...args, controller, action, body };
        if (wsClients) {
          const sdk = asKey ? wsClients.key : wsClients.user;
          answer = await withTimeout(sdk.query(payload as any, { queuable: false } as any)
            .then(() => ({ status: 200 }), (e: any) => ({ status: e.status ?? 0, error: `${e.id}: ${e.message}` })));
        } else {
          const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${asKey ? keySecret : userToken}` };
          answer = await withTimeout(fetch(`http://${host}:${port}/_query`, { method: 'POST', headers, body: JSON.stringify(payload) })
            .then(async (res) => ({ status: res.status, error: errorOf(await res.text()) }), () => ({ status: 0 })));
        }
        outcomes.push({
          ...answer,
          ms: Date.now() - started,
          payload: `${controller}:${action} as ${asKey ? "key" : "user"} ${JSON.stringify(payload).slice(0, 60000)} (#${i}, seed ${seed})`,
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    this.vars.set('fuzz', outcomes);
  });

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf(':');
  return [name.slice(0, at), name.slice(at + 1)];
}

interface Answer { status: number; error?: string }
interface Outcome extends Answer { ms: number; payload: string }

/** the error's id and message, so that a failure says which error it was */
function errorOf(text: string): string | undefined {
  try {
    const error = JSON.parse(text).error;
    return error ? `${error.id}: ${error.message}` : undefined;
  } catch {
    return text.slice(0, 200);
  }
}

const HUNG = -1;
function withTimeout(promise: Promise<Answer>): Promise<Answer> {
  return Promise.race([promise, new Promise<Answer>((resolve) => setTimeout(() => resolve({ status: HUNG }), 15000))]);
}

Then('none got a 5xx answer and none took more than {int} ms', function (this: ApiKeysWorld, limit: number) {
  const outcomes: Outcome[] = this.vars.get('fuzz');
  const served = outcomes.filter((o) => o.status >= 200);
  const counts: Record<number, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  this.attach(`statuses: ${JSON.stringify(counts)}`);
  // eslint-disable-next-line no-console
  console.log(`[fuzz] ${this.protocol} statuses: ${JSON.stringify(counts)}`);
  const bad = outcomes.filter((o) => o.status >= 500 || o.status === HUNG || o.ms > limit);
  assert.deepStrictEqual(bad.slice(0, 10), [], `${bad.length} bad answers`);
  assert.ok(served.length > outcomes.length * 0.9, `positive control: most requests reached Kuzzle (${served.length}/${outcomes.length})`);
  assert.ok(outcomes.some((o) => o.status === 200), 'positive control: some requests succeeded');
});
