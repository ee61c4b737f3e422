/**
 * The calendar tick against a real embedded store and a fake clock (STYLE habit 9): every
 * reminder and agenda exactly once at its minute (R3.3, R4.4, R6.5, R9.1), and nothing twice
 * when the tick is repeated, late, run on two instances, retried after a lost answer, or
 * after a pause — what is no longer useful is skipped and recorded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { retrying } from '../../shared/adapters/resilience/retrying.repository';
import { createAdHocMeeting } from '../../shared/app/calendar/meetings';
import { runCalendarTick, type TickOptions } from '../../shared/app/calendar/tick';
import { putGoLive } from '../../shared/app/golives';
import { createIncident } from '../../shared/app/incidents';
import { submitAreaReport, submitUnitReport } from '../../shared/app/reports';
import type { Repository } from '../../shared/ports/repository.port';
import { StoreUnavailableError } from '../../shared/ports/repository.port';
import { makeDispatch } from './builders';
import { calendarOrg, FakeClock, minutes, RecordingNotifier } from './support';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-tick-'));
  dirs.push(d);
  return path.join(d, 'driftpuls.sqlite');
};

const G = 'vag-1';
/** 05:00 local on day 0 (Friday 27 Nov 2026, UTC+1). */
const CREATED = '2026-11-27T04:00:00.000Z';

interface Event {
  at: string;
  fn: () => Promise<unknown>;
}

interface World {
  repo: Repository;
  clock: FakeClock;
  notifier: RecordingNotifier;
  tick(at: string, opts?: TickOptions): Promise<Awaited<ReturnType<typeof runCalendarTick>>>;
  /** Ticks every minute from `from` to `to`; each event happens at its own time, between the ticks around it. */
  run(from: string, to: string, events?: Event[]): Promise<void>;
  at<T>(iso: string, fn: () => Promise<T>): Promise<T>;
}

async function world(file = tempFile(), notifier = new RecordingNotifier(), seed = true): Promise<World> {
  const repo = SqliteRepository.open(file);
  const clock = new FakeClock(Date.parse(CREATED));
  const s = { repo, clock, notifier };
  // IM's update cadence (issue 15 item 2) is tested on its own (test/notices/cadence.test.ts): a day-long period keeps it out of these timelines.
  if (seed) await putGoLive(s, G, calendarOrg({ notifications: { incidentUpdateMinutes: { p1: 1440, p2: 1440 } } }));
  const w: World = {
    repo,
    clock,
    notifier,
    tick: async (at, opts) => {
      clock.set(at);
      return runCalendarTick(s, opts);
    },
    run: async (from, to, events = []) => {
      const pending = [...events].sort((a, b) => a.at.localeCompare(b.at));
      for (const t of minutes(from, to)) {
        while (pending.length && pending[0]!.at <= t) {
          const e = pending.shift()!;
          await w.at(e.at, e.fn);
        }
        await w.tick(t);
      }
    },
    at: async (iso, fn) => {
      clock.set(iso);
      return fn();
    },
  };
  return w;
}

/** Reports and incidents of the morning of day 0 (times UTC; local = UTC+1). */
function morning(w: World): Event[] {
  const s = { repo: w.repo, clock: w.clock };
  const unit = (unitId: string, at: string): Event => ({
    at,
    fn: () => submitUnitReport(s, { goLiveId: G, unitId, input: { colour: 'green', explanation: 'OK' } }),
  });
  const area = (areaId: string, at: string): Event => ({
    at,
    fn: () => submitAreaReport(s, { goLiveId: G, areaId, input: { summary: 'Lugnt', problems: [] } }),
  });
  const incident = (id: string, priority: number, at: string): Event => ({
    at,
    fn: () => createIncident(s, { goLiveId: G, input: { id, title: `Incident ${id}`, priority, incidentManagerId: 'ivan', areaIds: [] } }),
  });
  return [
    unit('akuten', '2026-11-27T05:00:00.000Z'),
    incident('inc-p1', 1, '2026-11-27T06:00:00.000Z'),
    incident('inc-p3', 3, '2026-11-27T06:00:00.000Z'),
    area('teknik', '2026-11-27T06:20:00.000Z'),
    area('cosmic', '2026-11-27T06:40:00.000Z'),
    incident('inc-p2', 2, '2026-11-27T07:30:00.000Z'),
    area('support', '2026-11-27T08:10:00.000Z'),
  ];
}

