// @ts-check
import { actionForm, compact } from './actions.js';
import { h, put } from './dom.js';
import { between, duration, when } from './format.js';
import { t, tx } from './i18n.js';
import { pageHref } from './links.js';
import { areaName } from './page-challenges.js';

/*
 * Incidents (R9): IM (and whoever else the access matrix lets) registers, updates and closes
 * them; P1/P2 are marked out here and on the board (R9.2).
 */

/**
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {import('./pages.js').PageModule} PageModule
 * @typedef {{ id: string, text: string, priority?: number, status?: 'open' | 'resolved', at: string, recordedBy?: { id: string, name?: string }, reporter?: { name?: string } }} IncidentUpdate
 * @typedef {{
 *   id: string,
 *   title: string,
 *   priority: number,
 *   description?: string,
 *   incidentManagerId?: string,
 *   sdReference?: string,
 *   areaIds: string[],
 *   challengeIds?: string[],
 *   status: 'open' | 'resolved',
 *   openedAt: string,
 *   resolvedAt?: string,
 *   lastUpdateAt: string,
 *   updates: IncidentUpdate[],
 * }} Incident
 */

const enc = encodeURIComponent;
const PRIORITY_OPTIONS = () => [1, 2, 3, 4].map((n) => ({ value: String(n), text: `P${n}` }));

/** @param {number} p */
export const prioBadge = (p) => h('span', { class: `prio prio-${p}${p <= 2 ? ' major' : ''}` }, `P${p}`);

/** @param {PageContext} ctx @param {string | undefined} id */
const personName = (ctx, id) => (id ? (ctx.goLive?.people.find((p) => p.id === id)?.name ?? id) : '');

/** @type {{ items: Incident[], list: HTMLElement | null, showResolved: HTMLInputElement | null, register: ReturnType<typeof actionForm> | null }} */
const list = { items: [], list: null, showResolved: null, register: null };

/** @param {PageContext} ctx */
function renderList(ctx) {
  if (!list.list) return;
  const now = ctx.now();
  const shown = list.items
    .filter((i) => list.showResolved?.checked || i.status === 'open')
    .sort((a, b) => a.status.localeCompare(b.status) || a.priority - b.priority || b.openedAt.localeCompare(a.openedAt));
  if (shown.length === 0) {
    list.list.replaceChildren(h('li', { class: 'empty' }, t('noIncidentsAll')));
    return;
  }
  list.list.replaceChildren(
    ...shown.map((i) =>
      h(
        'li',
        { class: `card row${i.priority <= 2 && i.status === 'open' ? ' major' : ''}`, 'data-incident': i.id },
        prioBadge(i.priority),
        h('a', { href: pageHref('incident', ctx.goLiveId, i.id), class: 'row-title' }, i.title),
        h(
          'span',
          { class: 'row-meta' },
          h('span', { class: `chip inc-${i.status}` }, tx(`inc_${i.status}`)),
          i.sdReference ? ` · ${i.sdReference}` : '',
          ` · ${t('opened', { time: when(i.openedAt, ctx.timeZone, now) })} (${t('ago', { d: duration(between(i.openedAt, now)) })})`,
          i.incidentManagerId ? ` · ${t('manager')}: ${personName(ctx, i.incidentManagerId)}` : '',
        ),
      ),
    ),
  );
}

/** @param {PageContext} ctx */
const areaOptions = (ctx) => (ctx.goLive?.areas ?? []).map((a) => ({ value: a.id, text: a.name }));

