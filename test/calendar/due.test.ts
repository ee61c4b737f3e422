/**
 * What falls due when (R3.3, R4.4, R6.5, R9.1): the pure planning the tick relies on, each
 * boundary tested on both sides (STYLE habit: every deadline on both sides of its boundary).
 */
import {
  areasWithoutReportSince,
  checkpointsOnDay,
  incidentsWithoutUpdateSince,
  overdueUnits,
  planDueActions,
} from '../../shared/domain/calendar-actions';
import { overviewCalendar } from '../../shared/domain/calendar-overview';
import { GoLive, Schedules } from '../../shared/domain/golive';
import { meetingsBetween, nextMeeting } from '../../shared/domain/meetings';
import { FORUMS } from '../../shared/domain/schedule';
import type { UnitStatus } from '../../shared/domain/unit-report';
import { makeIncident } from '../builders';
import { calendarOrg } from './support';

const make = (extra: Record<string, unknown> = {}, createdAt = '2026-11-01T00:00:00.000Z') =>
  GoLive.parse({ ...calendarOrg(extra), id: 'vag-1', createdAt, updatedAt: createdAt });
const g = make();
const d = (iso: string) => new Date(iso);
const plan = (from: string, now: string, goLive = g) => {
  const meetings = meetingsBetween(goLive, new Date(Date.parse(from) - 86_400_000), new Date(Date.parse(now) + 86_400_000));
  return planDueActions(goLive, meetings, d(from), d(now));
};
const ids = (p: ReturnType<typeof plan>) => ({ run: p.run.map((a) => a.actionId), skip: p.skip.map((a) => a.actionId) });

