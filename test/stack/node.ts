/**
 * One Kuzzle node of a test stack or cluster: where it runs (host network or a network namespace),
 * its cluster settings, its options across restarts and its output. Used by startStack (one node) and
 * startCluster (several).
 */
import os from 'os';
import { Kuzzle, Http, WebSocket } from 'kuzzle-sdk';
import { startKuzzle, KuzzleProcess } from './kuzzle-process';
import { RedisServer, clearStaleLocks, deleteIdCards, idCards } from './redis';
import type { ClusterSettings, KuzzleChildConfig } from './kuzzle-app';

export interface RestartOptions {
  pluginConfig?: Record<string, unknown>;
  kuzzleConfig?: Record<string, unknown>;
  pluginMode?: KuzzleChildConfig['pluginMode'];
  pluginDirectory?: string;
  testPlugins?: string[];
}

export const ADMIN = { kuid: 'admin', username: 'admin', password: 'admin-password-for-tests' };

export interface NodePlacement {
  /** "kuzzle", "node1", ... (labels verbose output) */
  name: string;
  /** where the test process reaches the node's HTTP port */
  host: string;
  /** the HTTP port; undefined = a free port on the first boot, then kept across restarts */
  port?: number;
  /** the network namespace the node runs in (none: the host's network) */
  namespace?: string;
  /** the address the node announces to the cluster (its ID card's ip) */
  address: string;
  cluster: ClusterSettings;
}

export interface Backing {
  esUrl: string;
  esMajor: '7' | '8';
  redis: RedisServer;
  /** the Redis address the node connects to */
  redisHost: string;
}

/** Merges restart options the way restartKuzzle always did: unspecified keys keep their value, except pluginMode. */
export function mergeOptions(current: RestartOptions, opts: RestartOptions): RestartOptions {
  return {
    pluginConfig: 'pluginConfig' in opts ? opts.pluginConfig : current.pluginConfig,
    kuzzleConfig: 'kuzzleConfig' in opts ? opts.kuzzleConfig : current.kuzzleConfig,
    pluginMode: opts.pluginMode ?? 'app',
    pluginDirectory: opts.pluginDirectory,
    testPlugins: 'testPlugins' in opts ? opts.testPlugins : current.testPlugins,
  };
}

export class KuzzleNode {
  readonly output: string[] = [];
  private proc: KuzzleProcess | null = null;
  private lastPort: number | undefined;
  /** the cluster node id of the current (or last) run, e.g. "knode-ugly-frog-42" */
  nodeId: string | null = null;
  /** how the node was last stopped */
  lastStop: 'none' | 'sigterm' | 'sigkill' = 'none';

  constructor(
    readonly placement: NodePlacement,
    private readonly backing: Backing,
    public current: RestartOptions,
    private readonly verbose = false,
  ) {
    this.lastPort = placement.port;
  }

  get name(): string { return this.placement.name; }
  get host(): string { return this.placement.host; }
  get address(): string { return this.placement.address; }
  get namespace(): string | undefined { return this.placement.namespace; }
  get running(): boolean { return this.proc !== null; }
  get port(): number {
    const port = this.proc?.port ?? this.lastPort;
    if (port === undefined) throw new Error(`${this.name} never started`);
    return port;
  }
  get pid(): number | undefined { return this.proc?.child.pid; }

  /**
   * Boots the node (it must be stopped). Deletes the ID cards left in Redis for its address first.
   * `noOtherKuzzle`: no Kuzzle uses this Redis right now, so Kuzzle mutexes left there are stale too.
   */
  async start(opts: RestartOptions | null, noOtherKuzzle: boolean): Promise<void> {
    if (this.proc) throw new Error(`${this.name} is already running`);
    if (opts) this.current = mergeOptions(this.current, opts);
    const redis = this.backing.redis;
    if (noOtherKuzzle) await clearStaleLocks(redis);
    await deleteIdCards(redis, this.address);
    const proc = await startKuzzle(
      {
        esUrl: this.backing.esUrl,
        esMajor: this.backing.esMajor,
        redisHost: this.backing.redisHost,
        redisPort: redis.port,
        cluster: this.placement.cluster,
        pluginMode: this.current.pluginMode ?? 'app',
        pluginDirectory: this.current.pluginDirectory,
        pluginConfig: this.current.pluginConfig,
        kuzzleConfig: this.current.kuzzleConfig,
        testPlugins: this.current.testPlugins,
      },
      // a restarted Kuzzle keeps its port, so that clients (and their reconnection) keep working
      {
        verbose: this.verbose,
        output: this.output,
        port: this.lastPort,
        namespace: this.placement.namespace,
        host: this.placement.host,
        label: this.placement.namespace ? `[${this.name}] ` : undefined,
      },
    );
    this.proc = proc;
    this.lastPort = proc.port;
    this.lastStop = 'none';
    proc.child.once('exit', () => { if (this.proc === proc) this.proc = null; });
    const card = (await idCards(redis)).find((c) => c.ip === this.address);
    this.nodeId = card?.id ?? null;
  }

  /** SIGTERM to the Kuzzle process (graceful shutdown), then whatever is left of its group is killed. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return;
    this.lastStop = 'sigterm';
    await proc.stop();
  }

  /** SIGKILL to the node's whole process group: nothing runs its shutdown. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc) return;
    this.lastStop = 'sigkill';
    await proc.kill();
  }

  logs(): string {
    return this.output.join('');
  }

  /** A kuzzle-sdk client for this node (not connected). */
  client(protocol: 'http' | 'websocket' = 'http'): Kuzzle {
    const transport = protocol === 'http' ? new Http(this.host, { port: this.port }) : new WebSocket(this.host, { port: this.port });
    return new Kuzzle(transport as any, { autoResubscribe: false } as any);
  }

  /** A kuzzle-sdk client for this node, logged in as the admin. */
  async adminSdk(protocol: 'http' | 'websocket' = 'http'): Promise<Kuzzle> {
    const sdk = this.client(protocol);
    await sdk.connect();
    await sdk.auth.login('local', { username: ADMIN.username, password: ADMIN.password });
    return sdk;
  }
}

/** Locks a fresh stack down: until createFirstAdmin runs with reset, anonymous has every right. */
export async function lockDown(host: string, port: number): Promise<void> {
  const sdk = new Kuzzle(new Http(host, { port }));
  await sdk.connect();
  try {
    if (!(await sdk.server.adminExists({}))) {
      await sdk.security.createFirstAdmin(
        ADMIN.kuid,
        { content: {}, credentials: { local: { username: ADMIN.username, password: ADMIN.password } } },
        { reset: true },
      );
    }
  } finally {
    sdk.disconnect();
  }
}

export interface HostAddress {
  interface: string;
  address: string;
  /** the `cluster.ip` value that accepts this address */
  ip: 'private' | 'public';
}

/**
 * An address of this host that Kuzzle's cluster accepts (lib/cluster/node.js getIP: a non-internal IPv4,
 * not 127.x nor 169.254.x), with the `cluster.ip` filter that keeps it. Private addresses first (a
 * laptop's LAN), then the others (e.g. a CI container's TEST-NET 192.0.2.x, which 'private' rejects).
 */
export function hostClusterAddress(): HostAddress | null {
  const candidates: HostAddress[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const [x, y] = a.address.split('.').map(Number);
      if (x === 127 || (x === 169 && y === 254)) continue;
      const isPrivate = x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168);
      candidates.push({ interface: name, address: a.address, ip: isPrivate ? 'private' : 'public' });
    }
  }
  return candidates.find((c) => c.ip === 'private') ?? candidates[0] ?? null;
}
