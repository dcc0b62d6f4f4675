/**
 * The scope builder. The textarea (one scope per line) is the source of truth, validated as you type with the
 * plugin's own parser (lib/core/scopes.ts, bundled). Pickers above it append a line: controller and action from
 * server:publicApi, index and collection from index:list / collection:list. A listing the caller may not run
 * (or that fails) turns its picker into a text field, and says why.
 */
import type { Kuzzle } from 'kuzzle-sdk';
import { parseScope } from '../../lib/core/scopes';
import { h, field, option, nextId } from './dom';
import { errorText, isForbidden } from './errors';

export interface ScopeValue { scopes: string[] | null; error: string | null }

let publicApi: Promise<Record<string, Record<string, unknown>>> | null = null;

function loadPublicApi(sdk: Kuzzle) {
  if (!publicApi) {
    publicApi = sdk.query({ controller: 'server', action: 'publicApi' })
      .then((r) => r.result as Record<string, Record<string, unknown>>);
    publicApi.catch(() => { publicApi = null; });
  }
  return publicApi;
}

/** A <select> filled by `load`, or a text input when `load` fails; `onChange` fires on both. */
function picker(label: string, load: () => Promise<string[]>, onChange: () => void, optional: boolean) {
  const slot = h('div', { class: 'picker' });
  let control: HTMLSelectElement | HTMLInputElement = h('select', { disabled: true }, option('', 'Loading…'));
  const f = field(label, control);
  slot.appendChild(f.row);
  const swap = (next: HTMLSelectElement | HTMLInputElement) => {
    next.id = control.id;
    next.setAttribute('aria-describedby', control.getAttribute('aria-describedby') ?? '');
    control.replaceWith(next);
    control = next;
    next.addEventListener('change', onChange);
  };
  const refresh = async () => {
    f.setError(null);
    try {
      const values = await load();
      const select = h('select', {},
        optional ? option('', '(none)') : null,
        option('*', '* (any)'),
        ...values.map((v) => option(v, v)));
      swap(select);
    } catch (error) {
      swap(h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: optional ? '(none)' : '' }));
      f.error.textContent = isForbidden(error)
        ? `You may not list these (${errorText(error)}): type the name.`
        : `Could not list these: ${errorText(error)}. Type the name.`;
    }
    onChange();
  };
  return { el: slot, refresh, value: () => control.value.trim() };
}

export function scopeEditor(sdk: Kuzzle, initial: string[] | null) {
  const unrestrictedId = nextId('scope-mode');
  const unrestricted = h('input', { type: 'radio', name: unrestrictedId, id: unrestrictedId, value: 'all' });
  const restrictedId = nextId('scope-mode');
  const restricted = h('input', { type: 'radio', name: unrestrictedId, id: restrictedId, value: 'scoped' });
  unrestricted.checked = initial === null;
  restricted.checked = initial !== null;

  const text = h('textarea', { rows: 4, spellcheck: 'false', autocomplete: 'off', class: 'mono', placeholder: 'document:search@shop/orders' });
  text.value = (initial ?? []).join('\n');
  const textField = field('Scopes, one per line', text, 'controller:action[@index[/collection]]; * stands for a whole segment.');

  // no complaint before the user typed or submitted: an empty new form is not an error yet
  let touched = initial !== null && initial.length > 0;
  const validate = (): ScopeValue => {
    if (unrestricted.checked) { textField.setError(null); return { scopes: null, error: null }; }
    const lines = text.value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const errors: string[] = [];
    for (const line of lines) {
      try { parseScope(line); } catch (e) { errors.push((e as Error).message); }
    }
    let error = errors.length > 0 ? errors.join(' ') : null;
    if (!error && lines.length === 0) error = 'Add at least one scope, or choose "All of the user\'s rights".';
    textField.setError(touched ? error : null);
    return { scopes: lines, error };
  };
  text.addEventListener('input', () => { touched = true; validate(); });

  let controllers: Record<string, Record<string, unknown>> = {};
  const collectionPicker = picker('Collection', async () => {
    const index = indexPicker.value();
    if (!index || index === '*') return [];
    const res = await sdk.collection.list(index, { size: 1000 } as any);
    return (res.collections as Array<{ name: string }>).map((c) => c.name).sort();
  }, () => undefined, true);
  const indexPicker = picker('Index', async () => (await sdk.index.list()).slice().sort(), () => { void collectionPicker.refresh(); }, true);
  const actionPicker = picker('Action', async () => {
    const c = controllerPicker.value();
    return c && c !== '*' ? Object.keys(controllers[c] ?? {}).sort() : [];
  }, () => undefined, false);
  const controllerPicker = picker('Controller', async () => {
    controllers = await loadPublicApi(sdk);
    return Object.keys(controllers).sort();
  }, () => { void actionPicker.refresh(); }, false);

  const addStatus = h('p', { class: 'field-error', 'aria-live': 'polite' });
  const add = h('button', {
    type: 'button', class: 'secondary',
    onclick: () => {
      const c = controllerPicker.value();
      const a = actionPicker.value();
      const i = indexPicker.value();
      const col = collectionPicker.value();
      let scope = `${c}:${a}`;
      if (i) scope += `@${i}${col ? `/${col}` : ''}`;
      try {
        parseScope(scope);
      } catch (e) {
        addStatus.textContent = (e as Error).message;
        return;
      }
      addStatus.textContent = '';
      touched = true;
      restricted.checked = true;
      sync();
      text.value = `${text.value.trim()}\n${scope}`.trim();
      validate();
    },
  }, 'Add scope');

  const builder = h('div', { class: 'scope-builder' },
    h('div', { class: 'pickers' }, controllerPicker.el, actionPicker.el, indexPicker.el, collectionPicker.el),
    h('div', { class: 'actions' }, add), addStatus, textField.row);
  let loaded = false;
  const sync = () => {
    builder.hidden = unrestricted.checked;
    if (!builder.hidden && !loaded) {
      loaded = true;
      void controllerPicker.refresh();
      void indexPicker.refresh();
    }
    validate();
  };
  unrestricted.addEventListener('change', sync);
  restricted.addEventListener('change', sync);

  const el = h('fieldset', { class: 'scopes' },
    h('legend', {}, 'Access'),
    h('div', { class: 'radio' }, restricted, h('label', { for: restrictedId }, 'Only these scopes')),
    h('div', { class: 'radio' }, unrestricted, h('label', { for: unrestrictedId }, 'All of the user\'s rights (unrestricted)')),
    builder);
  sync();
  return { el, value: () => { touched = true; return validate(); }, textarea: text };
}

export function scopeChips(scopes: string[] | null, max = 3): HTMLElement {
  const ul = h('ul', { class: 'chips' });
  if (scopes === null) {
    ul.appendChild(h('li', { class: 'chip all' }, 'all rights'));
    return ul;
  }
  if (scopes.length === 0) ul.appendChild(h('li', { class: 'chip' }, 'none'));
  for (const s of scopes.slice(0, max)) ul.appendChild(h('li', { class: 'chip mono' }, s));
  if (scopes.length > max) ul.appendChild(h('li', { class: 'chip' }, `+${scopes.length - max} more`));
  return ul;
}

