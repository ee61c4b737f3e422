/**
 * Forum schedules as data (R5): the default table of R5 pinned for a whole go-live week, in
 * local time and in UTC, for a week without and a week with a daylight-saving change; schedule
 * edits that change future meetings only (R5.2); validation of the schedule format.
 */
import { GoLive, GoLiveInput, Schedules } from '../../shared/domain/golive';
import type { Meeting } from '../../shared/domain/meetings';
import { dayOf, meetingById, meetingsBetween, nextMeeting, previousMeeting, scheduledMeetingsOnDay } from '../../shared/domain/meetings';
import type { Forum } from '../../shared/domain/schedule';
import { DEFAULT_PARTICIPANTS, FORUMS, nextScheduleHistory } from '../../shared/domain/schedule';
import { makeAdHocMeeting } from './builders';

function goLive(startDate: string, extra: Record<string, unknown> = {}, createdAt = '2026-01-01T00:00:00.000Z'): GoLive {
  return GoLive.parse({ ...GoLiveInput.parse({ name: 'Våg', startDate, ...extra }), id: 'g', createdAt, updatedAt: createdAt });
}

/** `HH:00` (or `HH:30`) from `from` to `to` in steps of `step` hours: the R5 table written out by hand. */
const hours = (from: number, to: number, step: number, minute = '00'): string[] => {
  const out: string[] = [];
  for (let h = from; h <= to; h += step) out.push(`${String(h).padStart(2, '0')}:${minute}`);
  return out;
};

/** R5, day by day (day 0 … day 7), local start times. */
const R5: Record<Forum, string[][]> = {
  DSL: [
    hours(8, 20, 2),
    hours(7, 21, 1),
    hours(7, 21, 1),
    hours(7, 21, 1),
    hours(8, 18, 2),
    ['09:00', '15:00'],
    ['09:00', '15:00'],
    ['09:00', '15:00'],
  ],
  // "[:30 before DSL]" on days 1–4: one CSL 30 minutes before each DSL of the day.
  CSL: [
    ['07:30', '13:30'],
    hours(6, 20, 1, '30'),
    hours(6, 20, 1, '30'),
    hours(6, 20, 1, '30'),
    hours(7, 17, 2, '30'),
    ['08:30', '14:30'],
    ['08:30', '14:30'],
    ['08:30', '14:30'],
  ],
  LGV: [['08:00', '12:00', '16:00'], hours(8, 20, 2), hours(8, 20, 2), hours(8, 20, 2), ['08:00', '12:00', '16:00'], [], [], []],
};
const DURATION: Record<Forum, number> = { DSL: 30, CSL: 30, LGV: 45 };

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The oracle for UTC: local minus the offset, written without a time-zone library. */
function utc(date: string, hhmm: string, offsetHours: number): string {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.parse(`${date}T00:00:00Z`) + ((h! - offsetHours) * 60 + m!) * 60_000).toISOString();
}

function pinWeek(startDate: string, offsetOf: (date: string) => number): void {
  const g = goLive(startDate);
  for (let day = 0; day <= 7; day++) {
    const date = addDays(startDate, day);
    const meetings = scheduledMeetingsOnDay(g, day);
    for (const forum of FORUMS) {
      const ms = meetings.filter((m) => m.forum === forum);
      expect({ day, forum, local: ms.map((m) => m.localStart) }).toEqual({ day, forum, local: R5[forum][day]!.map((t) => `${date}T${t}`) });
      expect({ day, forum, utc: ms.map((m) => m.start) }).toEqual({
        day,
        forum,
        utc: R5[forum][day]!.map((t) => utc(date, t, offsetOf(date))),
      });
      for (const m of ms) {
        expect(Date.parse(m.end) - Date.parse(m.start)).toBe(DURATION[forum] * 60_000); // R5.3
        expect(m.id).toBe(`${forum.toLowerCase()}-${m.localStart.replace(':', '')}`);
        expect(m.participantRoles).toEqual(DEFAULT_PARTICIPANTS[forum]);
        expect(m.day).toBe(day);
      }
    }
  }
  // R5.0: after day 7 nothing is scheduled unless the schedule adds phases; nor before day 0.
  expect(scheduledMeetingsOnDay(g, 8)).toEqual([]);
  expect(scheduledMeetingsOnDay(g, -1)).toEqual([]);
}

