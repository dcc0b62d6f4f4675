/**
 * Child-process entry point of the test stack: boots the real, unmodified Kuzzle (npm `kuzzle`) as a
 * Backend application with the api-keys plugin. Kuzzle must live in its own process: only one Kuzzle
 * can exist per process, its shutdown calls process.exit, and it installs its own signal handlers.
 *
 * Configuration arrives as JSON in STACK_KUZZLE_CONFIG (see KuzzleChildConfig).
 */
import fs from 'fs';
import path from 'path';
import { Backend } from 'kuzzle';

/** Kuzzle's `cluster` section, as the stack sets it (kuzzleConfig may still override any key). */
export interface ClusterSettings {
  enabled: boolean;
  /** 'private' | 'public': which addresses Kuzzle accepts */
  ip?: 'private' | 'public';
  /** interface name or address to pin */
  interface?: string;
  ports?: { command: number; sync: number };
  minimumNodes?: number;
  heartbeat?: number;
}

export interface KuzzleChildConfig {
  esUrl: string;
  esMajor: '7' | '8';
  /** Redis (internal cache and memory storage); host defaults to 127.0.0.1 */
  redisHost?: string;
  redisPort: number;
  port: number;
  cluster: ClusterSettings;
  /** 'app': app.plugin.use(new ApiKeysPlugin()); 'directory': plugins/enabled/api-keys -> pluginDirectory; 'none': no api-keys plugin */
  pluginMode: 'app' | 'directory' | 'none';
  pluginDirectory?: string;
  pluginConfig?: Record<string, unknown>;
  /** extra Kuzzle configuration, path -> value (e.g. { 'security.apiKey.maxTTL': 3600000 }) */
  kuzzleConfig?: Record<string, unknown>;
  /** this Kuzzle's own plugins/enabled directory (made and removed by kuzzle-process.ts) */
  pluginsEnabledDir: string;
  /** test-support plugins to load beside api-keys, by file name in test/stack/plugins/ (e.g. 'request-replacer') */
  testPlugins?: string[];
}

async function main(): Promise<void> {
  const cfg: KuzzleChildConfig = JSON.parse(process.env.STACK_KUZZLE_CONFIG || '{}');
  // Die with the parent: the IPC channel closes when the test runner goes away, whatever the reason.
  process.on('disconnect', () => process.exit(0));

  // Kuzzle loads directory plugins from <kuzzle>/plugins/enabled (node_modules/kuzzle/dist/plugins/enabled):
  // one directory for every stack that uses this node_modules, so a directory-plugin boot in another run
  // would add a second api-keys plugin here ("A plugin named api-keys already exists"). Each Kuzzle
  // child reads its own directory instead (Kuzzle's code is unchanged: only that path is set).
  const enabledDir = cfg.pluginsEnabledDir;
  // the parent removes it too (when this process is SIGKILLed); this covers a parent that died first
  process.on('exit', () => fs.rmSync(enabledDir, { force: true, recursive: true }));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const PluginsManager = require(path.join(path.dirname(require.resolve('kuzzle')), 'lib', 'core', 'plugin', 'pluginsManager.js'));
  const loadPlugins = PluginsManager.prototype.loadPlugins;
  PluginsManager.prototype.loadPlugins = function (this: { pluginsEnabledDir: string }, ...args: unknown[]) {
    this.pluginsEnabledDir = enabledDir;
    return loadPlugins.apply(this, args);
  };
  if (cfg.pluginMode === 'directory') {
    fs.symlinkSync(cfg.pluginDirectory as string, path.join(enabledDir, 'api-keys'), 'dir');
  }

  const app = new Backend('api-keys-stack');
  const set = (key: string, value: unknown) => app.config.set(key, value);
  set('services.storageEngine.client.node', cfg.esUrl);
  set('services.storageEngine.majorVersion', cfg.esMajor);
  const redisHost = cfg.redisHost ?? '127.0.0.1';
  set('services.internalCache.node', { host: redisHost, port: cfg.redisPort });
  set('services.memoryStorage.node', { host: redisHost, port: cfg.redisPort });
  set('server.port', cfg.port);
  // Production mode: the cluster is on (Kuzzle's default), with the address and ports the stack chose.
  for (const [key, value] of Object.entries(cfg.cluster ?? { enabled: true })) {
    if (value !== undefined) set(`cluster.${key}`, value);
  }
  for (const [key, value] of Object.entries(cfg.kuzzleConfig ?? {})) set(key, value);
  if (cfg.pluginConfig !== undefined) set('plugins.api-keys', cfg.pluginConfig);

  if (cfg.pluginMode === 'app') {
    // The compiled plugin, exactly what the npm package ships.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { ApiKeysPlugin } = require(path.resolve(__dirname, '../../index.js'));
    app.plugin.use(new ApiKeysPlugin(), { name: 'api-keys' });
  }

  for (const name of cfg.testPlugins ?? []) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { default: TestPlugin } = require(path.resolve(__dirname, 'plugins', name));
    app.plugin.use(new TestPlugin(), { name: `stack-${name}` });
  }

  await app.start();
  process.send?.({ ready: true });
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(`[stack] Kuzzle failed to start: ${error && error.stack ? error.stack : error}`);
  process.send?.({ ready: false, error: String(error && error.message ? error.message : error) });
  setTimeout(() => process.exit(1), 100);
});
