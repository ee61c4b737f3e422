/**
 * Issue 15 item 10 in real headless Chromium: the board's next meetings flag a double
 * booking — the LGV meeting at 08:00 names who is also expected at the DSL at 08:00.
 */
import type { Browser } from 'playwright-core';
import { pages } from '../../shared/domain/pages';
import { calendarOrg } from '../calendar/support';
import { startApi, type Api } from '../http/harness';
import { launchChromium, watch } from './browser';

jest.setTimeout(120_000);

let api: Api;
let browser: Browser;

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T05:00:00Z' }); // 06:00 local, day 0
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

it('the board flags the LGV meeting whose people are also expected at DSL', async () => {
  const lgv = {
    durationMinutes: 45,
    participants: ['lgvLiaison', 'goLiveLead'],
    phases: [{ fromDay: 0, toDay: 0, cadence: { type: 'times', times: ['08:00'] } }],
  };
  const put = await api.put('/golives/vag-1', calendarOrg({ schedules: { forums: { LGV: lgv } } }));
  expect(put.status).toBe(201);
  expect(put.json.warnings).toHaveLength(1);
  const page = await (await browser.newContext()).newPage();
  const seen = watch(page);
  await page.goto(new URL(api.url).origin + pages.board('vag-1'));
  await page.waitForSelector('[data-testid="clash"]');
  const rows = await page.$$eval('li.meeting', (lis) => lis.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ')));
  expect(rows.filter((r) => r.includes('Dubbelbokning'))).toEqual([
    'DSL08:00 (om 2 h)DagordningDubbelbokning: Anna Ledare även på LGV 08:00',
    'LGV08:00 (om 2 h)DagordningDubbelbokning: Anna Ledare även på DSL 08:00',
  ]);
  expect(seen.errors).toEqual([]);
  await page.context().close();
});
