/**
 * One key: every field, its children, its audit events, and the actions (edit, rotate, revoke, delete).
 * Revoke sits behind a confirmation dialog, delete behind typing the key's name; rotation shows the new secret once.
 */
import type { ApiKey, AuditEvent } from '../../client';
import { h, field, option, clear } from './dom';
import { openDialog } from './dialog';
import { errorBox } from './errors';
import { absoluteTime, formatDuration, parseDuration, relativeTime } from './format';
import { scopeChips, scopeEditor } from './scopeEditor';
import { claimsEditor, expiryPicker, policiesEditor } from './editors';
import { secretPanel } from './secret';
import { keyHref, statusBadge } from './list';
import type { KeyApi } from './keyApi';
import type { Session } from './session';

type Refresh = () => void;

function dl(entries: Array<[string, Node | string]>): HTMLElement {
  const list = h('dl', { class: 'fields' });
  for (const [term, value] of entries) list.append(h('dt', {}, term), h('dd', {}, value));
  return list;
}

function when(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return '—';
  if (at === -1) return 'never';
  return `${absoluteTime(at)} (${relativeTime(at, now)})`;
}

function fieldsOf(keys: KeyApi, key: ApiKey, now: number): HTMLElement {
  const s = key._source;
  const policies = h('div', {},
    h('p', {}, 'Rate limits: ', (s.ratelimits ?? []).length > 0 ? (s.ratelimits ?? []).map((r) => `${r.limit} per ${formatDuration(r.window)}`).join(', ') : 'none'),
    h('p', {}, 'Credits: ', s.credits ? `${s.credits.remaining} left${s.credits.refill ? `, refilled to ${s.credits.refill.amount} ${formatDuration(s.credits.refill.interval as string)}` : ''}` : 'unlimited'),
    h('p', {}, 'Allowed IPs: ', s.allowedIps && s.allowedIps.length > 0 ? s.allowedIps.join(', ') : 'any'));
  return dl([
    ['Id', h('code', {}, key._id)],
    ['User', s.userId],
    ['Status', statusBadge(key, now)],
    ['Name', s.name ?? '—'],
    ['Description', s.description ?? '—'],
    ['Scopes', scopeChips(s.scopes, 1000)],
    ['Claims', s.claims ? h('pre', { class: 'mono' }, JSON.stringify(s.claims, null, 2)) : '—'],
    ['Policies', policies],
    ['Fingerprint (sha256)', h('code', { class: 'small' }, s.fingerprint)],
    ['Created', `${when(s.createdAt, now)}${s.createdBy ? ` by ${s.createdBy}` : ''}`],
    ['Updated', when(s.updatedAt, now)],
    ['Expires', when(s.expiresAt, now)],
    ['Last used', s.lastUsedAt ? when(s.lastUsedAt, now) : 'never'],
    ['Parent key', s.parentKeyId ? h('a', { href: keyHref(keys, s.parentKeyId), class: 'mono' }, s.parentKeyId) : '—'],
    ['Rotated', when(s.rotatedAt, now)],
    ['Previous secret works until', when(s.previousSecretExpiresAt, now)],
    ['Revoked', s.revoked ? `${when(s.revokedAt, now)}${s.revokedBy ? ` by ${s.revokedBy}` : ''}${s.revocationReason ? `: ${s.revocationReason}` : ''}` : 'no'],
  ]);
}

