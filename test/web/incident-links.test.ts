/**
 * Issue 15 item 4 in real headless Chromium: the incident page shows the challenges the
 * incident causes, and the challenge page its incidents — one link named on each side, both
 * shown on both pages, each leading to the other page.
 */
import type { Browser, Page } from 'playwright-core';
import { pages } from '../../shared/domain/pages';
import { startApi, type Api } from '../http/harness';
import { launchChromium, watch, type PageWatch } from './browser';
import { type InPage } from './support';

jest.setTimeout(120_000);

const G = '/golives/demo';
let api: Api;
let browser: Browser;
let origin: string;
let seen: PageWatch;

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z', demo: true });
  origin = new URL(api.url).origin;
  browser = await launchChromium();
  const as = { 'x-dev-user': 'ivan-im' };
  expect(
    (await api.post(`${G}/incidents`, { id: 'inc-skrivare', title: 'Skrivarservern nere', priority: 3, sdReference: 'SD-7001' }, as))
      .status,
  ).toBe(201);
  const raise = (id: string, extra: Record<string, unknown>) =>
    api.post(
      `${G}/challenges`,
      { id, title: `Etiketter ${id}`, colour: 'yellow', areaId: 'teknik', needFromOthers: 'Drivrutin.', ...extra },
      { 'x-dev-user': 'omar-teknik' },
    );
  // One link named on the challenge, one on the incident.
  expect((await raise('etiketter', { incidentIds: ['inc-skrivare'] })).status).toBe(202);
  expect((await raise('remisser', {})).status).toBe(202);
  expect(
    (await api.post(`${G}/incidents/inc-skrivare/updates`, { text: 'Påverkar också remisser', challengeIds: ['remisser'] }, as)).status,
  ).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});
afterEach(() => {
  expect(seen?.errors ?? []).toEqual([]);
});

async function open(path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  seen = watch(page);
  await page.goto(origin + path);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

const hrefs = (page: Page, sel: string) =>
  page.$$eval(sel, (as) => as.map((a) => `${(a as unknown as { getAttribute(n: string): string }).getAttribute('href')} ${a.textContent}`));

it('the incident page lists the challenges it causes, both directions, and a link opens the challenge', async () => {
  const page = await open(pages.incident('demo', 'inc-skrivare'));
  await page.waitForSelector('#incident-challenges a');
  await expect(hrefs(page, '#incident-challenges a')).resolves.toEqual([
    `${pages.challenge('demo', 'remisser')} Orsakar utmaning remisser`,
    `${pages.challenge('demo', 'etiketter')} Orsakar utmaning etiketter`,
  ]);
  await page.click('#incident-challenges a >> nth=1');
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await page.waitForFunction(() =>
    (globalThis as unknown as InPage).document.querySelector('h1')?.textContent?.includes('Etiketter etiketter'),
  );
  await page.context().close();
});

it('the challenge page shows its incident, also when the link was named on the incident', async () => {
  for (const id of ['etiketter', 'remisser']) {
    const page = await open(pages.challenge('demo', id));
    await page.waitForSelector('#challenge-incidents a');
    await expect(hrefs(page, '#challenge-incidents a')).resolves.toEqual([
      `${pages.incident('demo', 'inc-skrivare')} Incident inc-skrivare`,
    ]);
    await page.context().close();
  }
});