const areas = (prefix: string, ids: string[]) => ids.map((a) => `${prefix}:${a}`);

/** Everything the morning of day 0 sends, hand-derived from R3.3, R4.4, R6.5 and R9.1 (times UTC, local = UTC+1). */
const MORNING = [
  // R6.5: CSL 07:30 local → agenda 07:20 local = 06:20Z.
  '06:20 agenda:csl-2026-11-27T0730',
  // R4.4: DSL 08:00 local, reminder 30 min before to areas with no report (no previous DSL: never reported).
  // Teknik reported at 07:20 local; Verksamhetens införande is the care units' (R4.1).
  ...areas('06:30 areaReminder:dsl-2026-11-27T0800', ['cosmic', 'cosmic-konfiguration', 'support', 'cambio', 'behorigheter']),
  // The deadline 15 min before: Cosmic reported at 07:40 local in between.
  ...areas('06:45 areaOverdue:dsl-2026-11-27T0800', ['cosmic-konfiguration', 'support', 'cambio', 'behorigheter']),
  '06:50 agenda:dsl-2026-11-27T0800',
  '06:50 agenda:lgv-2026-11-27T0800',
  // R3.3 check point 09:00 local: window 06–09; Akuten reported at 06:00, VC Söder has no reporter (summary only).
  '08:00 unitOverdue:2026-11-27T0900:avd-12',
  '08:00 unitOverdue:2026-11-27T0900:vc-norr',
  '08:00 unitOverdueSummary:2026-11-27T0900:sjukhuset',
  '08:00 unitOverdueSummary:2026-11-27T0900:primarvarden',
  // DSL 10:00 local: "since the previous DSL" (08:00) — Teknik and Cosmic reported before it, Support after.
  ...areas('08:30 areaReminder:dsl-2026-11-27T1000', ['cosmic', 'cosmic-konfiguration', 'cambio', 'behorigheter', 'teknik']),
  // R9.1: P1 opened 07:00 local, no update since the 08:00 DSL; P2 opened after it; P3 is not followed.
  '08:30 incidentReminder:dsl-2026-11-27T1000:inc-p1',
  ...areas('08:45 areaOverdue:dsl-2026-11-27T1000', ['cosmic', 'cosmic-konfiguration', 'cambio', 'behorigheter', 'teknik']),
  '08:50 agenda:dsl-2026-11-27T1000',
];

