// @ts-check
import { actionForm, compact } from './actions.js';
import { badge } from './colours.js';
import { h, put } from './dom.js';
import { between, duration, when } from './format.js';
import { lang, t, tx } from './i18n.js';
import { pageHref } from './links.js';
import { DECISION_LEVEL_LABELS } from './rules.js';

/*
 * Challenges (R7) and their decisions (R8): the list with its filters, and one challenge
 * with its timeline, situation, team, SD+ references, linked incidents, the pending decision
 * and the actions the signed-in person may take.
 */

/**
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {import('./pages.js').PageModule} PageModule
 * @typedef {keyof typeof DECISION_LEVEL_LABELS} Level
 * @typedef {{ id: string, type: string, at: string, by?: { id: string, name?: string }, data: Record<string, any> }} Event
 * @typedef {{ requestId: string, level: Level, question: string, requestedAt: string, deadline: string, overdueSince?: string }} Pending
 * @typedef {{ id: string, level: Level, question: string, decision: string, rationale: string, decidedBy: string, decidedAt: string, late: boolean }} DecisionRecord
 * @typedef {{
 *   id: string,
 *   title: string,
 *   colour: 'red' | 'yellow',
 *   areaId: string,
 *   needFromOthers: string,
 *   ideas?: string,
 *   sdReferences: string[],
 *   incidentIds: string[],
 *   state: 'raised' | 'triaged' | 'resolved' | 'withdrawn',
 *   raisedAt: string,
 *   raisedBy?: { id: string, name?: string },
 *   triageDeadline?: string,
 *   notTriagedNotified?: boolean,
 *   triage?: { decision: 'startTeam' | 'wait', priority?: number, participants: string[], note?: string, at: string },
 *   team?: { members: string[], solutionMeetingAt?: string },
 *   situation: { facts?: string, assumptions?: string, actions?: string, obstacles?: string },
 *   pendingDecision?: Pending,
 *   decisions: DecisionRecord[],
 *   lastChangeAt: string,
 *   timeline: Event[],
 * }} Challenge
 */

const enc = encodeURIComponent;

/** @param {PageContext} ctx @param {string} areaId */
export const areaName = (ctx, areaId) => ctx.goLive?.areas.find((a) => a.id === areaId)?.name ?? areaId;

/** @param {Challenge} c */
const isOpen = (c) => c.state === 'raised' || c.state === 'triaged';

/**
 * Behind time: a decision past its deadline (R8.4), or not prioritised by DSL in time (R7.4).
 * @param {Challenge} c @param {string} now
 */
export function isOverdue(c, now) {
  if (!isOpen(c)) return false;
  const p = c.pendingDecision;
  if (p && (p.overdueSince || p.deadline <= now)) return true;
  return c.state === 'raised' && (c.notTriagedNotified === true || (c.triageDeadline !== undefined && c.triageDeadline <= now));
}

/** @param {Challenge['state']} s */
const stateChip = (s) => h('span', { class: `chip state-${s}` }, tx(`state_${s}`));

/** @param {Level} level */
const levelName = (level) => DECISION_LEVEL_LABELS[level]?.[lang()] ?? level;

/**
 * The pending decision with its deadline and time left, or how late it is (R8, R8.4).
 * @param {PageContext} ctx @param {Pending} p
 */
export function pendingBlock(ctx, p) {
  const left = between(ctx.now(), p.deadline);
  const overdue = Boolean(p.overdueSince) || left <= 0;
  return h(
    'div',
    { class: `pending${overdue ? ' overdue' : ''}`, 'data-testid': 'pending' },
    h('p', { class: 'pending-level' }, levelName(p.level)),
    h('p', { class: 'pending-question' }, p.question),
    h(
      'p',
      { class: 'pending-deadline' },
      t('deadlineAt', { time: when(p.deadline, ctx.timeZone, ctx.now()) }),
      ' · ',
      h(
        'strong',
        { class: overdue ? 'flag' : 'flag calm', 'data-testid': 'time-left' },
        overdue ? `⚠ ${t('overdueBy', { d: duration(left) })}` : t('left', { d: duration(left) }),
      ),
    ),
  );
}

// ————— The list —————

