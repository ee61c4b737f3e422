/**
 * Issue 15 item 9 (R5.1) through the running app: an extra DSL called at 10:40 for 10:50 is
 * announced at once to the DSL participants and the DSL channel with time, place (its page)
 * and reason; its agenda, opening with the reason, goes out at once too, not at the next tick.
 */
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from '../calendar/support';

const G = '/golives/vag-1';
const local = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();
let api: Api;

beforeAll(async () => {
  api = await startApi({ start: local('10:40') });
  expect((await api.put(G, calendarOrg())).status).toBe(201);
});
afterAll(() => api?.close());

it('announces the extra meeting and sends its agenda with the reason at once', async () => {
  const r = await api.post(`${G}/meetings`, {
    id: 'skrivare',
    forum: 'DSL',
    start: local('10:50'),
    durationMinutes: 20,
    reason: 'Utskrifter stoppade på akuten',
  });
  expect(r.status).toBe(201);
  const items = (await api.get(`${G}/notifications`)).json.items as {
    kind: string;
    dedupeKey: string;
    createdAt: string;
    subject: { sv: string };
    requested: { roles?: string[]; forums?: string[] };
    link: string;
  }[];
  const called = items.find((n) => n.kind === 'meetingCalled')!;
  expect(called).toMatchObject({
    createdAt: local('10:40'),
    subject: { sv: 'DSL kl. 10:50' },
    requested: { roles: ['goLiveLead', 'goLiveCoordinator', 'programmeManager', 'areaCoordinator', 'incidentManager'], forums: ['DSL'] },
  });
  expect(called.link).toMatch(/^http:\/\/127\.0\.0\.1:7071\/api\/board\/vag-1\/meetings\//);
  const agenda = items.find((n) => n.kind === 'agenda')!;
  expect(agenda.createdAt).toBe(local('10:40'));
  const page = await api.get(`${G}/meetings/${encodeURIComponent(agenda.dedupeKey.slice('agenda:'.length))}/agenda`);
  expect(JSON.stringify(page.json)).toContain('Utskrifter stoppade på akuten');
  // Asked again (a retry): nothing new.
  expect(
    (
      await api.post(`${G}/meetings`, {
        id: 'skrivare',
        forum: 'DSL',
        start: local('10:50'),
        durationMinutes: 20,
        reason: 'Utskrifter stoppade på akuten',
      })
    ).status,
  ).toBe(201);
  expect(((await api.get(`${G}/notifications`)).json.items as unknown[]).length).toBe(items.length);
});
