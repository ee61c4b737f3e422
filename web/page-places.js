// @ts-check
import { badge, isColour } from './colours.js';
import { h } from './dom.js';
import { when } from './format.js';
import { t } from './i18n.js';
import { pageHref } from './links.js';

/*
 * A delivery area (R4) and a care unit (R3): the latest reports, newest first, and for an
 * area its open challenges. Links in notifications and on the agenda lead here.
 */

/**
 * @typedef {import('./pages.js').PageContext} PageContext
 * @typedef {import('./pages.js').PageModule} PageModule
 * @typedef {{ id: string, colour: string, summary?: string, explanation?: string, reportedAt: string, problems?: { title: string }[] }} Report
 */

const enc = encodeURIComponent;

/** @param {PageContext} ctx @param {HTMLElement} root @param {Report[]} items */
function renderReports(ctx, root, items) {
  const now = ctx.now();
  root.replaceChildren(
    h('h2', {}, t('latestReports')),
    items.length === 0
      ? h('p', { class: 'empty' }, t('noReports'))
      : h(
          'ol',
          { class: 'timeline' },
          ...items.map((r) =>
            h(
              'li',
              {},
              h('time', { datetime: r.reportedAt }, when(r.reportedAt, ctx.timeZone, now)),
              ' ',
              isColour(r.colour) ? badge(r.colour) : r.colour,
              h('p', { class: 'detail' }, r.summary ?? r.explanation ?? ''),
              r.problems?.length ? h('ul', {}, ...r.problems.map((p) => h('li', {}, p.title))) : null,
            ),
          ),
        ),
  );
}

/**
 * @param {'area' | 'unit'} kind
 * @returns {PageModule}
 */
function placePage(kind) {
  /** @type {{ head: HTMLElement | null, reports: HTMLElement | null, extra: HTMLElement | null }} */
  const el = { head: null, reports: null, extra: null };
  const name = (/** @type {PageContext} */ ctx) =>
    kind === 'area'
      ? (ctx.goLive?.areas.find((a) => a.id === ctx.id)?.name ?? ctx.id)
      : (ctx.goLive?.forvaltningar.flatMap((f) => f.units).find((u) => u.id === ctx.id)?.name ?? ctx.id);
  return {
    mount(ctx) {
      el.head = h('h1', {}, name(ctx));
      el.reports = h('section', { class: 'card' });
      el.extra = h('section', { class: 'card', hidden: kind !== 'area' });
      document.title = `${name(ctx)} – Driftpuls`;
      ctx.root.replaceChildren(
        h('p', { class: 'crumbs' }, h('a', { href: pageHref('board', ctx.goLiveId), 'data-i18n': 'tabBoard' }, t('tabBoard'))),
        h('p', { class: 'lead', 'data-i18n': kind === 'area' ? 'areaTitle' : 'unitTitle' }, t(kind === 'area' ? 'areaTitle' : 'unitTitle')),
        el.head,
        el.reports,
        el.extra,
      );
    },
    async load(ctx) {
      const r = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/${kind === 'area' ? 'areas' : 'units'}/${enc(ctx.id)}/reports?limit=20`);
      if (r.ok && el.reports) renderReports(ctx, el.reports, r.json.items);
      if (kind === 'area' && el.extra) {
        const c = await ctx.api.get(`golives/${enc(ctx.goLiveId)}/challenges?state=open&areaId=${enc(ctx.id)}`);
        /** @type {{ id: string, title: string, colour: 'red' | 'yellow' }[]} */
        const items = c.ok ? c.json.items : [];
        el.extra.replaceChildren(
          h('h2', {}, t('openChallengesHere')),
          items.length
            ? h(
                'ul',
                { class: 'links' },
                ...items.map((x) =>
                  h('li', {}, badge(x.colour), ' ', h('a', { href: pageHref('challenge', ctx.goLiveId, x.id) }, x.title)),
                ),
              )
            : h('p', { class: 'empty' }, t('noChallenges')),
        );
      }
      return r.status;
    },
  };
}

export const areaPage = placePage('area');
export const unitPage = placePage('unit');
