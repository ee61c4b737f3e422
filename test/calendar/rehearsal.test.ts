/**
 * A whole go-live day (day 0, Friday 27 Nov 2026) through the local runtime on the simulated
 * clock: the real app, the real timer host firing `calendarTick` every UTC minute, the
 * embedded store. Reports, incidents and an extra meeting arrive over HTTP at their times;
 * every reminder and agenda must go out once, at its minute (R3.3, R4.4, R6.5, R9.1), and
 * a tick run again by hand afterwards must send nothing.
 */
import { startApi, type Api } from '../http/harness';
import { isolateCalendar } from './isolated';
import { calendarOrg, RecordingNotifier } from './support';

const notifier = new RecordingNotifier();
const app = isolateCalendar(notifier);

const G = '/golives/vag-1';
/** Local time on day 0 (UTC+1 in November) as an instant. */
const local = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();
/** A recorder line for a local minute: `HH:MM` is UTC there. */
const at = (hhmm: string, key: string) => `${new Date(Date.parse(local(hhmm))).toISOString().slice(11, 16)} ${key}`;

let api: Api;
let now = Date.parse('2026-11-26T23:00:00.000Z'); // 00:00 local, day 0

async function advanceTo(iso: string): Promise<void> {
  const ms = Date.parse(iso) - now;
  if (ms < 0) throw new Error(`cannot go back to ${iso}`);
  if (ms > 0) await api.advance(`PT${ms / 1000}S`);
  now = Date.parse(iso);
}

interface Step {
  at: string;
  what: () => Promise<unknown>;
}

const DSL = ['08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00'];
const AREAS_ON_TIME = ['cosmic', 'cosmic-konfiguration', 'support', 'behorigheter'];
const hh = (h: number, m = 0) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
const shift = (hhmm: string, minutes: number) => {
  const [h, m] = hhmm.split(':').map(Number);
  const t = h! * 60 + m! + minutes;
  return hh(Math.floor(t / 60), t % 60);
};

