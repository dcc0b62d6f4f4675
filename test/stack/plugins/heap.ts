/**
 * Test-support plugin for the bench: `stack-heap:measure` runs a full GC (Kuzzle child started with --expose-gc,
 * STACK_EXPOSE_GC=1) and answers the heap in use, in bytes.
 */
import { Plugin, PluginContext } from 'kuzzle';
import type { JSONObject } from 'kuzzle-sdk';

export default class HeapPlugin extends Plugin {
  constructor() {
    super({ kuzzleVersion: '>=2.56.0 <3' });
  }

  async init(config: JSONObject, context: PluginContext): Promise<void> {
    this.config = config;
    this.context = context;
    this.api = {
      'stack-heap': {
        actions: {
          measure: {
            handler: async () => {
              const gc = (global as any).gc as (() => void) | undefined;
              if (!gc) throw new Error('start the Kuzzle child with --expose-gc (STACK_EXPOSE_GC=1)');
              for (let i = 0; i < 3; i++) gc();
              return { heapUsed: process.memoryUsage().heapUsed };
            },
            http: [{ verb: 'get', path: 'stack-heap/_measure' }],
          },
        },
      },
    };
  }
}