describe('planning the tick: (from, now]', () => {
  it('an action due exactly at now runs; one due exactly at from was the previous tick’s', () => {
    // DSL 08:00 local = 07:00Z: agenda at 06:50Z (R6.5).
    expect(ids(plan('2026-11-27T06:49:00Z', '2026-11-27T06:50:00Z')).run).toEqual([
      'agenda:dsl-2026-11-27T0800',
      'agenda:lgv-2026-11-27T0800',
    ]);
    expect(ids(plan('2026-11-27T06:50:00Z', '2026-11-27T06:51:00Z')).run).toEqual([]);
  });

  it('R4.4: the reminder is useful until the deadline, the deadline notice until the meeting starts', () => {
    // Reminder due 06:30Z: a tick at 06:44 still sends it, at 06:45 (the deadline) it is skipped.
    expect(ids(plan('2026-11-27T06:29:00Z', '2026-11-27T06:44:00Z')).run).toContain('areaReminder:dsl-2026-11-27T0800');
    expect(ids(plan('2026-11-27T06:29:00Z', '2026-11-27T06:45:00Z')).skip).toEqual(['areaReminder:dsl-2026-11-27T0800']);
    expect(ids(plan('2026-11-27T06:44:00Z', '2026-11-27T06:59:00Z')).run).toContain('areaDeadline:dsl-2026-11-27T0800');
    expect(ids(plan('2026-11-27T06:44:00Z', '2026-11-27T07:00:00Z')).skip).toContain('areaDeadline:dsl-2026-11-27T0800');
  });

  it('R6.5: an agenda is worth sending until its meeting ends', () => {
    expect(ids(plan('2026-11-27T06:49:00Z', '2026-11-27T07:29:00Z')).run).toContain('agenda:dsl-2026-11-27T0800');
    expect(ids(plan('2026-11-27T06:49:00Z', '2026-11-27T07:30:00Z')).skip).toContain('agenda:dsl-2026-11-27T0800');
  });

  it('R3.3: a check point is useful until the next one; the last of the day for one window after it', () => {
    expect(checkpointsOnDay(g, 0).map((c) => [c.local, c.at, c.windowStart, c.usefulUntil])).toEqual([
      ['2026-11-27T09:00', '2026-11-27T08:00:00.000Z', '2026-11-27T05:00:00.000Z', '2026-11-27T11:00:00.000Z'],
      ['2026-11-27T12:00', '2026-11-27T11:00:00.000Z', '2026-11-27T08:00:00.000Z', '2026-11-27T14:00:00.000Z'],
      ['2026-11-27T15:00', '2026-11-27T14:00:00.000Z', '2026-11-27T11:00:00.000Z', '2026-11-27T17:00:00.000Z'],
      ['2026-11-27T18:00', '2026-11-27T17:00:00.000Z', '2026-11-27T14:00:00.000Z', '2026-11-27T20:00:00.000Z'],
    ]);
    // Only on the check-point days (default days 0–7).
    expect(checkpointsOnDay(g, -1)).toEqual([]);
    expect(checkpointsOnDay(g, 8)).toEqual([]);
    expect(checkpointsOnDay(g, 7)).toHaveLength(4);
  });

  it('R3.3 across the October change: 09:00 local is 07:00Z on Saturday and 08:00Z on Sunday', () => {
    const oct = make({ startDate: '2026-10-23' });
    expect(checkpointsOnDay(oct, 1)[0]!.at).toBe('2026-10-24T07:00:00.000Z');
    expect(checkpointsOnDay(oct, 2)[0]).toMatchObject({ at: '2026-10-25T08:00:00.000Z', windowStart: '2026-10-25T05:00:00.000Z' });
  });

  it('takes its leads from the go-live’s reminder rules (configuration, not constants)', () => {
    const schedules = Schedules.parse({
      reminders: {
        agendaMinutesBefore: 20,
        areaReminderMinutesBefore: 60,
        areaDeadlineMinutesBefore: 5,
        incidentReminderMinutesBefore: 45,
        checkpointToDay: 0,
      },
    });
    const custom = make({ schedules });
    const p = plan('2026-11-27T05:59:00Z', '2026-11-27T07:00:00Z', custom);
    const due = [...p.run, ...p.skip].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    expect(due.filter((a) => a.meetingId === 'dsl-2026-11-27T0800').map((a) => `${a.dueAt.slice(11, 16)} ${a.kind}`)).toEqual([
      '06:00 areaReminder',
      '06:15 incidentReminder',
      '06:40 agenda',
      '06:55 areaDeadline',
    ]);
    expect(checkpointsOnDay(custom, 1)).toEqual([]);
  });

  it('after a long pause looks back at most the catch-up window and stays cheap', () => {
    const started = performance.now();
    const p = plan('2026-11-26T00:00:00Z', '2026-12-05T00:00:00Z');
    expect(p.run).toEqual([]);
    // Every meeting of the week and every check point: each recorded as skipped, none sent.
    expect(p.skip.filter((a) => a.kind === 'agenda')).toHaveLength(150);
    expect(p.skip.filter((a) => a.kind === 'unitCheckpoint')).toHaveLength(32);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('who is overdue', () => {
  const status = (unitId: string, reportedAt: string): UnitStatus => ({
    goLiveId: 'vag-1',
    unitId,
    forvaltningId: 'sjukhuset',
    colour: 'green',
    explanation: 'x',
    reportedAt,
    reportId: unitId,
  });

  it('R3.3: a report at the window’s first instant counts; a millisecond before does not', () => {
    const cp = checkpointsOnDay(g, 0)[0]!;
    const overdue = overdueUnits(g, [status('akuten', cp.windowStart), status('avd-12', '2026-11-27T04:59:59.999Z')], cp);
    expect(overdue.map((o) => [o.unit.id, o.reporters.map((p) => p.id)])).toEqual([
      ['avd-12', ['rut']],
      ['vc-norr', ['ronja']],
      ['vc-soder', []],
    ]);
  });

  it('R4.4: areas with no report since the previous DSL, without the care units’ own area (R4.1)', () => {
    const statuses = [
      {
        goLiveId: 'vag-1',
        areaId: 'teknik',
        colour: 'green' as const,
        suggestedColour: 'green' as const,
        summary: 's',
        reportedAt: '2026-11-27T07:00:00.000Z',
        reportId: 'r',
        openProblems: 0,
      },
      {
        goLiveId: 'vag-1',
        areaId: 'support',
        colour: 'green' as const,
        suggestedColour: 'green' as const,
        summary: 's',
        reportedAt: '2026-11-27T06:59:59.999Z',
        reportId: 'r',
        openProblems: 0,
      },
    ];
    const missing = areasWithoutReportSince(g, statuses, '2026-11-27T07:00:00.000Z', g.schedules.reminders).map((a) => a.area.id);
    expect(missing).toEqual(['cosmic', 'cosmic-konfiguration', 'support', 'cambio', 'behorigheter']);
    // No previous DSL: only areas that never reported.
    expect(areasWithoutReportSince(g, statuses, undefined, g.schedules.reminders).map((a) => a.area.id)).toEqual([
      'cosmic',
      'cosmic-konfiguration',
      'cambio',
      'behorigheter',
    ]);
  });

  it('R9.1: open P1/P2 incidents without an update since the previous DSL; P3 and resolved ones are not followed', () => {
    const since = '2026-11-27T07:00:00.000Z';
    const list = incidentsWithoutUpdateSince(
      [
        makeIncident({ id: 'a', priority: 2, lastUpdateAt: '2026-11-27T06:59:00.000Z' }),
        makeIncident({ id: 'b', priority: 1, lastUpdateAt: '2026-11-27T07:00:00.000Z' }),
        makeIncident({ id: 'c', priority: 3, lastUpdateAt: '2026-11-27T06:00:00.000Z' }),
        makeIncident({ id: 'd', priority: 1, status: 'resolved', lastUpdateAt: '2026-11-27T06:00:00.000Z' }),
        makeIncident({ id: 'e', priority: 1, lastUpdateAt: '2026-11-27T05:00:00.000Z' }),
      ],
      since,
    );
    expect(list.map((i) => i.id)).toEqual(['e', 'a']);
  });
});

describe('the overview’s calendar part (R10.1)', () => {
  it('next meeting of each forum, an ongoing one included; nothing after the schedule ends', () => {
    const at = d('2026-11-27T07:10:00Z');
    const next = Object.fromEntries(FORUMS.map((f) => [f, nextMeeting(g, f, at) ?? null])) as Parameters<
      typeof overviewCalendar
    >[2]['nextMeetings'];
    const c = overviewCalendar(g, at, { unitStatuses: [], areaStatuses: [], nextMeetings: next });
    expect(c.nextMeetings.DSL).toMatchObject({ id: 'dsl-2026-11-27T0800', inProgress: true });
    expect(c.nextMeetings.CSL).toMatchObject({ id: 'csl-2026-11-27T1330', inProgress: false });
    // 08:10 local: the 08:00 DSL is at hand (deadline 07:45 passed); no check point yet today.
    expect(c.overdueReporters).toMatchObject({
      checkpoint: null,
      units: [],
      dsl: { meetingId: 'dsl-2026-11-27T0800', deadline: '2026-11-27T06:45:00.000Z', since: null },
    });
    expect(c.overdueReporters.areas.map((a) => a.areaId)).toEqual([
      'cosmic',
      'cosmic-konfiguration',
      'support',
      'cambio',
      'behorigheter',
      'teknik',
    ]);
    expect(nextMeeting(g, 'DSL', d('2026-12-04T15:00:00Z'))).toBeUndefined();
  });
});
