/**
 * Issue 14 item 13 (R3.5, R4.3) through the running app: "Verksamhetens införande" takes its
 * suggested colour from the care units' latest statuses (worst colour, counts per
 * förvaltning); standing green while IVA is red needs a reason, and the overview shows the
 * suggestion.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/inf';
const AREA = `${G}/areas/verksamhetens-inforande/reports`;

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' }); // 11:00 local, day 0
  const r = await api.put(G, {
    name: 'Införande',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'sjukhuset',
        name: 'Sjukhuset',
        units: [
          { id: 'iva', name: 'IVA' },
          { id: 'akuten', name: 'Akuten' },
        ],
      },
      { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
    ],
    people: [],
  });
  expect(r.status).toBe(201);
});
afterAll(async () => api?.close());

it('suggests the worst unit colour, and refuses green without a reason while IVA is red', async () => {
  expect((await api.post(`${G}/units/iva/reports`, { colour: 'röd', explanation: 'Läkemedelsmodulen nere' })).status).toBe(201);
  expect((await api.post(`${G}/units/akuten/reports`, { colour: 'grön', explanation: 'Lugnt' })).status).toBe(201);
  expect((await api.post(`${G}/units/vc-norr/reports`, { colour: 'gul', explanation: 'Långsam inloggning' })).status).toBe(201);
  await api.advance('PT1M');

  const green = await api.post(AREA, { summary: 'Allt väl', colour: 'grön' });
  expect(green.status).toBe(400);
  expect(green.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(green.json.errors.map((e: { field: string }) => e.field)).toEqual(['overrideReason']);

  const suggested = await api.post(AREA, { summary: 'IVA har problem' });
  expect(suggested.status).toBe(201);
  expect(suggested.json).toMatchObject({
    colour: 'red',
    suggestedColour: 'red',
    suggestedFromUnits: [
      { forvaltningId: 'sjukhuset', green: 1, yellow: 0, red: 1 },
      { forvaltningId: 'primarvarden', green: 0, yellow: 1, red: 0 },
    ],
  });

  await api.advance('PT1M');
  const overridden = await api.post(AREA, { summary: 'IVA löst lokalt', colour: 'gul', overrideReason: 'IVA kör reservrutin' });
  expect(overridden.status).toBe(201);
  expect(overridden.json).toMatchObject({ colour: 'yellow', suggestedColour: 'red', overrideReason: 'IVA kör reservrutin' });

  const ov = (await api.get(`${G}/overview`)).json;
  const area = ov.areas.find((a: { areaId: string }) => a.areaId === 'verksamhetens-inforande');
  expect(area).toMatchObject({
    colour: 'yellow',
    suggestedColour: 'red',
    suggestedFromUnits: [
      { forvaltningId: 'sjukhuset', green: 1, yellow: 0, red: 1 },
      { forvaltningId: 'primarvarden', green: 0, yellow: 1, red: 0 },
    ],
  });
});

it('follows the units back to green when they recover', async () => {
  await api.advance('PT1M');
  for (const unit of ['iva', 'vc-norr'])
    expect((await api.post(`${G}/units/${unit}/reports`, { colour: 'grön', explanation: 'Fungerar' })).status).toBe(201);
  await api.advance('PT1M');
  const r = await api.post(AREA, { summary: 'Lugnt' });
  expect(r.json).toMatchObject({ colour: 'green', suggestedColour: 'green' });
});

it('tells the form what the suggestion comes from: the units for införande, the problems elsewhere', async () => {
  await api.advance('PT1M');
  expect((await api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'Kö i triage' })).status).toBe(201);
  const s = await api.get(`${G}/areas/verksamhetens-inforande/suggestion`);
  expect(s.status).toBe(200);
  expect(s.json).toEqual({
    areaId: 'verksamhetens-inforande',
    source: 'units',
    colour: 'yellow',
    byForvaltning: [
      { forvaltningId: 'sjukhuset', green: 1, yellow: 1, red: 0 },
      { forvaltningId: 'primarvarden', green: 1, yellow: 0, red: 0 },
    ],
  });
  expect((await api.get(`${G}/areas/teknik/suggestion`)).json).toEqual({ areaId: 'teknik', source: 'problems' });
  const missing = await api.get(`${G}/areas/nope/suggestion`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});

it('a replay with the same Idempotency-Key answers the stored report after the units changed (issue 14 item 13)', async () => {
  await api.advance('PT1M');
  expect((await api.post(`${G}/units/iva/reports`, { colour: 'röd', explanation: 'Nere igen' })).status).toBe(201);
  await api.advance('PT1M');
  const key = { 'idempotency-key': 'inf-rapport-1' };
  const body = { summary: 'IVA nere', colour: 'röd' };
  const first = await api.post(AREA, body, key);
  expect(first.status).toBe(201);
  expect(first.json).toMatchObject({ colour: 'red', suggestedColour: 'red' });

  // The units recover: red now departs from the suggestion, but the replay is the same request.
  await api.advance('PT1M');
  for (const unit of ['iva', 'akuten'])
    expect((await api.post(`${G}/units/${unit}/reports`, { colour: 'grön', explanation: 'Fungerar' })).status).toBe(201);
  const replay = await api.post(AREA, body, key);
  expect(replay.status).toBe(201);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.json).toEqual(first.json);
  // The same key with another body is still refused, and a fresh red report needs its reason.
  expect((await api.post(AREA, { ...body, summary: 'annat' }, key)).status).toBe(422);
  const fresh = await api.post(AREA, body, { 'idempotency-key': 'inf-rapport-2' });
  expect(fresh.status).toBe(400);
  expect(fresh.json.errors.map((e: { field: string }) => e.field)).toEqual(['overrideReason']);
  const items = (await api.get(`${G}/areas/verksamhetens-inforande/reports`)).json.items as { id: string }[];
  expect(items.filter((r) => r.id === first.json.id)).toHaveLength(1);
});
