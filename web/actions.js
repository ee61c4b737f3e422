// @ts-check
import { h } from './dom.js';
import { wireSubmit } from './forms.js';
import { t } from './i18n.js';

/*
 * One action a person may take on a page (triage, ask for a decision, record it, update,
 * resolve, withdraw, register an incident, call a meeting …): a disclosure with a small form.
 * Each submission carries its own Idempotency-Key (a double tap stores once; a retry after a
 * lost answer repeats the same submission); a refusal (403, 409) or field error is shown next
 * to the action in the person's language, as the API words it.
 */

/**
 * @typedef {import('./i18n.js').TextKey} TextKey
 * @typedef {{ value: string, text: string }} Option
 * @typedef {{
 *   name: string,
 *   label: TextKey,
 *   kind: 'text' | 'textarea' | 'select' | 'multi' | 'number' | 'datetime',
 *   required?: boolean,
 *   options?: () => Option[],
 *   value?: () => string,
 *   hint?: TextKey,
 *   max?: number,
 * }} Field
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {Record<string, string | string[]>} Values
 * @typedef {{
 *   key: string,
 *   title: TextKey,
 *   fields: Field[],
 *   send: TextKey,
 *   request: (v: Values) => { path: string, body: unknown },
 *   success: (json: any) => string,
 *   open?: boolean,
 *   extra?: HTMLElement,
 *   after?: () => void,
 * }} ActionSpec
 */

/**
 * @param {PageContext} ctx
 * @param {ActionSpec} spec
 * @returns {{ root: HTMLDetailsElement, form: HTMLFormElement, relabel: () => void, reset: () => void }}
 */
export function actionForm(ctx, spec) {
  /** @type {{ field: Field, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }[]} */
  const controls = [];
  const rows = spec.fields.map((f) => {
    const id = `${spec.key}-${f.name.replace(/\W/g, '-')}`;
    /** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */
    let control;
    if (f.kind === 'textarea') control = h('textarea', { id, rows: 3, maxlength: f.max ?? 2000 });
    else if (f.kind === 'select' || f.kind === 'multi')
      control = h('select', { id, multiple: f.kind === 'multi', size: f.kind === 'multi' ? 6 : null });
    else
      control = h('input', {
        id,
        type: f.kind === 'number' ? 'number' : f.kind === 'datetime' ? 'datetime-local' : 'text',
        maxlength: f.kind === 'text' ? (f.max ?? 200) : null,
        min: f.kind === 'number' ? 1 : null,
        inputmode: f.kind === 'number' ? 'numeric' : null,
      });
    control.setAttribute('data-field', f.name);
    control.setAttribute('name', f.name);
    if (f.required) control.setAttribute('aria-required', 'true');
    controls.push({ field: f, control });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id, 'data-i18n': f.label }, t(f.label)),
      f.hint ? h('p', { class: 'hint', id: `${id}-hint`, 'data-i18n': f.hint }, t(f.hint)) : null,
      control,
    );
  });
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'action-form', novalidate: true, 'data-action': spec.key },
    ...rows,
    spec.extra ?? null,
    h('button', { type: 'submit', class: 'send', 'data-i18n': spec.send }, t(spec.send)),
    status,
  );
  const root = h(
    'details',
    { class: 'action card', 'data-action': spec.key, open: spec.open ?? false },
    h('summary', { 'data-i18n': spec.title }, t(spec.title)),
    form,
  );

  const fillOptions = () => {
    for (const { field, control } of controls) {
      if (!(control instanceof HTMLSelectElement) || !field.options) continue;
      const chosen = new Set(Array.from(control.selectedOptions, (o) => o.value));
      control.replaceChildren(...field.options().map((o) => h('option', { value: o.value, selected: chosen.has(o.value) }, o.text)));
    }
  };
  const reset = () => {
    fillOptions();
    for (const { field, control } of controls) {
      if (control instanceof HTMLSelectElement && field.kind === 'multi') for (const o of control.options) o.selected = false;
      else if (field.value) control.value = field.value();
      else if (!(control instanceof HTMLSelectElement)) control.value = '';
    }
  };
  reset();

  /** @returns {Values} */
  const values = () =>
    Object.fromEntries(
      controls.map(({ field, control }) => [
        field.name,
        control instanceof HTMLSelectElement && control.multiple
          ? Array.from(control.selectedOptions, (o) => o.value)
          : control.value.trim(),
      ]),
    );

  wireSubmit(ctx, form, {
    validate: () =>
      controls
        .filter(({ field, control }) => field.required && !control.value.trim())
        .map(({ field }) => ({ field: field.name, message: t('required') })),
    request: () => spec.request(values()),
    success: spec.success,
    after: () => {
      reset();
      spec.after?.();
    },
  });
  return { root, form, relabel: fillOptions, reset };
}

/**
 * Drops empty strings and empty lists, so optional fields are left out of the request.
 * @param {Record<string, unknown>} o
 */
export function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/**
 * A `datetime-local` value in the go-live's zone as an ISO instant (the zone's offset at that moment).
 * @param {string} local `2026-11-27T14:00`
 * @param {string} timeZone
 */
export function localToInstant(local, timeZone) {
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc)) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(asUtc));
  const get = (/** @type {string} */ type) => Number(parts.find((p) => p.type === type)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return new Date(asUtc - (shown - asUtc)).toISOString();
}