describe('one tick a minute through the morning of day 0', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
    await w.run('2026-11-27T04:01:00.000Z', '2026-11-27T09:00:00.000Z', morning(w));
  });
  afterAll(() => w.repo.close());

  it('sends every reminder and agenda once, at its minute (R3.3, R4.4, R6.5, R9.1)', () => {
    expect(w.notifier.lines()).toEqual(MORNING);
    expect(w.notifier.duplicates()).toEqual([]);
  });

  it('addresses people by role and responsibility (R1)', () => {
    const by = (key: string) => w.notifier.calls.find((c) => c.dedupeKey === key)!;
    expect(by('unitOverdue:2026-11-27T0900:avd-12').recipients).toEqual({ personIds: ['rut'] });
    expect(by('unitOverdueSummary:2026-11-27T0900:sjukhuset').recipients).toEqual({ personIds: ['frida'] });
    expect(by('unitOverdueSummary:2026-11-27T0900:primarvarden').recipients).toEqual({ personIds: ['peter'] });
    expect(by('unitOverdueSummary:2026-11-27T0900:primarvarden').text.sv).toContain('VC Söder');
    expect(by('areaReminder:dsl-2026-11-27T0800:cambio').recipients).toEqual({ personIds: ['bengt'] });
    expect(by('areaOverdue:dsl-2026-11-27T0800:support').recipients).toEqual({ personIds: ['sara'], roles: ['goLiveCoordinator'] });
    expect(by('incidentReminder:dsl-2026-11-27T1000:inc-p1').recipients).toEqual({ personIds: ['ivan'] });
    const agenda = by('agenda:dsl-2026-11-27T0800');
    expect(agenda).toMatchObject({
      kind: 'agenda',
      recipients: { roles: ['goLiveLead', 'goLiveCoordinator', 'programmeManager', 'areaCoordinator', 'incidentManager'], forums: ['DSL'] },
    });
    // The kind's label ("Dagordning") leads the rendered subject; the sender's part does not repeat it (issue 15 item 5).
    expect(agenda.subject).toEqual({ sv: 'DSL kl. 08:00', en: 'DSL at 08:00' });
    const shape = agenda.data!.agenda as { title: string; sections: { title: string; items: string[] }[] };
    expect(shape.title).toBe('DSL – Driftsättningsledningen – dagordning fre 27 nov 08:00');
    expect(shape.sections.map((s) => s.title.split(' ')[0])).toEqual([
      'Leveransområdenas',
      'Incidenter',
      '1.',
      '2.',
      '3.',
      '4.',
      '5.',
      '6.',
      '7.',
      '8.',
      '9.',
      '10.',
      '11.',
    ]);
  });

  it('a repeated tick at the same minute, or the next, sends nothing again', async () => {
    const before = w.notifier.calls.length;
    await w.tick('2026-11-27T09:00:00.000Z');
    await w.tick('2026-11-27T08:50:00.000Z'); // a tick from an instance whose clock lags
    await w.tick('2026-11-27T09:01:00.000Z');
    expect(w.notifier.calls.length).toBe(before);
  });

  it('records each action it did in the store, with the notices it asked for', async () => {
    const records = await w.repo.listDispatches(G, { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' });
    expect(records.every((r) => r.state === 'done')).toBe(true);
    expect(records.map((r) => `${r.dueAt.slice(11, 16)} ${r.actionId}`)).toEqual([
      '06:20 agenda:csl-2026-11-27T0730',
      '06:30 areaReminder:dsl-2026-11-27T0800',
      '06:30 incidentReminder:dsl-2026-11-27T0800',
      '06:45 areaDeadline:dsl-2026-11-27T0800',
      '06:50 agenda:dsl-2026-11-27T0800',
      '06:50 agenda:lgv-2026-11-27T0800',
      '08:00 unitCheckpoint:2026-11-27T0900',
      '08:30 areaReminder:dsl-2026-11-27T1000',
      '08:30 incidentReminder:dsl-2026-11-27T1000',
      '08:45 areaDeadline:dsl-2026-11-27T1000',
      '08:50 agenda:dsl-2026-11-27T1000',
    ]);
    expect(records.find((r) => r.actionId === 'unitCheckpoint:2026-11-27T0900')).toMatchObject({
      notificationCount: 4,
      completedAt: '2026-11-27T08:00:00.000Z',
    });
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T09:01:00.000Z');
  });
});

