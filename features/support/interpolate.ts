import type { ApiKeysWorld } from './world';

/**
 * Replaces placeholders in a step's JSON or string:
 *   {{kuid:alice}}  the kuid of user alice        {{id:k1}}     the _id of key k1
 *   {{secret:k1}}   the secret of key k1          {{var:name}}  a value saved by an earlier step
 *   {{now+60000}}   Date.now() + 60000 (ms)       {{unique:x}}  a unique string
 *   {{fingerprint:k1}} the fingerprint of key k1  {{repeat:é:300}} "é" 300 times
 */
export function interpolate(world: ApiKeysWorld, text: string): string {
  return text.replace(/\{\{([a-zA-Z]+)(?::([^}]+))?([+-]\d+)?\}\}/g, (_m, kind: string, name: string, offset: string) => {
    switch (kind) {
      case 'kuid': return world.kuid(name);
      case 'id': return world.key(name)._id;
      case 'secret': return world.key(name).secret;
      case 'fingerprint': return world.key(name).source.fingerprint;
      case 'var': return String(world.vars.get(name));
      case 'expiresAt': return String(world.key(name).source.expiresAt);
      case 'now': return String(Date.now() + Number(offset || 0));
      case 'unique': return world.unique(name || 'x');
      case 'repeat': {
        const at = name.lastIndexOf(':');
        return name.slice(0, at).repeat(Number(name.slice(at + 1)));
      }
      default: throw new Error(`unknown placeholder ${kind}`);
    }
  });
}

export function parseArgs(world: ApiKeysWorld, docString?: string): Record<string, any> {
  if (!docString || !docString.trim()) return {};
  return JSON.parse(interpolate(world, docString));
}

/** Reads a dotted path ("_source.name", "hits.0._id", "hits.length") from a value. */
export function pathGet(value: any, path: string): any {
  if (path === '' || path === '.') return value;
  return path.split('.').reduce((acc, part) => (acc === undefined || acc === null ? undefined : acc[part]), value);
}

/** Every field of expected is in actual with an equal value (deeply, objects partially). */
export function partialMatch(actual: any, expected: any, at = ''): string | null {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return `${at || 'value'}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const problem = partialMatch(actual[k], v, at ? `${at}.${k}` : k);
      if (problem) return problem;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const problem = partialMatch(actual[i], expected[i], `${at}.${i}`);
      if (problem) return problem;
    }
    return null;
  }
  return actual === expected ? null : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}