function editDialog(session: Session, keys: KeyApi, key: ApiKey, now: () => number, done: Refresh): void {
  const s = key._source;
  const dialog = openDialog(`Edit "${s.name ?? key._id}"`);
  const name = h('input', { type: 'text', value: s.name ?? '', autocomplete: 'off', maxlength: 256 });
  const description = h('textarea', { rows: 2 });
  description.value = s.description ?? '';
  const scopes = scopeEditor(session.sdk, s.scopes);
  const expiry = expiryPicker(now, 'keep', true);
  const claims = claimsEditor(s.claims);
  const policies = policiesEditor(s);
  const problems = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'key-form', novalidate: true },
    field('Name', name).row, field('Description', description).row, scopes.el, expiry.el, claims.el, policies.el, problems,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Save changes')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problems.replaceChildren();
    const sc = scopes.value(); const e = expiry.value(); const c = claims.value(); const p = policies.value();
    const errors = [sc.error, e.error, c.error, p.error].filter(Boolean);
    if (errors.length > 0) {
      problems.appendChild(h('p', { class: 'field-error', role: 'alert' }, `Please fix: ${errors.join(' ')}`));
      return;
    }
    // only what changed: a key-authenticated caller may not touch some fields (claims), even to the same value
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    const changes: Record<string, unknown> = {};
    if (name.value.trim() !== (s.name ?? '')) changes.name = name.value.trim();
    if (description.value.trim() !== (s.description ?? '')) changes.description = description.value.trim();
    if (!same(sc.scopes, s.scopes)) changes.scopes = sc.scopes;
    if (!same(c.value, s.claims)) changes.claims = c.value;
    if (e.expiresIn !== undefined) changes.expiresIn = e.expiresIn;
    if (!same(p.ratelimits, s.ratelimits)) changes.ratelimits = p.ratelimits;
    if (!same(p.credits, s.credits)) changes.credits = p.credits;
    if (!same(p.allowedIps, s.allowedIps)) changes.allowedIps = p.allowedIps;
    if (Object.keys(changes).length === 0) {
      problems.appendChild(h('p', { class: 'field-error', role: 'alert' }, 'Nothing changed.'));
      return;
    }
    try {
      await keys.update(key._id, changes);
      dialog.close();
      done();
    } catch (error) {
      problems.appendChild(errorBox(error));
    }
  });
  dialog.body.appendChild(form);
  name.focus();
}

function revokeDialog(keys: KeyApi, key: ApiKey, done: Refresh): void {
  const dialog = openDialog(`Revoke "${key._source.name ?? key._id}"?`);
  const reason = h('textarea', { rows: 2 });
  const problems = h('div', { 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Revoke key');
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await keys.revoke(key._id, reason.value.trim() || undefined);
      dialog.close();
      done();
    } catch (error) {
      confirm.disabled = false;
      problems.replaceChildren(errorBox(error));
    }
  });
  dialog.body.append(
    h('p', {}, 'Requests made with this key will be refused from now on, on every node, and so will its child keys. The key stays listed, with the reason. This cannot be undone.'),
    field('Reason (optional)', reason).row, problems,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), confirm));
  reason.focus();
}

function rotateDialog(keys: KeyApi, key: ApiKey, done: Refresh): void {
  let forget = () => {};
  let rotated = false;
  const dialog = openDialog(`Rotate the secret of "${key._source.name ?? key._id}"`, () => { forget(); if (rotated) done(); });
  const grace = h('select', {}, option('0', 'None: the old secret stops now', true), option('1h', '1 hour'), option('1d', '1 day'), option('7d', '7 days'), option('custom', 'Custom…'));
  const custom = h('input', { type: 'text', autocomplete: 'off', placeholder: 'e.g. 12h' });
  const customField = field('Custom grace period', custom, 'A duration such as 30m, 12h or 3d.');
  customField.row.hidden = true;
  grace.addEventListener('change', () => { customField.row.hidden = grace.value !== 'custom'; });
  const problems = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { novalidate: true },
    h('p', {}, 'A new secret replaces the current one. During the grace period both work, so clients can switch without downtime.'),
    field('Grace period for the current secret', grace).row, customField.row, problems,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary' }, 'Rotate secret')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problems.replaceChildren();
    let gracePeriod: number | string = grace.value === '0' ? 0 : grace.value;
    if (grace.value === 'custom') {
      const d = parseDuration(custom.value);
      customField.setError(d === null ? 'A duration such as 30m, 12h or 3d.' : null);
      if (d === null) return;
      gracePeriod = d;
    }
    dialog.setBusy(true);
    try {
      const result = await keys.rotate(key._id, gracePeriod);
      rotated = true;
      dialog.setBusy(false);
      const panel = secretPanel(result._source.token, 'update your clients with it.', () => dialog.close());
      forget = panel.forget;
      dialog.setTitle('New secret');
      form.replaceWith(panel.el);
      (panel.el.querySelector('input') as HTMLInputElement).focus();
    } catch (error) {
      dialog.setBusy(false);
      problems.appendChild(errorBox(error));
    }
  });
  dialog.body.appendChild(form);
  grace.focus();
}

function deleteDialog(keys: KeyApi, key: ApiKey, deleted: () => void): void {
  const expected = key._source.name || key._id;
  const dialog = openDialog(`Delete "${expected}"?`);
  const typed = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const confirm = h('button', { type: 'button', class: 'danger', disabled: true }, 'Delete key');
  typed.addEventListener('input', () => { confirm.disabled = typed.value !== expected; });
  const problems = h('div', { 'aria-live': 'assertive' });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await keys.delete(key._id);
      dialog.close();
      deleted();
    } catch (error) {
      confirm.disabled = false;
      problems.replaceChildren(errorBox(error));
    }
  });
  dialog.body.append(
    h('p', {}, 'The key, its child keys and its record are deleted: requests made with them are refused, and they disappear from the list. This cannot be undone.'),
    field(`Type "${expected}" to confirm`, typed).row, problems,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), confirm));
  typed.focus();
}

