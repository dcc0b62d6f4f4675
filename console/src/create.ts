/**
 * The create dialog: name, description, scopes, expiry, claims, policies. On success the dialog shows the secret
 * once; closing it (button, Escape or ×) forgets the secret.
 */
import { h, field } from './dom';
import { openDialog } from './dialog';
import { errorBox } from './errors';
import { scopeEditor } from './scopeEditor';
import { claimsEditor, expiryPicker, policiesEditor } from './editors';
import { secretPanel } from './secret';
import type { KeyApi } from './keyApi';
import type { Session } from './session';

export function openCreateDialog(session: Session, keys: KeyApi, now: () => number, onCreated: () => void): void {
  let created = false;
  let forget = () => {};
  const dialog = openDialog(keys.own ? 'Create an API key' : `Create an API key for ${keys.userId}`, () => {
    forget();
    if (created) onCreated();
  });

  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: 256 });
  const nameField = field('Name', name, 'What the key is for, e.g. "CI deploys".');
  const description = h('textarea', { rows: 2 });
  const descriptionField = field('Description (optional)', description);
  const scopes = scopeEditor(session.sdk, []);
  const expiry = expiryPicker(now, '30d');
  const claims = claimsEditor(null);
  const policies = policiesEditor({});
  const problems = h('div', { class: 'form-problems', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create key');

  const form = h('form', { class: 'key-form', novalidate: true },
    nameField.row, descriptionField.row, scopes.el, expiry.el, claims.el, policies.el, problems,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
      submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problems.replaceChildren();
    const n = name.value.trim();
    const d = description.value.trim();
    nameField.setError(n === '' && d === '' ? 'Give the key a name (or at least a description).' : null);
    const s = scopes.value();
    const e = expiry.value();
    const c = claims.value();
    const p = policies.value();
    const errors = [n === '' && d === '' ? 'A name or a description is required.' : null, s.error, e.error, c.error, p.error].filter(Boolean);
    if (errors.length > 0) {
      problems.appendChild(h('p', { class: 'field-error', role: 'alert' }, `Please fix: ${errors.join(' ')}`));
      (form.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
      return;
    }
    dialog.setBusy(true);
    submit.textContent = 'Creating…';
    try {
      const key = await keys.create({
        name: n || undefined,
        description: d || undefined,
        scopes: s.scopes,
        claims: c.value ?? undefined,
        expiresIn: e.expiresIn,
        ratelimits: p.ratelimits ?? undefined,
        credits: p.credits ?? undefined,
        allowedIps: p.allowedIps ?? undefined,
      });
      created = true;
      dialog.setBusy(false);
      const panel = secretPanel(key._source.token, `save it where the client will read it (a secret store, an environment variable).`, () => dialog.close());
      forget = panel.forget;
      dialog.setTitle(`Key "${key._source.name ?? key._id}" created`);
      form.replaceWith(panel.el);
      (panel.el.querySelector('input') as HTMLInputElement).focus();
    } catch (error) {
      problems.appendChild(errorBox(error));
      dialog.setBusy(false);
      submit.textContent = 'Create key';
    }
  });
  dialog.body.appendChild(form);
  name.focus();
}