/**
 * @type {{
 *   items: Challenge[],
 *   list: HTMLElement | null,
 *   count: HTMLElement | null,
 *   filters: { q: HTMLInputElement, state: HTMLSelectElement, colour: HTMLSelectElement, area: HTMLSelectElement, priority: HTMLSelectElement, overdue: HTMLInputElement } | null,
 * }}
 */
const listState = { items: [], list: null, count: null, filters: null };

/** @param {PageContext} ctx */
function renderList(ctx) {
  const { list, count, filters: f } = listState;
  if (!list || !count || !f) return;
  const now = ctx.now();
  const q = f.q.value.trim().toLowerCase();
  const shown = listState.items
    .filter((c) => (f.state.value === 'open' ? isOpen(c) : f.state.value === 'all' || c.state === f.state.value))
    .filter((c) => !f.colour.value || c.colour === f.colour.value)
    .filter((c) => !f.area.value || c.areaId === f.area.value)
    .filter(
      (c) =>
        !f.priority.value ||
        (f.priority.value === 'none' ? c.triage?.priority === undefined : String(c.triage?.priority ?? '') === f.priority.value),
    )
    .filter((c) => !f.overdue.checked || isOverdue(c, now))
    .filter(
      (c) =>
        !q || [c.title, c.needFromOthers, c.ideas ?? '', areaName(ctx, c.areaId), ...c.sdReferences].join(' ').toLowerCase().includes(q),
    )
    .sort(
      (a, b) =>
        Number(isOverdue(b, now)) - Number(isOverdue(a, now)) ||
        (a.colour === b.colour
          ? (a.triage?.priority ?? 999) - (b.triage?.priority ?? 999) || a.raisedAt.localeCompare(b.raisedAt)
          : a.colour === 'red'
            ? -1
            : 1),
    );
  count.textContent = t('shownOf', { n: shown.length, total: listState.items.length });
  if (shown.length === 0) {
    list.replaceChildren(h('li', { class: 'empty' }, t('noMatches')));
    return;
  }
  list.replaceChildren(
    ...shown.map((c) =>
      h(
        'li',
        { class: `card row${isOverdue(c, now) ? ' overdue' : ''}`, 'data-challenge': c.id },
        badge(c.colour),
        h('a', { href: pageHref('challenge', ctx.goLiveId, c.id), class: 'row-title' }, c.title),
        h(
          'span',
          { class: 'row-meta' },
          stateChip(c.state),
          ' ',
          areaName(ctx, c.areaId),
          c.triage?.priority !== undefined ? ` · ${t('priorityN', { n: c.triage.priority })}` : '',
          ` · ${t('age', { d: duration(between(c.raisedAt, now)) })}`,
          isOverdue(c, now) ? h('span', { class: 'flag' }, ` · ⚠ ${t('overdue')}`) : '',
          c.pendingDecision ? ` · ${t('decisionWaiting')}` : '',
        ),
      ),
    ),
  );
}

/** @param {string} id @param {import('./i18n.js').TextKey} label @param {HTMLElement} control */
const filterField = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id, 'data-i18n': label }, t(label)), control);

