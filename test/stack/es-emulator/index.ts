/**
 * An in-memory Elasticsearch REST emulator, good enough to run an unmodified Kuzzle 2.56 on
 * (ES 7.17 answers, or 8.x when the client asks `compatible-with=8`). It keeps near-real-time
 * semantics (search sees writes after a refresh), records and counts requests per physical
 * index, and can inject faults. Node built-ins only.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo, Socket } from 'net';
import { Cluster } from './cluster';
import { EmulatorState, EsRequest, EsResponse, OpKind, RefreshPolicy } from './context';
import { EsError, emulatedFault, esError, Major } from './errors';
import { readBody, send, toEsRequest } from './http-io';
import { Counters, Fault, FaultInjector, RecordedRequest, Recorder } from './instrumentation';
import { Router } from './router';
import { ScrollStore } from './scroll';
import { EsIndex } from './store';
import { clone, JsonObject } from './util';

export type { Counters, Fault, FaultMode, RecordedRequest } from './instrumentation';
export type { OpKind } from './context';
export type { IndexCounters } from './instrumentation';

export interface EmulatorOptions {
  /** periodic refresh interval in ms (default 1000, like Elasticsearch); 0 = refresh after every write; -1 = never (only explicit refreshes) */
  refreshIntervalMs?: number;
  /** `refresh=wait_for`: refresh the index at once ('immediate', default) or wait for the next periodic refresh ('scheduled') */
  waitForRefresh?: 'immediate' | 'scheduled';
  /** major version answered to clients that do not send `compatible-with=N` (default 7) */
  defaultMajorVersion?: 7 | 8;
  /** writes to a missing index create it, as Elasticsearch does by default (default true) */
  autoCreateIndex?: boolean;
}

interface Waiter {
  index: EsIndex;
  generation: number;
  resolve: () => void;
}

interface HeldRequest {
  res: ServerResponse;
  resume: () => void;
}

export class EsEmulator {
  private readonly opts: Required<EmulatorOptions>;
  private cluster: Cluster;
  private scrolls = new ScrollStore();
  private tasks = new Map<string, JsonObject>();
  private taskSeq = 0;
  private readonly router = new Router();
  private readonly recorder = new Recorder();
  private readonly faults = new FaultInjector();
  private held: HeldRequest[] = [];
  private waiters: Waiter[] = [];
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | null = null;
  private port = 0;
  private host = '127.0.0.1';
  /** unexpected exceptions thrown by the emulator itself (answered as 500), for debugging */
  readonly internalErrors: Error[] = [];

  constructor(opts: EmulatorOptions = {}) {
    this.opts = {
      refreshIntervalMs: opts.refreshIntervalMs ?? 1000,
      waitForRefresh: opts.waitForRefresh ?? 'immediate',
      defaultMajorVersion: opts.defaultMajorVersion ?? 7,
      autoCreateIndex: opts.autoCreateIndex ?? true,
    };
    this.cluster = new Cluster(this.opts.autoCreateIndex);
  }

