/**
 * `npm run dev`: the whole stack in the foreground (ES emulator + Redis + Kuzzle with the plugin),
 * an admin login and ready-to-paste curl commands. Ctrl-C stops everything.
 *
 * `npm run dev -- --nodes 3`: a local 3-node Kuzzle cluster instead (network namespaces: needs root),
 * with each node's URL and curl lines to watch a revocation on one node reach the others.
 */
import { startStack, startCluster } from './index';

function nodesArg(argv: string[]): number {
  const at = argv.findIndex((a) => a === '--nodes' || a.startsWith('--nodes='));
  if (at === -1) return 1;
  const raw = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--nodes wants a positive integer (got ${raw})`);
  return n;
}

const login = (url: string, username: string, password: string) =>
  `TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"${username}","password":"${password}"}' ${url}/_login/local | sed -E 's/.*"jwt":"([^"]+)".*/\\1/')`;

async function single(): Promise<string[]> {
  const port = process.env.KUZZLE_PORT ? Number(process.env.KUZZLE_PORT) : undefined;
  const stack = await startStack({ verbose: process.env.STACK_VERBOSE === '1', kuzzlePort: port });
  const url = `http://${stack.host}:${stack.port}`;
  const { username, password } = stack.admin;
  return [
    '',
    `Kuzzle ${'2.56'} with kuzzle-plugin-api-keys is running at ${url}`,
    `(one cluster-mode node announcing ${stack.clusterAddress}; storage: in-memory Elasticsearch ${stack.esMajor} emulator at ${stack.esUrl}, Redis on port ${stack.redisPort})`,
    '',
    `Admin login: username "${username}", password "${password}"`,
    '',
    '# 1. log in as the admin, keep the token:',
    login(url, username, password),
    '',
    '# 2. create an API key for the admin, scoped to server:now, and keep its secret (shown once):',
    `SECRET=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"try-me","scopes":["server:now"]}' '${url}/_/api-keys/users/admin/_create?expiresIn=1d' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
    '',
    '# 3. use the key (allowed by its scopes), then outside its scopes (403 plugin.api-keys.scope_denied):',
    `curl -s -H "Authorization: Bearer $SECRET" ${url}/_now`,
    `curl -s -H "Authorization: Bearer $SECRET" ${url}/_serverInfo`,
    '',
    'Press Ctrl-C to stop Kuzzle, Redis and the emulator.',
    '',
  ];
}

async function cluster(nodes: number): Promise<string[]> {
  const c = await startCluster({ nodes, verbose: process.env.STACK_VERBOSE === '1' });
  const { username, password } = c.admin;
  const first = c.nodes[0].url;
  const last = c.nodes[c.nodes.length - 1].url;
  return [
    '',
    `A ${nodes}-node Kuzzle ${'2.56'} cluster with kuzzle-plugin-api-keys is running (each node in its own network namespace ${c.runId}):`,
    ...c.nodes.map((n) => `  node ${n.index}: ${n.url}   (cluster node ${n.nodeId}, namespace ${n.namespace})`),
    `(shared: Redis at ${c.redisHost}:${c.redisPort}, in-memory Elasticsearch ${c.esMajor} emulator at ${c.esUrl}; cluster heartbeat ${c.heartbeat} ms)`,
    '',
    `Admin login: username "${username}", password "${password}"`,
    '',
    '# 1. log in as the admin on node 1, keep the token (it works on every node):',
    login(first, username, password),
    '',
    '# 2. create a key on node 1, keep its secret:',
    `KEY=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"try-me","scopes":["server:now"]}' '${first}/_/api-keys/users/admin/_create'); SECRET=$(echo "$KEY" | sed -E 's/.*"token":"([^"]+)".*/\\1/'); ID=$(echo "$KEY" | sed -E 's/.*"result":\\{"_id":"([^"]+)".*/\\1/')`,
    '',
    `# 3. use it on node ${c.nodes.length} (succeeds), revoke it on node 1, use it on node ${c.nodes.length} again (401 plugin.api-keys.revoked):`,
    `curl -s -H "Authorization: Bearer $SECRET" ${last}/_now; echo; curl -s -X POST -H "Authorization: Bearer $TOKEN" "${first}/_/api-keys/users/admin/$ID/_revoke"; echo; curl -s -H "Authorization: Bearer $SECRET" ${last}/_now; echo`,
    '',
    `# cluster status, as any node sees it:`,
    `curl -s -H "Authorization: Bearer $TOKEN" ${first}/cluster/_status`,
    '',
    'Press Ctrl-C to stop the nodes, Redis and the emulator, and remove the namespaces.',
    '',
  ];
}

async function main(): Promise<void> {
  const nodes = nodesArg(process.argv.slice(2));
  const lines = nodes === 1 ? await single() : await cluster(nodes);
  // eslint-disable-next-line no-console
  console.log(lines.join('\n'));
  // Ctrl-C: processes.ts kills Kuzzle and Redis (their process groups) and exits; netns.ts removes the namespaces on exit.
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
