/**
 * A real 3-node Kuzzle cluster (test/stack/cluster.ts) for the features tagged @cluster: ONE cluster per
 * feature file, not per scenario. It boots in a Before hook on the first @cluster scenario of a feature
 * file, keyed on the file's uri, and stops when a scenario of another file starts, or in AfterAll.
 *
 * Feature tags tune it: `@cluster-nodes-<n>` (default 3), `@cluster-heartbeat-<ms>` (Kuzzle's
 * cluster.heartbeat, default 2000: a node silent for more than ~3 heartbeats is evicted),
 * `@cluster-max-keys-<n>` (the plugin's maxKeysPerUser), `@cluster-cache-ttl-<ms>` (cacheTTL and negativeCacheTTL),
 * `@cluster-check-interval-<ms>` (subscriptionCheckInterval).
 *
 * Needs root and network namespaces: `npm run test:features` excludes @cluster when they are unavailable
 * (test/stack/run-features.ts).
 */
import { AfterAll, Before, After } from '@cucumber/cucumber';
import { Kuzzle } from 'kuzzle-sdk';
import { startCluster, Cluster } from '../../test/stack';
import type { ApiKeysWorld, Protocol } from './world';

let cluster: Cluster | null = null;
let clusterUri: string | null = null;

async function stopCurrent(): Promise<void> {
  const c = cluster;
  cluster = null;
  clusterUri = null;
  if (c) await c.stopCluster();
}

function tagValue(tags: readonly { name: string }[], prefix: string): number | undefined {
  const tag = tags.find((t) => t.name.startsWith(prefix));
  return tag ? Number(tag.name.slice(prefix.length)) : undefined;
}

Before({ timeout: 240 * 1000 }, async function ({ pickle, gherkinDocument }) {
  if (cluster && clusterUri !== pickle.uri) await stopCurrent();
  if (!pickle.tags.some((t) => t.name === '@cluster')) return;
  if (cluster) return;
  const featureTags = gherkinDocument.feature?.tags ?? [];
  const nodes = tagValue(featureTags, '@cluster-nodes-') ?? 3;
  const heartbeat = tagValue(featureTags, '@cluster-heartbeat-');
  const maxKeys = tagValue(featureTags, '@cluster-max-keys-');
  const cacheTTL = tagValue(featureTags, '@cluster-cache-ttl-');
  const checkInterval = tagValue(featureTags, '@cluster-check-interval-');
  const started = Date.now();
  cluster = await startCluster({
    nodes,
    esMajor: (process.env.ES_MAJOR as '7' | '8') || '7',
    verbose: process.env.STACK_VERBOSE === '1',
    pluginConfig: {
      lastUsedFlushInterval: 1000,
      ...(maxKeys ? { maxKeysPerUser: maxKeys } : {}),
      ...(cacheTTL ? { cacheTTL, negativeCacheTTL: cacheTTL } : {}),
      ...(checkInterval ? { subscriptionCheckInterval: checkInterval } : {}),
    },
    kuzzleConfig: heartbeat ? { 'cluster.heartbeat': heartbeat } : undefined,
  });
  clusterUri = pickle.uri;
  // eslint-disable-next-line no-console
  console.log(`\n[cluster] ${nodes} Kuzzle nodes (${cluster.nodes.map((n) => n.url).join(', ')}, heartbeat ${cluster.heartbeat} ms) ready in ${Date.now() - started} ms for ${pickle.uri}`);
});

/** A failed scenario must not leave the next one a broken cluster: heal, and start any stopped node. */
After({ tags: '@cluster', timeout: 120 * 1000 }, async function () {
  if (!cluster) return;
  await cluster.heal();
  for (const node of cluster.nodes) {
    if (!node.running) await cluster.startNode(node.index);
  }
});

AfterAll({ timeout: 120 * 1000 }, async () => {
  await stopCurrent();
});

export function theCluster(): Cluster {
  if (!cluster) throw new Error('this step needs a cluster (tag the feature @cluster)');
  return cluster;
}

/** A kuzzle-sdk client for a cluster node over the given protocol (the profile's by default), closed after the scenario. */
export async function nodeClient(world: ApiKeysWorld, index: number, protocol: Protocol = world.protocol): Promise<Kuzzle> {
  const sdk = theCluster().client(index, protocol);
  sdk.on('networkError', () => undefined);
  world.clients.push(sdk);
  await sdk.connect();
  return sdk;
}
