/**
 * Form parts shared by the create and edit dialogs: expiry, claims, and the policies (rate limits, credits,
 * allowed IPs). Each validates as you type and returns the value to send, or an error.
 */
import type { Credits, RateLimit } from '../../client';
import { h, field, option, nextId } from './dom';
import { parseClaims, parseDuration, validIpRange, formatDuration } from './format';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
export const EXPIRY_PRESETS: Array<[string, string, number | null]> = [
  ['1h', '1 hour', HOUR],
  ['1d', '1 day', DAY],
  ['30d', '30 days', 30 * DAY],
  ['90d', '90 days', 90 * DAY],
  ['never', 'Never', null],
  ['custom', 'Custom date…', null],
];

/**
 * Expiry presets. `keepOption`: the edit dialog's "keep the current expiry" (the server only accepts a shorter one).
 * The value is expiresIn in ms (-1 never), or undefined to leave it unchanged.
 */
export function expiryPicker(now: () => number, initial: string, keepOption = false) {
  const select = h('select', {},
    keepOption ? option('keep', 'Keep the current expiry', true) : null,
    ...EXPIRY_PRESETS.filter(([v]) => !(keepOption && v === 'never')).map(([v, label]) => option(v, label, v === initial && !keepOption)));
  const date = h('input', { type: 'datetime-local' });
  const presetField = field(keepOption ? 'Shorten expiry to' : 'Expires in', select);
  const dateField = field('Expiry date and time', date);
  dateField.row.hidden = true;
  const value = (): { expiresIn: number | undefined; error: string | null } => {
    dateField.row.hidden = select.value !== 'custom';
    dateField.setError(null);
    if (select.value === 'keep') return { expiresIn: undefined, error: null };
    if (select.value === 'never') return { expiresIn: -1, error: null };
    if (select.value === 'custom') {
      const at = date.value ? new Date(date.value).getTime() : NaN;
      const error = Number.isNaN(at) ? 'Pick a date and time.' : at <= now() + 60e3 ? 'Pick a time at least a minute from now.' : null;
      dateField.setError(error);
      return { expiresIn: error ? undefined : at - now(), error };
    }
    const preset = EXPIRY_PRESETS.find(([v]) => v === select.value);
    return { expiresIn: preset?.[2] ?? undefined, error: null };
  };
  select.addEventListener('change', value);
  date.addEventListener('input', value);
  return { el: h('div', { class: 'expiry' }, presetField.row, dateField.row), value };
}

export function claimsEditor(initial: Record<string, unknown> | null) {
  const text = h('textarea', { rows: 3, class: 'mono', spellcheck: 'false', placeholder: '{"plan": "pro"}' });
  text.value = initial ? JSON.stringify(initial, null, 2) : '';
  const f = field('Claims (JSON object, optional)', text, 'Free data attached to the key, returned by verifyApiKey.');
  const value = () => {
    const parsed = parseClaims(text.value);
    f.setError(parsed.error);
    return parsed;
  };
  text.addEventListener('input', value);
  return { el: f.row, value };
}

export interface PoliciesValue {
  ratelimits: RateLimit[] | null;
  credits: Credits | null;
  allowedIps: string[] | null;
  error: string | null;
}

function positiveInt(text: string): number | null {
  return /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null;
}

