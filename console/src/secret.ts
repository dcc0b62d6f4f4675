/**
 * The once-shown secret. It lives in this panel's input and closure only: never in the URL, storage or the
 * console. `forget()` empties the input; the dialog holding the panel is removed from the page when it closes.
 */
import { h, nextId } from './dom';

export function secretPanel(secret: string, what: string, onDone: () => void): { el: HTMLElement; forget(): void } {
  const id = nextId('secret');
  const input = h('input', {
    id, type: 'text', readonly: true, class: 'secret', autocomplete: 'off', spellcheck: 'false',
    'data-secret': '', 'aria-describedby': `${id}-warning`,
  });
  input.value = secret;
  const status = h('p', { class: 'copy-status', role: 'status' });
  const copy = h('button', {
    type: 'button',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = 'Copied to the clipboard.';
      } catch {
        // no clipboard permission (e.g. plain http on another host): select it for Ctrl+C instead
        input.focus();
        input.select();
        status.textContent = 'Select-all done: press Ctrl+C (or ⌘C) to copy.';
      }
    },
  }, 'Copy secret');
  const el = h('div', { class: 'secret-panel' },
    h('p', { class: 'warning', id: `${id}-warning` },
      h('strong', {}, 'Copy this secret now. '),
      `It is shown only once: ${what} Kuzzle keeps only its hash, and closing this dialog forgets it.`),
    h('label', { for: id }, 'Secret'),
    h('div', { class: 'secret-row' }, input, copy),
    status,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => onDone() }, 'I have stored it, close')));
  return {
    el,
    forget() {
      input.value = '';
      el.remove();
    },
  };
}
