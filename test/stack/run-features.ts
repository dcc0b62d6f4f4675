/**
 * `npm run test:features`: the cucumber features, profile `http` then profile `websocket` (stops at the
 * first failing profile).
 *
 * - @cluster features (a real 3-node cluster in network namespaces) run when this machine can create
 *   namespaces (root, iproute2, iptables). Otherwise one line `@cluster skipped: <reason>` is printed
 *   and they are excluded, unless REQUIRE_CLUSTER=1 (CI), which makes that a failure.
 * - CLUSTER_PROFILES=http,websocket (default: both) chooses the profiles the @cluster features run in.
 * - CUCUMBER_TAGS, FEATURES and ES_MAJOR pass through (see cucumber.js).
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { namespaceSupport } from './netns';

const PROFILES = ['http', 'websocket'];

function and(...exprs: Array<string | undefined | null>): string {
  return exprs.filter(Boolean).map((e) => `(${e})`).join(' and ');
}

function main(): number {
  const missing = namespaceSupport();
  if (missing) {
    if (process.env.REQUIRE_CLUSTER === '1') {
      // eslint-disable-next-line no-console
      console.error(`@cluster required (REQUIRE_CLUSTER=1) but unavailable: ${missing}`);
      return 1;
    }
    // eslint-disable-next-line no-console
    console.log(`@cluster skipped: ${missing}`);
  }
  const clusterProfiles = (process.env.CLUSTER_PROFILES || PROFILES.join(',')).split(',').map((p) => p.trim());
  if (!missing && PROFILES.some((p) => !clusterProfiles.includes(p))) {
    // eslint-disable-next-line no-console
    console.log(`@cluster runs in profile(s) ${clusterProfiles.join(', ')} only (CLUSTER_PROFILES)`);
  }
  const cucumber = path.resolve(__dirname, '../../node_modules/.bin/cucumber-js');
  for (const profile of PROFILES) {
    const withCluster = !missing && clusterProfiles.includes(profile);
    const tags = and(process.env.CUCUMBER_TAGS, withCluster ? null : 'not @cluster');
    const started = Date.now();
    const result = spawnSync(cucumber, ['-p', profile], {
      stdio: 'inherit',
      env: { ...process.env, CUCUMBER_TAGS: tags },
      cwd: path.resolve(__dirname, '../..'),
    });
    // eslint-disable-next-line no-console
    console.log(`[test:features] profile ${profile} (${tags}): ${result.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s`);
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

process.exit(main());