function day(): Step[] {
  const post = (path: string, body: unknown, headers?: Record<string, string>) => async () => {
    const r = await api.post(path, body, headers);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r;
  };
  const area = (areaId: string) => post(`${G}/areas/${areaId}/reports`, { summary: 'Status', problems: [] });
  const unit = (unitId: string) => post(`${G}/units/${unitId}/reports`, { colour: 'green', explanation: 'Fungerar' });
  const steps: Step[] = [];
  // Every area reports at 06:00; before each later DSL all report 40 minutes ahead except
  // Cambio (20 minutes ahead: reminded, not overdue) and Teknik (never again: reminded and overdue).
  for (const a of [...AREAS_ON_TIME, 'cambio', 'teknik']) steps.push({ at: '06:00', what: area(a) });
  for (const d of DSL.slice(1)) {
    for (const a of AREAS_ON_TIME) steps.push({ at: shift(d, -40), what: area(a) });
    steps.push({ at: shift(d, -20), what: area('cambio') });
  }
  // Akuten every hour; Avdelning 12 at 06:30 and 13:00; VC Norr and VC Söder never.
  for (let h = 6; h <= 17; h++) steps.push({ at: hh(h, 5), what: unit('akuten') });
  steps.push({ at: '06:30', what: unit('avd-12') }, { at: '13:00', what: unit('avd-12') });
  // A P1 opened 08:30; IM updates 11:40, 13:35, 16:10 and resolves it 18:30 (R9.1).
  steps.push({
    at: '08:30',
    what: post(`${G}/incidents`, { id: 'p1', title: 'Inloggning långsam', priority: 1, incidentManagerId: 'ivan' }),
  });
  for (const t of ['11:40', '13:35', '16:10']) steps.push({ at: t, what: post(`${G}/incidents/p1/updates`, { text: `Läget ${t}` }) });
  steps.push({ at: '18:30', what: post(`${G}/incidents/p1/updates`, { text: 'Löst', status: 'resolved' }) });
  // An extra DSL called at 10:40 for 10:50 (R5.1).
  steps.push({
    at: '10:40',
    what: post(`${G}/meetings`, { id: 'skrivare', forum: 'DSL', start: local('10:50'), durationMinutes: 20, reason: 'Utskrifter' }),
  });
  // Half a minute past the minute, so a step falls between two ticks.
  return steps
    .map((s) => ({ ...s, at: new Date(Date.parse(local(s.at)) + 30_000).toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

let meetings: { id: string; forum: string; start: string; source: string }[] = [];
const overviews: Record<
  string,
  {
    nextMeetings: Record<string, { id: string; inProgress: boolean } | null>;
    overdueReporters: { units: { unitId: string }[]; areas: { areaId: string }[]; dsl: { meetingId: string } | null };
  }
> = {};

beforeAll(async () => {
  api = await startApi({ start: new Date(now).toISOString() });
  // IM's update cadence (issue 15 item 2) has its own test (test/notices/cadence.test.ts); a day-long period keeps it out of this timeline.
  const put = await api.put(G, calendarOrg({ notifications: { incidentUpdateMinutes: { p1: 1440, p2: 1440 } } }));
  expect(put.status).toBe(201);
  // The overview is looked at twice during the day.
  const look = (when: string): Step => ({ at: local(when), what: async () => (overviews[when] = (await api.get(`${G}/overview`)).json) });
  const steps = [...day(), look('10:05'), look('12:50')].sort((a, b) => a.at.localeCompare(b.at));
  for (const step of steps) {
    await advanceTo(step.at);
    await step.what();
  }
  await advanceTo('2026-11-27T23:00:00.000Z'); // 24:00 local
  meetings = (await api.get(`${G}/meetings?from=${local('00:00')}&to=2026-11-27T23:00:00.000Z`)).json.items;
}, 600_000);
afterAll(async () => api?.close());

describe('a rehearsal of day 0 on the simulated clock', () => {
  it('has the day’s meetings: R5 day 0 plus the extra one', () => {
    expect(meetings.map((m) => `${m.id}`)).toEqual([
      'csl-2026-11-27T0730',
      'dsl-2026-11-27T0800',
      'lgv-2026-11-27T0800',
      'dsl-2026-11-27T1000',
      'dsl-extra-skrivare',
      'dsl-2026-11-27T1200',
      'lgv-2026-11-27T1200',
      'csl-2026-11-27T1330',
      'dsl-2026-11-27T1400',
      'dsl-2026-11-27T1600',
      'lgv-2026-11-27T1600',
      'dsl-2026-11-27T1800',
      'dsl-2026-11-27T2000',
    ]);
  });

  it('sent every reminder and agenda once, at the right minute, and nothing else', () => {
    const expected = [
      // R6.5: each agenda 10 minutes before.
      ...meetings
        .filter((m) => m.source === 'schedule')
        .map((m) => `${new Date(Date.parse(m.start) - 600_000).toISOString().slice(11, 16)} agenda:${m.id}`),
      // Called at 10:40 for 10:50: announced, and its agenda sent, by the call itself (issue 15 item 9).
      at('10:40', 'meetingCalled:dsl-extra-skrivare'),
      at('10:40', 'agenda:dsl-extra-skrivare'),
      // R4.4: before every DSL but the first, Cambio and Teknik are reminded 30 min ahead; Teknik is overdue 15 min ahead.
      ...DSL.slice(1).flatMap((d) => {
        const id = `dsl-2026-11-27T${d.replace(':', '')}`;
        return [
          at(shift(d, -30), `areaReminder:${id}:cambio`),
          at(shift(d, -30), `areaReminder:${id}:teknik`),
          at(shift(d, -15), `areaOverdue:${id}:teknik`),
        ];
      }),
      // R9.1: the P1 had no update since the previous DSL before 12, 14 and 16; the 16:10 update covers 18; resolved before 20.
      at('11:30', 'incidentReminder:dsl-2026-11-27T1200:p1'),
      at('13:30', 'incidentReminder:dsl-2026-11-27T1400:p1'),
      at('15:30', 'incidentReminder:dsl-2026-11-27T1600:p1'),
      // R3.3 check points.
      at('09:00', 'unitOverdue:2026-11-27T0900:vc-norr'),
      at('09:00', 'unitOverdueSummary:2026-11-27T0900:primarvarden'),
      at('12:00', 'unitOverdue:2026-11-27T1200:avd-12'),
      at('12:00', 'unitOverdue:2026-11-27T1200:vc-norr'),
      at('12:00', 'unitOverdueSummary:2026-11-27T1200:sjukhuset'),
      at('12:00', 'unitOverdueSummary:2026-11-27T1200:primarvarden'),
      at('15:00', 'unitOverdue:2026-11-27T1500:vc-norr'),
      at('15:00', 'unitOverdueSummary:2026-11-27T1500:primarvarden'),
      at('18:00', 'unitOverdue:2026-11-27T1800:avd-12'),
      at('18:00', 'unitOverdue:2026-11-27T1800:vc-norr'),
      at('18:00', 'unitOverdueSummary:2026-11-27T1800:sjukhuset'),
      at('18:00', 'unitOverdueSummary:2026-11-27T1800:primarvarden'),
    ];
    // The P1 is announced when opened and when resolved (issue 15 item 1); the update's id is the server's.
    const lines = notifier.lines();
    expect(lines.filter((l) => / incident(Opened|Closed):/.test(l)).map((l) => l.replace(/(incidentClosed:p1):.*/, '$1'))).toEqual([
      at('08:30', 'incidentOpened:p1'),
      at('18:30', 'incidentClosed:p1'),
    ]);
    expect(lines.filter((l) => !/ incident(Opened|Closed):/.test(l)).sort()).toEqual(expected.sort());
    expect(notifier.duplicates()).toEqual([]);
  });

  it('a tick repeated by hand (a second instance, a retried timer) sends nothing again', async () => {
    const services = await app.composition!.getServices();
    const before = notifier.calls.length;
    const results = await app.tick!.runCalendarTick(services, { instance: 'by-hand' });
    expect(results.flatMap((r) => r.ran)).toEqual([]);
    // Even from an instance whose cursor is hours behind: every action is already claimed.
    await services.repo.saveTickCursor(
      { goLiveId: 'vag-1', at: local('07:00'), updatedAt: local('07:00') },
      (await services.repo.getTickCursor('vag-1'))!.etag,
    );
    const again = await app.tick!.runCalendarTick(services, { instance: 'behind' });
    expect(again.flatMap((r) => r.ran)).toEqual([]);
    expect(again.flatMap((r) => r.alreadyDone).length).toBeGreaterThan(30);
    expect(notifier.calls.length).toBe(before);
  });

  it('lists what the tick did, none of it skipped', async () => {
    const r = await api.get(`${G}/calendar/dispatches?from=${local('00:00')}&to=2026-11-27T23:00:00.000Z`);
    expect(r.status).toBe(200);
    const items = r.json.items as { state: string; actionId: string }[];
    expect(items.filter((d) => d.state !== 'done')).toEqual([]);
    // 13 agendas, 6 area reminders + 6 deadlines (+1 each for the first DSL, with nobody to remind), 7 IM rounds, 4 check points.
    expect(items).toHaveLength(13 + 7 + 7 + 7 + 4);
  });

  it('the overview shows the next meeting of each forum and who is overdue (R10.1)', () => {
    const ten = overviews['10:05']!;
    expect(ten.nextMeetings.DSL).toMatchObject({ id: 'dsl-2026-11-27T1000', inProgress: true });
    expect(ten.nextMeetings.CSL).toMatchObject({ id: 'csl-2026-11-27T1330', inProgress: false });
    expect(ten.nextMeetings.LGV).toMatchObject({ id: 'lgv-2026-11-27T1200' });
    expect(ten.overdueReporters.units.map((u) => u.unitId)).toEqual(['vc-norr', 'vc-soder']);
    // 10:05: the 10:00 DSL is at hand, its deadline passed; Teknik has not reported since 08:00.
    expect(ten.overdueReporters.dsl?.meetingId).toBe('dsl-2026-11-27T1000');
    expect(ten.overdueReporters.areas.map((a) => a.areaId)).toEqual(['teknik']);
    const afternoon = overviews['12:50']!;
    expect(afternoon.overdueReporters.units.map((u) => u.unitId)).toEqual(['avd-12', 'vc-norr', 'vc-soder']);
    expect(afternoon.overdueReporters.dsl).toBeNull();
  });
});
