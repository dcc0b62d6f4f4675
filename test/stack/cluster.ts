/**
 * A real Kuzzle cluster on one machine: each node runs in its own network namespace with its own
 * address in 198.18.0.0/15 (`cluster.ip: 'public'`), on a bridge of the root namespace. One Redis and the
 * ES emulator listen on the bridge address and are shared by every node. The test process reaches
 * each node's HTTP port on its 198.18.x address.
 *
 * Needs Linux, root, iproute2 and iptables; without them startCluster throws one line saying what is
 * missing (see namespaceSupport()).
 */
import type { Kuzzle } from 'kuzzle-sdk';
import { EsEmulator, Counters, Fault } from './es-emulator';
import { startRedis, RedisServer, flushExceptCluster, redisDump, idCards, IdCard } from './redis';
import type { Reply } from './resp';
import { KuzzleNode, RestartOptions, ADMIN, lockDown } from './node';
import { Network, createNetwork, cutTcp, destroyNetwork, healNamespace, namespaceSupport, removeLeftovers, MAX_NODES } from './netns';

export interface ClusterOptions {
  /** number of Kuzzle nodes (default 3, at most 9) */
  nodes?: number;
  pluginConfig?: Record<string, unknown>;
  /** extra Kuzzle configuration for every node, path -> value (e.g. { 'cluster.heartbeat': 5000 }) */
  kuzzleConfig?: Record<string, unknown>;
  esMajor?: '7' | '8';
  /** stream every node's output, prefixed with [nodeN] */
  verbose?: boolean;
  refreshIntervalMs?: number;
  testPlugins?: string[];
  /** each node's HTTP port, on its own address (default 7512) */
  httpPort?: number;
}

export interface ClusterNodeHandle {
  /** 1-based */
  index: number;
  name: string;
  namespace: string;
  /** the node's own address (HTTP and cluster) */
  host: string;
  port: number;
  url: string;
  running: boolean;
  /** Kuzzle's cluster node id of the current (or last) run */
  nodeId: string | null;
  logs(): string;
}

export interface Cluster {
  runId: string;
  bridge: string;
  bridgeAddress: string;
  esMajor: '7' | '8';
  esUrl: string;
  redisHost: string;
  redisPort: number;
  admin: typeof ADMIN;
  emulator: EsEmulator;
  /** cluster.ports of every node */
  ports: { command: number; sync: number };
  /** cluster.heartbeat in ms */
  heartbeat: number;
  nodes: ClusterNodeHandle[];
  node(index: number): ClusterNodeHandle;
  /** boots a stopped node (waits for the others to have evicted its previous run) */
  startNode(index: number, opts?: RestartOptions): Promise<void>;
  /** SIGTERM: Kuzzle's graceful shutdown */
  stopNode(index: number): Promise<void>;
  /** SIGKILL to the node's process group: a crash */
  killNode(index: number): Promise<void>;
  /** stops the node if it runs (SIGTERM), then starts it */
  restartNode(index: number, opts?: RestartOptions): Promise<void>;
  /** cuts cluster traffic (TCP on the cluster ports) between two nodes, both ways */
  partition(a: number, b: number): Promise<void>;
  /** removes every partition */
  heal(): Promise<void>;
  /** `cluster:status` asked to a node (as the admin) */
  status(index?: number): Promise<{ activeNodes: number; nodes: Array<{ id: string; address: string }>; activity: any[] }>;
  /** polls `cluster:status` on a node until it reports `count` active nodes */
  waitForActiveNodes(count: number, opts?: { via?: number; timeoutMs?: number }): Promise<void>;
  /** the ID cards in Redis */
  idCards(): Promise<IdCard[]>;
  /** a kuzzle-sdk client for a node (not connected) */
  client(index: number, protocol?: 'http' | 'websocket'): Kuzzle;
  /** a kuzzle-sdk client for a node, logged in as the admin */
  adminSdk(index: number, protocol?: 'http' | 'websocket'): Promise<Kuzzle>;
  redisCommand(args: string[]): Promise<Reply>;
  /** deletes every Redis key except the cluster's (`{cluster/...}`) */
  flushRedis(): Promise<void>;
  redisDump(): Promise<Array<{ key: string; value: string }>>;
  counters(filter?: { indexContains?: string }): Counters;
  resetCounters(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** one node's captured output, across its restarts */
  logs(index: number): string;
  stopCluster(): Promise<void>;
}

const DEFAULT_HEARTBEAT = 2000;
const CLUSTER_PORTS = { command: 7510, sync: 7511 };

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new Error(`startCluster: nodes must be 1 to ${MAX_NODES} (got ${options.nodes})`);
  const missing = namespaceSupport();
  if (missing) throw new Error(`startCluster: ${missing}`);
  const esMajor = options.esMajor ?? ((process.env.ES_MAJOR as '7' | '8') || '7');
  const heartbeat = Number(options.kuzzleConfig?.['cluster.heartbeat'] ?? DEFAULT_HEARTBEAT);
  const httpPort = options.httpPort ?? 7512;

  removeLeftovers();
  let net: Network | null = createNetwork(count);
  const emulator = new EsEmulator({ refreshIntervalMs: options.refreshIntervalMs ?? 1000 });
  let redis: RedisServer | null = null;
  const nodes: KuzzleNode[] = [];
  let partitioned = new Set<number>();

