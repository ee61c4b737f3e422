// @ts-check
import { badge, isColour, OVERDUE_SYMBOL, STALE_SYMBOL, SYMBOL } from './colours.js';
import { h } from './dom.js';
import { between, duration, when } from './format.js';
import { lang, t, tn } from './i18n.js';
import { pageHref } from './links.js';
import { DECISION_LEVEL_LABELS } from './rules.js';

/*
 * The overview (R10.1) as DOM. Each function replaces the children of one section, so a
 * refresh never touches the forms. Sections whose data other issues add to the overview
 * (challenges, decisions, next meetings) read it defensively and show a calm empty state
 * until it is there.
 */

/** @typedef {import('./colours.js').Colour} Colour */
/**
 * @typedef {{ areaId: string, name: string, colour: Colour | null, reportedAt: string | null, summary: string | null, trend: string | null, openProblems: number }} AreaOverview
 * @typedef {{ unitId: string, name: string, colour: Colour | null, explanation: string | null, reportedAt: string | null, missing: boolean, stale: boolean, overdue?: boolean }} UnitOverview
 * @typedef {{ forvaltningId: string, name: string, counts: Record<string, number>, units: UnitOverview[] }} ForvaltningOverview
 * @typedef {{ id: string, title: string, priority: number, openedAt: string, lastUpdateAt?: string, sdReference?: string }} IncidentOverview
 * @typedef {{ goLiveId: string, name: string, generatedAt: string, timeZone: string, areas: AreaOverview[], forvaltningar: ForvaltningOverview[],
 *   units: Record<string, number>, majorIncidents: IncidentOverview[], challenges?: unknown, decisions?: unknown, nextMeetings?: unknown, overdueReporters?: unknown }} Overview
 * @typedef {{ checkpoint: string, from: string, to: string, state: 'closed' | 'open' | 'upcoming',
 *   counts: { green: number, yellow: number, red: number, missing: number } | null, missingUnitIds: string[] }} DayWindow
 * @typedef {{ date: string, timeZone: string, totalUnits: number, windows: DayWindow[] }} DayPicture
 * @typedef {{ id: string, title: string, colour: Colour, area: string, raisedAt: string | null }} Challenge
 * @typedef {{ id: string, title: string, deadline: string | null, overdue: boolean, forum: string, challengeId: string | null }} Decision
 * @typedef {{ forum: string, startsAt: string, inProgress: boolean, agendaHref: string | null, meetingId: string | null, clashes: { forum: string, start: string, people: string[] }[] }} Meeting
 */

/** @param {unknown} v @returns {Record<string, any> | undefined} */
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? /** @type {Record<string, any>} */ (v) : undefined);
/** @param {unknown} v @returns {string | null} */
const str = (v) => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * The items of a list field that may be an array or an object holding one.
 * @param {unknown} v
 * @param {string[]} keys
 * @returns {Record<string, any>[]}
 */
function listOf(v, keys) {
  if (Array.isArray(v)) return v.filter((x) => obj(x));
  const o = obj(v);
  if (!o) return [];
  for (const k of keys) if (Array.isArray(o[k])) return o[k].filter((/** @type {unknown} */ x) => obj(x));
  return [];
}

/**
 * A link from the API: only a path on this site (no other origin, no `javascript:`).
 * @param {unknown} v
 */
export function safeHref(v) {
  const s = str(v);
  if (!s) return null;
  try {
    const u = new URL(s, location.href);
    return u.origin === location.origin && (u.protocol === 'http:' || u.protocol === 'https:') ? u.pathname + u.search + u.hash : null;
  } catch {
    return null;
  }
}

const CLOSED = new Set(['closed', 'resolved', 'done', 'decided', 'cancelled', 'withdrawn']);
const isClosed = (/** @type {Record<string, any>} */ x) =>
  CLOSED.has(String(x.status ?? x.state ?? '').toLowerCase()) || x.closedAt || x.decidedAt;

/**
 * Open challenges: the overview's own field when it has one, else the challenges API's list.
 * @param {Overview} ov
 * @param {Map<string, string>} areaNames
 * @param {unknown} [listed] `GET /challenges?state=open`
 * @returns {Challenge[]}
 */