describe('a late, a doubled and an interrupted tick', () => {
  it('a tick 18 minutes late sends what is still useful at the late minute and records the rest as skipped', async () => {
    const w = await world();
    await w.tick('2026-11-27T06:29:00.000Z');
    const [r] = await w.tick('2026-11-27T06:47:00.000Z');
    // The reminder (06:30) was useful until the deadline (06:45); the deadline notice still is, until the meeting.
    expect(r).toMatchObject({
      ran: ['incidentReminder:dsl-2026-11-27T0800', 'areaDeadline:dsl-2026-11-27T0800'],
      skipped: ['areaReminder:dsl-2026-11-27T0800'],
    });
    // (No area has reported in this store.)
    expect(w.notifier.lines()).toEqual(
      areas('06:47 areaOverdue:dsl-2026-11-27T0800', ['cosmic', 'cosmic-konfiguration', 'support', 'cambio', 'behorigheter', 'teknik']),
    );
    const skipped = await w.repo.listDispatches(G, { from: '2026-11-27T06:00:00.000Z', to: '2026-11-27T07:00:00.000Z' });
    expect(skipped.filter((d) => d.state === 'skipped')).toEqual([
      expect.objectContaining({ actionId: 'areaReminder:dsl-2026-11-27T0800', reason: 'expired', completedAt: '2026-11-27T06:47:00.000Z' }),
    ]);
    await w.repo.close();
  });

  it('two instances ticking the same minutes on one store send each notice once', async () => {
    const file = tempFile();
    const notifier = new RecordingNotifier();
    const a = await world(file, notifier);
    const b = await world(file, notifier, false);
    const events = morning(a);
    const ran: string[][] = [[], []];
    for (const t of minutes('2026-11-27T04:01:00.000Z', '2026-11-27T09:00:00.000Z')) {
      while (events.length && events[0]!.at <= t) {
        const e = events.shift()!;
        await a.at(e.at, e.fn);
      }
      const results = await Promise.all([a.tick(t, { instance: 'a' }), b.tick(t, { instance: 'b' })]);
      results.forEach((r, i) => ran[i]!.push(...(r[0]?.ran ?? [])));
    }
    // Each action was done by exactly one of them, and every notice asked for once.
    expect(ran[0]!.filter((x) => ran[1]!.includes(x))).toEqual([]);
    expect(ran[0]!.length + ran[1]!.length).toBe(11);
    expect(notifier.duplicates()).toEqual([]);
    expect([...notifier.lines()].sort()).toEqual([...MORNING].sort());
    await a.repo.close();
    await b.repo.close();
  });

  it('a claim whose answer was lost is recognised as its own on retry: the action runs once', async () => {
    const w = await world();
    let lose = true;
    const lossy = new Proxy(w.repo, {
      get: (t, p, r) =>
        p === 'claimDispatch'
          ? async (...args: Parameters<Repository['claimDispatch']>) => {
              const result = await t.claimDispatch(...args);
              if (lose) {
                lose = false;
                throw new StoreUnavailableError('injected: the write was applied but its answer was lost', 0);
              }
              return result;
            }
          : Reflect.get(t, p, r),
    });
    const repo = retrying(lossy, { attempts: 3, initialDelayMs: 0, maxTotalDelayMs: 100, sleep: async () => undefined });
    w.clock.set('2026-11-27T06:19:00.000Z');
    await runCalendarTick({ repo, clock: w.clock, notifier: w.notifier });
    w.clock.set('2026-11-27T06:20:00.000Z');
    const [r] = await runCalendarTick({ repo, clock: w.clock, notifier: w.notifier });
    expect(r!.ran).toEqual(['agenda:csl-2026-11-27T0730']);
    expect(w.notifier.lines()).toEqual(['06:20 agenda:csl-2026-11-27T0730']);
    await w.repo.close();
  });

  it('when the outbox fails, the cursor waits; the claim is taken over after its lease and sent once', async () => {
    const w = await world();
    await w.tick('2026-11-27T06:19:00.000Z');
    w.notifier.failWhen = () => true;
    const [failed] = await w.tick('2026-11-27T06:20:00.000Z');
    expect(failed!.failed.map((f) => f.actionId)).toEqual(['agenda:csl-2026-11-27T0730']);
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T06:19:59.999Z');
    w.notifier.failWhen = undefined;
    // Within the lease (2 min) the claim is respected…
    const [within] = await w.tick('2026-11-27T06:21:00.000Z');
    expect(within!.inProgress).toEqual(['agenda:csl-2026-11-27T0730']);
    expect(w.notifier.calls).toHaveLength(0);
    // …after it, the next tick takes it over and sends.
    const [after] = await w.tick('2026-11-27T06:22:00.000Z');
    expect(after!.ran).toEqual(['agenda:csl-2026-11-27T0730']);
    expect(w.notifier.lines()).toEqual(['06:22 agenda:csl-2026-11-27T0730']);
    const [record] = await w.repo.listDispatches(G, { from: '2026-11-27T06:20:00.000Z', to: '2026-11-27T06:21:00.000Z' });
    expect(record).toMatchObject({ state: 'done', attempts: 2 });
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T06:22:00.000Z');
    await w.repo.close();
  });

  it('a claim left by a crashed sender holds the cursor and is taken over after its lease (2 min)', async () => {
    const w = await world();
    await w.tick('2026-11-27T06:19:00.000Z');
    // Another instance claimed the agenda at 06:19:30 and died before sending.
    await w.repo.claimDispatch(
      makeDispatch({
        goLiveId: G,
        actionId: 'agenda:csl-2026-11-27T0730',
        meetingId: 'csl-2026-11-27T0730',
        dueAt: '2026-11-27T06:20:00.000Z',
        usefulUntil: '2026-11-27T07:00:00.000Z',
        claimedAt: '2026-11-27T06:19:30.000Z',
      }),
    );
    expect((await w.tick('2026-11-27T06:20:00.000Z'))[0]!.inProgress).toEqual(['agenda:csl-2026-11-27T0730']);
    expect((await w.tick('2026-11-27T06:21:00.000Z'))[0]!.inProgress).toEqual(['agenda:csl-2026-11-27T0730']);
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T06:19:59.999Z');
    expect(w.notifier.calls).toHaveLength(0);
    const [r] = await w.tick('2026-11-27T06:22:00.000Z');
    expect(r!.ran).toEqual(['agenda:csl-2026-11-27T0730']);
    expect(w.notifier.lines()).toEqual(['06:22 agenda:csl-2026-11-27T0730']);
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T06:22:00.000Z');
    await w.repo.close();
  });

  it('a dead claim on an action that is no longer useful is closed as skipped, and the cursor moves on', async () => {
    const w = await world();
    await w.tick('2026-11-27T06:19:00.000Z');
    await w.repo.claimDispatch(
      makeDispatch({
        goLiveId: G,
        actionId: 'agenda:csl-2026-11-27T0730',
        meetingId: 'csl-2026-11-27T0730',
        dueAt: '2026-11-27T06:20:00.000Z',
        usefulUntil: '2026-11-27T07:00:00.000Z',
        claimedAt: '2026-11-27T06:19:30.000Z',
      }),
    );
    await w.tick('2026-11-27T06:20:00.000Z');
    // The host is down until after the meeting ended.
    const [r] = await w.tick('2026-11-27T07:05:00.000Z');
    expect(r!.skipped).toContain('agenda:csl-2026-11-27T0730');
    expect((await w.repo.getTickCursor(G))?.value.at).toBe('2026-11-27T07:05:00.000Z');
    expect(w.notifier.lines().filter((l) => l.includes('csl'))).toEqual([]);
    await w.repo.close();
  });
});

