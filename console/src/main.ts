/**
 * The console's entry point: sign-in, the shell (who is signed in, the user picker for administrators) and the
 * hash routes: `#/` own keys, `#/me/keys/<id>`, `#/users/<userId>` and `#/users/<userId>/keys/<id>`. Routes hold
 * ids only, never a secret.
 */
import { h, field, clear, nextId } from './dom';
import { errorBox, errorText } from './errors';
import { Session, forgetStored, resume, signIn, signOut, useToken } from './session';
import { keyApi } from './keyApi';
import { DEFAULT_LIST, ListState, keysList } from './list';
import { keyDetail } from './detail';
import { openCreateDialog } from './create';

// kuzzle-sdk logs every request and response (passwords, tokens, new secrets) when the page URL carries
// `?debugKuzzleSdk`: the console's URL never carries a query string, so a crafted link cannot turn that on.
if (location.search) history.replaceState(null, '', location.pathname + location.hash);

const now = () => Date.now();
const root = document.getElementById('app') as HTMLElement;
const alerts = h('div', { class: 'alerts', role: 'alert' });
let session: Session | null = null;
let listState: ListState = { ...DEFAULT_LIST };

function report(error: unknown): void {
  alerts.replaceChildren(errorBox(error), h('button', { type: 'button', class: 'secondary small', onclick: () => clear(alerts) }, 'Dismiss'));
}

// nothing fails silently: anything not handled where it happened is shown
window.addEventListener('unhandledrejection', (event) => { event.preventDefault(); report(event.reason); });
window.addEventListener('error', (event) => { report(event.error ?? event.message); });

function signInView(message?: string): void {
  const username = h('input', { type: 'text', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  // masked by CSS, not type=password: browsers offer to save password fields, and a pasted secret is never kept
  const token = h('input', { type: 'text', class: 'masked', autocomplete: 'off', spellcheck: 'false', required: true });
  const loginProblems = h('div', { 'aria-live': 'assertive' });
  const tokenProblems = h('div', { 'aria-live': 'assertive' });
  const login = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Sign in'),
    field('Username', username).row, field('Password', password).row, loginProblems,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  const paste = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Use a token or an API key'),
    field('Token or API key', token, 'A Kuzzle token or a kapikey-… secret. It is kept in this page\'s memory only; an API key works within its scopes.').row,
    tokenProblems,
    h('button', { type: 'submit', class: 'primary' }, 'Continue'));
  const enter = async (form: HTMLFormElement, problems: HTMLElement, open: () => Promise<Session>) => {
    problems.replaceChildren();
    const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
    button.disabled = true;
    try {
      start(await open());
    } catch (error) {
      problems.replaceChildren(errorBox(error));
      button.disabled = false;
    }
  };
  login.addEventListener('submit', (e) => { e.preventDefault(); void enter(login, loginProblems, () => signIn(username.value, password.value)); });
  paste.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = token.value;
    token.value = '';
    void enter(paste, tokenProblems, () => useToken(value));
  });
  clear(root);
  root.append(
    h('header', { class: 'top' }, h('h1', {}, 'Kuzzle API keys')),
    h('main', { id: 'main', class: 'signin' }, alerts, message ? h('p', { class: 'notice', role: 'status' }, message) : null, h('div', { class: 'cards' }, login, paste)));
  username.focus();
}

function start(s: Session): void {
  session = s;
  s.sdk.on('tokenExpired', () => {
    if (session !== s) return;
    session = null;
    forgetStored();
    signInView('Your session ended (expired, revoked or logged out elsewhere). Please sign in again.');
  });
  listState = { ...DEFAULT_LIST };
  render();
}

async function logout(): Promise<void> {
  const s = session;
  session = null;
  if (s) {
    try { await signOut(s); } catch (error) { signInView(`Signed out, but the server said: ${errorText(error)}`); return; }
  }
  history.replaceState(null, '', location.pathname);
  signInView('Signed out.');
}

interface Route { userId: string | null; keyId: string | null }

function route(): Route {
  let parts: string[];
  try {
    parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { userId: null, keyId: null }; // a malformed link: your own keys
  }
  if (parts[0] === 'users' && parts[1]) return { userId: parts[1], keyId: parts[2] === 'keys' && parts[3] ? parts[3] : null };
  if (parts[0] === 'me' && parts[1] === 'keys' && parts[2]) return { userId: null, keyId: parts[2] };
  return { userId: null, keyId: null };
}

function go(hash: string): void {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function userPicker(s: Session, current: string): HTMLElement {
  const input = h('input', { type: 'text', value: current, autocomplete: 'off', spellcheck: 'false' });
  const listId = nextId('users');
  const list = h('datalist', { id: listId });
  const f = field('Manage the keys of user', input, s.canSearchUsers ? 'Pick or type a user id (kuid).' : 'Type a user id (kuid): you may not list users.');
  if (s.canSearchUsers) {
    input.setAttribute('list', listId);
    s.sdk.security.searchUsers({}, { size: 100 } as any)
      .then((res) => list.replaceChildren(...res.hits.map((u: { _id: string }) => h('option', { value: u._id }))))
      .catch((error: unknown) => f.setError(`Could not list users: ${errorText(error)}`));
  }
  const form = h('form', { class: 'user-picker', novalidate: true }, f.row, list,
    h('button', { type: 'submit', class: 'secondary' }, 'Show keys'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = input.value.trim();
    if (id === '') { f.setError('Type a user id.'); return; }
    listState = { ...DEFAULT_LIST };
    go(id === s.kuid ? '#/' : `#/users/${encodeURIComponent(id)}`);
  });
  return form;
}

function render(): void {
  const s = session;
  if (!s) return;
  let r = route();
  // another user's keys only for those who may manage them (the server refuses anyway: the page does not pretend)
  if (!s.canManageAll && r.userId !== null && r.userId !== s.kuid) {
    history.replaceState(null, '', `${location.pathname}#/`);
    r = { userId: null, keyId: null };
  }
  const userId = r.userId ?? s.kuid;
  const keys = keyApi(s, userId);
  const main = h('main', { id: 'main' }, alerts);
  clear(alerts);
  if (s.canManageAll) main.appendChild(userPicker(s, userId));
  const listHash = userId === s.kuid ? '#/' : `#/users/${encodeURIComponent(userId)}`;
  if (r.keyId) {
    main.appendChild(keyDetail(s, keys, r.keyId, now, () => go(listHash)));
  } else {
    const create = h('button', { type: 'button', class: 'primary', onclick: () => openCreateDialog(s, keys, now, render) }, 'Create key');
    main.append(
      h('div', { class: 'list-head' }, h('h2', {}, userId === s.kuid ? 'Your API keys' : `API keys of ${userId}`), create),
      keysList(keys, listState, now, (next) => { listState = next; }));
  }
  clear(root);
  root.append(
    h('header', { class: 'top' },
      h('h1', {}, h('a', { href: '#/' }, 'Kuzzle API keys')),
      h('div', { class: 'who' },
        h('span', {}, 'Signed in as ', h('strong', {}, s.kuid), s.mode === 'token' ? ' (pasted token)' : ''),
        h('button', { type: 'button', class: 'secondary', onclick: () => void logout() }, 'Sign out'))),
    main);
}

window.addEventListener('hashchange', () => { if (session) render(); });

async function boot(): Promise<void> {
  try {
    const resumed = await resume();
    if (resumed) { start(resumed); return; }
  } catch (error) {
    signInView(`Could not restore the previous session: ${errorText(error)}`);
    return;
  }
  signInView();
}

void boot();