export function challengesOf(ov, areaNames, listed) {
  return listOf('challenges' in ov ? ov.challenges : listed, ['open', 'items', 'challenges'])
    .filter((c) => !isClosed(c) && isColour(c.colour))
    .map((c) => {
      const areaId = str(c.areaId) ?? str(obj(c.area)?.id);
      return {
        id: String(c.id ?? ''),
        title: str(c.title) ?? '',
        colour: /** @type {Colour} */ (c.colour),
        area: str(c.areaName) ?? str(obj(c.area)?.name) ?? (areaId ? (areaNames.get(areaId) ?? areaId) : ''),
        raisedAt: str(c.raisedAt) ?? str(c.createdAt) ?? str(c.openedAt),
      };
    })
    .sort((a, b) => (a.colour === b.colour ? (a.raisedAt ?? '').localeCompare(b.raisedAt ?? '') : a.colour === 'red' ? -1 : 1));
}

/**
 * Decisions waiting (R8): the overview's own field when it has one, else the pending decision
 * of each open challenge from the challenges API.
 * @param {Overview} ov
 * @param {unknown} [listed] `GET /challenges?state=open`
 * @returns {Decision[]}
 */
export function decisionsOf(ov, listed) {
  const now = ov.generatedAt;
  /** @returns {Record<string, any>[]} */
  const fromChallenges = () =>
    listOf(listed, ['items'])
      .filter((c) => !isClosed(c) && obj(c.pendingDecision))
      .map((c) => {
        const p = /** @type {Record<string, any>} */ (c.pendingDecision);
        const level = /** @type {keyof typeof DECISION_LEVEL_LABELS} */ (p.level);
        return {
          id: String(p.requestId ?? c.id ?? ''),
          title: [str(p.question), str(c.title)].filter(Boolean).join(' – '),
          deadline: str(p.deadline),
          overdue: p.overdueSince ? true : undefined,
          forum: DECISION_LEVEL_LABELS[level]?.[lang()] ?? str(p.level) ?? '',
          challengeId: str(c.id),
        };
      });
  return ('decisions' in ov ? listOf(ov.decisions, ['waiting', 'open', 'items', 'decisions']) : fromChallenges())
    .filter((d) => !isClosed(d))
    .map((d) => {
      const deadline = str(d.deadline) ?? str(d.deadlineAt) ?? str(d.dueAt) ?? str(d.due);
      const overdue = typeof d.overdue === 'boolean' ? d.overdue : deadline !== null && Date.parse(deadline) < Date.parse(now);
      return {
        id: String(d.id ?? ''),
        title: str(d.title) ?? str(d.question) ?? str(d.subject) ?? '',
        deadline,
        overdue,
        forum: str(d.forum) ?? str(d.decidedBy) ?? str(d.kind) ?? '',
        challengeId: str(d.challengeId),
      };
    })
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
}

/**
 * @param {Overview} ov
 * @param {string} apiBase
 * @returns {Meeting[]}
 */
