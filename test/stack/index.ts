/**
 * The real-Kuzzle test stack: an in-memory Elasticsearch emulator (in this process, so its counters
 * are easy to read), a real redis-server child and the real Kuzzle 2.56 from npm in a child process,
 * with the api-keys plugin loaded. Used by the cucumber features, `npm run dev` and `npm run bench`.
 *
 * Kuzzle runs in production mode: `cluster.enabled: true` (a one-node cluster, `minimumNodes: 1`) on
 * free cluster ports, pinned to an address of this host that Kuzzle accepts, or, when the host has
 * none, in a network namespace of its own. `startCluster` (./cluster) runs several nodes.
 */
import type { Kuzzle } from 'kuzzle-sdk';
import { EsEmulator, Counters, Fault } from './es-emulator';
import { startRedis, RedisServer, flushExceptCluster, redisDump } from './redis';
import { freePort } from './ports';
import { KuzzleNode, NodePlacement, RestartOptions, ADMIN, lockDown, hostClusterAddress } from './node';
import { Network, createNetwork, destroyNetwork, namespaceSupport, removeLeftovers } from './netns';

export { ADMIN } from './node';
export type { RestartOptions } from './node';
export { startCluster } from './cluster';
export type { Cluster, ClusterOptions, ClusterNodeHandle } from './cluster';
export { namespaceSupport } from './netns';

export interface StackOptions {
  esMajor?: '7' | '8';
  pluginConfig?: Record<string, unknown>;
  kuzzleConfig?: Record<string, unknown>;
  /** stream Kuzzle's output to this process' stdout/stderr */
  verbose?: boolean;
  /** periodic refresh of the emulator, in ms (Elasticsearch: 1 s) */
  refreshIntervalMs?: number;
  /** Kuzzle's port (default: a free one) */
  kuzzlePort?: number;
  /** test-support plugins (test/stack/plugins/<name>.ts) loaded beside api-keys */
  testPlugins?: string[];
  /**
   * 'host' (default when this host has an IPv4 address Kuzzle's cluster accepts): Kuzzle runs on the
   * host's network, reachable on 127.0.0.1. 'namespace' (default otherwise; or STACK_NETWORK=namespace):
   * in a network namespace of its own, reachable on its 198.18.x address (needs root).
   */
  network?: 'host' | 'namespace';
}

export interface Stack {
  host: string;
  port: number;
  esMajor: '7' | '8';
  esUrl: string;
  redisPort: number;
  admin: typeof ADMIN;
  emulator: EsEmulator;
  /** the address the node announces to the cluster, and how it was chosen */
  clusterAddress: string;
  network: 'host' | 'namespace';
  /** the current plugin configuration (as last passed to startStack / restartKuzzle) */
  pluginConfig: Record<string, unknown> | undefined;
  /** stops Kuzzle only (SIGTERM), deletes its stale cluster ID card, boots it again */
  restartKuzzle(opts?: RestartOptions): Promise<void>;
  /** deletes every Redis key except the cluster's (`{cluster/...}`): a FLUSHALL would evict the node */
  flushRedis(): Promise<void>;
  redisDump(): Promise<Array<{ key: string; value: string }>>;
  counters(filter?: { indexContains?: string }): Counters;
  resetCounters(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Kuzzle's captured stdout and stderr, across restarts */
  logs(): string;
  /** a kuzzle-sdk client over HTTP, logged in as the admin */
  adminSdk(): Promise<Kuzzle>;
  stopStack(): Promise<void>;
}

function chooseNetwork(requested: StackOptions['network']): 'host' | 'namespace' {
  const wanted = requested ?? (process.env.STACK_NETWORK as StackOptions['network'] | undefined);
  if (wanted === 'namespace' || wanted === 'host') return wanted;
  if (hostClusterAddress()) return 'host';
  const missing = namespaceSupport();
  if (missing === null) return 'namespace';
  throw new Error(
    `[stack] Kuzzle's cluster needs a non-loopback IPv4 address and this host has none; a network namespace would do, but ${missing}`,
  );
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const esMajor = options.esMajor ?? ((process.env.ES_MAJOR as '7' | '8') || '7');
  const network = chooseNetwork(options.network);
  let net: Network | null = null;
  let placement: NodePlacement;
  if (network === 'namespace') {
    const missing = namespaceSupport();
    if (missing) throw new Error(`[stack] STACK_NETWORK=namespace: ${missing}`);
    removeLeftovers();
    net = createNetwork(1);
    const n = net.nodes[0];
    placement = {
      name: 'kuzzle',
      host: n.address,
      port: options.kuzzlePort ?? 7512,
      namespace: n.namespace,
      address: n.address,
      cluster: { enabled: true, ip: 'public', interface: n.address, minimumNodes: 1 },
    };
  } else {
    const found = hostClusterAddress();
    if (!found) throw new Error("[stack] STACK_NETWORK=host: this host has no IPv4 address that Kuzzle's cluster accepts");
    // Free cluster ports: Kuzzle binds tcp://*:<port>, and two stacks on one host must never collide.
    const command = await freePort();
    let sync = await freePort();
    while (sync === command) sync = await freePort();
    placement = {
      name: 'kuzzle',
      host: '127.0.0.1',
      port: options.kuzzlePort,
      address: found.address,
      cluster: { enabled: true, ip: found.ip, interface: found.address, ports: { command, sync }, minimumNodes: 1 },
    };
  }

  const emulator = new EsEmulator({ refreshIntervalMs: options.refreshIntervalMs ?? 1000 });
  let redis: RedisServer | null = null;
  let node: KuzzleNode | null = null;
  const stopStack = async () => {
    if (node) await node.stop();
    node = null;
    if (redis) await redis.stop();
    redis = null;
    await emulator.stop();
    if (net) destroyNetwork(net);
    net = null;
  };

  try {
    await emulator.start(0, net ? net.bridgeAddress : '127.0.0.1');
    redis = await startRedis({ extraBind: net ? [net.bridgeAddress] : [] });
    node = new KuzzleNode(
      placement,
      { esUrl: emulator.url, esMajor, redis, redisHost: net ? net.bridgeAddress : '127.0.0.1' },
      { pluginConfig: options.pluginConfig, kuzzleConfig: options.kuzzleConfig, pluginMode: 'app', testPlugins: options.testPlugins },
      options.verbose,
    );
    await node.start(null, true);
    await lockDown(node.host, node.port);
  } catch (error) {
    await stopStack();
    throw error;
  }
  const theNode = node as KuzzleNode;
  const theRedis = redis as RedisServer;

  const stack: Stack = {
    host: theNode.host,
    get port() { return theNode.port; },
    esMajor,
    esUrl: emulator.url,
    redisPort: theRedis.port,
    admin: ADMIN,
    emulator,
    clusterAddress: theNode.address,
    network,
    get pluginConfig() { return theNode.current.pluginConfig; },
    async restartKuzzle(opts: RestartOptions = {}) {
      await theNode.stop();
      await theNode.start(opts, true);
    },
    async flushRedis() { await flushExceptCluster(theRedis); },
    redisDump: () => redisDump(theRedis.port),
    counters: (filter) => emulator.counters(filter),
    resetCounters: () => emulator.resetCounters(),
    injectFault: (fault) => emulator.injectFault(fault),
    clearFaults: () => emulator.clearFaults(),
    logs: () => theNode.logs(),
    adminSdk: () => theNode.adminSdk('http'),
    stopStack,
  };
  return stack;
}
