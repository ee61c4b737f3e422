/**
 * A PUT that wipes (issue 13 item 13, R2): `PUT /api/golives/{id}` with only a schedule
 * emptied the organisation. Now a PUT that would drop existing förvaltningar, care units or
 * people is refused (409, naming them) unless it says `?replace=organisation`, and partial
 * changes are a JSON Merge Patch (`PATCH`, application/merge-patch+json) that leaves what it
 * does not name as stored.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/patch';
const org = {
  name: 'Våg 2',
  startDate: '2026-11-27',
  forvaltningar: [
    {
      id: 'sjukhuset',
      name: 'Sjukhuset',
      units: [
        { id: 'akuten', name: 'Akuten' },
        { id: 'avd-12', name: 'Avdelning 12' },
      ],
    },
    { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
  ],
  people: [
    { id: 'ivan', name: 'Ivan IM', roles: ['incidentManager'] },
    { id: 'karl', name: 'Karl', email: 'karl@example.org', roles: ['goLiveCoordinator'] },
  ],
};
const MERGE = 'application/merge-patch+json';

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  expect((await api.put(G, org)).status).toBe(201);
});
afterAll(async () => api?.close());

const stored = async () => (await api.get(G)).json;

it('PUT with only a schedule is refused with 409 naming what it would drop, and nothing changes', async () => {
  const before = await stored();
  const r = await api.put(G, { name: 'Våg 2', startDate: '2026-11-27', schedules: before.schedules });
  expect(r.status).toBe(409);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json.code).toBe('GOLIVE.WOULD_DROP_ORGANISATION');
  expect(r.json.detail).toMatch(/PATCH/);
  expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(['forvaltningar', 'people']);
  expect(r.json.errors[0].message).toContain('sjukhuset');
  expect(r.json.errors[1].message).toContain('ivan');
  const after = await stored();
  expect(after.forvaltningar).toHaveLength(2);
  expect(after.people).toHaveLength(2);
  expect(after.updatedAt).toBe(before.updatedAt);
});

it('dropping one care unit or one person is refused too; the whole organisation again is a 200', async () => {
  const oneUnitLess = {
    ...org,
    forvaltningar: [{ ...org.forvaltningar[0]!, units: [org.forvaltningar[0]!.units[0]!] }, org.forvaltningar[1]!],
  };
  const r = await api.put(G, oneUnitLess, { 'accept-language': 'en' });
  expect(r.status).toBe(409);
  expect(r.json.errors).toEqual([{ field: 'forvaltningar', message: 'would remove units: avd-12' }]);
  expect((await api.put(G, { ...org, people: [org.people[0]] })).json.errors).toEqual([
    { field: 'people', message: 'skulle ta bort personer: karl' },
  ]);
  expect((await api.put(G, { ...org, name: 'Våg 2 (ny)' })).status).toBe(200);
  expect((await stored()).name).toBe('Våg 2 (ny)');
});

it('PATCH changes only what it names: the schedule, the name; the organisation stays', async () => {
  await api.advance('PT1M');
  const before = await stored();
  const r = await api.raw('PATCH', G, JSON.stringify({ name: 'Våg 2', schedules: { reminders: { agendaMinutesBefore: 15 } } }), MERGE);
  expect(r.status).toBe(200);
  expect(r.json.name).toBe('Våg 2');
  expect(r.json.schedules.reminders).toEqual({ ...before.schedules.reminders, agendaMinutesBefore: 15 });
  expect(r.json.schedules.forums).toEqual(before.schedules.forums);
  expect(r.json.forvaltningar).toEqual(before.forvaltningar);
  expect(r.json.people).toEqual(before.people);
  expect(r.json.createdAt).toBe(before.createdAt);
  expect(r.json.updatedAt > before.updatedAt).toBe(true);
  expect(await stored()).toMatchObject({ name: 'Våg 2', forvaltningar: before.forvaltningar, people: before.people });
});

it('PATCH replaces an array it names (RFC 7396), and null removes a member so its default applies', async () => {
  const people = [...org.people, { id: 'omar', name: 'Omar', roles: ['areaCoordinator'], areaIds: ['teknik'] }];
  const r = await api.raw('PATCH', G, JSON.stringify({ people, timeZone: null }), MERGE);
  expect(r.status).toBe(200);
  expect(r.json.people.map((p: { id: string }) => p.id)).toEqual(['ivan', 'karl', 'omar']);
  expect(r.json.timeZone).toBe('Europe/Stockholm');
  expect(r.json.forvaltningar).toHaveLength(2);
});

it('a bad PATCH is a 400 naming the field, an unknown member too; nothing is stored', async () => {
  const before = await stored();
  const bad = await api.raw('PATCH', G, JSON.stringify({ startDate: '27/11' }), MERGE);
  expect(bad.status).toBe(400);
  expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['startDate']);
  const unknown = await api.raw('PATCH', G, JSON.stringify({ organisation: [] }), MERGE);
  expect(unknown.status).toBe(400);
  const dup = await api.raw('PATCH', G, JSON.stringify({ people: [org.people[0], org.people[0]] }), MERGE);
  expect(dup.status).toBe(400);
  expect(dup.json.errors[0].field).toBe('people.1.id');
  expect((await api.raw('PATCH', '/golives/finns-inte', '{}', MERGE)).status).toBe(404);
  expect(await stored()).toEqual(before);
});

it('PUT ?replace=organisation replaces it as sent, explicitly', async () => {
  const r = await api.put(`${G}?replace=organisation`, { name: 'Våg 2', startDate: '2026-11-27', forvaltningar: [org.forvaltningar[1]] });
  expect(r.status).toBe(200);
  expect(r.json.forvaltningar.map((f: { id: string }) => f.id)).toEqual(['primarvarden']);
  expect(r.json.people).toEqual([]);
});

it('OpenAPI describes PATCH with application/merge-patch+json and the PUT refusal', async () => {
  const doc = (await api.get('/openapi.json')).json;
  const path = doc.paths['/api/golives/{goLiveId}'];
  expect(Object.keys(path.patch.requestBody.content)).toEqual([MERGE]);
  expect(path.put.responses['409']).toBeDefined();
  expect(path.put.parameters.map((p: { name: string }) => p.name)).toContain('replace');
});