describe('the default schedule of R5 over a whole go-live week', () => {
  it('R5.0 week without a daylight-saving change (day 0 = Friday 27 Nov 2026, CET = UTC+1)', () => {
    pinWeek('2026-11-27', () => 1);
    // Spot checks written out in full.
    const g = goLive('2026-11-27');
    expect(meetingById(g, 'dsl-2026-11-27T0800')).toMatchObject({
      start: '2026-11-27T07:00:00.000Z',
      end: '2026-11-27T07:30:00.000Z',
      localEnd: '2026-11-27T08:30',
    });
    expect(meetingById(g, 'lgv-2026-11-30T2000')).toMatchObject({ start: '2026-11-30T19:00:00.000Z', end: '2026-11-30T19:45:00.000Z' });
    expect(meetingById(g, 'csl-2026-12-04T1430')).toMatchObject({ start: '2026-12-04T13:30:00.000Z', day: 7 });
  });

  it('R5.0 week with the October change (day 0 = Friday 23 Oct 2026; Sunday 25 Oct, day 2, goes from UTC+2 to UTC+1 at 03:00)', () => {
    pinWeek('2026-10-23', (date) => (date < '2026-10-25' ? 2 : 1));
    const g = goLive('2026-10-23');
    // Local times stay on the clock; the UTC instants shift by the hour.
    expect(meetingById(g, 'dsl-2026-10-24T2100')?.start).toBe('2026-10-24T19:00:00.000Z');
    expect(meetingById(g, 'csl-2026-10-25T0630')?.start).toBe('2026-10-25T05:30:00.000Z');
    expect(meetingById(g, 'dsl-2026-10-25T0700')?.start).toBe('2026-10-25T06:00:00.000Z');
    // The gap between the last DSL on Saturday and the first on Sunday is 11 hours in UTC, 10 on the clock.
    const sat = meetingById(g, 'dsl-2026-10-24T2100')!;
    const sun = meetingById(g, 'dsl-2026-10-25T0700')!;
    expect((Date.parse(sun.start) - Date.parse(sat.start)) / 3_600_000).toBe(11);
  });

  it('R5.0 week with the March change (day 0 = Friday 27 Mar 2026; Sunday 29 Mar goes from UTC+1 to UTC+2 at 02:00)', () => {
    pinWeek('2026-03-27', (date) => (date < '2026-03-29' ? 1 : 2));
  });
});

describe('schedule format (R5)', () => {
  it('a local time that does not exist moves forward by the gap; one that exists twice is the later (standard time)', () => {
    const schedules = {
      forums: {
        DSL: {
          durationMinutes: 30,
          participants: ['goLiveLead'],
          phases: [{ fromDay: 0, toDay: 7, cadence: { type: 'times', times: ['02:30'] } }],
        },
      },
    };
    const march = scheduledMeetingsOnDay(goLive('2026-03-27', { schedules }), 2).filter((m) => m.forum === 'DSL');
    expect(march.map((m) => [m.localStart, m.start])).toEqual([['2026-03-29T03:30', '2026-03-29T01:30:00.000Z']]);
    const october = scheduledMeetingsOnDay(goLive('2026-10-23', { schedules }), 2).filter((m) => m.forum === 'DSL');
    expect(october.map((m) => [m.localStart, m.start])).toEqual([['2026-10-25T02:30', '2026-10-25T01:30:00.000Z']]);
  });

  it('overlapping phases name a meeting once; a phase may override the duration', () => {
    const schedules = {
      forums: {
        LGV: {
          durationMinutes: 45,
          participants: ['lgvLiaison'],
          phases: [
            { fromDay: 0, toDay: 0, cadence: { type: 'every', everyMinutes: 240, from: '08:00', to: '16:00' } },
            { fromDay: 0, toDay: 1, cadence: { type: 'times', times: ['12:00', '18:00'] }, durationMinutes: 60 },
          ],
        },
      },
    };
    const lgv = scheduledMeetingsOnDay(goLive('2026-11-27', { schedules }), 0).filter((m) => m.forum === 'LGV');
    expect(lgv.map((m) => [m.localStart.slice(11), (Date.parse(m.end) - Date.parse(m.start)) / 60_000])).toEqual([
      ['08:00', 45],
      ['12:00', 45],
      ['16:00', 45],
      ['18:00', 60],
    ]);
  });

  it('a PUT may send one forum; the others keep the R5 default', () => {
    const s = Schedules.parse({ forums: { CSL: { durationMinutes: 20, participants: ['cslChair'], phases: [] } } });
    expect(s.forums.CSL.phases).toEqual([]);
    expect(s.forums.DSL.phases).toHaveLength(4);
    expect(s.reminders).toMatchObject({
      areaReminderMinutesBefore: 30,
      areaDeadlineMinutesBefore: 15,
      agendaMinutesBefore: 10,
      checkpointFromDay: 0,
      checkpointToDay: 7,
    });
  });

  it('refuses bad schedules, naming the field', () => {
    const bad = (forums: unknown) => Schedules.safeParse({ forums }).error?.issues.map((i) => `${i.path.join('.')}`);
    const phase = (cadence: unknown, extra = {}) => ({
      durationMinutes: 30,
      participants: ['goLiveLead'],
      phases: [{ fromDay: 0, toDay: 1, cadence, ...extra }],
    });
    expect(bad({ DSL: phase({ type: 'every', everyMinutes: 60, from: '20:00', to: '08:00' }) })).toEqual([
      'forums.DSL.phases.0.cadence.to',
    ]);
    expect(bad({ DSL: phase({ type: 'times', times: ['25:00'] }) })).toEqual(['forums.DSL.phases.0.cadence.times.0']);
    // DSL before itself — which also leaves the default CSL ("before DSL") hanging on a relative schedule.
    expect(bad({ DSL: phase({ type: 'before', forum: 'DSL', minutesBefore: 30 }) })).toEqual([
      'forums.DSL.phases.0.cadence.forum',
      'forums.CSL.phases.1.cadence.forum',
      'forums.CSL.phases.2.cadence.forum',
    ]);
    // A chain: LGV before CSL, which itself is before DSL (the default).
    expect(bad({ LGV: phase({ type: 'before', forum: 'CSL', minutesBefore: 30 }) })).toEqual(['forums.LGV.phases.0.cadence.forum']);
    expect(bad({ DSL: phase({ type: 'times', times: ['09:00'] }, { fromDay: 3, toDay: 1 }) })).toEqual(['forums.DSL.phases.0.toDay']);
    expect(bad({ DSL: { ...phase({ type: 'times', times: ['09:00'] }), participants: ['king'] } })).toEqual(['forums.DSL.participants.0']);
  });
});

