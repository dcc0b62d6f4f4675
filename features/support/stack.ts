/**
 * One stack per cucumber run (real Kuzzle + Redis + the ES emulator), or an external Kuzzle when
 * KUZZLE_HOST is set (then @stack-only scenarios are excluded by cucumber.js).
 *
 * Kuzzle runs as one cluster-mode node (production mode). STACK_CLUSTER=0 turns its cluster off, to
 * tell whether a failure comes from cluster mode (a diagnosis aid: realtime then fails, see
 * features/no-cluster.feature).
 */
import { startStack, Stack, ADMIN } from '../../test/stack';

export const EXTERNAL = Boolean(process.env.KUZZLE_HOST);

let stack: Stack | null = null;

/**
 * The plugin configuration of the run. Restarts with another configuration are made on top of it, so that the
 * settings every feature relies on (127.0.0.2 plays a trusted reverse proxy in features/ip-allowlists.feature)
 * survive them.
 */
export const BASE_PLUGIN_CONFIG = Object.freeze({ lastUsedFlushInterval: 1000, trustedProxies: ['127.0.0.2'] });

export async function bootStack(): Promise<void> {
  if (EXTERNAL || stack) return;
  const started = Date.now();
  stack = await startStack({
    esMajor: (process.env.ES_MAJOR as '7' | '8') || '7',
    verbose: process.env.STACK_VERBOSE === '1',
    pluginConfig: { ...BASE_PLUGIN_CONFIG },
    kuzzleConfig: process.env.STACK_CLUSTER === '0' ? { 'cluster.enabled': false } : undefined,
  });
  const mode = process.env.STACK_CLUSTER === '0' ? 'cluster DISABLED' : `one cluster node on ${stack.clusterAddress}`;
  // eslint-disable-next-line no-console
  console.log(`\n[stack] Kuzzle (ES ${stack.esMajor} emulator, ${mode}) ready on ${stack.host}:${stack.port} in ${Date.now() - started} ms`);
}

export async function shutdownStack(): Promise<void> {
  if (!stack) return;
  const s = stack;
  stack = null;
  await s.stopStack();
}

export function theStack(): Stack {
  if (!stack) throw new Error('this step needs the test stack (tag the scenario @stack-only)');
  return stack;
}

export function kuzzleAddress(): { host: string; port: number } {
  if (EXTERNAL) return { host: process.env.KUZZLE_HOST as string, port: Number(process.env.KUZZLE_PORT || 7512) };
  const s = theStack();
  return { host: s.host, port: s.port };
}

export const ADMIN_CREDENTIALS = {
  username: process.env.KUZZLE_ADMIN_USER || ADMIN.username,
  password: process.env.KUZZLE_ADMIN_PASSWORD || ADMIN.password,
};
