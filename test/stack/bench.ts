/**
 * `npm run bench`: measures, in one run against the real stack, what a plugin key costs per request
 * compared with a Kuzzle login token and a Kuzzle native API key. Prints rates and ratios measured in
 * this run (never asserted), and storage round trips per request. Then key creation and login
 * throughput on that (cluster-mode) node, and, on a real 3-node cluster (needs network namespaces),
 * how fast a change made on node 1 reaches nodes 2 and 3.
 *
 * The stack runs with nativeActions 'kuzzle' so that a genuine Kuzzle native key can be created.
 * BENCH_CLUSTER=0 skips the cluster part; BENCH_PROPAGATION_ROUNDS (default 30) sets its rounds.
 */
import { Kuzzle, Http, WebSocket } from 'kuzzle-sdk';
import { startStack, startCluster, namespaceSupport } from './index';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS || 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 8);
/** distinct keys warmed for the memory-per-cached-key line (BENCH_CACHE_KEYS=0 skips it) */
const CACHE_KEYS = Number(process.env.BENCH_CACHE_KEYS ?? 50000);
const FORGED = 'kapikey-eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJfaWQiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLWZvcmdlZA';

type Mode = 'login' | 'pluginKey' | 'nativeKey';

async function rate(sdk: Kuzzle, jwt: string, request: Record<string, unknown>, n: number): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      next++;
      try { await sdk.query({ ...request, jwt } as any); } catch { failures++; }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (failures > 0) throw new Error(`${failures} requests failed`);
  return n / seconds;
}

async function throughput(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  }));
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
}

/**
 * On a 3-node cluster: a key warm on nodes 2 and 3 is changed on node 1; as soon as that call returned,
 * one request goes to each of nodes 2 and 3 (the "very next request"), then each node is polled until it
 * refuses the key. Reports the share of next requests still accepted and the time to refusal.
 */
async function propagation(): Promise<string[]> {
  const missing = namespaceSupport();
  if (process.env.BENCH_CLUSTER === '0') return ['Propagation: skipped (BENCH_CLUSTER=0)'];
  if (missing) return [`Propagation: skipped (${missing})`];
  const rounds = Number(process.env.BENCH_PROPAGATION_ROUNDS || 30);
  const cluster = await startCluster({ nodes: 3 });
  const lines = [`Propagation on a 3-node cluster (${rounds} rounds per change, HTTP; a change made on node 1, requests on nodes 2 and 3):`];
  try {
    const admin = await cluster.adminSdk(1);
    const clients = [2, 3].map((i) => cluster.client(i, 'http'));
    for (const c of clients) await c.connect();
    for (const change of ['revokeApiKey', 'deleteApiKey', 'updateApiKey'] as const) {
      let accepted = 0;
      const toRefusal: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const created = (await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'admin', body: { name: `prop-${change}-${round}`, scopes: ['server:now', 'server:info'] } } as any)).result as any;
        const jwt = created._source.token;
        for (const c of clients) await c.query({ controller: 'server', action: 'now', jwt } as any);
        const args: Record<string, unknown> = { controller: 'api-keys/security', action: change, userId: 'admin', _id: created._id };
        if (change === 'updateApiKey') args.body = { scopes: ['server:info'] };
        await admin.query(args as any);
        const returned = process.hrtime.bigint();
        await Promise.all(clients.map(async (c) => {
          let first = true;
          for (;;) {
            const ok = await c.query({ controller: 'server', action: 'now', jwt } as any).then(() => true, () => false);
            if (first && ok) accepted++;
            first = false;
            if (!ok) { toRefusal.push(Number(process.hrtime.bigint() - returned) / 1e6); return; }
            if (Number(process.hrtime.bigint() - returned) / 1e6 > 5000) { toRefusal.push(Infinity); return; }
          }
        }));
      }
      const total = rounds * clients.length;
      lines.push(`  ${change.padEnd(13)} next request accepted ${String(accepted).padStart(3)}/${total} (${((100 * accepted) / total).toFixed(0)}%)   first refusal received (from the call's return): median ${percentile(toRefusal, 0.5).toFixed(1)} ms, p95 ${percentile(toRefusal, 0.95).toFixed(1)} ms, max ${percentile(toRefusal, 1).toFixed(1)} ms`);
    }
    for (const c of clients) c.disconnect();
    admin.disconnect();
  } finally {
    await cluster.stopCluster();
  }
  return lines;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Creates `n` keys, measures Kuzzle's heap (forced GC), uses each key once (so that it is resolved, cached, and has
 * a session), and measures again.
 */