describe('schedule edits change future meetings only (R5.2)', () => {
  const created = '2026-11-20T09:00:00.000Z';
  const base = goLive('2026-11-27', {}, created);
  // On day 1 at 10:05 local (09:05Z) CSL is changed to meet only at fixed times, 45 minutes long.
  const edit = '2026-11-28T09:05:00.000Z';
  const newSchedules = Schedules.parse({
    forums: {
      CSL: {
        durationMinutes: 45,
        participants: ['cslChair'],
        phases: [{ fromDay: 1, toDay: 3, cadence: { type: 'times', times: ['09:30', '12:00', '16:00'] } }],
      },
    },
  });
  const history = nextScheduleHistory(
    { ...base, scheduleHistory: [{ effectiveFrom: created, schedules: base.schedules }] },
    newSchedules,
    edit,
  );
  const edited: GoLive = { ...base, schedules: newSchedules, scheduleHistory: history };

  it('keeps unchanged schedules as one version, and adds a version in force from the write', () => {
    expect(nextScheduleHistory(undefined, base.schedules, created)).toEqual([{ effectiveFrom: created, schedules: base.schedules }]);
    expect(
      nextScheduleHistory(
        { ...base, scheduleHistory: [{ effectiveFrom: created, schedules: base.schedules }] },
        structuredClone(base.schedules),
        edit,
      ),
    ).toHaveLength(1);
    expect(history.map((v) => v.effectiveFrom)).toEqual([created, edit]);
  });

  it('meetings that started before the edit keep their old definition; later ones follow the new', () => {
    const csl = scheduledMeetingsOnDay(edited, 1).filter((m) => m.forum === 'CSL');
    expect(csl.map((m) => [m.localStart.slice(11), (Date.parse(m.end) - Date.parse(m.start)) / 60_000])).toEqual([
      // Before 10:05: the old "30 min before each DSL", 30 minutes long — including the one in progress at 09:30.
      ['06:30', 30],
      ['07:30', 30],
      ['08:30', 30],
      ['09:30', 30],
      // From 10:05: the new fixed times only.
      ['12:00', 45],
      ['16:00', 45],
    ]);
    expect(csl.find((m) => m.localStart.endsWith('12:00'))).toMatchObject({ participantRoles: ['cslChair'], knownSince: edit });
    expect(csl.find((m) => m.localStart.endsWith('09:30'))?.knownSince).toBeUndefined();
    // Other forums and other days are untouched; the whole of day 0 is history.
    expect(scheduledMeetingsOnDay(edited, 1).filter((m) => m.forum === 'DSL')).toEqual(
      scheduledMeetingsOnDay(base, 1).filter((m) => m.forum === 'DSL'),
    );
    expect(scheduledMeetingsOnDay(edited, 0)).toEqual(scheduledMeetingsOnDay(base, 0));
    expect(
      scheduledMeetingsOnDay(edited, 2)
        .filter((m) => m.forum === 'CSL')
        .map((m) => m.localStart.slice(11)),
    ).toEqual(['09:30', '12:00', '16:00']);
  });
});

