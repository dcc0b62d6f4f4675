import { spawn, spawnSync, ChildProcess } from 'child_process';
import { freePort, waitForPort } from './ports';
import { stopChild, track } from './processes';
import { redisCommand, redisDump, Reply } from './resp';

export interface RedisServer {
  /** where the test process reaches it (127.0.0.1 unless bound elsewhere only) */
  host: string;
  port: number;
  process: ChildProcess;
  command(args: string[]): Promise<Reply>;
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  'redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (or your OS equivalent), then retry.';

export function redisAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts redis-server as a foreground child on a free port, without persistence. It listens on
 * 127.0.0.1, plus `extraBind` addresses (e.g. a cluster's bridge address, so that nodes in network
 * namespaces reach it). A shell watchdog kills it if this process dies without cleaning up (SIGKILL included).
 */
export async function startRedis(opts: { extraBind?: string[] } = {}): Promise<RedisServer> {
  if (!redisAvailable()) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const bind = ['127.0.0.1', ...(opts.extraBind ?? [])].join(' ');
  // Nodes in other namespaces are not "local" clients: protected mode would refuse them (no password here).
  const extra = opts.extraBind?.length ? ' --protected-mode no' : '';
  const script = [
    `redis-server --port ${port} --bind ${bind}${extra} --save '' --appendonly no --loglevel warning &`,
    'R=$!',
    `trap 'kill $R 2>/dev/null; exit 0' TERM INT`,
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $R 2>/dev/null; do sleep 1; done`,
    'kill $R 2>/dev/null',
  ].join('\n');
  const child = spawn('bash', ['-c', script], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  // Redis' own errors go on; bash's job report ("Terminated") when the watchdog stops Redis does not.
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString().split('\n').filter((l) => l.trim() && !/Terminated/.test(l)).join('\n');
    if (text) process.stderr.write(`${text}\n`);
  });
  await waitForPort(port, 10000);
  for (const address of opts.extraBind ?? []) await waitForPort(port, 5000, address);
  return {
    host: '127.0.0.1',
    port,
    process: child,
    command: (args) => redisCommand(port, args, '127.0.0.1'),
    stop: () => stopChild(child, 3000),
  };
}

/**
 * Kuzzle 2.56's cluster keys in Redis (lib/cluster/idCardHandler.js): each node's ID card is the string
 * `{cluster/node}/<nodeId>` (JSON `{id, ip, birthdate, topology}`, TTL 2 x cluster.heartbeat, refreshed
 * by a worker process), and the set `{cluster/node}/id-cards-index` lists the ID card keys.
 */
export const CLUSTER_KEY_PREFIX = '{cluster/';
export const ID_CARD_PREFIX = '{cluster/node}/';
export const ID_CARDS_INDEX = '{cluster/node}/id-cards-index';

export interface IdCard {
  key: string;
  id: string;
  ip: string;
  birthdate: number;
  topology: string[];
}

/** The ID cards currently in Redis (every `{cluster/node}/*` string, whether indexed or not). */
export async function idCards(redis: RedisServer): Promise<IdCard[]> {
  const keys = ((await redis.command(['KEYS', `${ID_CARD_PREFIX}*`])) as string[]).filter((k) => k !== ID_CARDS_INDEX);
  const cards: IdCard[] = [];
  for (const key of keys) {
    const raw = (await redis.command(['GET', key])) as string | null;
    if (!raw) continue;
    try {
      const card = JSON.parse(raw);
      cards.push({ key, id: card.id, ip: card.ip, birthdate: card.birthdate, topology: card.topology ?? [] });
    } catch { /* not an ID card */ }
  }
  return cards;
}

/**
 * Deletes the ID cards announcing `address` (and their index entries), plus index entries whose card
 * expired. Kuzzle refuses to join a cluster where another card has its IP ("Another node share the same
 * IP address"), and a card outlives a stopped node by up to 2 heartbeats. Call it only when no Kuzzle
 * runs on that address. Returns the deleted keys.
 */
export async function deleteIdCards(redis: RedisServer, address: string): Promise<string[]> {
  const deleted: string[] = [];
  for (const card of await idCards(redis)) {
    if (card.ip !== address) continue;
    await redis.command(['DEL', card.key]);
    await redis.command(['SREM', ID_CARDS_INDEX, card.key]);
    deleted.push(card.key);
  }
  const indexed = (await redis.command(['SMEMBERS', ID_CARDS_INDEX])) as string[];
  for (const key of indexed) {
    if ((await redis.command(['EXISTS', key])) === 0) await redis.command(['SREM', ID_CARDS_INDEX, key]);
  }
  return deleted;
}

/**
 * A Kuzzle that died during boot (e.g. an invalid plugin configuration) may leave Kuzzle mutexes
 * locked in Redis (`auth:strategies:add` lives 30 s), which would stall the next boot. Call it only
 * when no Kuzzle runs: then any lock left is stale.
 */
export async function clearStaleLocks(redis: RedisServer): Promise<void> {
  const patterns = ['auth:strategies:*', 'loadMappings', 'InternalIndexBootstrap', 'backend:*', 'Store.init(*', 'hiddenCollection/*', 'clusterHandshake'];
  for (const pattern of patterns) {
    const keys = (await redis.command(['KEYS', pattern])) as string[];
    if (keys.length > 0) await redis.command(['DEL', ...keys]);
  }
}

/**
 * What a Redis flush does to Kuzzle's data (tokens, memory storage, caches), without evicting the
 * cluster's nodes: deletes every key except `{cluster/...}` ones. A real FLUSHALL would delete the
 * nodes' ID cards, and Kuzzle nodes whose card vanished evict themselves ("ID card expired").
 */
export async function flushExceptCluster(redis: RedisServer): Promise<number> {
  const keys = ((await redis.command(['KEYS', '*'])) as string[]).filter((k) => !k.startsWith(CLUSTER_KEY_PREFIX));
  for (let i = 0; i < keys.length; i += 500) await redis.command(['DEL', ...keys.slice(i, i + 500)]);
  return keys.length;
}

export { redisDump };