function actorOf(e: AuditEvent): string {
  if (typeof e.actor === 'string') return e.actor;
  return e.actor?.keyId ? `${e.actor.userId} (key ${e.actor.keyId})` : e.actor?.userId ?? '—';
}

async function fillAudit(keys: KeyApi, id: string, into: HTMLElement, now: number): Promise<void> {
  try {
    const result = await keys.audit(id);
    clear(into);
    if (result.hits.length === 0) { into.appendChild(h('p', { class: 'empty' }, 'No audit events.')); return; }
    into.appendChild(h('table', { class: 'audit' },
      h('thead', {}, h('tr', {}, ...['When', 'Action', 'By', 'Changes', 'From'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...result.hits.map(({ _source: e }) => h('tr', {},
        h('td', { 'data-label': 'When' }, h('time', { datetime: new Date(e.at).toISOString(), title: absoluteTime(e.at) }, relativeTime(e.at, now))),
        h('td', { 'data-label': 'Action' }, String(e.action), e.cause ? ` (${e.cause})` : ''),
        h('td', { 'data-label': 'By' }, actorOf(e)),
        h('td', { 'data-label': 'Changes' }, (e.changes ?? []).join(', ') || '—'),
        h('td', { 'data-label': 'From' }, e.ip ?? '—'))))));
    if (result.total > result.hits.length) into.appendChild(h('p', { class: 'muted' }, `The ${result.hits.length} latest of ${result.total} events.`));
  } catch (error) {
    clear(into);
    into.appendChild(errorBox(error));
  }
}

async function fillChildren(keys: KeyApi, id: string, into: HTMLElement, now: number): Promise<void> {
  try {
    const result = await keys.search({ body: { term: { parentKeyId: id } }, size: 100 });
    clear(into);
    if (result.total === 0) { into.appendChild(h('p', { class: 'empty' }, 'No child keys.')); return; }
    into.appendChild(h('ul', { class: 'children' }, ...result.hits.map((k) => h('li', {},
      h('a', { href: keyHref(keys, k._id) }, k._source.name || k._id), ' ', statusBadge(k, now)))));
    if (result.total > result.hits.length) into.appendChild(h('p', { class: 'muted' }, `${result.hits.length} of ${result.total} shown.`));
  } catch (error) {
    clear(into);
    into.appendChild(errorBox(error));
  }
}

export function keyDetail(session: Session, keys: KeyApi, id: string, now: () => number, back: () => void): HTMLElement {
  const section = h('section', { class: 'detail', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the key…'));
  const load = async () => {
    let key: ApiKey;
    try {
      key = await keys.get(id);
    } catch (error) {
      section.replaceChildren(h('p', {}, h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); back(); } }, '← All keys')), errorBox(error, () => void load()));
      section.setAttribute('aria-busy', 'false');
      return;
    }
    const t = now();
    const revoked = key._source.revoked;
    const children = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
    const audit = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
    section.replaceChildren(
      h('p', {}, h('a', { href: '#', onclick: (e: Event) => { e.preventDefault(); back(); } }, '← All keys')),
      h('div', { class: 'detail-head' }, h('h2', {}, key._source.name || '(unnamed key)'), statusBadge(key, t)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => editDialog(session, keys, key, now, () => void load()) }, 'Edit'),
        h('button', { type: 'button', class: 'secondary', disabled: revoked, onclick: () => rotateDialog(keys, key, () => void load()) }, 'Rotate secret'),
        h('button', { type: 'button', class: 'danger', disabled: revoked, onclick: () => revokeDialog(keys, key, () => void load()) }, 'Revoke'),
        h('button', { type: 'button', class: 'danger', onclick: () => deleteDialog(keys, key, back) }, 'Delete')),
      fieldsOf(keys, key, t),
      h('h3', {}, 'Child keys'), children,
      h('h3', {}, 'Audit events'), audit);
    section.setAttribute('aria-busy', 'false');
    void fillChildren(keys, id, children, t);
    void fillAudit(keys, id, audit, t);
  };
  void load();
  return section;
}
