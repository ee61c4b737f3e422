// @ts-check
import { actionForm, localToInstant } from './actions.js';
import { newIdempotencyKey } from './api.js';
import { badge, isColour } from './colours.js';
import { h, put } from './dom.js';
import { between, clock, duration, when } from './format.js';
import { lang, t } from './i18n.js';
import { pageHref } from './links.js';
import { triageAction } from './page-challenges.js';
import { prioBadge } from './page-incidents.js';

/*
 * Meeting mode (R5, R6): the meeting's agenda, built by the API from the live state, redrawn
 * every 15 s without losing what the chair is typing (the inline forms are kept and moved
 * into the new agenda, focus and selection restored). Every item links to its challenge,
 * area, unit or incident; the chair triages challenges inline and ticks items discussed (kept
 * by the API for the meeting, so every screen shows the tick with who and when).
 * `?wall=1` (or the button) lays it out for a 1920×1080 wall screen read from 3 m, with open
 * P1/P2 incidents on top.
 */

/**
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {import('./pages.js').PageModule} PageModule
 * @typedef {{
 *   text: string,
 *   colour?: string,
 *   age?: 'earlier' | 'new',
 *   movedForward?: boolean,
 *   trend?: string,
 *   overdue?: boolean,
 *   ref?: { type: string, id: string },
 *   key?: string,
 *   discussed?: { by: string, at: string },
 * }} Item
 * @typedef {{ key: string, number?: number, title: string, prompts: string[], items: Item[] }} Section
 * @typedef {{
 *   meetingId: string,
 *   forum: string,
 *   title: string,
 *   start: string,
 *   end: string,
 *   sections: Section[],
 *   generatedAt: string,
 *   mayMarkDiscussed?: boolean,
 *   asSent?: { sentAt: string, note: string, live: string, liveText: string },
 * }} Agenda
 * @typedef {{ id: string, title: string, priority: number, openedAt: string, sdReference?: string }} Incident
 */

const enc = encodeURIComponent;

/**
 * @type {{
 *   agenda: Agenda | null,
 *   incidents: Incident[],
 *   view: HTMLElement | null,
 *   banner: HTMLElement | null,
 *   forms: Map<string, ReturnType<typeof actionForm>>,
 *   call: ReturnType<typeof actionForm> | null,
 *   markErrors: Map<string, string>,
 * }}
 */
const state = { agenda: null, incidents: [], view: null, banner: null, forms: new Map(), call: null, markErrors: new Map() };

/**
 * Ticks an item discussed, or clears it, for everyone (issue 16): the API keeps the mark with
 * who and when. One Idempotency-Key per change, so a retry after a lost answer stores once.
 * @param {PageContext} ctx @param {string} meetingId @param {string} itemKey @param {HTMLInputElement} box
 */
async function sendDiscussed(ctx, meetingId, itemKey, box) {
  const on = box.checked;
  box.disabled = true;
  box.closest('li')?.classList.toggle('discussed', on);
  const r = await ctx.api.post(
    `golives/${enc(ctx.goLiveId)}/meetings/${enc(meetingId)}/agenda/discussed`,
    { itemKey, discussed: on },
    newIdempotencyKey(),
  );
  if (r.ok) state.markErrors.delete(itemKey);
  else state.markErrors.set(itemKey, r.json?.detail ?? t('loadFailed'));
  ctx.onSent();
}

/** @param {PageContext} ctx @param {Item['ref']} ref */
function refHref(ctx, ref) {
  if (!ref) return null;
  switch (ref.type) {
    case 'challenge':
      return pageHref('challenge', ctx.goLiveId, ref.id);
    case 'area':
      return pageHref('area', ctx.goLiveId, ref.id);
    case 'unit':
      return pageHref('unit', ctx.goLiveId, ref.id);
    case 'incident':
      return pageHref('incident', ctx.goLiveId, ref.id);
    case 'decision':
      return pageHref('decisions', ctx.goLiveId);
    default:
      return null;
  }
}

