/**
 * A damaged embedded store through the running app (issue 13 item 8): the WAL deleted under
 * the running app (before: writes answered 201 and vanished at restart, /api/health said
 * "ok") now makes every request answer 503 problem+json `STORE.DAMAGED`, and /api/health
 * answers 503 with status `damaged`, naming what happened.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/skadad';

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  expect(
    (
      await api.put(G, {
        name: 'Skadad',
        startDate: '2026-11-27',
        forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
      })
    ).status,
  ).toBe(201);
});
afterAll(async () => api?.close());

it('health is ok, then damaged with 503 once the WAL is deleted; writes and reads answer 503, nothing is acknowledged', async () => {
  const ok = await api.get('/health');
  expect(ok.status).toBe(200);
  expect(ok.json.status).toBe('ok');
  expect((await api.post(`${G}/units/u/reports`, { colour: 'grön', explanation: 'Allt fungerar' })).status).toBe(201);

  fs.unlinkSync(path.join(api.dataDir, 'driftpuls.sqlite-wal'));

  const write = await api.post(`${G}/units/u/reports`, { colour: 'röd', explanation: 'Efter att WAL-filen försvann' });
  expect(write.status).toBe(503);
  expect(write.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(write.headers.get('retry-after')).toBeTruthy();
  expect(write.json.code).toBe('STORE.DAMAGED');
  expect(write.json.detail).toMatch(/Lagringen är skadad/);
  expect((await api.get(`${G}/overview`)).status).toBe(503);

  const health = await api.get('/health');
  expect(health.status).toBe(503);
  expect(health.json.status).toBe('damaged');
  expect(health.json.problem).toMatch(/WAL file .* was deleted while open/);
});
