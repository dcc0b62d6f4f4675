/**
 * How errors are shown: Kuzzle's message and error id (and status), in a visible alert. Nothing is swallowed.
 */
import { h } from './dom';

export interface ShownError { message: string; id: string | null; status: number | null }

export function describeError(error: unknown): ShownError {
  const e = error as { message?: unknown; id?: unknown; status?: unknown; cause?: unknown };
  // ApiKeysError keeps kuzzle-sdk's error as its cause; both carry the same id and status
  const raw = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  // kuzzle-sdk's "Discarded request: <the whole request>" carries the jwt and the body (a password, a secret)
  const cut = raw.indexOf('Discarded request:');
  const message = cut === -1 ? raw : `${raw.slice(0, cut)}Request discarded: not connected to Kuzzle.`.trim();
  const id = typeof e?.id === 'string' ? e.id : null;
  const status = typeof e?.status === 'number' ? e.status : null;
  return { message, id, status };
}

export function errorText(error: unknown): string {
  const { message, id, status } = describeError(error);
  const meta = [id, status !== null ? `status ${status}` : null].filter(Boolean).join(', ');
  return meta ? `${message} (${meta})` : message;
}

/** An alert box: the message, then the id in code style. */
export function errorBox(error: unknown, retry?: () => void): HTMLElement {
  const { message, id, status } = describeError(error);
  return h('div', { class: 'error', role: 'alert' },
    h('p', { class: 'error-message' }, message),
    id || status !== null
      ? h('p', { class: 'error-id' }, id ? h('code', {}, id) : null, status !== null ? ` status ${status}` : null)
      : null,
    retry ? h('button', { type: 'button', class: 'secondary', onclick: () => retry() }, 'Retry') : null);
}

/** Whether a listing call was refused for lack of rights (the caller then types names instead of picking them). */
export function isForbidden(error: unknown): boolean {
  const { status } = describeError(error);
  return status === 401 || status === 403;
}
