/**
 * What tests observe and control: the request log, read/write/admin counters per physical index,
 * and injected faults (fail or hang) matched by kind and index name.
 */
import type { OpKind } from './context';

export interface RecordedRequest {
  method: string;
  path: string;
  op: string;
  kind: OpKind;
  /** physical ES index names touched (or the requested names when they do not exist) */
  indices: string[];
  /** HTTP status answered (0 while pending or hung) */
  status: number;
  /** set when an injected fault answered (or held) this request */
  fault?: FaultMode;
}

export interface IndexCounters {
  reads: number;
  writes: number;
  admin: number;
}

export interface Counters {
  reads: number;
  writes: number;
  admin: number;
  byIndex: Record<string, IndexCounters>;
  byOp: Record<string, number>;
}

export type FaultMode = 'fail' | 'hang';

export interface Fault {
  mode: FaultMode;
  /** only requests touching an index whose name contains this string */
  indexContains?: string;
  /** only requests of this kind */
  kind?: OpKind;
  /** how many matching requests to affect (default: until cleared) */
  times?: number;
  /** HTTP status of a 'fail' (default 500; 502/503/504 make the ES clients retry and mark the node dead) */
  status?: number;
}

const LOG_CAP = 10_000;

interface Aggregate {
  kind: OpKind;
  op: string;
  indices: string[];
  count: number;
}

export class Recorder {
  private log: RecordedRequest[] = [];
  private aggregates = new Map<string, Aggregate>();

  record(entry: RecordedRequest): RecordedRequest {
    this.log.push(entry);
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
    const indices = Array.from(new Set(entry.indices)).sort();
    const key = `${entry.kind}|${entry.op}|${indices.join('\u0000')}`;
    const agg = this.aggregates.get(key);
    if (agg) agg.count++;
    else this.aggregates.set(key, { kind: entry.kind, op: entry.op, indices, count: 1 });
    return entry;
  }

  requests(): RecordedRequest[] {
    return this.log.map((r) => ({ ...r, indices: [...r.indices] }));
  }

  reset(): void {
    this.log = [];
    this.aggregates = new Map();
  }

  /**
   * Totals count requests (a request touching several matching indices counts once in
   * reads/writes/admin); byIndex counts, for each index, the requests that touched it.
   */
  counters(filter?: { indexContains?: string }): Counters {
    const out: Counters = { reads: 0, writes: 0, admin: 0, byIndex: {}, byOp: {} };
    const needle = filter?.indexContains;
    for (const agg of this.aggregates.values()) {
      const indices = needle === undefined ? agg.indices : agg.indices.filter((i) => i.includes(needle));
      if (needle !== undefined && indices.length === 0) continue;
      if (agg.kind === 'read') out.reads += agg.count;
      else if (agg.kind === 'write') out.writes += agg.count;
      else out.admin += agg.count;
      out.byOp[agg.op] = (out.byOp[agg.op] ?? 0) + agg.count;
      for (const index of indices) {
        const c = (out.byIndex[index] ??= { reads: 0, writes: 0, admin: 0 });
        if (agg.kind === 'read') c.reads += agg.count;
        else if (agg.kind === 'write') c.writes += agg.count;
        else c.admin += agg.count;
      }
    }
    return out;
  }
}

interface ActiveFault extends Fault {
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  inject(fault: Fault): void {
    if (fault.mode !== 'fail' && fault.mode !== 'hang') throw new Error(`unknown fault mode ${String(fault.mode)}`);
    this.faults.push({ ...fault, remaining: fault.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  get active(): boolean {
    return this.faults.length > 0;
  }

  /** The fault applying to a request, consuming one of its `times`. */
  match(kind: OpKind, indices: string[]): Fault | null {
    for (const fault of this.faults) {
      if (fault.kind !== undefined && fault.kind !== kind) continue;
      if (fault.indexContains !== undefined && !indices.some((i) => i.includes(fault.indexContains as string))) continue;
      fault.remaining--;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return null;
  }
}
