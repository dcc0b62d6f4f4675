/** lib/core/scopes.ts, bundled into the console, calls Buffer.byteLength: build.mjs injects ./buffer.ts for it. */
declare const Buffer: { byteLength(text: string, encoding?: string): number };
