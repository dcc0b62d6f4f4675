/**
 * A minimal HTTP client for talking to the emulator (or a real Elasticsearch) from tests:
 * JSON or ndjson bodies, ES 7 or ES 8 (`compatible-with=8`) headers, parsed answers.
 */
export interface EsAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** send the ES 8 client's compatibility headers */
  major?: 7 | 8;
  /** body is an array of ndjson lines (bulk) */
  ndjson?: boolean;
  headers?: Record<string, string>;
}

export async function esCall<T = any>(baseUrl: string, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<EsAnswer<T>> {
  const compat = opts.major === 8 ? '; compatible-with=8' : '';
  const headers: Record<string, string> = {
    accept: opts.major === 8 ? 'application/vnd.elasticsearch+json; compatible-with=8' : 'application/json',
    ...opts.headers,
  };
  let payload: string | undefined;
  if (body !== undefined) {
    if (opts.ndjson) {
      payload = (body as unknown[]).map((line) => JSON.stringify(line)).join('\n') + '\n';
      headers['content-type'] = opts.major === 8 ? `application/vnd.elasticsearch+x-ndjson${compat}` : 'application/x-ndjson';
    } else {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = opts.major === 8 ? `application/vnd.elasticsearch+json${compat}` : 'application/json';
    }
  }
  const response = await fetch(baseUrl + path, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** `esCall` bound to one emulator URL. */
export function esClient(baseUrl: string, defaults: CallOptions = {}) {
  return <T = any>(method: string, path: string, body?: unknown, opts: CallOptions = {}) =>
    esCall<T>(baseUrl, method, path, body, { ...defaults, ...opts });
}
