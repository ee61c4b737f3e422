// @ts-check
import { h } from './dom.js';
import { duration, when } from './format.js';
import { lang, t } from './i18n.js';
import { pageHref } from './links.js';
import { LOG_LEVEL_FORUM, DECISION_LEVEL_LABELS } from './rules.js';

/*
 * The decision log (R8.5) as a page: who decided what, when, at which level and why, and the
 * time against the deadline; filters by level, forum, late and date, a search, and the
 * existing CSV/XLSX exports as buttons.
 */

/**
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {import('./pages.js').PageModule} PageModule
 * @typedef {keyof typeof DECISION_LEVEL_LABELS} Level
 * @typedef {{
 *   id: string,
 *   challengeId: string,
 *   challengeTitle: string,
 *   level: Level,
 *   question: string,
 *   decision: string,
 *   rationale: string,
 *   decidedBy: string,
 *   decidedAt: string,
 *   requestedAt: string,
 *   deadline: string,
 *   minutesAgainstDeadline: number,
 *   late: boolean,
 * }} DecisionRecord
 */

const enc = encodeURIComponent;

/**
 * @type {{
 *   items: DecisionRecord[],
 *   body: HTMLElement | null,
 *   count: HTMLElement | null,
 *   f: { q: HTMLInputElement, level: HTMLSelectElement, forum: HTMLSelectElement, late: HTMLSelectElement, from: HTMLInputElement, to: HTMLInputElement } | null,
 *   exports: HTMLElement | null,
 * }}
 */
const state = { items: [], body: null, count: null, f: null, exports: null };

/** @param {string} iso @param {string} timeZone */
const localDate = (iso, timeZone) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

/** @param {PageContext} ctx */
function render(ctx) {
  const { body, count, f } = state;
  if (!body || !count || !f) return;
  const q = f.q.value.trim().toLowerCase();
  const shown = state.items
    .filter((d) => !f.level.value || d.level === f.level.value)
    .filter((d) => !f.forum.value || LOG_LEVEL_FORUM[d.level] === f.forum.value)
    .filter((d) => !f.late.value || (f.late.value === 'late') === d.late)
    .filter((d) => !f.from.value || localDate(d.decidedAt, ctx.timeZone) >= f.from.value)
    .filter((d) => !f.to.value || localDate(d.decidedAt, ctx.timeZone) <= f.to.value)
    .filter((d) => !q || [d.challengeTitle, d.question, d.decision, d.rationale, d.decidedBy].join(' ').toLowerCase().includes(q))
    .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));
  count.textContent = t('shownOf', { n: shown.length, total: state.items.length });
  const now = ctx.now();
  body.replaceChildren(
    ...shown.map((d) =>
      h(
        'tr',
        { 'data-decision': d.id, class: d.late ? 'late' : '' },
        h('td', { 'data-label': t('colWhen') }, h('time', { datetime: d.decidedAt }, when(d.decidedAt, ctx.timeZone, now))),
        h(
          'td',
          { 'data-label': t('colChallenge') },
          h('a', { href: pageHref('challenge', ctx.goLiveId, d.challengeId) }, d.challengeTitle),
          h('br'),
          h('span', { class: 'row-meta' }, d.question),
        ),
        h(
          'td',
          { 'data-label': t('colLevel') },
          `${DECISION_LEVEL_LABELS[d.level]?.[lang()] ?? d.level} (${LOG_LEVEL_FORUM[d.level] ?? ''})`,
        ),
        h('td', { 'data-label': t('colDecision') }, h('strong', {}, d.decision), h('br'), `${t('why')}: ${d.rationale}`),
        h('td', { 'data-label': t('colBy') }, d.decidedBy),
        h(
          'td',
          { 'data-label': t('colDeadline') },
          d.late
            ? h('span', { class: 'flag' }, `⚠ ${t('lateBy', { d: duration(d.minutesAgainstDeadline * 60_000) })}`)
            : h('span', { class: 'flag calm' }, `${t('inTime')} (${t('earlyBy', { d: duration(-d.minutesAgainstDeadline * 60_000) })})`),
        ),
      ),
    ),
  );
}

