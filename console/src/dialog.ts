/**
 * Modal dialogs on the native <dialog> element: focus moves into the dialog and is trapped there, Escape
 * closes it, and focus returns to what opened it. A closed dialog is removed from the page, with what it held.
 */
import { h, nextId } from './dom';

export interface Dialog {
  el: HTMLDialogElement;
  body: HTMLElement;
  close(): void;
  setTitle(text: string): void;
  /** While a request runs, the dialog cannot be closed: its answer (a once-shown secret) must land in it. */
  setBusy(busy: boolean): void;
}

export function openDialog(title: string, onClose?: () => void): Dialog {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = nextId('dialog-title');
  const heading = h('h2', { id: titleId }, title);
  const body = h('div', { class: 'dialog-body' });
  const el = h('dialog', { 'aria-labelledby': titleId, class: 'dialog' },
    h('div', { class: 'dialog-head' }, heading,
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close dialog', onclick: () => el.close() }, '×')),
    body);
  let closed = false;
  let busy = false;
  /** the buttons setBusy disabled (and gives back) */
  let held: HTMLButtonElement[] = [];
  const closeButton = el.querySelector('.dialog-head button') as HTMLButtonElement;
  // Escape
  el.addEventListener('cancel', (event) => { if (busy) event.preventDefault(); });
  el.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    el.remove();
    onClose?.();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.appendChild(el);
  el.showModal();
  return {
    el,
    body,
    close: () => { if (el.open) el.close(); else el.dispatchEvent(new Event('close')); },
    setTitle: (text) => { heading.textContent = text; },
    setBusy: (value) => {
      if (value === busy) return;
      busy = value;
      closeButton.disabled = value;
      if (value) {
        held = [...body.querySelectorAll<HTMLButtonElement>('button')].filter((b) => !b.disabled);
        for (const b of held) b.disabled = true;
      } else {
        for (const b of held) b.disabled = false;
        held = [];
      }
    },
  };
}