describe('meetings: lookups the reminders, agendas and the escalation engine use', () => {
  const g = goLive('2026-11-27');
  const at = (iso: string) => new Date(iso);

  it('next and previous meeting of a forum, across days; an ongoing meeting counts as next', () => {
    expect(nextMeeting(g, 'DSL', at('2026-11-27T07:10:00Z'))?.id).toBe('dsl-2026-11-27T0800');
    expect(nextMeeting(g, 'DSL', at('2026-11-27T07:10:00Z'), { startingAfter: true })?.id).toBe('dsl-2026-11-27T1000');
    expect(nextMeeting(g, 'DSL', at('2026-11-27T19:31:00Z'))?.id).toBe('dsl-2026-11-28T0700');
    expect(nextMeeting(g, 'LGV', at('2026-12-01T16:00:00Z'))).toBeUndefined();
    expect(previousMeeting(g, 'DSL', at('2026-11-28T06:00:00Z'))?.id).toBe('dsl-2026-11-27T2000');
    expect(previousMeeting(g, 'DSL', at('2026-11-27T07:00:00Z'))).toBeUndefined();
  });

  it('ad-hoc meetings (R5.1) merge in by start and count as next/previous', () => {
    const extra = makeAdHocMeeting({
      goLiveId: 'g',
      id: 'dsl-extra-1',
      start: '2026-11-27T07:40:00.000Z',
      end: '2026-11-27T08:00:00.000Z',
    });
    const list = meetingsBetween(g, at('2026-11-27T07:00:00Z'), at('2026-11-27T09:00:00Z'), { adHoc: [extra] });
    // [07:00Z, 09:00Z): DSL and LGV at 08:00 local, the extra DSL at 08:40; DSL 10:00 local (09:00Z) is outside.
    expect(list.map((m) => `${m.id}:${m.source}`)).toEqual([
      'dsl-2026-11-27T0800:schedule',
      'lgv-2026-11-27T0800:schedule',
      'dsl-extra-1:adHoc',
    ]);
    expect(previousMeeting(g, 'DSL', at('2026-11-27T09:00:00Z'), { adHoc: [extra] })?.id).toBe('dsl-extra-1');
    expect(previousMeeting(g, 'DSL', at('2026-11-27T09:00:00Z'), { adHoc: [extra], scheduledOnly: true })?.id).toBe('dsl-2026-11-27T0800');
    expect(meetingById(g, 'dsl-extra-1', [extra])).toMatchObject({
      source: 'adHoc',
      knownSince: extra.createdAt,
      localStart: '2026-11-27T08:40',
    });
  });

  it('the same input gives the same ids; an unknown id gives nothing', () => {
    const a: Meeting[] = meetingsBetween(g, at('2026-11-26T00:00:00Z'), at('2026-12-06T00:00:00Z'));
    const b: Meeting[] = meetingsBetween(goLive('2026-11-27'), at('2026-11-26T00:00:00Z'), at('2026-12-06T00:00:00Z'));
    expect(a.map((m) => m.id)).toEqual(b.map((m) => m.id));
    expect(new Set(a.map((m) => m.id)).size).toBe(a.length);
    expect(a).toHaveLength(7 + 2 + 3 + 3 * (15 + 15 + 7) + 6 + 6 + 3 + 3 * (2 + 2));
    expect(meetingById(g, 'dsl-2026-11-27T0900')).toBeUndefined();
    expect(meetingById(g, 'nonsense')).toBeUndefined();
  });

  it('dayOf counts calendar days in the go-live zone, also across the change of offset', () => {
    const oct = goLive('2026-10-23');
    expect(dayOf(oct, '2026-10-24T21:59:00Z')).toBe(1); // 23:59 local, Saturday
    expect(dayOf(oct, '2026-10-24T22:00:00Z')).toBe(2); // 00:00 local, Sunday (still UTC+2)
    expect(dayOf(oct, '2026-10-25T23:00:00Z')).toBe(3); // 00:00 local, Monday (UTC+1)
  });
});