export function meetingsOf(ov, apiBase) {
  const raw = ov.nextMeetings;
  let items = listOf(raw, ['items', 'meetings']);
  // Also `{ DSL: {...}, CSL: {...} }`, keyed by forum.
  const o = obj(raw);
  if (items.length === 0 && o)
    items = Object.entries(o)
      .filter(([, v]) => obj(v))
      .map(([forum, v]) => ({ forum, ...v }));
  return items
    .map((m) => {
      const id = str(m.id) ?? str(m.meetingId);
      const agenda = obj(m.agenda);
      const href =
        safeHref(m.agendaUrl) ??
        safeHref(m.agendaHref) ??
        safeHref(obj(m.links)?.agenda) ??
        safeHref(agenda?.url) ??
        (id
          ? `${apiBase}golives/${encodeURIComponent(ov.goLiveId)}/meetings/${encodeURIComponent(id)}/agenda?format=html&lang=${lang()}`
          : null);
      return {
        forum: str(m.forum) ?? '',
        startsAt: str(m.startsAt) ?? str(m.start) ?? str(m.at) ?? '',
        inProgress: m.inProgress === true,
        agendaHref: href,
        meetingId: id ? String(id) : null,
        // Double booking (issue 15 item 10): other meetings at the same time, with who is in both.
        clashes: listOf(m.clashes, [])
          .map((c) => ({
            forum: str(c.forum) ?? '',
            start: str(c.start) ?? '',
            people: listOf(c.people, []).map((p) => str(p.name) ?? ''),
          }))
          .filter((c) => c.start !== ''),
      };
    })
    .filter((m) => m.startsAt !== '')
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/**
 * Care units overdue at the latest check point (R3.3). The overview's own list when it has
 * one (`overdueReporters`, the calendar's rule); otherwise units with no report in today's
 * last closed window that have not reported since.
 * @param {Overview} ov
 * @param {DayPicture | null} day
 * @returns {Set<string>}
 */
export function overdueUnits(ov, day) {
  const listed = obj(ov.overdueReporters)?.units;
  if (Array.isArray(listed)) return new Set(listed.map((u) => obj(u)?.unitId).filter((id) => typeof id === 'string'));
  const overdue = new Set();
  const closed = day?.windows.filter((w) => w.state === 'closed').at(-1);
  for (const f of ov.forvaltningar)
    for (const u of f.units)
      if (closed?.missingUnitIds.includes(u.unitId) && !(u.reportedAt && Date.parse(u.reportedAt) > Date.parse(closed.to)))
        overdue.add(u.unitId);
  return overdue;
}

/**
 * Delivery areas past the report deadline of the DSL meeting at hand (R4.4), when the overview says.
 * @param {Overview} ov
 * @returns {Set<string>}
 */
export function overdueAreas(ov) {
  const listed = obj(ov.overdueReporters)?.areas;
  return new Set(Array.isArray(listed) ? listed.map((a) => obj(a)?.areaId).filter((id) => typeof id === 'string') : []);
}

/**
 * @param {HTMLElement} root
 * @param {string} text
 */
const empty = (root, text) => root.replaceChildren(h('li', { class: 'empty' }, text));

/**
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {{ overdue: Set<string>, challenges: Challenge[], decisions: Decision[], meetings: Meeting[] }} derived
 */
export function renderSummary(root, ov, derived) {
  const u = ov.units;
  /** @param {string} cls @param {string} symbol @param {number} n @param {string} label */
  const item = (cls, symbol, n, label) =>
    h(
      'li',
      { class: `stat ${cls}` },
      h('span', { class: 'sym', 'aria-hidden': 'true' }, symbol),
      h('span', { class: 'n' }, n),
      h('span', { class: 'label' }, label),
    );
  const next = derived.meetings[0];
  const overdueDecisions = derived.decisions.filter((d) => d.overdue).length;
  root.replaceChildren(
    item('stat-green', SYMBOL.green, u.green ?? 0, t('green')),
    item('stat-yellow', SYMBOL.yellow, u.yellow ?? 0, t('yellow')),
    item('stat-red', SYMBOL.red, u.red ?? 0, t('red')),
    item('stat-missing', SYMBOL.missing, u.missing ?? 0, t('missing')),
    item('stat-stale', STALE_SYMBOL, u.stale ?? 0, t('stale')),
    item('stat-overdue', OVERDUE_SYMBOL, derived.overdue.size, t('overdue')),
    h('li', { class: 'stat total' }, tn('unitsTotal', u.total ?? 0)),
    h('li', { class: `stat info${ov.majorIncidents.length ? ' alerting' : ''}` }, t('summaryIncidents', { n: ov.majorIncidents.length })),
    h('li', { class: 'stat info' }, tn('summaryChallenges', derived.challenges.length)),
    h('li', { class: `stat info${overdueDecisions ? ' alerting' : ''}` }, tn('summaryDecisions', derived.decisions.length)),
    ...(next
      ? [h('li', { class: 'stat info' }, t('summaryNext', { forum: next.forum, time: when(next.startsAt, ov.timeZone, ov.generatedAt) }))]
      : []),
  );
}

/**
 * Delivery areas: colour, trend since the previous report, summary (R10.1, R4).
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {Set<string>} overdue
 */
export function renderAreas(root, ov, overdue) {
  if (ov.areas.length === 0) return empty(root, t('noAreas'));
  root.replaceChildren(
    ...ov.areas.map((a) => {
      const colour = isColour(a.colour) ? a.colour : null;
      const trend = a.trend && ['better', 'worse', 'same', 'new'].includes(a.trend) ? a.trend : null;
      return h(
        'li',
        { class: `area ${colour ? `c-${colour}-edge` : 'c-missing-edge'}`, 'data-area': a.areaId },
        h(
          'div',
          { class: 'area-head' },
          colour ? badge(colour) : badge('missing', t('notReported')),
          h('strong', { class: 'area-name' }, a.name),
        ),
        h(
          'div',
          { class: 'area-body' },
          trend || a.reportedAt || a.openProblems || overdue.has(a.areaId)
            ? h(
                'div',
                { class: 'area-meta' },
                overdue.has(a.areaId)
                  ? h('span', { class: 'mark', title: t('areaOverdueLong') }, `${OVERDUE_SYMBOL} ${t('overdue')}`)
                  : null,
                trend
                  ? h('span', { class: `trend trend-${trend}`, title: t('trendTitle') }, t(/** @type {any} */ (`trend_${trend}`)))
                  : null,
                a.reportedAt ? h('span', {}, t('reportedAt', { time: when(a.reportedAt, ov.timeZone, ov.generatedAt) })) : null,
                a.openProblems ? h('span', {}, tn('openProblems', a.openProblems)) : null,
              )
            : null,
          a.summary ? h('p', { class: 'area-summary' }, a.summary) : null,
        ),
      );
    }),
  );
}

/**
 * Care units per förvaltning as a grid of colours, stale and overdue marked (R3.3, R10.1).
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {Set<string>} overdue
 */
export function renderUnits(root, ov, overdue) {
  if (ov.forvaltningar.length === 0) return root.replaceChildren(h('p', { class: 'empty' }, t('noUnits')));
  root.replaceChildren(
    ...ov.forvaltningar.map((f) => {
      const c = f.counts;
      const headingId = `forv-${f.forvaltningId}`;
      return h(
        'section',
        { class: 'forvaltning', 'aria-labelledby': headingId },
        h(
          'h3',
          { id: headingId },
          h('span', {}, f.name),
          h(
            'span',
            { class: 'counts' },
            ...['green', 'yellow', 'red', 'missing'].map((k) =>
              h(
                'span',
                { class: `count c-${k}-text`, title: t(/** @type {any} */ (k)) },
                `${SYMBOL[/** @type {keyof typeof SYMBOL} */ (k)]} ${c[k] ?? 0}`,
              ),
            ),
          ),
        ),
        h(
          'ul',
          { class: 'tiles' },
          ...f.units.map((u) => {
            const colour = isColour(u.colour) ? u.colour : null;
            const isOverdue = overdue.has(u.unitId);
            const marks = [u.stale ? 'stale' : '', isOverdue ? 'overdue' : ''].filter(Boolean).join(' ');
            return h(
              'li',
              {
                class: `tile c-${colour ?? 'missing'} ${marks}`.trim(),
                'data-unit': u.unitId,
                'data-colour': colour ?? 'missing',
                title: u.explanation ?? undefined,
              },
              h('span', { class: 'tile-name' }, u.name),
              h(
                'span',
                { class: 'tile-status' },
                h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[colour ?? 'missing']),
                ' ',
                colour ? t(colour) : t('noReport'),
                u.reportedAt ? ` · ${when(u.reportedAt, ov.timeZone, ov.generatedAt)}` : '',
              ),
              u.stale ? h('span', { class: 'mark', title: t('staleLong') }, `${STALE_SYMBOL} ${t('stale')}`) : null,
              isOverdue ? h('span', { class: 'mark', title: t('overdueLong') }, `${OVERDUE_SYMBOL} ${t('overdue')}`) : null,
              u.explanation ? h('span', { class: 'tile-why' }, u.explanation) : null,
            );
          }),
        ),
      );
    }),
  );
}