describe('after a pause (host down for hours) the tick catches up without flooding', () => {
  it('sends only what is still useful, records one skipped dispatch per action it did not send', async () => {
    const w = await world();
    const events = morning(w);
    await w.run(
      '2026-11-27T04:01:00.000Z',
      '2026-11-27T07:00:00.000Z',
      events.filter((e) => e.at <= '2026-11-27T07:00:00.000Z'),
    );
    // The API keeps taking reports while the timer host is down.
    for (const e of events.filter((x) => x.at > '2026-11-27T07:00:00.000Z')) await w.at(e.at, e.fn);
    // Down from 08:00 to 13:35 local. VC Norr reports at 12:10 local, after the 12:00 check point.
    await w.at('2026-11-27T11:10:00.000Z', () =>
      submitUnitReport(
        { repo: w.repo, clock: w.clock },
        { goLiveId: G, unitId: 'vc-norr', input: { colour: 'yellow', explanation: 'Långsamt' } },
      ),
    );
    const [r] = await w.tick('2026-11-27T12:35:00.000Z');
    expect(r!.skipped).toEqual([
      'unitCheckpoint:2026-11-27T0900', // useful until the next check point, 12:00
      'areaReminder:dsl-2026-11-27T1000',
      'incidentReminder:dsl-2026-11-27T1000',
      'areaDeadline:dsl-2026-11-27T1000',
      'agenda:dsl-2026-11-27T1000', // the meeting has ended
      'areaReminder:dsl-2026-11-27T1200',
      'incidentReminder:dsl-2026-11-27T1200',
      'areaDeadline:dsl-2026-11-27T1200',
      'agenda:dsl-2026-11-27T1200',
      'agenda:lgv-2026-11-27T1200',
    ]);
    expect(r!.ran).toEqual([
      'unitCheckpoint:2026-11-27T1200',
      'agenda:csl-2026-11-27T1330',
      'areaReminder:dsl-2026-11-27T1400',
      'incidentReminder:dsl-2026-11-27T1400',
    ]);
    // Only the latest check point's reminders (12:00, window 09–12): VC Norr reported after it, so it is not reminded.
    const late = w.notifier.lines().filter((l) => l.startsWith('12:35'));
    expect(late.filter((l) => l.includes('unitOverdue:'))).toEqual([
      '12:35 unitOverdue:2026-11-27T1200:akuten',
      '12:35 unitOverdue:2026-11-27T1200:avd-12',
    ]);
    expect(late.filter((l) => l.includes('agenda:'))).toEqual(['12:35 agenda:csl-2026-11-27T1330']);
    // Since the previous DSL (12:00 local) no area has reported, and both P1 and P2 lack an update.
    expect(late.filter((l) => l.includes('incidentReminder'))).toEqual([
      '12:35 incidentReminder:dsl-2026-11-27T1400:inc-p1',
      '12:35 incidentReminder:dsl-2026-11-27T1400:inc-p2',
    ]);
    expect(late.filter((l) => l.includes('areaReminder'))).toHaveLength(6);
    expect(w.notifier.duplicates()).toEqual([]);
    const skipped = (await w.repo.listDispatches(G, { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' })).filter(
      (d) => d.state === 'skipped',
    );
    expect(skipped).toHaveLength(10);
    for (const d of skipped) expect(d).toMatchObject({ reason: 'expired', claimedAt: '2026-11-27T12:35:00.000Z' });
    await w.repo.close();
  });
});

describe('meetings that appear late still get their agenda (R5.1, R5.2)', () => {
  it('an extra meeting called 3 minutes ahead gets its agenda the next minute', async () => {
    const w = await world();
    await w.tick('2026-11-27T09:00:00.000Z');
    const m = await w.at('2026-11-27T09:00:20.000Z', () =>
      createAdHocMeeting(
        { repo: w.repo, clock: w.clock },
        { goLiveId: G, input: { id: 'inloggning', forum: 'DSL', start: '2026-11-27T09:03:00.000Z', reason: 'Inloggningen ligger nere' } },
      ),
    );
    expect(m.value.id).toBe('dsl-extra-inloggning');
    await w.run('2026-11-27T09:01:00.000Z', '2026-11-27T09:40:00.000Z');
    expect(w.notifier.lines().filter((l) => l.includes('extra'))).toEqual(['09:01 agenda:dsl-extra-inloggning']);
    // No area or IM reminders for an extra DSL: R4.4 and R9.1 follow the scheduled meetings.
    expect(w.notifier.calls.filter((c) => c.dedupeKey.includes('extra'))).toHaveLength(1);
    await w.repo.close();
  });

  it('a schedule edit adding a meeting 8 minutes ahead sends its agenda the next minute; existing meetings are not resent', async () => {
    const w = await world();
    await w.run('2026-11-27T09:45:00.000Z', '2026-11-27T09:52:00.000Z');
    expect(w.notifier.lines()).toEqual([]);
    const org = calendarOrg();
    const schedules = structuredClone(org.schedules);
    schedules.forums.CSL.phases[0] = { fromDay: 0, toDay: 0, cadence: { type: 'times', times: ['07:30', '11:00', '13:30'] } };
    await w.at('2026-11-27T09:52:30.000Z', () => putGoLive({ repo: w.repo, clock: w.clock }, G, { ...org, schedules }));
    await w.run('2026-11-27T09:53:00.000Z', '2026-11-27T10:00:00.000Z');
    expect(w.notifier.lines()).toEqual(['09:53 agenda:csl-2026-11-27T1100']);
    await w.repo.close();
  });
});
