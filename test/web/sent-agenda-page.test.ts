/**
 * Issue 14 item 6 on the meeting page, in real headless Chromium: once the 08:00 DSL is over,
 * its page shows the agenda as it was sent at 07:50 — saying so — and a link to the agenda as
 * it stands now. Simulated clock, real app and calendar timer; times local (UTC+1).
 */
import type { Browser, Page } from 'playwright-core';
import { pages } from '../../shared/domain/pages';
import { calendarOrg } from '../calendar/support';
import { startApi, type Api } from '../http/harness';
import { launchChromium, watch, type PageWatch } from './browser';
import { axe, type InPage } from './support';

jest.setTimeout(120_000);

const G = '/golives/skickad';
const MEETING = 'dsl-2026-11-27T0800';
const local = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();
const as = { 'x-dev-user': 'omar@example.org' };
const teknik = (summary: string, colour: string) => ({
  summary,
  colour,
  overrideReason: 'Bedömning',
  problems: [{ title: summary, size: 'liten', situation: { facts: summary }, actions: 'Felsöker', obstacles: 'Inga' }],
});

let api: Api;
let browser: Browser;
let origin: string;
let seen: PageWatch;

beforeAll(async () => {
  api = await startApi({ start: local('07:40') });
  origin = new URL(api.url).origin;
  expect((await api.put(G, calendarOrg())).status).toBe(201);
  expect((await api.post(`${G}/areas/teknik/reports`, teknik('Utskrifter strular', 'gul'), as)).status).toBe(201);
  await api.advance('PT80M'); // 09:00: the agenda went out at 07:50, the meeting is over
  expect((await api.post(`${G}/areas/teknik/reports`, teknik('Inloggningen nere', 'röd'), as)).status).toBe(201);
  await api.advance('PT1H'); // 10:00
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});
afterEach(() => {
  expect(seen?.errors ?? []).toEqual([]);
});

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => (globalThis as unknown as InPage).localStorage.setItem('driftpuls.actAs', 'omar@example.org'));
  const page = await context.newPage();
  seen = watch(page);
  await page.goto(origin + path);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

it("a past meeting's page shows the agenda as sent at 07:50, says so, and links to the live one", async () => {
  const page = await open(pages.meeting('skickad', MEETING));
  await page.waitForSelector('[data-testid="as-sent"]');
  await expect(page.locator('[data-testid="as-sent"]').innerText()).resolves.toMatch(
    /^Dagordningen som den skickades 07:50, före mötet\. Se dagordningen som den ser ut nu$/,
  );
  const agendaText = await page.locator('.agenda').innerText();
  expect(agendaText).toContain('Utskrifter strular');
  expect(agendaText).not.toContain('Inloggningen nere');
  expect(await axe(page)).toEqual([]);

  await page.click('[data-testid="as-sent"] a');
  await page.waitForURL(/[?&]live=1/);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await page.waitForFunction(
    () => (globalThis as unknown as InPage).document.querySelector('.agenda')?.textContent?.includes('Inloggningen nere') === true,
  );
  await expect(page.locator('[data-testid="as-sent"]').count()).resolves.toBe(0);
  await page.context().close();
});

it('a meeting still to come shows the live agenda, with no "as sent" line', async () => {
  const page = await open(pages.meeting('skickad', 'dsl-2026-11-28T0800'));
  await page.waitForFunction(
    () => (globalThis as unknown as InPage).document.querySelector('.agenda')?.textContent?.includes('Inloggningen nere') === true,
  );
  await expect(page.locator('[data-testid="as-sent"]').count()).resolves.toBe(0);
  await page.context().close();
});
