import { spawn, spawnSync, ChildProcess } from 'child_process';
import { freePort, waitForPort } from './ports';
import { stopChild, track } from './processes';

export interface RedisServer {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  'redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (or your OS equivalent), then retry.';

export function redisAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts redis-server as a foreground child on a free loopback port, without persistence.
 * A shell watchdog kills it if this process dies without cleaning up (SIGKILL included).
 */
export async function startRedis(): Promise<RedisServer> {
  if (!redisAvailable()) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const script = [
    `redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no --loglevel warning &`,
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
  return { port, process: child, stop: () => stopChild(child, 3000) };
}
