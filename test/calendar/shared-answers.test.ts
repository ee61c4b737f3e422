/**
 * Shared answers through the API (issue 17 item 5): the overview and the DSL agenda are
 * computed once per state of the store and clock window, and a write that has answered shows
 * in the next answer at once — here on a frozen simulated clock, so only the write can
 * change them.
 */
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from './support';

let api: Api;
const G = '/golives/vag-1';
const AGENDA = `${G}/meetings/dsl-2026-11-27T1000/agenda`;

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  expect((await api.put(G, calendarOrg())).status).toBe(201);
}, 60_000);
afterAll(async () => api?.close());

it('the DSL agenda and the overview change the moment a write has answered, with the clock standing still', async () => {
  const agenda = await api.get(AGENDA);
  const md = await api.get(`${AGENDA}?format=md`);
  const overview = await api.get(`${G}/overview`);
  expect([agenda.status, md.status, overview.status]).toEqual([200, 200, 200]);
  // Asked again on the same state: the same answers.
  expect((await api.get(AGENDA)).text).toBe(agenda.text);
  expect((await api.get(`${G}/overview`)).text).toBe(overview.text);
  expect(agenda.text).not.toContain('Kassasystemet nere');

  const created = await api.post(`${G}/incidents`, { id: 'kassan', title: 'Kassasystemet nere', priority: 1 });
  expect(created.status).toBe(201);

  const after = await api.get(AGENDA);
  expect(after.text).toContain('Kassasystemet nere');
  expect(after.json.mayMarkDiscussed).toBe(agenda.json.mayMarkDiscussed);
  expect((await api.get(`${AGENDA}?format=md`)).text).toContain('Kassasystemet nere');
  const overviewAfter = await api.get(`${G}/overview`);
  expect(overviewAfter.text).not.toBe(overview.text);
  expect(overviewAfter.text).toContain('kassan');
});

it('answers the agenda JSON exactly as the object with mayMarkDiscussed last', async () => {
  const r = await api.get(AGENDA, { 'x-dev-user': 'omar@example.org' });
  expect(r.status).toBe(200);
  const { mayMarkDiscussed, ...agenda } = r.json as { mayMarkDiscussed: boolean };
  expect(typeof mayMarkDiscussed).toBe('boolean');
  expect(r.text).toBe(JSON.stringify({ ...agenda, mayMarkDiscussed }));
});
