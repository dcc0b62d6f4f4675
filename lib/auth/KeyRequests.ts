/**
 * Which requests a key authenticated, recognised by what they carry rather than by the identity of the request
 * object: another plugin may replace the request in a pipe that runs after ours (Kuzzle orders pipes by the end of
 * each plugin's init), and scope enforcement must survive that.
 *
 * A key request is one whose jwt is the internal session that request:beforeExecution swapped in for the key's
 * secret, under the request id it had then. A replacement that keeps both is still a key request. A session under
 * any other request id was not swapped in by us: the caller (or a plugin) brought it, and it is refused.
 */
import type { KuzzleRequest } from 'kuzzle';
import { LruCache } from '../core/lru';
import type { KeyContext } from '../runtime';

/** A request that runs longer than this is no longer recognised as a key request (it is then refused). */
const BINDING_TTL_MS = 10 * 60 * 1000;
const MAX_BINDINGS = 200_000;

function bindingOf(requestId: string, jwt: unknown): string | null {
  return typeof jwt === 'string' ? `${requestId}\u0000${jwt}` : null;
}

export class KeyRequests {
  private readonly bound = new LruCache<string, KeyContext>(MAX_BINDINGS, BINDING_TTL_MS);

  bind(request: KuzzleRequest, session: string, ctx: KeyContext): void {
    this.bound.set(bindingOf(request.id, session) as string, ctx);
  }

  of(request: KuzzleRequest): KeyContext | undefined {
    const binding = bindingOf(request.id, request.input.jwt);
    return binding === null ? undefined : this.bound.get(binding);
  }

  release(request: KuzzleRequest): void {
    const binding = bindingOf(request.id, request.input.jwt);
    if (binding !== null) this.bound.delete(binding);
  }
}
