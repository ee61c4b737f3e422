// @ts-check
import { Api } from './api.js';
import { renderDayChart } from './chart.js';
import { byId } from './dom.js';
import { clock } from './format.js';
import { setupAreaForm, setupChallengeForm, setupUnitForm } from './forms.js';
import { setLang, t } from './i18n.js';
import { pageHref } from './links.js';
import {
  challengesOf,
  decisionsOf,
  meetingsOf,
  overdueAreas,
  overdueUnits,
  renderAreas,
  renderChallenges,
  renderDecisions,
  renderIncidents,
  renderMeetings,
  renderSummary,
  renderUnits,
} from './render.js';
import { alert, alertFor, initialLang, keepFresh, onLangToggle, relabelShell } from './shell.js';

/*
 * The status board's entry: reads the go-live, then the overview and the day picture every
 * 30 s (and at once after a report is sent or the page becomes visible again). A refresh
 * re-renders the board's sections only; the forms are never rebuilt, so nothing anyone is
 * typing is lost.
 */

/** @typedef {import('./render.js').Overview} Overview */
/** @typedef {import('./render.js').DayPicture} DayPicture */
/** @typedef {import('./forms.js').GoLive} GoLive */

export const REFRESH_MS = 30_000;
const VIEWS = ['lagesbild', 'enhet', 'omrade', 'utmaning'];

const goLiveId = document.body.dataset.golive ?? '';
const api = new Api(document.body.dataset.api ?? '/api/');

/**
 * `challenges`: the challenges API's open ones, read while the overview has no challenges or
 * decisions of its own (the escalation issue may add them there).
 * @type {{ overview: Overview | null, day: DayPicture | null, challenges: unknown, goLive: GoLive | null, failedAt: string | null }}
 */
const state = { overview: null, day: null, challenges: undefined, goLive: null, failedAt: null };
/** @type {{ relabel: () => void }[]} */
let forms = [];

function showView() {
  const wanted = location.hash.replace(/^#/, '');
  const view = VIEWS.includes(wanted) ? wanted : 'lagesbild';
  for (const el of document.querySelectorAll('main [data-view]'))
    /** @type {HTMLElement} */ (el).hidden = el.getAttribute('data-view') !== view;
  for (const a of document.querySelectorAll('[data-view-link]')) {
    if (a.getAttribute('data-view-link') === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.dataset.currentView = view;
  // The day chart is drawn at its container's width, which is 0 while hidden.
  if (view === 'lagesbild' && state.day) renderDayChart(byId('day'), state.day);
}

function renderUpdated() {
  const el = byId('updated');
  const ov = state.overview;
  if (state.failedAt) {
    el.className = 'updated failed';
    el.textContent = t('updateFailed', { time: clock(state.failedAt, ov?.timeZone ?? 'Europe/Stockholm') });
  } else if (ov) {
    el.className = 'updated';
    el.textContent = t('updatedAt', { time: clock(ov.generatedAt, ov.timeZone) });
  } else el.textContent = t('loading');
}

function renderBoard() {
  renderUpdated();
  const ov = state.overview;
  if (!ov) return;
  byId('golive-name').textContent = ov.name;
  document.title = `${ov.name} – Driftpuls`;
  const areaNames = new Map(ov.areas.map((a) => [a.areaId, a.name]));
  const derived = {
    overdue: overdueUnits(ov, state.day),
    challenges: challengesOf(ov, areaNames, state.challenges),
    decisions: decisionsOf(ov, state.challenges),
    meetings: meetingsOf(ov, api.base),
  };
  renderSummary(byId('summary'), ov, derived);
  renderAreas(byId('areas'), ov, overdueAreas(ov));
  renderUnits(byId('units'), ov, derived.overdue);
  renderIncidents(byId('incidents'), ov);
  renderChallenges(byId('challenges'), ov, derived.challenges);
  renderDecisions(byId('decisions'), ov, derived.decisions);
  renderMeetings(byId('meetings'), ov, derived.meetings);
  if (state.day && !byId('day').closest('[hidden]')) renderDayChart(byId('day'), state.day);
}

/** Refreshes now (a form was sent); set by `start`, through `keepFresh`. */
let refresh = async () => {};

/**
 * Reads the overview and the day picture; on failure keeps the last picture and says so.
 */
async function load() {
  const id = encodeURIComponent(goLiveId);
  const own = state.overview && 'challenges' in state.overview && 'decisions' in state.overview;
  const [ov, day, challenges] = await Promise.all([
    api.get(`golives/${id}/overview`),
    api.get(`golives/${id}/day`),
    own ? null : api.get(`golives/${id}/challenges?state=open`),
  ]);
  if (challenges?.ok) state.challenges = challenges.json;
  if (ov.ok) {
    state.overview = ov.json;
    state.failedAt = null;
    alert(null);
  } else {
    state.failedAt = new Date().toISOString();
    if ([401, 403, 404].includes(ov.status)) alertFor(ov.status, t('goLiveMissing'));
  }
  if (day.ok) state.day = day.json;
  renderBoard();
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? '0') + 1);
}

function applyLang() {
  relabelShell();
  for (const f of forms) f.relabel();
  renderBoard();
}

async function start() {
  // The pages people work in (issue 16): challenges, incidents, the decision log.
  for (const a of document.querySelectorAll('[data-nav]'))
    a.setAttribute('href', pageHref(/** @type {import('./links.js').PageName} */ (a.getAttribute('data-nav') ?? 'board'), goLiveId));
  setLang(initialLang());
  applyLang();
  showView();
  window.addEventListener('hashchange', showView);
  onLangToggle(applyLang);

  const org = await api.get(`golives/${encodeURIComponent(goLiveId)}`);
  if (org.ok) {
    state.goLive = org.json;
    const ctx = { api, goLiveId, goLive: org.json, onSent: () => void refresh() };
    forms = [setupUnitForm(ctx), setupAreaForm(ctx), setupChallengeForm(ctx)];
  } else alertFor(org.status, t('goLiveMissing'));

  refresh = keepFresh(load, REFRESH_MS);
  await refresh();
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      if (state.day && !byId('day').closest('[hidden]')) renderDayChart(byId('day'), state.day);
    }, 150);
  });
  document.body.dataset.ready = 'true';
}

void start();
