/**
 * Test-support plugin: re-creates every request in its `request:beforeExecution` pipe, as some real
 * plugins do, keeping the jwt and the request id. Its init resolves late on purpose: Kuzzle orders the
 * pipes of an event by the end of each plugin's init, so this pipe runs AFTER the api-keys plugin's.
 * Scope enforcement must not depend on the identity of the request object.
 *
 * `?replacerDropsRequestId=1` (an argument) makes it drop the request id, like a careless plugin.
 */
import { KuzzleRequest, Plugin, PluginContext } from 'kuzzle';
import type { JSONObject } from 'kuzzle-sdk';

export default class RequestReplacerPlugin extends Plugin {
  constructor() {
    super({ kuzzleVersion: '>=2.56.0 <3' });
  }

  async init(config: JSONObject, context: PluginContext): Promise<void> {
    this.config = config;
    this.context = context;
    // finish init after the api-keys plugin has finished its own, so that this pipe is registered after its pipes
    const plugins = (global as any).kuzzle.pluginsManager._plugins as Map<string, { initCalled?: boolean }>;
    for (let waited = 0; !plugins.get('api-keys')?.initCalled && waited < 8000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.pipes = {
      'request:beforeExecution': async (request: KuzzleRequest) => {
        if (typeof request.input.jwt === 'string' && request.input.jwt.startsWith('kapikey-')) {
          // a plugin key's secret would already have been swapped: this pipe is not running after api-keys' own
          throw new Error('request-replacer: this pipe ran before the api-keys plugin pipe');
        }
        const args = request.input.args as Record<string, unknown>;
        const { requestId: _ignored, ...rest } = args;
        const dropId = Boolean(rest.replacerDropsRequestId);
        const replacement = new KuzzleRequest(
          {
            ...rest,
            body: request.input.body,
            controller: request.input.controller,
            action: request.input.action,
            jwt: request.input.jwt,
            volatile: request.input.volatile,
            ...(dropId ? {} : { requestId: request.id }),
          },
          { connection: request.context.connection } as any,
        );
        return replacement;
      },
    };
  }
}
