import { configureServices, getServices } from '../../shared/composition';
import type { Repository } from '../../shared/ports/repository.port';
import { parseAdvanceBy } from '../../local/clock-api';
import type { LocalRuntime } from '../../local/runtime';
import { startLocalRuntime } from '../../local/runtime';
import { captureApp } from './capture';

/* `_local/clock` on the simulated clock: the one way a rehearsal moves time over HTTP. */

const START = '2025-03-03T06:00:00.000Z';
const ticks: string[] = [];

const { registry } = captureApp(({ app }) => {
  app.timer('tick', {
    schedule: '0 */5 * * * *',
    handler: async () => {
      ticks.push((await getServices()).clock.now().toISOString());
    },
  });
  app.get('now', { route: 'now', handler: async () => ({ jsonBody: { now: (await getServices()).clock.now().toISOString() } }) });
});

let runtime: LocalRuntime;
const post = (body: unknown) =>
  fetch(`${runtime.url}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  // The app's services read the clock the runtime configures; the store is not used here.
  configureServices({ repo: { close: async () => undefined } as unknown as Repository });
  runtime = await startLocalRuntime({ registry, port: 0, demo: false, clock: 'simulated', start: new Date(START), settings: {} });
});
afterAll(() => runtime.close());

it('tells the simulated time and mode', async () => {
  const res = await fetch(`${runtime.url}/_local/clock`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ now: START, mode: 'simulated' });
});

it('gives the app the simulated clock through its services', async () => {
  expect(await (await fetch(`${runtime.url}/now`)).json()).toEqual({ now: START });
});

it('advances by an ISO duration and fires due timers before answering', async () => {
  ticks.length = 0;
  const res = await post({ advanceBy: 'PT15M' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ now: '2025-03-03T06:15:00.000Z' });
  expect(ticks).toEqual(['2025-03-03T06:05:00.000Z', '2025-03-03T06:10:00.000Z', '2025-03-03T06:15:00.000Z']);
  expect(await (await fetch(`${runtime.url}/now`)).json()).toEqual({ now: '2025-03-03T06:15:00.000Z' });
});

it('advances by a number of minutes, and to a time with an offset', async () => {
  ticks.length = 0;
  expect(await (await post({ advanceBy: 2 })).json()).toEqual({ now: '2025-03-03T06:17:00.000Z' });
  expect(await (await post({ advanceTo: '2025-03-03T07:30:00+01:00' })).json()).toEqual({ now: '2025-03-03T06:30:00.000Z' });
  expect(ticks).toEqual(['2025-03-03T06:20:00.000Z', '2025-03-03T06:25:00.000Z', '2025-03-03T06:30:00.000Z']);
});

it('refuses to go backwards with 409', async () => {
  const res = await post({ advanceTo: '2025-03-03T06:00:00Z' });
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await res.json()).toMatchObject({ status: 409, code: 'CLOCK.BACKWARDS' });
  expect((await post({ advanceBy: -5 })).status).toBe(409);
});

it('rejects a malformed request with 400', async () => {
  expect((await post({ advanceBy: 'soon' })).status).toBe(400);
  expect((await post({ advanceTo: 'tomorrow' })).status).toBe(400);
  expect((await post({ advanceTo: '2025-03-03T08:00:00' })).status).toBe(400); // no offset: ambiguous
  expect((await post({})).status).toBe(400);
  expect((await fetch(`${runtime.url}/_local/clock`, { method: 'POST', body: 'not json' })).status).toBe(400);
});

it('answers 405 for other methods', async () => {
  const res = await fetch(`${runtime.url}/_local/clock`, { method: 'PUT' });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('GET, POST');
});

it('parses durations', () => {
  expect(parseAdvanceBy('PT15M')).toBe(15 * 60_000);
  expect(parseAdvanceBy('P1DT2H')).toBe(26 * 3600_000);
  expect(parseAdvanceBy(1.5)).toBe(90_000);
});