  const stopCluster = async () => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    if (redis) await redis.stop();
    redis = null;
    await emulator.stop();
    if (net) destroyNetwork(net);
    net = null;
  };

  const nodeAt = (index: number): KuzzleNode => {
    const node = nodes[index - 1];
    if (!node) throw new Error(`no node ${index} (the cluster has ${nodes.length})`);
    return node;
  };

  /**
   * A stopped node is not announced to the others (Kuzzle's shutdown sends nothing): they evict it after
   * a missed heartbeat round (1.5 to 3 x 1.5 heartbeats). A new run on the same address before that
   * would feed their old subscriber for it with messages out of sequence. Wait for every running node to
   * log the eviction of the previous run.
   */
  const waitForEviction = async (node: KuzzleNode) => {
    const oldId = node.nodeId;
    if (!oldId) return;
    const others = nodes.filter((n) => n !== node && n.running);
    const deadline = Date.now() + heartbeat * 6 + 5000;
    const evicted = (n: KuzzleNode) => n.logs().includes(`Node "${oldId}" evicted`) || n.logs().includes(`Node "${oldId}" with no subscriber evicted`);
    while (others.some((n) => n.running && !evicted(n))) {
      if (Date.now() > deadline) {
        throw new Error(`${node.name}: the other nodes did not evict its previous run (${oldId}) within ${heartbeat * 6 + 5000} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const startNode = async (index: number, opts?: RestartOptions) => {
    const node = nodeAt(index);
    if (node.running) throw new Error(`${node.name} is already running`);
    await waitForEviction(node);
    const noOtherKuzzle = nodes.every((n) => !n.running);
    await node.start(opts ?? null, noOtherKuzzle);
  };

  const handle = (node: KuzzleNode, index: number): ClusterNodeHandle => ({
    index,
    name: node.name,
    namespace: node.namespace as string,
    host: node.host,
    get port() { return node.port; },
    get url() { return `http://${node.host}:${node.port}`; },
    get running() { return node.running; },
    get nodeId() { return node.nodeId; },
    logs: () => node.logs(),
  });

  try {
    await emulator.start(0, net.bridgeAddress);
    redis = await startRedis({ extraBind: [net.bridgeAddress] });
    for (const n of net.nodes) {
      nodes.push(new KuzzleNode(
        {
          name: `node${n.index}`,
          host: n.address,
          port: httpPort,
          namespace: n.namespace,
          address: n.address,
          cluster: { enabled: true, ip: 'public', interface: n.address, ports: CLUSTER_PORTS, minimumNodes: 1 },
        },
        { esUrl: emulator.url, esMajor, redis, redisHost: net.bridgeAddress },
        { pluginConfig: options.pluginConfig, kuzzleConfig: options.kuzzleConfig, pluginMode: 'app', testPlugins: options.testPlugins },
        options.verbose,
      ));
    }
    // One after the other: each node joins through Kuzzle's handshake mutex anyway.
    for (let i = 1; i <= count; i++) {
      await startNode(i);
      if (i === 1) await lockDown(nodes[0].host, nodes[0].port);
    }
  } catch (error) {
    await stopCluster();
    throw error;
  }

  const network = net as Network;
  const theRedis = redis as RedisServer;
  const cluster: Cluster = {
    runId: network.runId,
    bridge: network.bridge,
    bridgeAddress: network.bridgeAddress,
    esMajor,
    esUrl: emulator.url,
    redisHost: network.bridgeAddress,
    redisPort: theRedis.port,
    admin: ADMIN,
    emulator,
    ports: CLUSTER_PORTS,
    heartbeat,
    nodes: nodes.map((n, i) => handle(n, i + 1)),
    node: (index) => { nodeAt(index); return cluster.nodes[index - 1]; },
    startNode,
    stopNode: (index) => nodeAt(index).stop(),
    killNode: (index) => nodeAt(index).kill(),
    async restartNode(index, opts) {
      await nodeAt(index).stop();
      await startNode(index, opts);
    },
    async partition(a, b) {
      if (a === b) throw new Error('partition: two different nodes');
      const na = network.nodes[a - 1];
      const nb = network.nodes[b - 1];
      if (!na || !nb) throw new Error(`partition: no node ${!na ? a : b}`);
      cutTcp(na, nb, [CLUSTER_PORTS.command, CLUSTER_PORTS.sync]);
      partitioned.add(a);
      partitioned.add(b);
    },
    async heal() {
      for (const index of partitioned) healNamespace(network.nodes[index - 1].namespace);
      partitioned = new Set();
    },
    async status(index = 1) {
      const sdk = await nodeAt(index).adminSdk('http');
      try {
        return (await sdk.query({ controller: 'cluster', action: 'status' } as any)).result as any;
      } finally {
        sdk.disconnect();
      }
    },
    async waitForActiveNodes(expected, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? heartbeat * 6 + 5000;
      const deadline = Date.now() + timeoutMs;
      let last: unknown = null;
      for (;;) {
        try {
          const status = await cluster.status(opts.via ?? 1);
          last = status.activeNodes;
          if (status.activeNodes === expected) return;
        } catch (error) {
          last = error instanceof Error ? error.message : error;
        }
        if (Date.now() > deadline) throw new Error(`cluster:status did not report ${expected} active nodes within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    idCards: () => idCards(theRedis),
    client: (index, protocol = 'http') => nodeAt(index).client(protocol),
    adminSdk: (index, protocol = 'http') => nodeAt(index).adminSdk(protocol),
    redisCommand: (args) => theRedis.command(args),
    async flushRedis() { await flushExceptCluster(theRedis); },
    redisDump: () => redisDump(theRedis.port),
    counters: (filter) => emulator.counters(filter),
    resetCounters: () => emulator.resetCounters(),
    injectFault: (fault) => emulator.injectFault(fault),
    clearFaults: () => emulator.clearFaults(),
    logs: (index) => nodeAt(index).logs(),
    stopCluster,
  };
  return cluster;
}
