// @ts-check
import { newIdempotencyKey } from './api.js';
import { badge, colourWord, SYMBOL } from './colours.js';
import { byId, h } from './dom.js';
import { clock } from './format.js';
import { lang, t, translate } from './i18n.js';
import { COLOURS, PROBLEM_SIZES, suggestAreaColour, UNIT_COLOUR_MEANING } from './rules.js';

/*
 * The reporting forms: a care unit's status in two taps and a sentence (R3.1), an area report
 * with its problems and the suggested colour shown live (R4), a challenge (R7). Each
 * submission carries an Idempotency-Key, so a double tap or a retry is stored once.
 * The rules themselves (R4.3 suggestion, R4.5 questions, override reason) are the server's:
 * the suggestion runs here from the server-generated rules.js, the rest comes back as field
 * errors from the API.
 */

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./colours.js').Colour} Colour
 * @typedef {{ field: string, message: string }} FieldError
 * @typedef {{ id: string, name: string }} Named
 * @typedef {{ id: string, name: string, timeZone: string, areas: Named[], forvaltningar: (Named & { units: Named[] })[] }} GoLive
 * @typedef {{ api: Api, goLiveId: string, goLive: GoLive, onSent: () => void }} FormContext
 */

const store = {
  /** @param {string} key */
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  /** @param {string} key @param {string} value */
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Private browsing: nothing is remembered, everything still works.
    }
  },
};

const REPORTER_KEY = 'driftpuls.reporterName';

/**
 * @template {HTMLElement} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
function q(root, selector, type) {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`${selector} missing`);
  return el;
}

/** @param {HTMLFormElement} form */
function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
}

/**
 * The control a field path names (`problems.0.situation` → its first input), or undefined.
 * @param {HTMLFormElement} form
 * @param {string} field
 * @returns {HTMLElement | undefined}
 */
function controlFor(form, field) {
  const exact = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (exact instanceof HTMLElement) return exact;
  const nested = form.querySelector(`[data-field^="${CSS.escape(`${field}.`)}"]`);
  return nested instanceof HTMLElement ? nested : undefined;
}

/** @param {HTMLFormElement} form @param {HTMLElement} control */
function labelOf(form, control) {
  if (control instanceof HTMLFieldSetElement) return control.querySelector('legend')?.textContent ?? '';
  return (control.id && form.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent) || '';
}

let errorSeq = 0;

/**
 * Marks each named field and lists them in the form's status line.
 * @param {HTMLFormElement} form
 * @param {FieldError[]} errors
 * @param {string} [detail]
 */
function showErrors(form, errors, detail) {
  const status = q(form, '.form-status', HTMLElement);
  const lines = [];
  let first;
  for (const e of errors) {
    const control = controlFor(form, e.field);
    if (!control) {
      lines.push(`${e.field}: ${e.message}`);
      continue;
    }
    const id = `err-${++errorSeq}`;
    const msg = h('p', { class: 'field-error', id }, e.message);
    if (control instanceof HTMLFieldSetElement) control.append(msg);
    else control.after(msg);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', id);
    lines.push(`${labelOf(form, control)}: ${e.message}`);
    first ??= control;
  }
  status.className = 'form-status error';
  status.replaceChildren(h('strong', {}, detail ?? t('fixFields')), h('ul', {}, ...lines.map((l) => h('li', {}, l))));
  const focusable = first instanceof HTMLFieldSetElement ? first.querySelector('input') : first;
  focusable?.focus();
}

/**
 * Wires one form's submission: one request at a time; one Idempotency-Key per submission,
 * kept when the same content is sent again after a failure, new once the content changes
 * or after a success.
 * @param {Pick<FormContext, 'api' | 'onSent'>} ctx
 * @param {HTMLFormElement} form
 * @param {{ validate: () => FieldError[], request: () => { path: string, body: unknown }, success: (json: any) => string, after?: () => void }} spec
 */