/** @param {PageContext} ctx */
function renderBanner(ctx) {
  if (!state.banner) return;
  const now = ctx.now();
  state.banner.hidden = state.incidents.length === 0;
  state.banner.replaceChildren(
    ...state.incidents.map((i) =>
      h(
        'a',
        { class: `incident-banner prio-${i.priority}`, href: pageHref('incident', ctx.goLiveId, i.id), 'data-incident': i.id },
        prioBadge(i.priority),
        ' ',
        h('strong', {}, i.title),
        ` · ${i.sdReference ? `${i.sdReference} · ` : ''}${t('ago', { d: duration(between(i.openedAt, now)) })}`,
      ),
    ),
  );
}

/** @param {PageContext} ctx */
function renderAgenda(ctx) {
  const a = state.agenda;
  if (!a || !state.view) return;
  document.title = `${a.title} – Driftpuls`;
  // Keep what the chair is typing: remember focus and selection, move the kept forms into the new agenda.
  const active = document.activeElement;
  const sel =
    active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
      ? { start: active.selectionStart, end: active.selectionEnd }
      : null;
  const mayTriage = ctx.may('triageChallenge');
  const now = ctx.now();
  state.view.replaceChildren(
    h('h1', { id: 'meeting-title' }, a.title),
    h(
      'p',
      { class: 'lead' },
      `${when(a.start, ctx.timeZone, now)}–${when(a.end, ctx.timeZone, a.end)}`,
      ' · ',
      h(
        'a',
        {
          href: `${ctx.api.base}golives/${enc(ctx.goLiveId)}/meetings/${enc(a.meetingId)}/agenda?format=html&lang=${lang()}`,
          'data-testid': 'print-agenda',
        },
        t('printAgenda'),
      ),
    ),
    // A past meeting shows its agenda as it was sent, saying so, with the way to the live one.
    ...(a.asSent
      ? [h('p', { class: 'as-sent', 'data-testid': 'as-sent' }, a.asSent.note, ' ', h('a', { href: liveHref() }, a.asSent.liveText))]
      : []),
    h(
      'div',
      { class: 'agenda' },
      ...a.sections.map((s) =>
        h(
          'section',
          { class: 'agenda-section card', 'data-key': s.key },
          h('h2', {}, `${s.number !== undefined ? `${s.number}. ` : ''}${s.title}`),
          ...s.prompts.map((p) => h('p', { class: 'prompt' }, p)),
          s.items.length === 0
            ? h('p', { class: 'empty' }, t('noneItems'))
            : h(
                'ul',
                { class: 'agenda-items' },
                ...s.items.map((item, n) => {
                  const key = item.key ?? `${s.key}/#${n}`;
                  const href = refHref(ctx, item.ref);
                  const mark = item.discussed;
                  const id = `done-${enc(key).replace(/[^\w-]/g, '_')}`;
                  // Everyone sees the tick with who and when; the forum's chair or coordinator sets it.
                  const stamp = mark
                    ? h(
                        'span',
                        { class: 'discussed-by', 'data-testid': 'discussed-by' },
                        t('discussedBy', { by: mark.by, time: clock(mark.at, ctx.timeZone) }),
                      )
                    : null;
                  let done = null;
                  if (a.mayMarkDiscussed && item.key) {
                    const box = h('input', { type: 'checkbox', id, checked: Boolean(mark), class: 'discussed-box' });
                    box.addEventListener('change', () => void sendDiscussed(ctx, a.meetingId, key, box));
                    done = h('span', { class: 'done' }, box, h('label', { for: id }, t('discussed')), stamp);
                  } else if (stamp) done = h('span', { class: 'done' }, stamp);
                  const error = state.markErrors.get(key);
                  let form = null;
                  if (mayTriage && item.ref?.type === 'challenge' && s.key !== 'reflections') {
                    const id = item.ref.id;
                    form = state.forms.get(id) ?? triageAction(ctx, id, { meetingId: a.meetingId });
                    state.forms.set(id, form);
                  }
                  return h(
                    'li',
                    {
                      class: `agenda-item${mark ? ' discussed' : ''}${item.overdue ? ' overdue' : ''}`,
                      'data-ref': item.ref ? `${item.ref.type}:${item.ref.id}` : null,
                    },
                    h(
                      'span',
                      { class: 'tags' },
                      item.colour && isColour(item.colour) ? badge(item.colour) : null,
                      item.overdue ? h('span', { class: 'flag' }, `⚠ ${t('overdue')}`) : null,
                    ),
                    href ? h('a', { href, class: 'item-text' }, item.text) : h('span', { class: 'item-text' }, item.text),
                    done,
                    error ? h('p', { class: 'form-status error', role: 'alert' }, error) : null,
                    form ? form.root : null,
                  );
                }),
              ),
        ),
      ),
    ),
  );
  if (active instanceof HTMLElement && active !== document.activeElement && active.isConnected) {
    active.focus();
    if (sel && (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) && sel.start !== null)
      active.setSelectionRange(sel.start, sel.end);
  }
}

