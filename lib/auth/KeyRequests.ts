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
import { Cache, boundedCache } from './caches';
import type { KeyContext } from '../runtime';
import { invalidTokenError } from '../errors';
import { SESSION_PREFIX } from './SessionManager';

/** A request that runs longer than this is no longer recognised as a key request (it is then refused). */
const BINDING_TTL_MS = 10 * 60 * 1000;
const MAX_BINDINGS = 200_000;

function bindingOf(requestId: string, jwt: unknown): string | null {
  return typeof jwt === 'string' ? `${requestId}\u0000${jwt}` : null;
}

/**
 * Clients choose request ids (over WebSocket, and `?requestId=` over HTTP), so several requests of one key may be in
 * flight under one id: a binding lives until the last of them ends, or the first to end would unbind the others.
 */
interface Binding {
  ctx: KeyContext;
  inFlight: number;
}

export class KeyRequests {
  private readonly bound = boundedCache<string, Binding>(MAX_BINDINGS, BINDING_TTL_MS);

  bind(request: KuzzleRequest, session: string, ctx: KeyContext): void {
    const id = bindingOf(request.id, session) as string;
    const known = this.bound.get(id);
    this.bound.set(id, { ctx, inFlight: (known?.inFlight ?? 0) + 1 });
  }

  of(request: KuzzleRequest): KeyContext | undefined {
    const binding = bindingOf(request.id, request.input.jwt);
    return binding === null ? undefined : this.bound.get(binding)?.ctx;
  }

  release(request: KuzzleRequest): void {
    const id = bindingOf(request.id, request.input.jwt);
    if (id === null) return;
    const known = this.bound.get(id);
    if (!known) return;
    if (known.inFlight <= 1) this.bound.delete(id);
    else this.bound.set(id, { ctx: known.ctx, inFlight: known.inFlight - 1 });
  }
}

/**
 * The key behind a request, for handlers and pipes that run after request:onAuthorized. A request that carries a
 * key's internal session but has no binding is refused, never treated as an ordinary user's (fail closed).
 */
export async function keyContextOf(
  rt: { keyRequests: KeyRequests; sessions: { isSession(jwt: string): Promise<boolean> } },
  request: KuzzleRequest,
): Promise<KeyContext | undefined> {
  const ctx = rt.keyRequests.of(request);
  if (ctx) return ctx;
  const jwt = request.input.jwt;
  if (typeof jwt === 'string' && jwt.startsWith(SESSION_PREFIX) && (await rt.sessions.isSession(jwt))) throw invalidTokenError();
  return undefined;
}