export function wireSubmit(ctx, form, spec) {
  /** @type {string | null} */
  let key = null;
  let busy = false;
  const button = q(form, 'button[type=submit]', HTMLButtonElement);
  const status = q(form, '.form-status', HTMLElement);
  const changed = () => {
    key = null;
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors(form);
    const local = spec.validate();
    if (local.length) return showErrors(form, local);
    const { path, body } = spec.request();
    key ??= newIdempotencyKey();
    busy = true;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.className = 'form-status';
    status.textContent = t('sending');
    const reply = await ctx.api.post(path, body, key);
    busy = false;
    button.disabled = false;
    form.removeAttribute('aria-busy');
    if (reply.ok) {
      key = null;
      status.className = 'form-status ok';
      status.textContent = spec.success(reply.json) + (reply.replayed ? ` ${t('alreadySent')}` : '');
      spec.after?.();
      ctx.onSent();
      return;
    }
    const problem = reply.json && typeof reply.json === 'object' ? reply.json : {};
    if (reply.status === 0 || reply.status >= 500) {
      // Keep the key: sending again repeats this submission, never a second report.
      status.className = 'form-status error';
      status.textContent = t('sendFailed');
      return;
    }
    if (Array.isArray(problem.errors) && problem.errors.length) return showErrors(form, problem.errors, problem.detail);
    status.className = 'form-status error';
    status.textContent =
      reply.status === 404 && problem.code === 'HTTP.NOT_FOUND' ? t('routeMissing') : (problem.detail ?? `HTTP ${reply.status}`);
  });
}

/**
 * Big tap targets for colours: a radio group whose labels carry symbol, word and meaning.
 * Rebuilt on language change, keeping the choice.
 * @param {HTMLElement} root
 * @param {string} name
 * @param {{ value: string, shade: Colour, text: string }[]} options
 */
function renderColourOptions(root, name, options) {
  const checked = root.querySelector('input:checked');
  const current = checked instanceof HTMLInputElement ? checked.value : null;
  root.replaceChildren(
    ...options.map((o) =>
      h(
        'label',
        { class: `colour-option c-${o.shade}`, 'data-value': o.value || 'suggested' },
        h('input', { type: 'radio', name, value: o.value, checked: current === o.value }),
        h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[o.shade]),
        h('span', { class: 'text' }, o.text),
      ),
    ),
  );
}

/** @param {HTMLElement} root @returns {string | null} */
function chosen(root) {
  const c = root.querySelector('input:checked');
  return c instanceof HTMLInputElement ? c.value : null;
}

/** @param {string} v */
const text = (v) => v.trim();

/**
 * @param {HTMLSelectElement} select
 * @param {string} placeholder
 * @param {(HTMLOptionElement | HTMLOptGroupElement)[]} options
 */
function fillSelect(select, placeholder, options) {
  const value = select.value;
  select.replaceChildren(h('option', { value: '' }, placeholder), ...options);
  select.value = value;
}

/** @param {HTMLSelectElement} select @param {string} storageKey */
function remember(select, storageKey) {
  const saved = store.get(storageKey);
  if (saved && [...select.options].some((o) => o.value === saved)) select.value = saved;
  select.addEventListener('change', () => store.set(storageKey, select.value));
}

/** @param {FormContext} ctx */
const areaOptions = (ctx) => ctx.goLive.areas.map((a) => h('option', { value: a.id }, a.name));

/** @param {HTMLInputElement} input */
function rememberName(input) {
  input.value = store.get(REPORTER_KEY) ?? '';
  return () => {
    if (text(input.value)) store.set(REPORTER_KEY, text(input.value));
  };
}

/** @param {string} name */
const reporterOf = (name) => (text(name) ? { reporter: { name: text(name) } } : {});

/**
 * A care unit's report (R3.1, R3.2): unit (remembered), colour, one sentence, send.
 * @param {FormContext} ctx
 */
export function setupUnitForm(ctx) {
  const form = byId('unit-form', HTMLFormElement);
  const select = byId('unit-select', HTMLSelectElement);
  const colours = byId('unit-colours');
  const explanation = byId('unit-explanation', HTMLTextAreaElement);
  const reporter = byId('unit-reporter', HTMLInputElement);
  const units = new Map(ctx.goLive.forvaltningar.flatMap((f) => f.units.map((u) => [u.id, u.name])));

  const relabel = () => {
    fillSelect(
      select,
      t('chooseUnit'),
      ctx.goLive.forvaltningar.map((f) => h('optgroup', { label: f.name }, ...f.units.map((u) => h('option', { value: u.id }, u.name)))),
    );
    renderColourOptions(
      colours,
      'colour',
      COLOURS.map((c) => ({ value: c, shade: c, text: UNIT_COLOUR_MEANING[c][lang()] })),
    );
  };
  relabel();
  remember(select, `driftpuls.${ctx.goLiveId}.unit`);
  const saveName = rememberName(reporter);

  wireSubmit(ctx, form, {
    validate: () => [
      ...(select.value ? [] : [{ field: 'unitId', message: t('required') }]),
      ...(chosen(colours) ? [] : [{ field: 'colour', message: t('chooseColour') }]),
      ...(text(explanation.value) ? [] : [{ field: 'explanation', message: t('required') }]),
    ],
    request: () => ({
      path: `golives/${encodeURIComponent(ctx.goLiveId)}/units/${encodeURIComponent(select.value)}/reports`,
      body: { colour: chosen(colours), explanation: text(explanation.value), ...reporterOf(reporter.value) },
    }),
    success: (r) =>
      t('sentUnit', {
        unit: units.get(r.unitId) ?? r.unitId,
        colour: colourWord(r.colour),
        time: clock(r.reportedAt, ctx.goLive.timeZone),
      }),
    after: () => {
      saveName();
      for (const input of colours.querySelectorAll('input')) input.checked = false;
      explanation.value = '';
    },
  });
  return { relabel };
}

