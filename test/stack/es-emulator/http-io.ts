/**
 * HTTP plumbing: reading (and decompressing) request bodies, building the EsRequest (ES 7 or
 * ES 8 compatibility from the Accept / Content-Type headers), and writing responses with the
 * headers the official clients check (`x-elastic-product`, content type).
 */
import { IncomingMessage, ServerResponse } from 'http';
import { URL } from 'url';
import { gunzipSync, inflateSync } from 'zlib';
import { EsRequest } from './context';
import { EsError, illegalArgument, Major } from './errors';
import { contentTypeError } from './router';

const MAX_BODY_BYTES = 200 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EsError(413, { error: 'request body too large', status: 413 }, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v ?? '';
}

export function detectMajor(req: IncomingMessage, fallback: Major): Major {
  const text = `${header(req, 'accept')} ${header(req, 'content-type')}`;
  const m = /compatible-with=(\d+)/.exec(text);
  if (m) return m[1] === '8' ? 8 : 7;
  return fallback;
}

const ACCEPTED_TYPES = ['application/json', 'application/x-ndjson', 'application/vnd.elasticsearch+json', 'application/vnd.elasticsearch+x-ndjson'];

/** Builds the EsRequest, or throws an EsError for undecodable requests. */
export function toEsRequest(req: IncomingMessage, raw: Buffer, fallback: Major): EsRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const encoding = header(req, 'content-encoding').toLowerCase();
  let body = raw;
  if (raw.length && encoding.includes('gzip')) body = gunzipSync(raw);
  else if (raw.length && encoding.includes('deflate')) body = inflateSync(raw);
  const contentType = header(req, 'content-type');
  const bodyText = body.toString('utf8');
  if (bodyText.length > 0 && contentType !== '') {
    const base = contentType.split(';')[0].trim().toLowerCase();
    if (!ACCEPTED_TYPES.includes(base)) throw contentTypeError(contentType);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  const rawPath = url.pathname;
  let segments: string[];
  try {
    segments = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    throw illegalArgument(`can not decode path [${rawPath}]`);
  }
  let text = bodyText;
  if (text === '' && params.source !== undefined) {
    text = params.source;
    delete params.source;
    delete params.source_content_type;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: decodeSafe(rawPath),
    segments,
    params,
    bodyText: text,
    contentType,
    major: detectMajor(req, fallback),
  };
}

function decodeSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function send(res: ServerResponse, method: string, major: Major, status: number, body: unknown, text?: string): void {
  if (res.writableEnded || res.destroyed) return;
  let payload = '';
  let contentType: string;
  if (text !== undefined) {
    payload = text;
    contentType = 'text/plain; charset=UTF-8';
  } else {
    payload = body === undefined ? '' : JSON.stringify(body);
    contentType = major === 8 ? 'application/vnd.elasticsearch+json;compatible-with=8' : 'application/json; charset=UTF-8';
  }
  const headers: Record<string, string | number> = {
    'x-elastic-product': 'Elasticsearch',
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
  };
  res.writeHead(status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}
