/**
 * `api-keys/console`: serves the key management console (a static page and its bundled assets, built by
 * `npm run build` into dist/console). The page holds no data: every data call it makes carries the signed-in
 * user's own credentials, so granting these two actions to the anonymous role exposes nothing but static files.
 */
import fs from 'fs';
import path from 'path';
import type { KuzzleRequest } from 'kuzzle';
import { NotFoundError } from 'kuzzle';

export const CONSOLE_CONTROLLER = 'api-keys/console';

/** Where `npm run build` writes the console (this file compiles to dist/lib/controllers/console.js). */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'console');

/**
 * The only files served, with their types. A fixed allowlist: `:file` is looked up here, never joined to a path,
 * so no request can read anything else.
 */
const ASSETS: Readonly<Record<string, string>> = Object.freeze({
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
});
const PAGE = 'index.html';

/**
 * No inline script or style, no other origin: the bundle talks to the Kuzzle that served it over HTTP
 * (`connect-src 'self'`), and the page cannot be framed (clickjacking on revoke/delete buttons).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

type Reader = (file: string) => Buffer;

/** Files are read once, on first use, and kept: they only change with a new build, i.e. a new deployment. */
function cachedReader(dir: string): Reader {
  const cache = new Map<string, Buffer>();
  return (file) => {
    let content = cache.get(file);
    if (!content) {
      content = fs.readFileSync(path.join(dir, file));
      cache.set(file, content);
    }
    return content;
  };
}

/** Kuzzle's own id for an unknown URL: an asset that is not in the allowlist does not exist. */
function notFound(message: string): NotFoundError {
  return new NotFoundError(message, 'network.http.url_not_found');
}

function answer(request: KuzzleRequest, read: Reader, file: string, contentType: string, cacheControl: string): Buffer {
  let content: Buffer;
  try {
    content = read(file);
  } catch {
    // a package built without its console (tsc alone): say what is missing rather than a bare 500
    throw notFound(`The console is not built (${file} is missing from dist/console): run "npm run build".`);
  }
  request.response.configure({
    format: 'raw',
    headers: { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': cacheControl },
  });
  return content;
}

export function buildConsoleController(dir: string = CONSOLE_DIR) {
  const read = cachedReader(dir);
  return {
    actions: {
      page: {
        handler: async (request: KuzzleRequest) => answer(request, read, PAGE, 'text/html; charset=utf-8', 'no-store'),
        http: [{ verb: 'get', path: 'api-keys/console' }],
      },
      asset: {
        handler: async (request: KuzzleRequest) => {
          const file = request.getString('file');
          const type = Object.prototype.hasOwnProperty.call(ASSETS, file) ? ASSETS[file] : undefined;
          if (!type) throw notFound(`No console asset named "${file.length > 64 ? `${file.slice(0, 64)}…` : file}".`);
          // not immutable: the names carry no content hash, so a new deployment must be picked up
          return answer(request, read, file, type, 'no-cache');
        },
        http: [{ verb: 'get', path: 'api-keys/console/assets/:file' }],
      },
    },
  };
}
