/**
 * The keys list: free-text search, status filter, sort, pagination over the true total; loading, empty and error
 * states. On a narrow screen the table's rows become cards (CSS), so the page never scrolls sideways.
 */
import type { ApiKey, KeyStatusFilter } from '../../client';
import { h, field, option, clear } from './dom';
import { errorBox } from './errors';
import { STATUS_LABELS, absoluteTime, keyStatus, policiesSummary, relativeTime } from './format';
import { scopeChips } from './scopeEditor';
import type { KeyApi } from './keyApi';

export interface ListState { query: string; status: KeyStatusFilter; sort: string; from: number; size: number }

export const DEFAULT_LIST: ListState = { query: '', status: 'all', sort: 'createdAt:desc', from: 0, size: 10 };

const SORTS: Array<[string, string]> = [
  ['createdAt:desc', 'Newest first'],
  ['createdAt:asc', 'Oldest first'],
  ['name:asc', 'Name (A–Z)'],
  ['name:desc', 'Name (Z–A)'],
  ['expiresAt:asc', 'Expiring soonest'],
  ['lastUsedAt:desc', 'Recently used'],
];

export function statusBadge(key: ApiKey, now: number): HTMLElement {
  const status = keyStatus(key._source, now);
  return h('span', { class: `badge ${status}` }, STATUS_LABELS[status]);
}

export function keyHref(keys: KeyApi, id: string): string {
  return keys.own ? `#/me/keys/${encodeURIComponent(id)}` : `#/users/${encodeURIComponent(keys.userId)}/keys/${encodeURIComponent(id)}`;
}

function cell(label: string, ...content: Array<Node | string>): HTMLTableCellElement {
  return h('td', { 'data-label': label }, ...content);
}

function row(keys: KeyApi, key: ApiKey, now: number): HTMLTableRowElement {
  const s = key._source;
  const expires = s.expiresAt === -1 ? 'never' : absoluteTime(s.expiresAt);
  return h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Name' }, h('a', { href: keyHref(keys, key._id) }, s.name || '(unnamed)'), h('div', { class: 'muted mono small' }, key._id)),
    cell('Description', s.description ?? ''),
    cell('Status', statusBadge(key, now)),
    cell('Scopes', scopeChips(s.scopes)),
    cell('Created', h('time', { datetime: new Date(s.createdAt).toISOString() }, absoluteTime(s.createdAt))),
    cell('Expires', expires),
    cell('Last used', s.lastUsedAt ? h('time', { datetime: new Date(s.lastUsedAt).toISOString(), title: absoluteTime(s.lastUsedAt) }, relativeTime(s.lastUsedAt, now)) : 'never'),
    cell('Parent', s.parentKeyId ? h('a', { href: keyHref(keys, s.parentKeyId), class: 'mono small' }, s.parentKeyId) : '—'),
    cell('Policies', policiesSummary(s)));
}

/** `onState` persists the state (kept across views); the list reloads itself, so the toolbar keeps its focus. */
export function keysList(keys: KeyApi, initial: ListState, now: () => number, onState: (s: ListState) => void): HTMLElement {
  let state = initial;
  const update = (next: ListState) => { state = next; onState(next); void load(); };
  const search = h('input', { type: 'search', value: state.query, autocomplete: 'off', placeholder: 'Name or description' });
  const status = h('select', {}, ...(['all', 'valid', 'revoked', 'expired'] as const).map((v) => option(v, v === 'all' ? 'All' : STATUS_LABELS[v], v === state.status)));
  const sort = h('select', {}, ...SORTS.map(([v, label]) => option(v, label, v === state.sort)));
  const size = h('select', {}, ...[10, 25, 50, 100].map((n) => option(String(n), `${n} per page`, n === state.size)));
  let timer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => update({ ...state, query: search.value.trim(), from: 0 }), 300);
  });
  status.addEventListener('change', () => update({ ...state, status: status.value as KeyStatusFilter, from: 0 }));
  sort.addEventListener('change', () => update({ ...state, sort: sort.value, from: 0 }));
  size.addEventListener('change', () => update({ ...state, size: Number(size.value), from: 0 }));

  const results = h('div', { class: 'results', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading keys…'));
  const toolbar = h('div', { class: 'toolbar', role: 'search' },
    field('Search', search).row, field('Status', status).row, field('Sort', sort).row, field('Page size', size).row);

  async function load(): Promise<void> {
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await keys.search({ query: state.query || undefined, status: state.status, sort: state.sort, from: state.from, size: state.size });
      clear(results);
      results.setAttribute('aria-busy', 'false');
      if (page.total === 0) {
        results.appendChild(h('p', { class: 'empty' }, state.query || state.status !== 'all'
          ? 'No key matches these filters.'
          : 'No API keys yet. Create one with the "Create key" button.'));
        return;
      }
      const t = now();
      results.appendChild(h('table', { class: 'keys' },
        h('caption', { class: 'visually-hidden' }, `API keys of ${keys.userId}`),
        h('thead', {}, h('tr', {}, ...['Name', 'Description', 'Status', 'Scopes', 'Created', 'Expires', 'Last used', 'Parent', 'Policies'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...page.hits.map((k) => row(keys, k, t)))));
      const first = state.from + 1;
      const last = state.from + page.hits.length;
      results.appendChild(h('nav', { class: 'pagination', 'aria-label': 'Pages' },
        h('button', { type: 'button', class: 'secondary', disabled: state.from === 0, onclick: () => update({ ...state, from: Math.max(0, state.from - state.size) }) }, 'Previous'),
        h('span', { class: 'page-info' }, `${first}–${last} of ${page.total}`),
        h('button', { type: 'button', class: 'secondary', disabled: last >= page.total, onclick: () => update({ ...state, from: state.from + state.size }) }, 'Next')));
    } catch (error) {
      clear(results);
      results.setAttribute('aria-busy', 'false');
      results.appendChild(errorBox(error, () => void load()));
    }
  }
  void load();
  return h('section', { class: 'list', 'aria-label': 'Keys' }, toolbar, results);
}