  /** Listens on host:port (default: a free port on 127.0.0.1). */
  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    if (this.server) throw new Error('EsEmulator already started');
    this.host = host;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.internalFailure(res, req.method ?? 'GET', e));
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    const tick = Math.max(10, Math.min(this.opts.refreshIntervalMs > 0 ? this.opts.refreshIntervalMs : 100, 100));
    this.timer = setInterval(() => this.periodic(), tick);
    this.timer.unref();
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const held of this.held) held.res.destroy();
    this.held = [];
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  counters(filter?: { indexContains?: string }): Counters {
    return this.recorder.counters(filter);
  }

  resetCounters(): void {
    this.recorder.reset();
  }

  requests(): RecordedRequest[] {
    return this.recorder.requests();
  }

  injectFault(fault: Fault): void {
    this.faults.inject(fault);
  }

  /** Removes every fault; requests held by a 'hang' fault are then answered normally. */
  clearFaults(): void {
    this.faults.clear();
    const held = this.held;
    this.held = [];
    for (const h of held) h.resume();
  }

  refreshAll(): void {
    for (const index of this.cluster.indices.values()) index.refresh();
    this.resolveWaiters();
  }

  allDocuments(): Array<{ index: string; id: string; source: unknown }> {
    const out: Array<{ index: string; id: string; source: unknown }> = [];
    for (const index of this.cluster.indices.values()) {
      for (const doc of index.live.values()) out.push({ index: index.name, id: doc.id, source: clone(doc.source) });
    }
    return out;
  }

  /** Scroll contexts open now (expired ones swept first), as Elasticsearch's open_contexts. */
  openScrolls(): number {
    this.scrolls.sweep();
    return this.scrolls.size;
  }

  /** Drops every index, alias, document, scroll and task (counters and faults are kept). */
  reset(): void {
    this.cluster = new Cluster(this.opts.autoCreateIndex);
    this.scrolls = new ScrollStore();
    this.tasks = new Map();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  /** Names of the existing indices (physical), for tests. */
  indexNames(): string[] {
    return Array.from(this.cluster.indices.keys()).sort();
  }

  private state(): EmulatorState {
    return {
      cluster: this.cluster,
      scrolls: this.scrolls,
      tasks: this.tasks,
      refresh: this.refreshPolicy,
      nextTaskId: () => `es-emulator-node:${++this.taskSeq}`,
    };
  }

  private readonly refreshPolicy: RefreshPolicy = {
    afterWrite: async (indices: EsIndex[], refresh: string | undefined): Promise<boolean> => {
      if (refresh === 'true' || refresh === '') {
        indices.forEach((i) => i.refresh());
        this.resolveWaiters();
        return true;
      }
      if (this.opts.refreshIntervalMs === 0) {
        indices.forEach((i) => i.refreshInterval() === null && i.refresh());
      }
      if (refresh !== 'wait_for') return false;
      if (this.opts.waitForRefresh === 'immediate') {
        indices.forEach((i) => i.refresh());
        this.resolveWaiters();
        return false;
      }
      await Promise.all(indices.filter((i) => i.hasPendingWrites).map((index) => new Promise<void>((resolve) => {
        this.waiters.push({ index, generation: index.generation, resolve });
      })));
      return false;
    },
  };

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.index.generation !== w.generation || !w.index.hasPendingWrites || !this.cluster.indices.has(w.index.name)) w.resolve();
      else remaining.push(w);
    }
    this.waiters = remaining;
  }

  private periodic(): void {
    const now = Date.now();
    if (this.opts.refreshIntervalMs > 0) {
      for (const index of this.cluster.indices.values()) {
        if (index.dueForRefresh(this.opts.refreshIntervalMs, now)) index.refresh();
      }
    } else {
      for (const index of this.cluster.indices.values()) {
        const own = index.refreshInterval();
        if (own !== null && own >= 0 && index.dueForRefresh(own, now)) index.refresh();
      }
    }
    this.resolveWaiters();
    this.scrolls.sweep();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const fallback = this.opts.defaultMajorVersion as Major;
    let esReq: EsRequest;
    try {
      esReq = toEsRequest(req, raw, fallback);
    } catch (e) {
      if (!(e instanceof EsError)) throw e;
      const entry = this.recorder.record({ method: req.method ?? 'GET', path: req.url ?? '/', op: 'invalid', kind: 'admin', indices: [], status: e.status });
      entry.status = e.status;
      send(res, req.method ?? 'GET', fallback, e.status, e.body);
      return;
    }
    const resolved = this.router.resolve(esReq);
    const state = this.state();
    let op = 'unknown';
    let kind: OpKind = 'admin';
    let indices: string[] = [];
    if (resolved.kind === 'found') {
      op = resolved.route.opFor ? resolved.route.opFor(esReq) : resolved.route.op;
      kind = resolved.route.kind;
      try {
        indices = resolved.route.targets ? resolved.route.targets(esReq, resolved.match, state) : [];
      } catch {
        indices = [];
      }
    }
    const entry = this.recorder.record({ method: esReq.method, path: esReq.path, op, kind, indices, status: 0 });
    const fault = this.faults.match(kind, indices);
    if (fault) {
      entry.fault = fault.mode;
      if (fault.mode === 'fail') {
        const status = fault.status ?? 500;
        const err = emulatedFault(status, `${esReq.method} ${esReq.path}`);
        entry.status = status;
        send(res, esReq.method, esReq.major, status, err.body);
        return;
      }
      await new Promise<void>((resume) => this.held.push({ res, resume }));
      // a client that gave up (timeout, closed socket) never reached Elasticsearch: nothing runs
      if (res.destroyed || req.socket.destroyed || !this.server) return;
    }
    let response: EsResponse & { text?: string };
    try {
      if (resolved.kind === 'error') throw resolved.error;
      response = await resolved.route.handler(esReq, resolved.match, this.state());
    } catch (e) {
      if (e instanceof EsError) response = { status: e.status, body: e.body };
      else {
        this.internalErrors.push(e as Error);
        const err = esError(500, { type: 'es_emulator_internal_exception', reason: `[es-emulator] internal error on ${esReq.method} ${esReq.path}: ${(e as Error)?.stack ?? String(e)}` });
        response = { status: 500, body: err.body };
      }
    }
    entry.status = response.status;
    send(res, esReq.method, esReq.major, response.status, response.body, response.text);
  }

  private internalFailure(res: ServerResponse, method: string, e: unknown): void {
    if (e instanceof EsError) {
      send(res, method, this.opts.defaultMajorVersion as Major, e.status, e.body);
      return;
    }
    this.internalErrors.push(e as Error);
    if (!res.headersSent && !res.destroyed) {
      const err = esError(500, { type: 'es_emulator_internal_exception', reason: `[es-emulator] internal error: ${String((e as Error)?.message ?? e)}` });
      send(res, method, this.opts.defaultMajorVersion as Major, 500, err.body);
    }
  }
}
