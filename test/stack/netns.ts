/**
 * Network namespaces for the test stack: each cluster node gets its own namespace, with its own
 * address in 198.18.0.0/15 (the benchmarking range, never a private one), on a bridge in the root
 * namespace. Needs Linux, root, `ip` (iproute2) and `iptables` (partitions).
 *
 * Every name carries the prefix `akc-` ("api-keys cluster") and a run id `<pid36>-<rr>` (the creating
 * process' pid in base 36 and two random characters), e.g. bridge `akc-1a2b-x7-b`, veth `akc-1a2b-x7-v1`,
 * namespace `akc-1a2b-x7-n1`. Interface names are limited to 15 characters: hence the short names.
 * A run whose pid is no longer alive crashed: its leftovers are removed by `removeLeftovers()`.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';

export const PREFIX = 'akc-';
const NAME_RE = /^akc-([0-9a-z]+)-([0-9a-z]{2})-/;
export const MAX_NODES = 9;

export interface Network {
  runId: string;
  bridge: string;
  /** the bridge's address: where Redis and the ES emulator listen for the nodes */
  bridgeAddress: string;
  prefixLength: number;
  nodes: Array<{ index: number; namespace: string; veth: string; address: string }>;
  /** the FORWARD rule added in the root namespace (only when bridged traffic goes through iptables) */
  forwardRule: string[] | null;
}

/** Runs a command, returns its stdout; throws with its stderr. */
export function run(cmd: string, args: string[], opts: { input?: string } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input: opts.input });
  } catch (error: any) {
    const stderr = String(error?.stderr ?? '').trim();
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed: ${stderr || error?.message}`);
  }
}

function tryRun(cmd: string, args: string[]): boolean {
  try { run(cmd, args); return true; } catch { return false; }
}

export function newRunId(): string {
  const rand = Math.floor(Math.random() * 36 * 36).toString(36).padStart(2, '0');
  return `${process.pid.toString(36)}-${rand}`;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: any) {
    return error?.code === 'EPERM';
  }
}

/** The run id in a name made by this module, if the run that made it is dead (a crashed run). */
function deadRunOf(name: string): string | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  const pid = parseInt(m[1], 36);
  return pidAlive(pid) ? null : `${m[1]}-${m[2]}`;
}

let support: string | null | undefined;

/**
 * null when this machine can run a namespaced cluster, else one line saying what is missing.
 * Probes for real (creates and deletes a namespace and a bridge): being root is not enough in a container.
 */
export function namespaceSupport(): string | null {
  if (support !== undefined) return support;
  support = probe();
  return support;
}

function probe(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'not root: creating network namespaces, a bridge and iptables rules needs root (run the tests as root, e.g. with sudo)';
  }
  if (!tryRun('ip', ['-V'])) return 'the `ip` command is missing: apt-get install -y iproute2';
  if (!tryRun('iptables', ['--version'])) return 'the `iptables` command is missing: apt-get install -y iptables';
  const probeId = `${process.pid.toString(36)}-pp`;
  const ns = `${PREFIX}${probeId}-probe`;
  const br = `${PREFIX}${probeId}-b`;
  try {
    run('ip', ['netns', 'add', ns]);
  } catch (error) {
    return `cannot create a network namespace (\`ip netns add\`): ${(error as Error).message.split('\n')[0]}`;
  }
  try {
    run('ip', ['netns', 'exec', ns, 'iptables', '-S', 'INPUT']);
  } catch (error) {
    tryRun('ip', ['netns', 'del', ns]);
    return `iptables does not work in a network namespace: ${(error as Error).message.split('\n')[0]}`;
  }
  tryRun('ip', ['netns', 'del', ns]);
  try {
    run('ip', ['link', 'add', br, 'type', 'bridge']);
  } catch (error) {
    return `cannot create a bridge (\`ip link add type bridge\`): ${(error as Error).message.split('\n')[0]}`;
  }
  tryRun('ip', ['link', 'del', br]);
  return null;
}