/**
 * Open P1/P2 incidents, highest priority first (R9.2).
 * @param {HTMLElement} root
 * @param {Overview} ov
 */
export function renderIncidents(root, ov) {
  if (ov.majorIncidents.length === 0) return empty(root, t('noIncidents'));
  root.replaceChildren(
    ...ov.majorIncidents.map((i) =>
      h(
        'li',
        { class: `item incident major prio-${i.priority}-item`, 'data-incident': i.id },
        h('span', { class: `prio prio-${i.priority}` }, t('priority', { n: i.priority })),
        h('a', { class: 'item-title', href: pageHref('incident', ov.goLiveId, i.id) }, i.title),
        h(
          'span',
          { class: 'item-meta' },
          i.sdReference ? `${i.sdReference} · ` : '',
          t('opened', { time: when(i.openedAt, ov.timeZone, ov.generatedAt) }),
          ` (${t('ago', { d: duration(between(i.openedAt, ov.generatedAt)) })})`,
          i.lastUpdateAt && i.lastUpdateAt !== i.openedAt
            ? ` · ${t('lastUpdate', { time: when(i.lastUpdateAt, ov.timeZone, ov.generatedAt) })}`
            : '',
        ),
      ),
    ),
  );
}

/**
 * Open challenges by colour (red first) and age (R7, R10.1).
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {Challenge[]} challenges
 */
