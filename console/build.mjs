// Builds the console into dist/console: the bundle (console/src + the typed client + kuzzle-sdk's browser build),
// the stylesheet and the page. Run by `npm run build`; no network, no CDN.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'console');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(out, 'console.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // lib/core/scopes.ts (the server's scope parser, reused to validate as you type) measures names with Buffer
  inject: [join(here, 'src', 'shims', 'buffer.ts')],
  logLevel: 'warning',
});
copyFileSync(join(here, 'console.css'), join(out, 'console.css'));
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