/** @param {PageContext} ctx */
function renderExports(ctx) {
  if (!state.exports) return;
  const base = `${ctx.api.base}golives/${enc(ctx.goLiveId)}/decisions`;
  state.exports.replaceChildren(
    h(
      'a',
      { class: 'button secondary', href: `${base}?format=csv&lang=${lang()}`, download: '', 'data-testid': 'export-csv' },
      t('exportCsv'),
    ),
    ' ',
    h(
      'a',
      { class: 'button secondary', href: `${base}?format=xlsx&lang=${lang()}`, download: '', 'data-testid': 'export-xlsx' },
      t('exportXlsx'),
    ),
  );
}

/** @param {string} id @param {import('./i18n.js').TextKey} label @param {HTMLElement} control */
const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id, 'data-i18n': label }, t(label)), control);

/** @type {PageModule} */
export const decisionsPage = {
  mount(ctx) {
    const f = {
      q: h('input', { id: 'd-q', type: 'search' }),
      level: h('select', { id: 'd-level' }),
      forum: h('select', { id: 'd-forum' }),
      late: h('select', { id: 'd-late' }),
      from: h('input', { id: 'd-from', type: 'date' }),
      to: h('input', { id: 'd-to', type: 'date' }),
    };
    state.f = f;
    state.body = h('tbody', { id: 'decision-rows' });
    state.count = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    state.exports = h('p', { class: 'exports' });
    for (const el of Object.values(f)) el.addEventListener('input', () => render(ctx));
    const heads = /** @type {const} */ (['colWhen', 'colChallenge', 'colLevel', 'colDecision', 'colBy', 'colDeadline']);
    ctx.root.replaceChildren(
      h('h1', { 'data-i18n': 'decisionsTitle' }, t('decisionsTitle')),
      state.exports,
      h(
        'form',
        { class: 'filters card', role: 'search' },
        field('d-q', 'search', f.q),
        field('d-level', 'filterLevel', f.level),
        field('d-forum', 'filterForum', f.forum),
        field('d-late', 'filterLate', f.late),
        field('d-from', 'filterFrom', f.from),
        field('d-to', 'filterTo', f.to),
      ),
      state.count,
      h(
        'table',
        { class: 'log' },
        h('thead', {}, h('tr', {}, ...heads.map((k) => h('th', { scope: 'col', 'data-i18n': k }, t(k))))),
        state.body,
      ),
    );
    f.q.closest('form')?.addEventListener('submit', (e) => e.preventDefault());
  },
  relabel(ctx) {
    const f = state.f;
    if (!f) return;
    /** @param {HTMLSelectElement} sel @param {[string, string][]} opts */
    const fill = (sel, opts) => {
      const v = sel.value;
      sel.replaceChildren(...opts.map(([value, text]) => h('option', { value }, text)));
      if (opts.some(([value]) => value === v)) sel.value = v;
    };
    fill(f.level, [
      ['', t('all')],
      ...Object.entries(DECISION_LEVEL_LABELS).map(([k, v]) => /** @type {[string, string]} */ ([k, v[lang()]])),
    ]);
    fill(f.forum, [['', t('all')], ...[...new Set(Object.values(LOG_LEVEL_FORUM))].map((x) => /** @type {[string, string]} */ ([x, x]))]);
    fill(f.late, [
      ['', t('all')],
      ['late', t('lateOnly')],
      ['inTime', t('inTimeOnly')],
    ]);
    renderExports(ctx);
    render(ctx);
  },
  async load(ctx) {
    const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/decisions`);
    if (r.ok) state.items = r.json.items;
    render(ctx);
    return r.status;
  },
};