/** @type {PageModule} */
export const incidentsPage = {
  mount(ctx) {
    list.list = h('ul', { class: 'rows', id: 'incident-list' });
    list.showResolved = h('input', { type: 'checkbox', id: 'show-resolved' });
    list.showResolved.addEventListener('change', () => renderList(ctx));
    list.register = ctx.may('postIncident')
      ? actionForm(ctx, {
          key: 'incident',
          title: 'actIncident',
          send: 'actIncident',
          fields: [
            { name: 'title', label: 'incTitle', kind: 'text', required: true },
            { name: 'priority', label: 'incPriority', kind: 'select', options: PRIORITY_OPTIONS, value: () => '2' },
            { name: 'description', label: 'incDescription', kind: 'textarea', max: 4000 },
            { name: 'sdReference', label: 'incSd', kind: 'text', max: 40 },
            { name: 'areaIds', label: 'incAreas', kind: 'multi', options: () => areaOptions(ctx), hint: 'multiHint' },
          ],
          request: (v) => ({
            path: `golives/${enc(ctx.goLiveId)}/incidents`,
            body: compact({
              ...v,
              priority: Number(v.priority),
              incidentManagerId: ctx.me?.roles.includes('incidentManager') ? ctx.me?.person?.id : undefined,
            }),
          }),
          success: () => t('doneIncident'),
        })
      : null;
    ctx.root.replaceChildren(
      h('h1', { 'data-i18n': 'incidentsTitle' }, t('incidentsTitle')),
      h(
        'div',
        { class: 'two-col' },
        h(
          'div',
          {},
          h(
            'p',
            { class: 'field check' },
            list.showResolved,
            h('label', { for: 'show-resolved', 'data-i18n': 'showResolved' }, t('showResolved')),
          ),
          list.list,
        ),
        list.register ? h('section', { class: 'actions' }, list.register.root) : h('div'),
      ),
    );
  },
  relabel(ctx) {
    list.register?.relabel();
    renderList(ctx);
  },
  async load(ctx) {
    const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/incidents`);
    if (r.ok) list.items = r.json.items;
    renderList(ctx);
    return r.status;
  },
};

/** @type {{ incident: Incident | null, view: HTMLElement | null, update: ReturnType<typeof actionForm> | null }} */
const one = { incident: null, view: null, update: null };

/** @param {PageContext} ctx */
function renderIncident(ctx) {
  const i = one.incident;
  if (!i || !one.view) return;
  const now = ctx.now();
  document.title = `P${i.priority} ${i.title} – Driftpuls`;
  put(
    one.view,
    h('h1', {}, prioBadge(i.priority), ' ', i.title),
    h(
      'p',
      { class: 'lead' },
      h('span', { class: `chip inc-${i.status}` }, tx(`inc_${i.status}`)),
      ` · ${t('opened', { time: when(i.openedAt, ctx.timeZone, now) })}`,
      i.sdReference ? ` · ${i.sdReference}` : '',
      i.incidentManagerId ? ` · ${t('manager')}: ${personName(ctx, i.incidentManagerId)}` : '',
    ),
    i.description ? h('p', {}, i.description) : null,
    i.areaIds.length
      ? h(
          'ul',
          { class: 'links' },
          ...i.areaIds.map((a) => h('li', {}, h('a', { href: pageHref('area', ctx.goLiveId, a) }, areaName(ctx, a)))),
        )
      : null,
    // The challenges it causes, both directions of the link (issue 15 item 4).
    i.challengeIds?.length
      ? h(
          'ul',
          { class: 'links', id: 'incident-challenges' },
          ...i.challengeIds.map((c) =>
            h('li', {}, h('a', { href: pageHref('challenge', ctx.goLiveId, c) }, t('causesChallenge', { id: c }))),
          ),
        )
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-updates' },
      h('h2', { id: 'h-updates' }, t('updates')),
      i.updates.length === 0
        ? h('p', { class: 'empty' }, '–')
        : h(
            'ol',
            { class: 'timeline' },
            ...i.updates.map((u) =>
              h(
                'li',
                {},
                h('time', { datetime: u.at }, when(u.at, ctx.timeZone, now)),
                ' ',
                u.priority ? prioBadge(u.priority) : '',
                u.status === 'resolved' ? h('strong', {}, ` ${t('inc_resolved')} `) : ' ',
                h('span', { class: 'who' }, u.recordedBy ? `${t('by')} ${u.recordedBy.name ?? u.recordedBy.id}` : (u.reporter?.name ?? '')),
                h('p', { class: 'detail' }, u.text),
              ),
            ),
          ),
    ),
  );
  if (one.update) one.update.root.hidden = i.status !== 'open';
}

/** @type {PageModule} */
export const incidentPage = {
  mount(ctx) {
    one.view = h('div', { class: 'incident-view' });
    one.update = ctx.may('postIncidentUpdate')
      ? actionForm(ctx, {
          key: 'incident-update',
          title: 'actIncidentUpdate',
          send: 'actIncidentUpdate',
          open: true,
          fields: [
            { name: 'text', label: 'incText', kind: 'textarea', required: true, max: 4000 },
            {
              name: 'priority',
              label: 'incNewPriority',
              kind: 'select',
              options: () => [{ value: '', text: t('unchanged') }, ...PRIORITY_OPTIONS()],
            },
            {
              name: 'status',
              label: 'incStatus',
              kind: 'select',
              options: () => [
                { value: '', text: t('keepOpen') },
                { value: 'resolved', text: t('incClose') },
              ],
            },
          ],
          request: (v) => ({
            path: `golives/${enc(ctx.goLiveId)}/incidents/${enc(ctx.id)}/updates`,
            body: compact({ text: v.text, priority: v.priority ? Number(v.priority) : undefined, status: v.status || undefined }),
          }),
          success: () => t('doneIncidentUpdate'),
        })
      : null;
    ctx.root.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: pageHref('incidents', ctx.goLiveId), 'data-i18n': 'allIncidents' }, t('allIncidents'))),
      h('div', { class: 'two-col' }, one.view, one.update ? h('section', { class: 'actions' }, one.update.root) : h('div')),
    );
  },
  relabel(ctx) {
    one.update?.relabel();
    renderIncident(ctx);
  },
  async load(ctx) {
    // One incident, read by its own route (issue 16): not the whole list.
    const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/incidents/${enc(ctx.id)}`);
    if (!r.ok) return r.status;
    one.incident = /** @type {Incident} */ (r.json);
    renderIncident(ctx);
    return 200;
  },
};