/** @param {PageContext} ctx */
function callMeeting(ctx) {
  return actionForm(ctx, {
    key: 'call-meeting',
    title: 'callMeeting',
    send: 'callMeeting',
    fields: [
      {
        name: 'forum',
        label: 'mtgForum',
        kind: 'select',
        options: () => ['DSL', 'CSL', 'LGV'].map((f) => ({ value: f, text: f })),
        value: () => state.agenda?.forum ?? 'DSL',
      },
      { name: 'start', label: 'mtgStart', kind: 'datetime', required: true },
      { name: 'durationMinutes', label: 'mtgDuration', kind: 'number' },
      { name: 'reason', label: 'mtgReason', kind: 'textarea', required: true },
    ],
    request: (v) => ({
      path: `golives/${enc(ctx.goLiveId)}/meetings`,
      body: {
        forum: v.forum,
        start: localToInstant(String(v.start), ctx.timeZone),
        reason: v.reason,
        ...(v.durationMinutes ? { durationMinutes: Number(v.durationMinutes) } : {}),
      },
    }),
    success: (m) => `${t('doneMeeting')} ${m?.id ?? ''}`,
  });
}

const wallWanted = () => new URLSearchParams(location.search).get('wall') === '1';
/** `?live=1`: a past meeting's agenda as it stands now, not as it was sent (issue 14 item 6). */
const liveWanted = () => new URLSearchParams(location.search).get('live') === '1';
/** This page with `?live=1` added (other parameters kept). */
function liveHref() {
  const u = new URL(location.href);
  u.searchParams.set('live', '1');
  return `${u.pathname}${u.search}`;
}

/** @type {PageModule} */
export const meetingPage = {
  refreshMs: 15_000,
  mount(ctx) {
    state.view = h('div', { class: 'meeting-view' });
    state.banner = h('div', { class: 'banner', role: 'region', 'aria-label': t('incidents'), 'data-testid': 'incident-banner' });
    state.call = ctx.may('postMeeting') ? callMeeting(ctx) : null;
    const wall = h(
      'button',
      { type: 'button', class: 'secondary', 'aria-pressed': String(wallWanted()), 'data-i18n': 'wallMode', id: 'wall-toggle' },
      t('wallMode'),
    );
    document.body.classList.toggle('wall', wallWanted());
    wall.addEventListener('click', () => {
      const on = !document.body.classList.contains('wall');
      document.body.classList.toggle('wall', on);
      wall.setAttribute('aria-pressed', String(on));
      const u = new URL(location.href);
      if (on) u.searchParams.set('wall', '1');
      else u.searchParams.delete('wall');
      history.replaceState(null, '', u);
    });
    put(
      ctx.root,
      state.banner,
      h('div', { class: 'meeting-tools' }, wall, h('p', { class: 'hint', 'data-i18n': 'discussedHint' }, t('discussedHint'))),
      state.view,
      state.call ? h('section', { class: 'actions' }, state.call.root) : null,
    );
  },
  relabel(ctx) {
    state.call?.relabel();
    for (const f of state.forms.values()) f.relabel();
    renderBanner(ctx);
  },
  async load(ctx) {
    const [agenda, incidents] = await Promise.all([
      ctx.api.get(`golives/${enc(ctx.goLiveId)}/meetings/${enc(ctx.id)}/agenda?lang=${lang()}${liveWanted() ? '&live=1' : ''}`),
      ctx.api.get(`golives/${enc(ctx.goLiveId)}/incidents?status=open&maxPriority=2`),
    ]);
    if (incidents.ok)
      state.incidents = /** @type {Incident[]} */ (incidents.json.items).sort(
        (x, y) => x.priority - y.priority || y.openedAt.localeCompare(x.openedAt),
      );
    renderBanner(ctx);
    if (agenda.ok) state.agenda = agenda.json;
    renderAgenda(ctx);
    return agenda.status;
  },
};
