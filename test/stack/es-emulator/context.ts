/**
 * Types shared by the router and the handlers: the parsed HTTP request, the response, the
 * emulator state handlers act on, and route definitions.
 */
import { Cluster } from './cluster';
import { EsError, Major, parsingError } from './errors';
import { ScrollStore } from './scroll';
import { EsIndex } from './store';
import { JsonObject } from './util';

export type OpKind = 'read' | 'write' | 'admin';

export interface EsRequest {
  method: string;
  /** raw path, as received (for messages) */
  path: string;
  /** decoded path segments */
  segments: string[];
  params: Record<string, string>;
  bodyText: string;
  contentType: string;
  major: Major;
}

export interface EsResponse {
  status: number;
  body?: unknown;
  /** plain-text answer (the _cat APIs without format=json) */
  text?: string;
}

export interface RefreshPolicy {
  /** refresh=true / refresh=wait_for handling after a write */
  afterWrite(indices: EsIndex[], refresh: string | undefined): Promise<boolean>;
}

export interface EmulatorState {
  cluster: Cluster;
  scrolls: ScrollStore;
  tasks: Map<string, JsonObject>;
  refresh: RefreshPolicy;
  nextTaskId(): string;
}

export interface RouteMatch {
  /** path variables, comma-split for index expressions */
  vars: Record<string, string>;
}

export type Handler = (req: EsRequest, match: RouteMatch, state: EmulatorState) => EsResponse | Promise<EsResponse>;

export interface Route {
  methods: string[];
  pattern: string;
  op: string;
  /** when the operation name depends on the request (e.g. op_type=create) */
  opFor?: (req: EsRequest) => string;
  kind: OpKind;
  /** query-string parameters this route accepts (common ones are always accepted) */
  params?: string[];
  /** physical indices touched, best effort, for counters and fault matching (before running) */
  targets?: (req: EsRequest, match: RouteMatch, state: EmulatorState) => string[];
  handler: Handler;
}

/** Parses the JSON body; undefined when empty. Malformed JSON answers like Elasticsearch. */
export function jsonBody(req: EsRequest): unknown {
  const text = req.bodyText;
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw parsingError(`Failed to parse request body: ${(e as Error).message}`, {
      type: 'json_parse_exception',
      reason: (e as Error).message,
    });
  }
}

export function jsonObjectBody(req: EsRequest): JsonObject | undefined {
  const body = jsonBody(req);
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw parsingError('request body must be a JSON object');
  }
  return body as JsonObject;
}

/** Splits an index expression path variable ("a,b,-c") into its parts. */
export function indexParts(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function docMeta(major: Major, index: EsIndex, id: string): JsonObject {
  const meta: JsonObject = { _index: index.name };
  if (major === 7) meta._type = '_doc';
  meta._id = id;
  return meta;
}

export function shardsHeader(index: EsIndex, successful = 1): JsonObject {
  const replicas = Number(index.settings.get('index.number_of_replicas') ?? 1);
  return { total: successful === 0 ? 0 : 1 + (Number.isFinite(replicas) ? replicas : 1), successful, failed: 0 };
}

export function isEsError(e: unknown): e is EsError {
  return e instanceof EsError;
}
