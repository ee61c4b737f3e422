/** GET /golives/{goLiveId}/day (R3.3) through the running app, on the simulated clock. */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/dag';

beforeAll(async () => {
  // 12:30 local on Friday 27 November 2026 (CET).
  api = await startApi({ start: '2026-11-27T11:30:00Z' });
  const put = await api.put(G, {
    name: 'Dag',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'f',
        name: 'F',
        units: [
          { id: 'a', name: 'A' },
          { id: 'b', name: 'B' },
        ],
      },
    ],
  });
  expect(put.status).toBe(201);
  const report = (unit: string, colour: string, reportedAt: string) =>
    api.post(`${G}/units/${unit}/reports`, { colour, explanation: 'x', reportedAt });
  expect((await report('a', 'green', '2026-11-26T09:00:00Z')).status).toBe(201); // yesterday
  expect((await report('a', 'yellow', '2026-11-27T07:00:00Z')).status).toBe(201); // 08:00 local
  expect((await report('b', 'red', '2026-11-27T07:30:00Z')).status).toBe(201);
  expect((await report('b', 'green', '2026-11-27T11:00:00Z')).status).toBe(201); // 12:00 local
});
afterAll(async () => api?.close());

it('today by default: per check point green, yellow, red and missing, and where each window stands', async () => {
  const r = await api.get(`${G}/day`);
  expect(r.status).toBe(200);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.json).toMatchObject({ goLiveId: 'dag', date: '2026-11-27', timeZone: 'Europe/Stockholm', totalUnits: 2 });
  expect(r.json.windows.map((w: { checkpoint: string; state: string; counts: unknown }) => [w.checkpoint, w.state, w.counts])).toEqual([
    ['09:00', 'closed', { green: 0, yellow: 1, red: 1, missing: 0 }],
    ['12:00', 'closed', { green: 1, yellow: 0, red: 0, missing: 1 }],
    ['15:00', 'open', { green: 0, yellow: 0, red: 0, missing: 2 }],
    ['18:00', 'upcoming', null],
  ]);
});

it('another day with ?date=, its windows all closed', async () => {
  const r = await api.get(`${G}/day?date=2026-11-26`);
  expect(r.json.windows.map((w: { state: string; counts: { green: number } }) => [w.state, w.counts.green])).toEqual([
    ['closed', 0],
    ['closed', 1],
    ['closed', 0],
    ['closed', 0],
  ]);
});

it('a bad date is a 400 naming the field; an unknown go-live a 404', async () => {
  const bad = await api.get(`${G}/day?date=27-11-2026`);
  expect(bad.status).toBe(400);
  expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['date']);
  expect((await api.get('/golives/finns-inte/day')).status).toBe(404);
});