/** @type {PageModule} */
export const challengesPage = {
  mount(ctx) {
    const f = {
      q: h('input', { id: 'f-q', type: 'search', 'data-testid': 'search' }),
      state: h('select', { id: 'f-state' }),
      colour: h('select', { id: 'f-colour' }),
      area: h('select', { id: 'f-area' }),
      priority: h('select', { id: 'f-priority' }),
      overdue: h('input', { id: 'f-overdue', type: 'checkbox' }),
    };
    listState.filters = f;
    listState.list = h('ul', { class: 'rows', id: 'challenge-list' });
    listState.count = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    this.relabel?.(ctx);
    for (const el of Object.values(f)) el.addEventListener('input', () => renderList(ctx));
    ctx.root.replaceChildren(
      h('h1', { 'data-i18n': 'challengesTitle' }, t('challengesTitle')),
      h(
        'form',
        { class: 'filters card', role: 'search', 'data-testid': 'filters' },
        filterField('f-q', 'search', f.q),
        filterField('f-state', 'filterState', f.state),
        filterField('f-colour', 'filterColour', f.colour),
        filterField('f-area', 'area', f.area),
        filterField('f-priority', 'filterPriority', f.priority),
        h('div', { class: 'field check' }, f.overdue, h('label', { for: 'f-overdue', 'data-i18n': 'filterOverdue' }, t('filterOverdue'))),
      ),
      listState.count,
      listState.list,
      h('p', {}, h('a', { href: `${pageHref('board', ctx.goLiveId)}#utmaning`, 'data-i18n': 'raiseChallenge' }, t('raiseChallenge'))),
    );
    f.q.closest('form')?.addEventListener('submit', (e) => e.preventDefault());
  },
  relabel(ctx) {
    const f = listState.filters;
    if (!f) return;
    /** @param {HTMLSelectElement} sel @param {[string, string][]} opts */
    const fill = (sel, opts) => {
      const v = sel.value;
      sel.replaceChildren(...opts.map(([value, text]) => h('option', { value }, text)));
      if (opts.some(([value]) => value === v)) sel.value = v;
    };
    fill(f.state, [
      ['open', t('state_open')],
      ['all', t('all')],
      ...['raised', 'triaged', 'resolved', 'withdrawn'].map((s) => /** @type {[string, string]} */ ([s, tx(`state_${s}`)])),
    ]);
    fill(f.colour, [
      ['', t('all')],
      ['red', t('red')],
      ['yellow', t('yellow')],
    ]);
    fill(f.area, [['', t('all')], ...(ctx.goLive?.areas ?? []).map((a) => /** @type {[string, string]} */ ([a.id, a.name]))]);
    fill(f.priority, [
      ['', t('all')],
      ['1', t('priorityN', { n: 1 })],
      ['2', t('priorityN', { n: 2 })],
      ['3', t('priorityN', { n: 3 })],
      ['none', t('noPriority')],
    ]);
    renderList(ctx);
  },
  async load(ctx) {
    const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/challenges`);
    if (r.ok) listState.items = r.json.items;
    renderList(ctx);
    return r.status;
  },
};

// ————— One challenge —————

/** @param {Event} e */
function eventDetail(e) {
  const d = e.data ?? {};
  switch (e.type) {
    case 'triaged':
      return [
        d.decision === 'startTeam' ? t('triageStartTeam') : t('triageWait'),
        d.priority ? t('priorityN', { n: d.priority }) : '',
        d.participants?.length ? `${t('participants')}: ${d.participants.join(', ')}` : '',
        d.note ?? '',
      ]
        .filter(Boolean)
        .join(' · ');
    case 'decisionRequested':
      return `${levelName(d.level)}: ${d.question}`;
    case 'decisionMade':
      return `${d.decision}${d.late ? ` (${t('late')})` : ''}`;
    case 'updated':
      return ['colour', 'facts', 'assumptions', 'actions', 'obstacles', 'note']
        .filter((k) => d[k])
        .map((k) => `${tx(`sit_${k}`)}: ${k === 'colour' ? t(d[k]) : d[k]}`)
        .concat(d.teamMembers ? [`${t('team')}: ${d.teamMembers.join(', ')}`] : [])
        .join(' · ');
    case 'resolved':
    case 'withdrawn':
      return d.reason ?? '';
    default:
      return '';
  }
}

/** @type {{ challenge: Challenge | null, view: HTMLElement | null, actions: Record<string, ReturnType<typeof actionForm>>, actionsBox: HTMLElement | null, deadline: HTMLElement | null }} */
const one = { challenge: null, view: null, actions: {}, actionsBox: null, deadline: null };

/** @param {import('./i18n.js').TextKey} label @param {string | undefined} value */
const dd = (label, value) => (value ? [h('dt', {}, t(label)), h('dd', {}, value)] : []);

/** @param {PageContext} ctx */
function renderChallenge(ctx) {
  const c = one.challenge;
  if (!c || !one.view) return;
  const now = ctx.now();
  document.title = `${c.title} – Driftpuls`;
  const s = c.situation ?? {};
  put(
    one.view,
    h('h1', { id: 'challenge-title' }, c.title),
    h(
      'p',
      { class: 'lead' },
      badge(c.colour),
      ' ',
      stateChip(c.state),
      ' ',
      h('a', { href: pageHref('area', ctx.goLiveId, c.areaId) }, areaName(ctx, c.areaId)),
      c.triage?.priority !== undefined ? ` · ${t('priorityN', { n: c.triage.priority })}` : '',
      isOverdue(c, now) ? h('span', { class: 'flag' }, ` · ⚠ ${t('overdue')}`) : '',
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-pending' },
      h('h2', { id: 'h-pending' }, t('pendingDecision')),
      c.pendingDecision ? pendingBlock(ctx, c.pendingDecision) : h('p', { class: 'empty' }, t('noPending')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-situation' },
      h('h2', { id: 'h-situation' }, t('situation')),
      h(
        'dl',
        { class: 'facts' },
        ...dd('needFromOthers', c.needFromOthers),
        ...dd('ideas', c.ideas),
        ...dd('sit_facts', s.facts),
        ...dd('sit_assumptions', s.assumptions),
        ...dd('sit_actions', s.actions),
        ...dd('sit_obstacles', s.obstacles),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-team' },
      h('h2', { id: 'h-team' }, t('team')),
      h(
        'dl',
        { class: 'facts' },
        ...dd(
          'triage',
          c.triage
            ? `${c.triage.decision === 'startTeam' ? t('triageStartTeam') : t('triageWait')} (${when(c.triage.at, ctx.timeZone, now)})`
            : t('notTriagedYet'),
        ),
        ...dd('team', c.team?.members.join(', ') || (c.triage?.participants.join(', ') ?? '')),
        ...dd('solutionMeeting', c.team?.solutionMeetingAt ? when(c.team.solutionMeetingAt, ctx.timeZone, now) : undefined),
        ...dd('sdReferences', c.sdReferences.join(', ')),
      ),
      c.incidentIds.length
        ? h(
            'ul',
            { class: 'links', id: 'challenge-incidents' },
            ...c.incidentIds.map((id) => h('li', {}, h('a', { href: pageHref('incident', ctx.goLiveId, id) }, `${t('incident')} ${id}`))),
          )
        : null,
    ),
    c.decisions.length
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'h-decisions' },
          h('h2', { id: 'h-decisions' }, t('decisionsMade')),
          h(
            'ul',
            { class: 'rows' },
            ...c.decisions.map((d) =>
              h(
                'li',
                { class: 'decision-made' },
                h('strong', {}, d.decision),
                h(
                  'span',
                  { class: 'row-meta' },
                  `${levelName(d.level)} · ${t('decidedByAt', { who: d.decidedBy, time: when(d.decidedAt, ctx.timeZone, now) })}${d.late ? ` · ${t('late')}` : ''}`,
                ),
                h('span', {}, `${t('why')}: ${d.rationale}`),
              ),
            ),
          ),
        )
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-timeline' },
      h('h2', { id: 'h-timeline' }, t('timeline')),
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        ...c.timeline.map((e) =>
          h(
            'li',
            { 'data-type': e.type },
            h('time', { datetime: e.at }, when(e.at, ctx.timeZone, now)),
            ' ',
            h('strong', {}, tx(`ev_${e.type}`)),
            ' ',
            h('span', { class: 'who' }, e.by ? `${t('by')} ${e.by.name ?? e.by.id}` : t('bySystem')),
            eventDetail(e) ? h('p', { class: 'detail' }, eventDetail(e)) : null,
          ),
        ),
      ),
    ),
  );
  // What fits the challenge's state: nothing once closed; record only while a decision waits.
  const open = isOpen(c);
  if (one.actionsBox) one.actionsBox.hidden = !open || Object.keys(one.actions).length === 0;
  for (const [key, a] of Object.entries(one.actions)) {
    a.root.hidden = !open || (key === 'decide' && !c.pendingDecision) || (key === 'request' && Boolean(c.pendingDecision));
  }
}

/** @param {PageContext} ctx @param {string} [areaId] */
function peopleAndAreas(ctx, areaId) {
  const areaName = new Map((ctx.goLive?.areas ?? []).map((a) => [a.id, a.name]));
  /** @param {{ roles: string[], areaIds?: string[] }} p */
  const contact = (p) => p.roles.includes('contactPerson');
  // The contact persons bring in the people and help form the team (R7.3, R11.7): they are named
  // as such, those of the challenge's area first.
  /** @param {{ roles: string[], areaIds?: string[] }} p */
  const rank = (p) => (contact(p) ? (areaId && p.areaIds?.includes(areaId) ? 0 : 1) : 2);
  const people = [...(ctx.goLive?.people ?? [])].sort((a, b) => rank(a) - rank(b));
  return [
    ...people.map((p) => ({
      value: p.name,
      text: contact(p)
        ? `${p.name} (${t('contactPersonFor', { areas: (p.areaIds ?? []).map((a) => areaName.get(a) ?? a).join(', ') })})`
        : p.name,
    })),
    ...(ctx.goLive?.areas ?? []).map((a) => ({ value: `${t('area')}: ${a.name}`, text: `${t('area')}: ${a.name}` })),
  ];
}

/** The area of the challenge on the page, when it is the one asked about. @param {string} challengeId */
const areaOf = (challengeId) => (one.challenge?.id === challengeId ? one.challenge.areaId : undefined);

/** @param {PageContext} ctx */
async function showDeadline(ctx) {
  const level = /** @type {HTMLSelectElement | null} */ (document.getElementById('request-level'))?.value;
  if (!one.deadline || !level) return;
  const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/decision-deadline?level=${enc(level)}`);
  one.deadline.textContent = r.ok
    ? t('deadlineWillBe', {
        time: when(r.json.deadline, ctx.timeZone, r.json.requestedAt),
        left: duration(between(r.json.requestedAt, r.json.deadline)),
      })
    : '';
}

