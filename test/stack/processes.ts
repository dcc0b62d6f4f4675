import { ChildProcess } from 'child_process';

/**
 * Every child process the stack starts is registered here, so that it is killed (with its whole
 * process group) when this process exits, is interrupted, or is terminated, even after a failed test.
 */
const children = new Set<ChildProcess>();
let installed = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of children) killGroup(child, signal);
}

export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (installed) return;
  installed = true;
  process.once('exit', () => killAllChildren());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Whether any process of the child's process group is still alive. */
export function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch (error: any) {
    return error?.code === 'EPERM';
  }
}

/**
 * Sends `signal` to the child process only (not its group), as a process manager would, so that it
 * shuts down its own helpers (Kuzzle's ID-card worker). SIGKILLs the group after graceMs. Once the
 * child is gone, waits up to leftoverMs for the rest of its group, then SIGKILLs what remains.
 */
export async function stopProcessOnly(child: ChildProcess, graceMs = 8000, leftoverMs = 1500, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try { child.kill(signal); } catch { /* already gone */ }
    const timer = setTimeout(() => { if (child.pid !== undefined) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } } }, graceMs);
    await exited;
    clearTimeout(timer);
  }
  const deadline = Date.now() + leftoverMs;
  while (groupAlive(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(child) && child.pid !== undefined) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** SIGKILLs the child's whole process group (the machine dies) and waits for the child's exit. */
export async function killGroupNow(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    if (groupAlive(child) && child.pid !== undefined) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGKILL');
  await exited;
}

/** Sends `signal` to the child's process group and waits for it to exit (SIGKILL after graceMs). */
export async function stopChild(child: ChildProcess, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, signal);
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