async function memoryPerCachedKey(host: string, port: number, adminJwt: string, n: number): Promise<{ before: number; after: number; perKey: number }> {
  const sdk = new Kuzzle(new Http(host, { port }));
  await sdk.connect();
  const secrets: string[] = new Array(n);
  await throughput(n, (i) => sdk.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: `mem-${i}` }, refresh: 'false', jwt: adminJwt } as any)
    .then((r: any) => { secrets[i] = r.result._source.token; }));
  const heap = async () => (await sdk.query({ controller: 'stack-heap', action: 'measure', jwt: adminJwt } as any)).result.heapUsed as number;
  const before = await heap();
  await throughput(n, (i) => sdk.query({ controller: 'server', action: 'now', jwt: secrets[i] } as any));
  const after = await heap();
  sdk.disconnect();
  return { before, after, perKey: (after - before) / n };
}

async function main(): Promise<void> {
  process.env.STACK_EXPOSE_GC = '1';
  const stack = await startStack({
    pluginConfig: { nativeActions: 'kuzzle', cacheSize: Math.max(10000, CACHE_KEYS + 1000), maxKeysPerUser: -1 },
    testPlugins: ['heap'],
  });
  try {
    const admin = await stack.adminSdk();
    await admin.security.createOrReplaceRole('bench', { controllers: { '*': { actions: { '*': true } } } } as any, { force: true } as any);
    await admin.security.createOrReplaceProfile('bench', { rateLimit: 0, policies: [{ roleId: 'bench' }] } as any);
    await admin.security.createUser('bench', { content: { profileIds: ['bench'] }, credentials: { local: { username: 'bench', password: 'bench-password' } } } as any);
    await admin.index.create('bench');
    await admin.collection.create('bench', 'docs', {} as any);
    await admin.document.create('bench', 'docs', { n: 1 }, 'doc-1', { refresh: 'wait_for' } as any);

    const login = new Kuzzle(new Http(stack.host, { port: stack.port }));
    await login.connect();
    const loginToken = await login.auth.login('local', { username: 'bench', password: 'bench-password' }, '1d');
    const pluginKey = (await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: 'bench' } } as any)).result._source.token;
    const nativeKey = (await admin.security.createApiKey('bench', 'native bench key', { refresh: 'wait_for' } as any))._source.token;
    const deleted = await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: 'deleted' } } as any);
    await admin.query({ controller: 'api-keys/security', action: 'deleteApiKey', userId: 'bench', _id: deleted.result._id } as any);
    const deletedKey = deleted.result._source.token;
    const tokens: Record<Mode, string> = { login: loginToken, pluginKey, nativeKey };

    const requests: Record<string, Record<string, unknown>> = {
      'server:now': { controller: 'server', action: 'now' },
      'document:get': { controller: 'document', action: 'get', index: 'bench', collection: 'docs', _id: 'doc-1' },
    };
    const lines: string[] = [];
    for (const protocol of ['http', 'websocket'] as const) {
      const sdk = new Kuzzle(protocol === 'http' ? new Http(stack.host, { port: stack.port }) : new WebSocket(stack.host, { port: stack.port }));
      await sdk.connect();
      for (const [name, request] of Object.entries(requests)) {
        const modes: Mode[] = ['login', 'pluginKey', 'nativeKey'];
        const rates: Record<Mode, number[]> = { login: [], pluginKey: [], nativeKey: [] };
        for (const mode of modes) await rate(sdk, tokens[mode], request, 50); // warm-up (and warm caches)
        for (let round = 0; round < ROUNDS; round++) {
          // alternate the order from round to round
          const order = modes.map((_, i) => modes[(i + round) % modes.length]);
          for (const mode of order) rates[mode].push(await rate(sdk, tokens[mode], request, REQUESTS));
        }
        const a = median(rates.login);
        const b = median(rates.pluginKey);
        const c = median(rates.nativeKey);
        lines.push(`${protocol.padEnd(9)} ${name.padEnd(12)}  login ${a.toFixed(0).padStart(6)} req/s   plugin key ${b.toFixed(0).padStart(6)} req/s   native key ${c.toFixed(0).padStart(6)} req/s   b/a ${(b / a).toFixed(2)}   b/c ${(b / c).toFixed(2)}`);
      }
      sdk.disconnect();
    }

    // Issue 15: a rate-limited key and a key with credits, limits high enough never to refuse, against an unlimited key
    // (same run, same protocol, alternating order). Goal: >= 0.9.
    const limited = (await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: 'limited', ratelimits: [{ limit: 1_000_000_000, window: '1h' }] } } as any)).result._source.token;
    const credited = (await admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: 'credited', credits: { remaining: 1_000_000_000 } } } as any)).result._source.token;
    for (const protocol of ['http', 'websocket'] as const) {
      const sdk = new Kuzzle(protocol === 'http' ? new Http(stack.host, { port: stack.port }) : new WebSocket(stack.host, { port: stack.port }));
      await sdk.connect();
      const budgetRates: Record<string, number[]> = { unlimited: [], limited: [], credited: [] };
      const budgetTokens: Record<string, string> = { unlimited: pluginKey, limited, credited };
      const names = Object.keys(budgetTokens);
      for (const name of names) await rate(sdk, budgetTokens[name], requests['server:now'], 50);
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of names.map((_, i) => names[(i + round) % names.length])) {
          budgetRates[name].push(await rate(sdk, budgetTokens[name], requests['server:now'], REQUESTS));
        }
      }
      const u = median(budgetRates.unlimited);
      lines.push(`${protocol.padEnd(9)} server:now    rate-limited key ${median(budgetRates.limited).toFixed(0).padStart(6)} req/s  vs unlimited ${u.toFixed(0).padStart(6)} req/s  ratio ${(median(budgetRates.limited) / u).toFixed(2)} (goal >= 0.90)`);
      lines.push(`${protocol.padEnd(9)} server:now    key with credits ${median(budgetRates.credited).toFixed(0).padStart(6)} req/s  vs unlimited ${u.toFixed(0).padStart(6)} req/s  ratio ${(median(budgetRates.credited) / u).toFixed(2)} (goal >= 0.90)`);
      sdk.disconnect();
    }

    // storage round trips per request (Elasticsearch requests seen by the emulator, all indexes)
    const perRequest = async (jwt: string, n = 200) => {
      const sdk = new Kuzzle(new Http(stack.host, { port: stack.port }));
      await sdk.connect();
      stack.resetCounters();
      for (let i = 0; i < n; i++) await sdk.query({ controller: 'server', action: 'now', jwt } as any).catch(() => undefined);
      const c = stack.counters();
      sdk.disconnect();
      return (c.reads + c.writes) / n;
    };
    const storage = {
      'plugin key (warm)': await perRequest(pluginKey),
      'native key': await perRequest(nativeKey),
      'forged token': await perRequest(FORGED),
      'deleted plugin key': await perRequest(deletedKey),
    };

    // Key creation and login throughput on this cluster-mode node (HTTP, concurrency CONCURRENCY)
    const http = new Kuzzle(new Http(stack.host, { port: stack.port }));
    await http.connect();
    const adminJwt = (admin as any).jwt as string;
    const n = Math.max(100, Math.floor(REQUESTS / 3));
    const createRate = await throughput(n, (i) => http.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'bench', body: { name: `tp-${i}` }, jwt: adminJwt } as any));
    const nativeCreateRate = await throughput(n, (i) => http.query({ controller: 'security', action: 'createApiKey', userId: 'bench', body: { description: `tp-${i}` }, refresh: 'false', jwt: adminJwt } as any));
    const loginRate = await throughput(n, () => http.query({ controller: 'auth', action: 'login', strategy: 'local', body: { username: 'bench', password: 'bench-password' } } as any));
    http.disconnect();

    const memory = CACHE_KEYS > 0 ? await memoryPerCachedKey(stack.host, stack.port, adminJwt, CACHE_KEYS) : null;

    // eslint-disable-next-line no-console
    console.log([
      '',
      `kuzzle-plugin-api-keys benchmark (${ROUNDS} rounds x ${REQUESTS} requests, concurrency ${CONCURRENCY}, median per round; ES ${stack.esMajor} emulator)`,
      '(a) login token   (b) plugin key   (c) Kuzzle native API key',
      ...lines,
      '',
      'Storage (Elasticsearch) requests per server:now request:',
      ...Object.entries(storage).map(([k, v]) => `  ${k.padEnd(20)} ${v.toFixed(3)}`),
      '',
      `Throughput on one cluster-mode node (${n} calls, HTTP, concurrency ${CONCURRENCY}):`,
      `  api-keys/security:createApiKey ${createRate.toFixed(0).padStart(6)} /s   native security:createApiKey ${nativeCreateRate.toFixed(0).padStart(6)} /s   auth:login ${loginRate.toFixed(0).padStart(6)} /s`,
      '',
      memory === null ? 'Memory per cached key: skipped (BENCH_CACHE_KEYS=0)'
        : `Memory per cached key: ${memory.perKey.toFixed(0)} bytes (Kuzzle's heap after warming ${CACHE_KEYS} distinct keys, minus before, after a forced GC: ${(memory.before / 1048576).toFixed(1)} MB -> ${(memory.after / 1048576).toFixed(1)} MB)`,
      '',
    ].join('\n'));
    admin.disconnect();
    login.disconnect();
  } finally {
    await stack.stopStack();
  }
  // eslint-disable-next-line no-console
  console.log([...(await propagation()), ''].join('\n'));
}

main().then(() => process.exit(0)).catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