/**
 * DSL's triage (R7.2, R7.3): start a team or wait, a priority, the participants chosen from
 * the go-live's people and areas. On the meeting page it carries the meeting's id.
 * @param {PageContext} ctx
 * @param {string} challengeId
 * @param {{ meetingId?: string, open?: boolean }} [opts]
 */
export function triageAction(ctx, challengeId, opts = {}) {
  return actionForm(ctx, {
    key: `triage-${challengeId}`,
    title: 'actTriage',
    send: 'actTriage',
    open: opts.open,
    fields: [
      {
        name: 'decision',
        label: 'triageDecision',
        kind: 'select',
        options: () => [
          { value: 'startTeam', text: t('triageStartTeam') },
          { value: 'wait', text: t('triageWait') },
        ],
      },
      { name: 'priority', label: 'priority1', kind: 'number' },
      {
        name: 'participants',
        label: 'participants',
        kind: 'multi',
        options: () => peopleAndAreas(ctx, areaOf(challengeId)),
        hint: 'multiHint',
      },
      { name: 'note', label: 'note', kind: 'textarea' },
    ],
    request: (v) => ({
      path: `golives/${enc(ctx.goLiveId)}/challenges/${enc(challengeId)}/triage`,
      body: compact({
        decision: v.decision,
        priority: v.priority ? Number(v.priority) : undefined,
        participants: v.participants,
        note: v.note,
        meetingId: opts.meetingId,
      }),
    }),
    success: () => t('doneTriage'),
  });
}