function listNamespaces(): string[] {
  return run('ip', ['netns', 'list']).split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

function listLinks(): string[] {
  // "12: akc-1a2b-x7-v1@if11: <...>"
  return run('ip', ['-o', 'link', 'show']).split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .filter((n): n is string => Boolean(n));
}

/** Live processes in a namespace (zombies excluded: they are dead, waiting for a parent to reap them). */
function namespacePids(ns: string): number[] {
  let pids: number[];
  try {
    pids = run('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

function killNamespaceProcesses(ns: string): void {
  const pids = namespacePids(ns);
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  // wait (up to ~2 s) for them to be gone, so that the namespace really goes away
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && namespacePids(ns).length > 0) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

/** Deletes the FORWARD rules of runs matching `isDead` (rules carry the comment `akc-<runId>`). */
function removeForwardRules(match: (runId: string) => boolean): void {
  let rules: string[];
  try {
    rules = run('iptables', ['-S', 'FORWARD']).split('\n');
  } catch {
    return;
  }
  for (const rule of rules) {
    const m = /--comment "?akc-([0-9a-z]+-[0-9a-z]{2})"?/.exec(rule);
    if (!m || !rule.startsWith('-A FORWARD') || !match(m[1])) continue;
    const args = rule.replace(/^-A /, '-D ').match(/"[^"]*"|\S+/g)?.map((a) => a.replace(/^"|"$/g, '')) ?? [];
    tryRun('iptables', args);
  }
}

/**
 * Removes what a crashed run left behind: first the processes in its namespaces, then the namespaces,
 * then the links (bridge, veths) and its FORWARD rule. Runs of live processes are left alone.
 */
export function removeLeftovers(): string[] {
  const removed: string[] = [];
  const deadRuns = new Set<string>();
  for (const ns of listNamespaces()) {
    const runId = deadRunOf(ns);
    if (!runId) continue;
    deadRuns.add(runId);
    killNamespaceProcesses(ns);
    if (tryRun('ip', ['netns', 'del', ns])) removed.push(`netns ${ns}`);
  }
  for (const link of listLinks()) {
    const runId = deadRunOf(link);
    if (!runId) continue;
    deadRuns.add(runId);
    if (tryRun('ip', ['link', 'del', link])) removed.push(`link ${link}`);
  }
  removeForwardRules((runId) => {
    const pid = parseInt(runId.split('-')[0], 36);
    return !pidAlive(pid);
  });
  return removed;
}

/** A /24 in 198.18.0.0/15 that no interface of the root namespace uses yet. */
function freeSubnet(): string {
  const used = new Set<string>();
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4') used.add(a.address.split('.').slice(0, 3).join('.'));
    }
  }
  // routes too (e.g. a bridge without our address but with a route)
  try {
    for (const line of run('ip', ['-4', 'route', 'show']).split('\n')) {
      const m = /^(198\.1[89]\.\d+)\.\d+\/(\d+)/.exec(line);
      if (m) used.add(m[1]);
    }
  } catch { /* no routes */ }
  const start = Math.floor(Math.random() * 512);
  for (let i = 0; i < 512; i++) {
    const k = (start + i) % 512;
    const subnet = `198.${18 + (k >> 8)}.${k & 255}`;
    if (k !== 0 && !used.has(subnet)) return subnet;
  }
  throw new Error('no free /24 left in 198.18.0.0/15');
}

function bridgedTrafficGoesThroughIptables(): boolean {
  try {
    return fs.readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/**
 * Creates a bridge in the root namespace (address <subnet>.1) and `nodes` namespaces, each with an
 * `eth0` (address <subnet>.(10+i)) on that bridge, and `lo` up.
 */
export function createNetwork(nodes: number, runId = newRunId()): Network {
  if (nodes < 1 || nodes > MAX_NODES) throw new Error(`a cluster has 1 to ${MAX_NODES} nodes (asked: ${nodes})`);
  const subnet = freeSubnet();
  const net: Network = {
    runId,
    bridge: `${PREFIX}${runId}-b`,
    bridgeAddress: `${subnet}.1`,
    prefixLength: 24,
    nodes: [],
    forwardRule: null,
  };
  try {
    run('ip', ['link', 'add', net.bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${net.bridgeAddress}/24`, 'dev', net.bridge]);
    run('ip', ['link', 'set', net.bridge, 'up']);
    if (bridgedTrafficGoesThroughIptables()) {
      // br_netfilter is loaded (typical of a Docker host, whose FORWARD policy is DROP): let our bridge through
      net.forwardRule = ['FORWARD', '-i', net.bridge, '-o', net.bridge, '-m', 'comment', '--comment', `${PREFIX}${runId}`, '-j', 'ACCEPT'];
      run('iptables', ['-I', ...net.forwardRule]);
    }
    for (let i = 1; i <= nodes; i++) {
      const node = { index: i, namespace: `${PREFIX}${runId}-n${i}`, veth: `${PREFIX}${runId}-v${i}`, address: `${subnet}.${10 + i}` };
      net.nodes.push(node);
      run('ip', ['netns', 'add', node.namespace]);
      run('ip', ['link', 'add', node.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace]);
      run('ip', ['link', 'set', node.veth, 'master', net.bridge, 'up']);
      run('ip', ['-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
      run('ip', ['-n', node.namespace, 'link', 'set', 'eth0', 'up']);
      run('ip', ['-n', node.namespace, 'link', 'set', 'lo', 'up']);
    }
  } catch (error) {
    destroyNetwork(net);
    throw error;
  }
  active.add(net);
  installExitCleanup();
  return net;
}

/** Kills what still runs in the namespaces, deletes them, the veths and the bridge. Synchronous, idempotent. */
export function destroyNetwork(net: Network): void {
  for (const node of net.nodes) {
    killNamespaceProcesses(node.namespace);
    tryRun('ip', ['netns', 'del', node.namespace]);
  }
  for (const node of net.nodes) tryRun('ip', ['link', 'del', node.veth]);
  tryRun('ip', ['link', 'del', net.bridge]);
  if (net.forwardRule) tryRun('iptables', ['-D', ...net.forwardRule]);
  active.delete(net);
}

/** Runs a command inside a node's namespace. */
export function inNamespace(ns: string, cmd: string, args: string[]): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args]);
}

/**
 * Cuts TCP between two namespaced nodes on the given ports (both directions: each node drops what the
 * other sends to or from those ports). Traffic is dropped, not rejected: TCP retransmits after a heal.
 */
export function cutTcp(a: { namespace: string; address: string }, b: { namespace: string; address: string }, ports: number[]): void {
  const spec = (other: string) => ['INPUT', '-s', other, '-p', 'tcp', '-m', 'multiport', '--ports', ports.join(','), '-j', 'DROP'];
  inNamespace(a.namespace, 'iptables', ['-A', ...spec(b.address)]);
  inNamespace(b.namespace, 'iptables', ['-A', ...spec(a.address)]);
}

/** Removes every INPUT rule of a node's namespace. */
export function healNamespace(ns: string): void {
  inNamespace(ns, 'iptables', ['-F', 'INPUT']);
}

const active = new Set<Network>();
let exitCleanupInstalled = false;

/** Whatever happens to this process, its namespaces and links go (exit handlers run synchronously). */
function installExitCleanup(): void {
  if (exitCleanupInstalled) return;
  exitCleanupInstalled = true;
  process.once('exit', () => {
    for (const net of [...active]) {
      try { destroyNetwork(net); } catch { /* best effort */ }
    }
  });
}
