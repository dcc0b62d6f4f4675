/** The one Buffer function the bundled server code calls (lib/core/scopes.ts), for the browser. */
const encoder = new TextEncoder();
export const Buffer = { byteLength: (text: string) => encoder.encode(text).length };