export function renderChallenges(root, ov, challenges) {
  if (challenges.length === 0) return empty(root, t('noChallenges'));
  root.replaceChildren(
    ...challenges.map((c) =>
      h(
        'li',
        { class: 'item challenge', 'data-challenge': c.id },
        badge(c.colour),
        h('a', { class: 'item-title', href: pageHref('challenge', ov.goLiveId, c.id) }, c.title),
        h(
          'span',
          { class: 'item-meta' },
          [c.area, c.raisedAt ? t('age', { d: duration(between(c.raisedAt, ov.generatedAt)) }) : ''].filter(Boolean).join(' · '),
        ),
      ),
    ),
  );
}

/**
 * Decisions waiting, overdue ones first, with the time left (R8).
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {Decision[]} decisions
 */
export function renderDecisions(root, ov, decisions) {
  if (decisions.length === 0) return empty(root, t('noDecisions'));
  root.replaceChildren(
    ...decisions.map((d) => {
      const left = between(ov.generatedAt, d.deadline);
      return h(
        'li',
        { class: `item decision${d.overdue ? ' overdue' : ''}` },
        d.overdue
          ? h('span', { class: 'flag' }, `${OVERDUE_SYMBOL} ${t('overdueBy', { d: duration(left) })}`)
          : Number.isFinite(left)
            ? h('span', { class: 'flag calm' }, t('left', { d: duration(left) }))
            : null,
        d.challengeId
          ? h('a', { class: 'item-title', href: pageHref('challenge', ov.goLiveId, d.challengeId) }, d.title)
          : h('span', { class: 'item-title' }, d.title),
        h(
          'span',
          { class: 'item-meta' },
          [d.forum, d.deadline ? t('deadline', { time: when(d.deadline, ov.timeZone, ov.generatedAt) }) : ''].filter(Boolean).join(' · '),
        ),
      );
    }),
  );
}

/**
 * The next meeting of each forum with a link to its agenda (R5, R6.5).
 * @param {HTMLElement} root
 * @param {Overview} ov
 * @param {Meeting[]} meetings
 */
export function renderMeetings(root, ov, meetings) {
  if (meetings.length === 0) return empty(root, t('noMeetings'));
  root.replaceChildren(
    ...meetings.map((m) =>
      h(
        'li',
        { class: 'item meeting' },
        h('span', { class: 'forum' }, m.forum),
        h(
          m.meetingId ? 'a' : 'span',
          { class: 'item-title', href: m.meetingId ? pageHref('meeting', ov.goLiveId, m.meetingId) : null },
          `${when(m.startsAt, ov.timeZone, ov.generatedAt)} (${m.inProgress ? t('meetingNow') : t('in', { d: duration(between(ov.generatedAt, m.startsAt)) })})`,
        ),
        m.agendaHref ? h('a', { href: m.agendaHref, class: 'item-meta' }, t('agenda')) : null,
        ...m.clashes.map((c) =>
          h(
            'span',
            { class: 'item-meta clash', 'data-testid': 'clash' },
            t('doubleBooked', { who: c.people.join(', '), what: `${c.forum} ${when(c.start, ov.timeZone, ov.generatedAt)}` }),
          ),
        ),
      ),
    ),
  );
}