/**
 * The six moves of a challenge (R7.2–R7.4, R8), each offered only to a person who may take it.
 * @param {PageContext} ctx
 * @param {string} challengeId
 * @param {{ meetingId?: string }} [opts]
 */
export function challengeActions(ctx, challengeId, opts = {}) {
  const path = (/** @type {string} */ p) => `golives/${enc(ctx.goLiveId)}/challenges/${enc(challengeId)}/${p}`;
  const done = (/** @type {import('./i18n.js').TextKey} */ k) => () => t(k);
  /** @type {Record<string, ReturnType<typeof actionForm>>} */
  const actions = {};
  if (ctx.may('triageChallenge')) actions.triage = triageAction(ctx, challengeId, opts);
  if (ctx.may('requestDecision')) {
    const deadline = h('p', { class: 'deadline-preview', 'data-testid': 'deadline-preview', 'aria-live': 'polite' });
    one.deadline = deadline;
    actions.request = actionForm(ctx, {
      key: 'request',
      title: 'actRequest',
      send: 'actRequest',
      fields: [
        {
          name: 'level',
          label: 'level',
          kind: 'select',
          options: () => Object.keys(DECISION_LEVEL_LABELS).map((l) => ({ value: l, text: levelName(/** @type {Level} */ (l)) })),
        },
        { name: 'question', label: 'question', kind: 'textarea', required: true },
      ],
      extra: deadline,
      request: (v) => ({ path: path('decision-requests'), body: { level: v.level, question: v.question } }),
      success: done('doneRequest'),
    });
    actions.request.form.addEventListener('change', (e) => {
      if (e.target instanceof HTMLSelectElement && e.target.name === 'level') void showDeadline(ctx);
    });
    actions.request.root.addEventListener('toggle', () => void showDeadline(ctx));
  }
  if (ctx.may('recordDecision'))
    actions.decide = actionForm(ctx, {
      key: 'decide',
      title: 'actDecide',
      send: 'actDecide',
      open: true,
      fields: [
        { name: 'decision', label: 'decisionWhat', kind: 'textarea', required: true },
        { name: 'rationale', label: 'why', kind: 'textarea', required: true },
        {
          name: 'decidedBy',
          label: 'decidedBy',
          kind: 'text',
          required: true,
          max: 120,
          value: () => ctx.me?.person?.name ?? ctx.me?.name ?? '',
        },
      ],
      request: (v) => ({ path: path('decisions'), body: { decision: v.decision, rationale: v.rationale, decidedBy: v.decidedBy } }),
      success: done('doneDecide'),
    });
  if (ctx.may('updateChallenge'))
    actions.update = actionForm(ctx, {
      key: 'update',
      title: 'actUpdate',
      send: 'actUpdate',
      fields: [
        {
          name: 'colour',
          label: 'filterColour',
          kind: 'select',
          options: () => [
            { value: '', text: t('unchanged') },
            { value: 'red', text: t('red') },
            { value: 'yellow', text: t('yellow') },
          ],
        },
        { name: 'facts', label: 'sit_facts', kind: 'textarea' },
        { name: 'assumptions', label: 'sit_assumptions', kind: 'textarea' },
        { name: 'actions', label: 'sit_actions', kind: 'textarea' },
        { name: 'obstacles', label: 'sit_obstacles', kind: 'textarea' },
        // The contact persons help form the team (R7.3, R11.7): the team's members, from the go-live's people.
        {
          name: 'teamMembers',
          label: 'teamMembers',
          kind: 'multi',
          options: () => peopleAndAreas(ctx, areaOf(challengeId)),
          hint: 'multiHint',
        },
        { name: 'note', label: 'note', kind: 'textarea' },
      ],
      request: (v) => ({ path: path('updates'), body: compact(v) }),
      success: done('doneUpdate'),
    });
  // Closing it, either way: a reason, sent to its own path (R7.2, R7.4).
  const closing = /** @type {const} */ ([
    ['resolveChallenge', 'resolve', 'actResolve', 'doneResolve'],
    ['withdrawChallenge', 'withdraw', 'actWithdraw', 'doneWithdraw'],
  ]);
  for (const [action, key, title, doneKey] of closing)
    if (ctx.may(action))
      actions[key] = actionForm(ctx, {
        key,
        title,
        send: title,
        fields: [{ name: 'reason', label: 'reason', kind: 'textarea', required: true }],
        request: (v) => ({ path: path(key), body: { reason: v.reason } }),
        success: done(doneKey),
      });
  return actions;
}

/** @type {PageModule} */
export const challengePage = {
  mount(ctx) {
    one.view = h('div', { class: 'challenge-view' });
    one.actions = challengeActions(ctx, ctx.id);
    one.actionsBox = h(
      'section',
      { class: 'actions', 'aria-labelledby': 'h-actions' },
      h('h2', { id: 'h-actions', 'data-i18n': 'actions' }, t('actions')),
      ...Object.values(one.actions).map((a) => a.root),
    );
    ctx.root.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: pageHref('challenges', ctx.goLiveId), 'data-i18n': 'allChallenges' }, t('allChallenges'))),
      h('div', { class: 'two-col' }, one.view, one.actionsBox),
    );
    one.actionsBox.hidden = true;
  },
  relabel(ctx) {
    for (const a of Object.values(one.actions)) a.relabel();
    renderChallenge(ctx);
    void showDeadline(ctx);
  },
  async load(ctx) {
    const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/challenges/${enc(ctx.id)}`);
    if (r.ok) one.challenge = r.json;
    renderChallenge(ctx);
    return r.status;
  },
};