let problemSeq = 0;

/**
 * A delivery area's report before DSL (R4): summary, problems with the three questions
 * (R4.5), the suggested colour shown live (R4.3), an override with its reason.
 * @param {FormContext} ctx
 */
export function setupAreaForm(ctx) {
  const form = byId('area-form', HTMLFormElement);
  const select = byId('area-select', HTMLSelectElement);
  const summary = byId('area-summary', HTMLTextAreaElement);
  const list = byId('problem-list', HTMLOListElement);
  const hint = byId('problems-hint');
  const suggestionBox = byId('area-suggestion');
  const colours = byId('area-colours');
  const overrideField = byId('override-field');
  const override = byId('area-override', HTMLTextAreaElement);
  const reporter = byId('area-reporter', HTMLInputElement);
  const template = byId('problem-template', HTMLTemplateElement);
  const areas = new Map(ctx.goLive.areas.map((a) => [a.id, a.name]));
  const forvaltningar = new Map(ctx.goLive.forvaltningar.map((f) => [f.id, f.name]));
  /**
   * The API's suggestion for the chosen area when it comes from the care units
   * ("Verksamhetens införande", R3.5), else null: the problems in the form decide (R4.3).
   * @type {{ areaId: string, colour: Colour, byForvaltning: { forvaltningId: string, green: number, yellow: number, red: number }[] } | null}
   */
  let fromUnits = null;
  let suggestionAsked = 0;

  /** @returns {HTMLLIElement[]} */
  const items = () => [...list.querySelectorAll(':scope > li.problem')].filter((li) => li instanceof HTMLLIElement);
  /** @param {Element} li @param {string} name */
  const valueOf = (li, name) => {
    const el = li.querySelector(`[data-name="${name}"]`);
    return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el.value : '';
  };
  const sizes = () => items().map((li) => ({ size: /** @type {(typeof PROBLEM_SIZES)[number]} */ (valueOf(li, 'size')) }));

  const problems = () =>
    items().map((li) => {
      const facts = text(valueOf(li, 'situation.facts'));
      const assumptions = text(valueOf(li, 'situation.assumptions'));
      const actions = text(valueOf(li, 'actions'));
      const obstacles = text(valueOf(li, 'obstacles'));
      return {
        title: text(valueOf(li, 'title')),
        size: valueOf(li, 'size'),
        ...(facts || assumptions ? { situation: { facts, ...(assumptions ? { assumptions } : {}) } } : {}),
        ...(actions ? { actions } : {}),
        ...(obstacles ? { obstacles } : {}),
      };
    });

  /** Numbers, ids, labels and field paths after an add or a remove. */
  const renumber = () =>
    items().forEach((li, i) => {
      const legend = li.querySelector('.problem-legend');
      if (legend) legend.textContent = t('problemN', { n: i + 1 });
      for (const control of li.querySelectorAll('[data-name]')) {
        const name = control.getAttribute('data-name') ?? '';
        control.setAttribute('data-field', `problems.${i}.${name}`);
      }
    });

  /** The suggestion (R4.3, the server's own rule from rules.js), and what follows from the colour chosen. */
  /** The suggestion now: the units' for införande (as the API computes it), else from the problems. */
  const suggested = () => (fromUnits && fromUnits.areaId === select.value ? fromUnits.colour : suggestAreaColour(sizes()));
  const update = () => {
    const s = sizes();
    const units = fromUnits && fromUnits.areaId === select.value ? fromUnits : null;
    const suggestion = suggested();
    const n = (/** @type {string} */ size) => s.filter((p) => p.size === size).length;
    const why = units
      ? t('suggestedFromUnits', {
          counts: units.byForvaltning
            .map((f) =>
              t('unitCounts', {
                forvaltning: forvaltningar.get(f.forvaltningId) ?? f.forvaltningId,
                red: f.red,
                yellow: f.yellow,
                green: f.green,
              }),
            )
            .join('; '),
        })
      : t('suggestedWhy', { veryLarge: n('veryLarge'), large: n('large'), small: n('small') });
    suggestionBox.replaceChildren(
      h('span', {}, t('suggested', { colour: '' }).trim(), ' '),
      badge(suggestion),
      h('span', { class: 'why' }, ` (${why})`),
    );
    suggestionBox.setAttribute('data-suggested', suggestion);
    suggestionBox.setAttribute('data-source', units ? 'units' : 'problems');
    // Changed in place, never rebuilt: a blur can run this between the mousedown and the
    // mouseup of a tap on a colour, and a replaced label would swallow that tap.
    const own = q(colours, 'label[data-value="suggested"]', HTMLLabelElement);
    own.className = `colour-option c-${suggestion}`;
    q(own, '.sym', HTMLElement).textContent = SYMBOL[suggestion];
    q(own, '.text', HTMLElement).textContent = t('useSuggestion', { colour: t(suggestion) });
    if (chosen(colours) === null) q(colours, 'input[value=""]', HTMLInputElement).checked = true;
    const pick = chosen(colours) || suggestion;
    const overriding = pick !== suggestion;
    overrideField.hidden = !overriding;
    override.required = overriding;
    const asked = pick !== 'green';
    for (const li of items())
      for (const name of ['situation.facts', 'actions', 'obstacles']) {
        const el = li.querySelector(`[data-name="${name}"]`);
        if (el instanceof HTMLTextAreaElement) el.required = asked;
      }
    hint.textContent = items().length === 0 ? t('problemsHintGreen') : asked ? t('problemsHintRequired') : '';
  };

  const addProblem = () => {
    const fragment = /** @type {DocumentFragment} */ (template.content.cloneNode(true));
    const li = fragment.querySelector('li');
    if (!li) return;
    const uid = ++problemSeq;
    for (const control of li.querySelectorAll('[data-name]')) {
      const name = control.getAttribute('data-name') ?? '';
      const id = `problem-${uid}-${name.replace('.', '-')}`;
      control.id = id;
      li.querySelector(`label[data-for="${name}"]`)?.setAttribute('for', id);
    }
    const size = q(li, 'select[data-name="size"]', HTMLSelectElement);
    size.replaceChildren(...PROBLEM_SIZES.map((s) => h('option', { value: s }, t(/** @type {any} */ (`size_${s}`)))));
    size.value = 'small';
    q(li, '.remove-problem', HTMLButtonElement).addEventListener('click', () => {
      li.remove();
      renumber();
      update();
      form.dispatchEvent(new Event('change'));
    });
    translate(li);
    list.append(li);
    renumber();
    update();
    q(li, 'input[data-name="title"]', HTMLInputElement).focus();
  };

  byId('add-problem', HTMLButtonElement).addEventListener('click', () => {
    addProblem();
    form.dispatchEvent(new Event('change'));
  });
  list.addEventListener('change', (e) => {
    if (e.target instanceof HTMLSelectElement) update();
  });
  colours.addEventListener('change', update);

  /** Asks the API what the chosen area's colour is suggested from (issue 14 item 13). */
  const loadSuggestion = async () => {
    const areaId = select.value;
    suggestionAsked = Date.now();
    if (!areaId) return;
    const r = await ctx.api.get(`golives/${encodeURIComponent(ctx.goLiveId)}/areas/${encodeURIComponent(areaId)}/suggestion`);
    if (select.value !== areaId) return;
    fromUnits = r.ok && r.json?.source === 'units' ? r.json : null;
    update();
  };
  select.addEventListener('change', () => {
    update();
    void loadSuggestion();
  });
  // The units report all day: the suggestion is asked again when the form is used after a while.
  form.addEventListener('focusin', () => {
    if (Date.now() - suggestionAsked > 30_000) void loadSuggestion();
  });

  const relabel = () => {
    fillSelect(select, t('chooseArea'), areaOptions(ctx));
    renderColourOptions(colours, 'colour', [
      { value: '', shade: 'green', text: '' },
      { value: 'green', shade: 'green', text: `${t('green')} – ${t('areaGreen')}` },
      { value: 'yellow', shade: 'yellow', text: `${t('yellow')} – ${t('areaYellow')}` },
      { value: 'red', shade: 'red', text: `${t('red')} – ${t('areaRed')}` },
    ]);
    for (const li of items()) {
      translate(li);
      const size = li.querySelector('select[data-name="size"]');
      if (size instanceof HTMLSelectElement) for (const o of size.options) o.textContent = t(/** @type {any} */ (`size_${o.value}`));
    }
    renumber();
    update();
  };
  relabel();
  remember(select, `driftpuls.${ctx.goLiveId}.area`);
  void loadSuggestion();
  const saveName = rememberName(reporter);

  wireSubmit(ctx, form, {
    validate: () => [
      ...(select.value ? [] : [{ field: 'areaId', message: t('required') }]),
      ...(text(summary.value) ? [] : [{ field: 'summary', message: t('required') }]),
      ...problems().flatMap((p, i) => (p.title ? [] : [{ field: `problems.${i}.title`, message: t('required') }])),
    ],
    request: () => {
      const pick = chosen(colours);
      const suggestion = suggested();
      return {
        path: `golives/${encodeURIComponent(ctx.goLiveId)}/areas/${encodeURIComponent(select.value)}/reports`,
        body: {
          summary: text(summary.value),
          problems: problems(),
          ...(pick ? { colour: pick } : {}),
          ...(pick && pick !== suggestion && text(override.value) ? { overrideReason: text(override.value) } : {}),
          ...reporterOf(reporter.value),
        },
      };
    },
    success: (r) =>
      t('sentArea', {
        area: areas.get(r.areaId) ?? r.areaId,
        colour: colourWord(r.colour),
        time: clock(r.reportedAt, ctx.goLive.timeZone),
      }),
    after: () => {
      saveName();
      summary.value = '';
      override.value = '';
      list.replaceChildren();
      for (const input of colours.querySelectorAll('input')) input.checked = false;
      update();
      void loadSuggestion();
    },
  });
  return { relabel };
}

