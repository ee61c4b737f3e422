import { buildDayPicture, daySpan, localDateOf, reportingWindows } from '../../shared/domain/day-picture';
import { makeGoLive, makeUnitReport } from '../builders';

// Units: avd-12, avd-14 (kirurgi), akuten (medicin). Day 0 is Friday 27 November 2026, CET (UTC+1).
const goLive = makeGoLive({ id: 'g' });
const report = (unitId: string, colour: 'green' | 'yellow' | 'red', reportedAt: string, id = `${unitId}-${reportedAt}`) =>
  makeUnitReport({ goLiveId: 'g', unitId, forvaltningId: unitId === 'akuten' ? 'medicin' : 'kirurgi', colour, reportedAt, id });

describe('reporting windows (R3.3)', () => {
  it('has the four default check points, each covering the three hours before it, in local time', () => {
    expect(reportingWindows('2026-11-27', goLive).map((w) => [w.checkpoint, w.from.toISOString(), w.to.toISOString()])).toEqual([
      ['09:00', '2026-11-27T05:00:00.000Z', '2026-11-27T08:00:00.000Z'],
      ['12:00', '2026-11-27T08:00:00.000Z', '2026-11-27T11:00:00.000Z'],
      ['15:00', '2026-11-27T11:00:00.000Z', '2026-11-27T14:00:00.000Z'],
      ['18:00', '2026-11-27T14:00:00.000Z', '2026-11-27T17:00:00.000Z'],
    ]);
  });

  it('keeps check points on the wall clock across daylight saving (summer time: UTC+2)', () => {
    expect(reportingWindows('2026-03-29', goLive)[0]!.to.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(reportingWindows('2026-03-28', goLive)[0]!.to.toISOString()).toBe('2026-03-28T08:00:00.000Z');
  });

  it('spans from the first window start to the last check point', () => {
    expect(daySpan('2026-11-27', goLive)).toEqual({
      since: new Date('2026-11-27T05:00:00.000Z'),
      until: new Date('2026-11-27T17:00:00.000Z'),
    });
  });

  it('takes the local date in the go-live zone', () => {
    expect(localDateOf(new Date('2026-11-27T23:30:00Z'), 'Europe/Stockholm')).toBe('2026-11-28');
  });
});

describe('the day picture', () => {
  const reports = [
    report('avd-12', 'green', '2026-11-27T06:30:00.000Z'), // 07:30 local → 09 window
    report('avd-12', 'red', '2026-11-27T07:45:00.000Z'), // later in the same window: wins
    report('avd-14', 'yellow', '2026-11-27T08:00:00.000Z'), // exactly 09:00: counts for the 09 window, not the 12
    report('akuten', 'green', '2026-11-27T05:00:00.000Z'), // exactly 06:00: before the 09 window (exclusive start)
    report('akuten', 'yellow', '2026-11-27T09:10:00.000Z'), // 10:10 → 12 window
  ];

  it('counts each unit once per window by its latest report; a unit without one is missing', () => {
    const p = buildDayPicture(new Date('2026-11-27T12:00:00Z'), { goLive, date: '2026-11-27', reports });
    expect(p.totalUnits).toBe(3);
    expect(p.windows.map((w) => [w.checkpoint, w.state, w.counts])).toEqual([
      ['09:00', 'closed', { green: 0, yellow: 1, red: 1, missing: 1 }],
      ['12:00', 'closed', { green: 0, yellow: 1, red: 0, missing: 2 }],
      ['15:00', 'open', { green: 0, yellow: 0, red: 0, missing: 3 }],
      ['18:00', 'upcoming', null],
    ]);
    expect(p.windows[0]!.missingUnitIds).toEqual(['akuten']);
    expect(p.windows[1]!.missingUnitIds).toEqual(['avd-12', 'avd-14']);
    expect(p.windows[3]!.missingUnitIds).toEqual([]);
  });

  it('a window closes exactly at its check point, and opens just after its start', () => {
    const at = (iso: string) => buildDayPicture(new Date(iso), { goLive, date: '2026-11-27', reports }).windows.map((w) => w.state);
    expect(at('2026-11-27T07:59:59.999Z')).toEqual(['open', 'upcoming', 'upcoming', 'upcoming']);
    expect(at('2026-11-27T08:00:00.000Z')).toEqual(['closed', 'upcoming', 'upcoming', 'upcoming']);
    expect(at('2026-11-27T08:00:00.001Z')).toEqual(['closed', 'open', 'upcoming', 'upcoming']);
    expect(at('2026-11-27T05:00:00.000Z')).toEqual(['upcoming', 'upcoming', 'upcoming', 'upcoming']);
  });

  it('ignores reports dated after now, of other go-lives and of units no longer in the organisation', () => {
    const p = buildDayPicture(new Date('2026-11-27T07:00:00Z'), {
      goLive,
      date: '2026-11-27',
      reports: [
        ...reports,
        makeUnitReport({ goLiveId: 'other', unitId: 'akuten', reportedAt: '2026-11-27T06:00:00.000Z' }),
        makeUnitReport({ goLiveId: 'g', unitId: 'gone', reportedAt: '2026-11-27T06:00:00.000Z' }),
      ],
    });
    // At 08:00 local only avd-12's 07:30 report is known.
    expect(p.windows[0]!.counts).toEqual({ green: 1, yellow: 0, red: 0, missing: 2 });
  });

  it('breaks a tie in reportedAt by report id, as the unit status does', () => {
    const at = '2026-11-27T07:00:00.000Z';
    const p = buildDayPicture(new Date('2026-11-27T12:00:00Z'), {
      goLive,
      date: '2026-11-27',
      reports: [report('avd-12', 'green', at, 'b'), report('avd-12', 'red', at, 'a')],
    });
    expect(p.windows[0]!.counts).toMatchObject({ green: 1, red: 0 });
  });
});
