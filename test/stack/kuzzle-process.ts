import { fork, spawn, ChildProcess } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { freePort, waitForPort } from './ports';
import { killGroupNow, stopProcessOnly, track } from './processes';
import type { KuzzleChildConfig } from './kuzzle-app';

export interface KuzzleProcess {
  port: number;
  child: ChildProcess;
  /** Everything the Kuzzle process wrote to stdout and stderr since it started. */
  output: string[];
  /** SIGTERM to the Kuzzle process only (Kuzzle's graceful shutdown), SIGKILL after a grace period */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group (Kuzzle and its ID-card worker): a crash */
  kill(): Promise<void>;
}

const BOOT_TIMEOUT_MS = Number(process.env.STACK_BOOT_TIMEOUT_MS || 60000);

export interface StartKuzzleOptions {
  verbose?: boolean;
  output?: string[];
  port?: number;
  /** run Kuzzle inside this network namespace (`ip netns exec`) */
  namespace?: string;
  /** where the test process reaches Kuzzle's HTTP port (default 127.0.0.1) */
  host?: string;
  /** prefix of each streamed line when verbose (e.g. "[node2] ") */
  label?: string;
}

/** Boots Kuzzle in a child process (see kuzzle-app.ts) and resolves when it accepts requests. */
export async function startKuzzle(config: Omit<KuzzleChildConfig, 'port' | 'pluginsEnabledDir'>, opts: StartKuzzleOptions = {}): Promise<KuzzleProcess> {
  const port = opts.port ?? (await freePort());
  const pluginsEnabledDir = fs.mkdtempSync(path.join(os.tmpdir(), 'akc-kuzzle-plugins-'));
  const full: KuzzleChildConfig = { ...config, port, pluginsEnabledDir };
  const output = opts.output ?? [];
  const env = { ...process.env, STACK_KUZZLE_CONFIG: JSON.stringify(full), NODE_ENV: process.env.NODE_ENV || 'development' };
  const app = path.join(__dirname, 'kuzzle-app.ts');
  const execArgv = ['-r', 'ts-node/register/transpile-only'];
  // the bench measures the heap per cached key, after a forced GC
  if (process.env.STACK_EXPOSE_GC === '1') execArgv.unshift('--expose-gc');
  const stdio: any = ['ignore', 'pipe', 'pipe', 'ipc'];
  // `ip netns exec` execs node in place (same pid), so the IPC channel and the process group are kept.
  const child = opts.namespace
    ? spawn('ip', ['netns', 'exec', opts.namespace, process.execPath, ...execArgv, app], { detached: true, env, stdio })
    : fork(app, [], { detached: true, env, execArgv, stdio });
  track(child);
  child.once('exit', () => fs.rmSync(pluginsEnabledDir, { force: true, recursive: true }));
  const capture = (stream: NodeJS.ReadableStream | null, sink: NodeJS.WriteStream) => {
    stream?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (opts.verbose) {
        sink.write(opts.label ? chunk.toString().replace(/^(?=.)/gm, opts.label) : chunk);
      }
    });
  };
  capture(child.stdout, process.stdout);
  capture(child.stderr, process.stderr);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Kuzzle did not start within ${BOOT_TIMEOUT_MS} ms. Its output:\n${output.join('').slice(-4000)}`));
    }, BOOT_TIMEOUT_MS);
    child.on('message', (message: { ready?: boolean; error?: string }) => {
      clearTimeout(timer);
      if (message.ready) resolve();
      else reject(new Error(`Kuzzle failed to start: ${message.error}\n${output.join('').slice(-4000)}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Kuzzle exited during boot (code ${code}, signal ${signal}). Its output:\n${output.join('').slice(-4000)}`));
    });
  }).catch(async (error) => {
    await killGroupNow(child);
    throw error;
  });
  await waitForPort(port, 5000, opts.host ?? '127.0.0.1');
  return { port, child, output, stop: () => stopProcessOnly(child, 8000), kill: () => killGroupNow(child) };
}
