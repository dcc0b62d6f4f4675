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
    await new Promise((resolve) => setTimeout(resolve, 1500));
    this.pipes = {
      'request:beforeExecution': async (request: KuzzleRequest) => {
        const args = request.input.args as Record<string, unknown>;
        const dropId = Boolean(args.replacerDropsRequestId);
        const replacement = new KuzzleRequest(
          {
            ...args,
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
