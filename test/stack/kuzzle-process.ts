import { fork, ChildProcess } from 'child_process';
import path from 'path';
import { freePort, waitForPort } from './ports';
import { stopChild, track } from './processes';
import type { KuzzleChildConfig } from './kuzzle-app';

export interface KuzzleProcess {
  port: number;
  child: ChildProcess;
  /** Everything the Kuzzle process wrote to stdout and stderr since it started. */
  output: string[];
  stop(): Promise<void>;
}

const BOOT_TIMEOUT_MS = Number(process.env.STACK_BOOT_TIMEOUT_MS || 60000);

/** Boots Kuzzle in a child process (see kuzzle-app.ts) and resolves when it accepts requests. */
export async function startKuzzle(
  config: Omit<KuzzleChildConfig, 'port'>,
  opts: { verbose?: boolean; output?: string[]; port?: number } = {},
): Promise<KuzzleProcess> {
  const port = opts.port ?? (await freePort());
  const full: KuzzleChildConfig = { ...config, port };
  const output = opts.output ?? [];
  const child = fork(path.join(__dirname, 'kuzzle-app.ts'), [], {
    detached: true,
    env: { ...process.env, STACK_KUZZLE_CONFIG: JSON.stringify(full), NODE_ENV: process.env.NODE_ENV || 'development' },
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  const capture = (stream: NodeJS.ReadableStream | null, sink: NodeJS.WriteStream) => {
    stream?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (opts.verbose) sink.write(chunk);
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
  });
  await waitForPort(port, 5000);
  return { port, child, output, stop: () => stopChild(child, 8000) };
}
