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
  };
}