/**
 * Raising a challenge (R7.1): a red or yellow problem the area cannot solve alone, what it
 * needs from others, and ideas on how and by whom.
 * @param {FormContext} ctx
 */
export function setupChallengeForm(ctx) {
  const form = byId('challenge-form', HTMLFormElement);
  const title = byId('challenge-title', HTMLInputElement);
  const colours = byId('challenge-colours');
  const select = byId('challenge-area', HTMLSelectElement);
  const need = byId('challenge-need', HTMLTextAreaElement);
  const ideas = byId('challenge-ideas', HTMLTextAreaElement);

  const relabel = () => {
    fillSelect(select, t('chooseArea'), areaOptions(ctx));
    renderColourOptions(colours, 'colour', [
      { value: 'red', shade: 'red', text: `${t('red')} – ${t('challengeRed')}` },
      { value: 'yellow', shade: 'yellow', text: `${t('yellow')} – ${t('challengeYellow')}` },
    ]);
  };
  relabel();
  remember(select, `driftpuls.${ctx.goLiveId}.area`);

  wireSubmit(ctx, form, {
    validate: () => [
      ...(text(title.value) ? [] : [{ field: 'title', message: t('required') }]),
      ...(chosen(colours) ? [] : [{ field: 'colour', message: t('chooseColour') }]),
      ...(select.value ? [] : [{ field: 'areaId', message: t('required') }]),
      ...(text(need.value) ? [] : [{ field: 'needFromOthers', message: t('required') }]),
      ...(text(ideas.value) ? [] : [{ field: 'ideas', message: t('required') }]),
    ],
    request: () => ({
      path: `golives/${encodeURIComponent(ctx.goLiveId)}/challenges`,
      body: {
        title: text(title.value),
        colour: chosen(colours),
        areaId: select.value,
        needFromOthers: text(need.value),
        ideas: text(ideas.value),
      },
    }),
    success: (r) =>
      t('sentChallenge', {
        title: r?.title ?? text(title.value),
        time: clock(r?.raisedAt ?? r?.createdAt ?? new Date().toISOString(), ctx.goLive.timeZone),
      }),
    after: () => {
      title.value = '';
      need.value = '';
      ideas.value = '';
      for (const input of colours.querySelectorAll('input')) input.checked = false;
    },
  });
  return { relabel };
}