/** Rate limits (limit per window), credits (remaining, optional refill) and allowed IPs (one per line). */
export function policiesEditor(initial: { ratelimits?: RateLimit[] | null; credits?: Credits | null; allowedIps?: string[] | null }) {
  const rows = h('div', { class: 'ratelimits' });
  const rowInputs: Array<{ limit: HTMLInputElement; window: HTMLInputElement; setError(m: string | null): void; row: HTMLElement }> = [];
  const addRow = (limit = '', window = '1m') => {
    const l = h('input', { type: 'text', inputmode: 'numeric', value: limit, autocomplete: 'off' });
    const w = h('input', { type: 'text', value: window, autocomplete: 'off', spellcheck: 'false' });
    const lf = field('Requests', l);
    const wf = field('per window', w, 'e.g. 1s, 1m, 1h, 1d');
    const entry = {
      limit: l, window: w, row: h('div', { class: 'ratelimit-row' }), setError: (m: string | null) => { lf.setError(m); },
    };
    const remove = h('button', {
      type: 'button', class: 'secondary small', 'aria-label': 'Remove this rate limit',
      onclick: () => { entry.row.remove(); rowInputs.splice(rowInputs.indexOf(entry), 1); value(); },
    }, 'Remove');
    entry.row.append(lf.row, wf.row, remove);
    l.addEventListener('input', value);
    w.addEventListener('input', () => { wf.setError(parseDuration(w.value) === null ? 'A duration such as 1m or 1h.' : null); value(); });
    rowInputs.push(entry);
    rows.appendChild(entry.row);
  };
  for (const r of initial.ratelimits ?? []) addRow(String(r.limit), formatDuration(r.window));

  const remaining = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', value: initial.credits ? String(initial.credits.remaining) : '' });
  const remainingField = field('Credits (empty = unlimited)', remaining, 'One credit per accepted request.');
  const refillAmount = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', value: initial.credits?.refill ? String(initial.credits.refill.amount) : '' });
  const refillAmountField = field('Refill to (optional)', refillAmount);
  const refillInterval = h('select', {}, option('daily', 'daily'), option('monthly', 'monthly'));
  if (initial.credits?.refill && typeof initial.credits.refill.interval === 'string') refillInterval.value = initial.credits.refill.interval;
  const refillIntervalField = field('Refill', refillInterval);

  const ips = h('textarea', { rows: 2, class: 'mono', spellcheck: 'false', placeholder: '203.0.113.0/24' });
  ips.value = (initial.allowedIps ?? []).join('\n');
  const ipsField = field('Allowed IPs (one address or CIDR range per line; empty = any)', ips);

  const value = (): PoliciesValue => {
    const errors: string[] = [];
    const ratelimits: RateLimit[] = [];
    for (const r of rowInputs) {
      const limit = positiveInt(r.limit.value);
      const window = parseDuration(r.window.value);
      const err = limit === null ? 'A whole number above 0.' : null;
      r.setError(err);
      if (err || window === null) { errors.push('Check the rate limits.'); continue; }
      ratelimits.push({ limit, window: r.window.value.trim() } as RateLimit);
    }
    let credits: Credits | null = null;
    remainingField.setError(null);
    refillAmountField.setError(null);
    if (remaining.value.trim() !== '') {
      const n = /^\d+$/.test(remaining.value.trim()) ? Number(remaining.value) : null;
      if (n === null) { remainingField.setError('A whole number (0 or more).'); errors.push('Check the credits.'); }
      const amount = refillAmount.value.trim() === '' ? null : positiveInt(refillAmount.value);
      if (refillAmount.value.trim() !== '' && amount === null) { refillAmountField.setError('A whole number above 0.'); errors.push('Check the refill.'); }
      if (n !== null) credits = { remaining: n, refill: amount === null ? null : { amount, interval: refillInterval.value as 'daily' | 'monthly' } };
    }
    const ipLines = ips.value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const badIps = ipLines.filter((l) => !validIpRange(l));
    ipsField.setError(badIps.length > 0 ? `Not an IP address or CIDR range: ${badIps.join(', ')}` : null);
    if (badIps.length > 0) errors.push('Check the allowed IPs.');
    return {
      ratelimits: ratelimits.length > 0 ? ratelimits : null,
      credits,
      allowedIps: ipLines.length > 0 ? ipLines : null,
      error: errors.length > 0 ? errors.join(' ') : null,
    };
  };
  remaining.addEventListener('input', value);
  refillAmount.addEventListener('input', value);
  ips.addEventListener('input', value);

  const legendId = nextId('policies');
  const el = h('fieldset', { class: 'policies', 'aria-labelledby': legendId },
    h('legend', { id: legendId }, 'Policies'),
    h('h3', {}, 'Rate limits'),
    rows,
    h('button', { type: 'button', class: 'secondary', onclick: () => { addRow(); rowInputs[rowInputs.length - 1].limit.focus(); } }, 'Add rate limit'),
    h('h3', {}, 'Credits'),
    h('div', { class: 'row' }, remainingField.row, refillAmountField.row, refillIntervalField.row),
    h('h3', {}, 'Network'),
    ipsField.row);
  return { el, value };
}
