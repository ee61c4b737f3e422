/**
 * Issue 15 item 2 (R9): while a P1/P2 is open, IM is reminded when no update has come for
 * the go-live's period (default 60 min for P1, 120 for P2), again after each further
 * period, never held at night; an update restarts the count; DSL sees "ingen uppdatering
 * sedan …" on the overview and the agenda. The real tick on the simulated clock, claims in
 * the embedded store, a repeated tick sending nothing twice.
 */
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { tickGoLive } from '../../shared/app/calendar/tick';
import { putGoLive } from '../../shared/app/golives';
import { addIncidentUpdate, createIncident } from '../../shared/app/incidents';
import { IncidentInput } from '../../shared/domain/incident';
import { buildOverview } from '../../shared/domain/overview';
import { calendarOrg, FakeClock, RecordingNotifier } from '../calendar/support';

const G = 'vag-1';
const local = (day: string, hhmm: string) => new Date(Date.parse(`2026-11-${day}T${hhmm}:00+01:00`)).toISOString();

it('reminds IM every period without an update, day and night, once per tick however often it runs', async () => {
  const repo = SqliteRepository.open(':memory:');
  const clock = new FakeClock(Date.parse(local('27', '20:00')));
  const notifier = new RecordingNotifier();
  const s = { repo, clock, notifier };
  await putGoLive(s, G, calendarOrg({ notifications: { incidentUpdateMinutes: { p1: 60, p2: 120 } } }));
  clock.set(local('27', '21:40'));
  await createIncident(s, {
    goLiveId: G,
    input: IncidentInput.parse({ id: 'p1', title: 'Inloggning', priority: 1, incidentManagerId: 'ivan' }),
  });
  await createIncident(s, { goLiveId: G, input: IncidentInput.parse({ id: 'p2', title: 'Skrivare', priority: 2 }) });
  const lines = () => notifier.calls.filter((c) => c.kind === 'incidentUpdateReminder').map((c) => `${c.createdAt} ${c.dedupeKey}`);
  // Every minute from 21:41 to 01:30, each minute ticked twice (a second instance).
  for (let t = Date.parse(local('27', '21:41')); t <= Date.parse(local('28', '01:30')); t += 60_000) {
    clock.set(new Date(t).toISOString());
    await tickGoLive({ repo, clock, notifier }, G, new Date(t));
    await tickGoLive({ repo, clock, notifier }, G, new Date(t));
    if (t === Date.parse(local('27', '23:00')))
      await addIncidentUpdate(s, { goLiveId: G, incidentId: 'p1', input: { text: 'Felsökning pågår' } });
  }
  expect(lines()).toEqual([
    `${local('27', '22:40')} incidentCadence:p1:${local('27', '21:40')}:1`,
    `${local('27', '23:40')} incidentCadence:p2:${local('27', '21:40')}:1`,
    // The update at 23:00 restarts P1's count.
    `${local('28', '00:00')} incidentCadence:p1:${local('27', '23:00')}:1`,
    `${local('28', '01:00')} incidentCadence:p1:${local('27', '23:00')}:2`,
  ]);
  const first = notifier.calls.find((c) => c.dedupeKey.startsWith('incidentCadence:p1'))!;
  expect(first).toMatchObject({ recipients: { personIds: ['ivan'] }, urgent: true, link: '/api/board/vag-1/incidents/p1' });
  expect(first.subject.sv).toBe('P1 Inloggning, ingen uppdatering sedan 21:40');
  const p2 = notifier.calls.find((c) => c.dedupeKey.startsWith('incidentCadence:p2'))!;
  expect(p2.recipients).toEqual({ roles: ['incidentManager'] });

  // DSL sees it on the overview.
  const snap = (await repo.getStatusSnapshot(G))!;
  const overview = buildOverview(new Date(local('28', '01:30')), {
    goLive: snap.goLive,
    unitStatuses: snap.unitStatuses,
    areaStatuses: snap.areaStatuses,
    openIncidents: snap.openIncidents,
  });
  const p1 = overview.majorIncidents.find((i) => i.id === 'p1')!;
  expect(p1.noUpdateSince).toEqual({ sv: 'ingen uppdatering sedan fre 27 nov 23:00', en: 'no update since Fri 27 Nov 23:00' });
  await repo.close();
});
