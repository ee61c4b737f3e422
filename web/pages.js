// @ts-check
import { actingAs, Api, setActingAs } from './api.js';
import { byId, h } from './dom.js';
import { clock } from './format.js';
import { lang, setLang, t } from './i18n.js';
import { pageHref } from './links.js';
import { challengePage, challengesPage } from './page-challenges.js';
import { decisionsPage } from './page-decisions.js';
import { incidentPage, incidentsPage } from './page-incidents.js';
import { meetingPage } from './page-meeting.js';
import { areaPage, unitPage } from './page-places.js';
import { ROLE_LABELS } from './rules.js';
import { alert, alertFor, initialLang, keepFresh, onLangToggle, relabelShell } from './shell.js';

/*
 * The pages people work in (issue 16), one entry for all of them: the shell (`page.html`)
 * names the page and the thing; this module reads who the person is (`/me`), the go-live,
 * then hands over to the page's module. A page builds its forms once (`mount`) and redraws
 * only its data on every refresh (`load`, every 30 s, when the tab is shown again and after
 * a form is sent), so nothing anyone types is lost.
 */

/**
 * @typedef {import('./forms.js').GoLive & { people: { id: string, name: string, roles: string[], areaIds?: string[] }[] }} GoLive
 * @typedef {{
 *   goLiveId: string,
 *   authMode: 'dev' | 'appservice',
 *   person: { id: string, name: string } | null,
 *   name: string,
 *   roles: (keyof typeof ROLE_LABELS)[],
 *   admin: boolean,
 *   may: Record<string, boolean>,
 *   now: string,
 * }} Me
 * @typedef {{
 *   api: Api,
 *   goLiveId: string,
 *   id: string,
 *   me: Me | null,
 *   goLive: GoLive | null,
 *   root: HTMLElement,
 *   timeZone: string,
 *   now: () => string,
 *   may: (action: string) => boolean,
 *   onSent: () => void,
 *   setUpdated: (iso: string | null) => void,
 * }} PageContext
 * @typedef {{ mount: (ctx: PageContext) => void, load: (ctx: PageContext) => Promise<number>, relabel?: (ctx: PageContext) => void, refreshMs?: number }} PageModule
 */

export const REFRESH_MS = 30_000;

/** @type {Record<string, PageModule>} */
const PAGES = {
  challenges: challengesPage,
  challenge: challengePage,
  meeting: meetingPage,
  incidents: incidentsPage,
  incident: incidentPage,
  decisions: decisionsPage,
  area: areaPage,
  unit: unitPage,
};

const body = document.body;
const goLiveId = body.dataset.golive ?? '';
const pageName = body.dataset.page ?? 'challenges';
const api = new Api(body.dataset.api ?? '/api/');

/** @type {PageContext} */
const ctx = {
  api,
  goLiveId,
  id: body.dataset.id ?? '',
  me: null,
  goLive: null,
  root: byId('main'),
  timeZone: 'Europe/Stockholm',
  now: () => new Date().toISOString(),
  may: (action) => ctx.me?.may[action] === true,
  onSent: () => void refresh(),
  setUpdated: (iso) => {
    const el = byId('updated');
    el.textContent = iso ? t('updatedAt', { time: clock(iso, ctx.timeZone) }) : t('updateFailed', { time: clock(ctx.now(), ctx.timeZone) });
    el.className = iso ? 'updated' : 'updated failed';
  },
};

/** Who am I: the signed-in person and roles; locally a picker to act as anyone of the go-live. */
function renderMe() {
  const root = byId('me');
  const me = ctx.me;
  const roles = me ? me.roles.map((r) => ROLE_LABELS[r]?.[lang()] ?? r).join(', ') : '';
  const who = me
    ? h(
        'span',
        { class: 'me-who', 'data-testid': 'me' },
        `${me.name || t('unknownPerson')}${roles ? ` · ${roles}` : ''}${me.admin ? ` · ${t('admin')}` : ''}`,
      )
    : null;
  if (me?.authMode !== 'dev' || !ctx.goLive) {
    root.replaceChildren(...(who ? [h('span', { class: 'me-label' }, t('signedInAs')), ' ', who] : []));
    return;
  }
  const select = h(
    'select',
    { id: 'act-as', 'data-testid': 'act-as' },
    h('option', { value: '' }, t('devDefault')),
    ...ctx.goLive.people.map((p) =>
      h(
        'option',
        { value: p.id, selected: actingAs() === p.id },
        `${p.name} (${p.roles.map((r) => ROLE_LABELS[/** @type {keyof typeof ROLE_LABELS} */ (r)]?.[lang()] ?? r).join(', ')})`,
      ),
    ),
  );
  select.addEventListener('change', () => {
    setActingAs(select.value || null);
    // The whole page again, as that person: actions differ by role.
    location.reload();
  });
  root.replaceChildren(h('label', { for: 'act-as', class: 'me-label' }, t('actAs')), ' ', select, ...(who ? [' ', who] : []));
}

function renderNav() {
  for (const a of document.querySelectorAll('[data-nav]')) {
    const name = a.getAttribute('data-nav') ?? '';
    a.setAttribute('href', pageHref(/** @type {import('./links.js').PageName} */ (name), goLiveId));
    if (name === pageName || (name === 'challenges' && pageName === 'challenge') || (name === 'incidents' && pageName === 'incident'))
      a.setAttribute('aria-current', 'page');
  }
}

/** Refreshes now (a form was sent); set by `start`, through `keepFresh`. */
let refresh = async () => {};
const page = PAGES[pageName] ?? challengesPage;

async function load() {
  const me = await api.get(`golives/${encodeURIComponent(goLiveId)}/me`);
  if (me.ok) {
    ctx.me = me.json;
    const offset = Date.parse(me.json.now) - Date.now();
    ctx.now = () => new Date(Date.now() + offset).toISOString();
  }
  const status = await page.load(ctx);
  if (status >= 200 && status < 300) {
    alert(null);
    ctx.setUpdated(ctx.now());
  } else {
    alertFor(me.ok ? status : me.status);
    if (status !== 401 && status !== 403) ctx.setUpdated(null);
  }
  body.dataset.refreshed = String(Number(body.dataset.refreshed ?? '0') + 1);
}

function applyLang() {
  relabelShell();
  renderMe();
  page.relabel?.(ctx);
}

async function start() {
  setLang(initialLang());
  renderNav();
  const [me, org] = await Promise.all([
    api.get(`golives/${encodeURIComponent(goLiveId)}/me`),
    api.get(`golives/${encodeURIComponent(goLiveId)}`),
  ]);
  if (me.ok) ctx.me = me.json;
  if (org.ok) {
    ctx.goLive = org.json;
    ctx.timeZone = org.json.timeZone;
    byId('golive-name').textContent = org.json.name;
  }
  page.mount(ctx);
  applyLang();
  onLangToggle(() => {
    applyLang();
    void refresh();
  });
  refresh = keepFresh(load, page.refreshMs ?? REFRESH_MS);
  await refresh();
  body.dataset.ready = 'true';
}

void start();
