/**
 * The real-Kuzzle test stack: an in-memory Elasticsearch emulator (in this process, so its counters
 * are easy to read), a real redis-server child and the real Kuzzle 2.56 from npm in a child process,
 * with the api-keys plugin loaded. Used by the cucumber features, `npm run dev` and `npm run bench`.
 */
import { Kuzzle, Http } from 'kuzzle-sdk';
import { EsEmulator, Counters, Fault } from './es-emulator';
import { startRedis, RedisServer } from './redis';
import { startKuzzle, KuzzleProcess } from './kuzzle-process';
import { redisCommand, redisDump } from './resp';
import type { KuzzleChildConfig } from './kuzzle-app';

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
}

export interface RestartOptions {
  pluginConfig?: Record<string, unknown>;
  kuzzleConfig?: Record<string, unknown>;
  pluginMode?: KuzzleChildConfig['pluginMode'];
  pluginDirectory?: string;
  testPlugins?: string[];
}

export const ADMIN = { kuid: 'admin', username: 'admin', password: 'admin-password-for-tests' };

export interface Stack {
  host: string;
  port: number;
  esMajor: '7' | '8';
  esUrl: string;
  redisPort: number;
  admin: typeof ADMIN;
  emulator: EsEmulator;
  /** the current plugin configuration (as last passed to startStack / restartKuzzle) */
  pluginConfig: Record<string, unknown> | undefined;
  restartKuzzle(opts?: RestartOptions): Promise<void>;
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

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const esMajor = options.esMajor ?? ((process.env.ES_MAJOR as '7' | '8') || '7');
  const emulator = new EsEmulator({ refreshIntervalMs: options.refreshIntervalMs ?? 1000 });
  await emulator.start(0);
  let redis: RedisServer | null = null;
  let kuzzle: KuzzleProcess | null = null;
  let lastPort: number | null = options.kuzzlePort ?? null;
  const output: string[] = [];
  let current: RestartOptions = {
    pluginConfig: options.pluginConfig,
    kuzzleConfig: options.kuzzleConfig,
    pluginMode: 'app',
    testPlugins: options.testPlugins,
  };

  /**
   * A Kuzzle that died during boot (e.g. an invalid plugin configuration) may leave Kuzzle mutexes
   * locked in Redis (`auth:strategies:add` lives 30 s), which would stall the next boot. No Kuzzle runs
   * at this point, so any lock left is stale.
   */
  const clearStaleLocks = async () => {
    const port = (redis as RedisServer).port;
    const patterns = ['auth:strategies:*', 'loadMappings', 'InternalIndexBootstrap', 'backend:*', 'Store.init(*', 'hiddenCollection/*', 'clusterHandshake'];
    for (const pattern of patterns) {
      const keys = (await redisCommand(port, ['KEYS', pattern])) as string[];
      if (keys.length > 0) await redisCommand(port, ['DEL', ...keys]);
    }
  };

  const boot = async (opts: RestartOptions) => {
    await clearStaleLocks();
    kuzzle = await startKuzzle(
      {
        esUrl: emulator.url,
        esMajor,
        redisPort: (redis as RedisServer).port,
        pluginMode: opts.pluginMode ?? 'app',
        pluginDirectory: opts.pluginDirectory,
        pluginConfig: opts.pluginConfig,
        kuzzleConfig: opts.kuzzleConfig,
        testPlugins: opts.testPlugins,
      },
      // a restarted Kuzzle keeps its port, so that clients (and their reconnection) keep working
      { verbose: options.verbose, output, port: lastPort ?? undefined },
    );
    lastPort = (kuzzle as KuzzleProcess).port;
  };

  const stopStack = async () => {
    const k = kuzzle as KuzzleProcess | null;
    kuzzle = null;
    if (k) await k.stop();
    if (redis) await redis.stop();
    redis = null;
    await emulator.stop();
  };

  try {
    redis = await startRedis();
    await boot(current);
  } catch (error) {
    await stopStack();
    throw error;
  }

  const stack: Stack = {
    host: '127.0.0.1',
    get port() { return (kuzzle as KuzzleProcess).port; },
    esMajor,
    esUrl: emulator.url,
    redisPort: (redis as RedisServer).port,
    admin: ADMIN,
    emulator,
    get pluginConfig() { return current.pluginConfig; },
    async restartKuzzle(opts: RestartOptions = {}) {
      if (kuzzle) await (kuzzle as KuzzleProcess).stop();
      kuzzle = null;
      current = {
        pluginConfig: 'pluginConfig' in opts ? opts.pluginConfig : current.pluginConfig,
        kuzzleConfig: 'kuzzleConfig' in opts ? opts.kuzzleConfig : current.kuzzleConfig,
        pluginMode: opts.pluginMode ?? 'app',
        pluginDirectory: opts.pluginDirectory,
        testPlugins: 'testPlugins' in opts ? opts.testPlugins : current.testPlugins,
      };
      await boot(current);
    },
    async flushRedis() { await redisCommand((redis as RedisServer).port, ['FLUSHALL']); },
    redisDump: () => redisDump((redis as RedisServer).port),
    counters: (filter) => emulator.counters(filter),
    resetCounters: () => emulator.resetCounters(),
    injectFault: (fault) => emulator.injectFault(fault),
    clearFaults: () => emulator.clearFaults(),
    logs: () => output.join(''),
    async adminSdk() {
      const sdk = new Kuzzle(new Http('127.0.0.1', { port: stack.port }));
      await sdk.connect();
      await sdk.auth.login('local', { username: ADMIN.username, password: ADMIN.password });
      return sdk;
    },
    stopStack,
  };

  // Lock the stack down: until createFirstAdmin runs with reset, anonymous has every right.
  const sdk = new Kuzzle(new Http('127.0.0.1', { port: stack.port }));
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
  return stack;
}
