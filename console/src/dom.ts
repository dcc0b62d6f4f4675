/**
 * A tiny DOM builder. Text always goes through textContent (never innerHTML): key names, descriptions and
 * error messages come from users, and the CSP forbids inline script anyway.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'value' && 'value' in el) {
      (el as unknown as HTMLInputElement).value = String(value);
    } else if (name === 'checked' || name === 'disabled' || name === 'selected') {
      (el as any)[name] = Boolean(value);
      if (value) el.setAttribute(name, '');
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

let uid = 0;
/** A unique element id (labels point to their inputs with `for`). */
export function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field: `<label for>` + control + hint + an error line the control is described by. */
export function field(label: string, control: HTMLElement, hint?: string): { row: HTMLElement; error: HTMLElement; setError(msg: string | null): void } {
  const id = control.id || nextId('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', [hintEl ? hintEl.id : '', error.id].filter(Boolean).join(' '));
  const row = h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl, error);
  return {
    row,
    error,
    setError(msg) {
      error.textContent = msg ?? '';
      if (msg) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

export function option(value: string, label: string, selected = false): HTMLOptionElement {
  const o = h('option', { value }, label);
  o.selected = selected;
  return o;
}
