import fc from 'fast-check';
import { reportingMinutesBetween, staleBefore } from '../../shared/domain/reporting-time';

/*
 * The overview decides staleness (R3.3) by comparing each unit's report time with one instant
 * computed per call (issue 17). It must agree with counting reporting minutes per unit.
 */
const tz = 'Europe/Stockholm';
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

describe('staleBefore (R3.3 once per overview)', () => {
  it('agrees with reportingMinutesBetween for any report time, window and limit, across daylight-saving changes', () => {
    const t0 = Date.parse('2026-03-25T00:00:00Z');
    const t1 = Date.parse('2026-11-05T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: t0, max: t1 }),
        fc.integer({ min: 0, max: 5 * 24 * 60 * 60_000 }),
        fc.integer({ min: 0, max: 23 * 60 }),
        fc.integer({ min: 1, max: 23 * 60 }),
        fc.integer({ min: 0, max: 2000 }),
        (to, back, start, length, minutes) => {
          const rules = { dayStart: hhmm(start), dayEnd: hhmm(Math.min(start + length, 23 * 60 + 59)) };
          const from = new Date(to - back);
          const threshold = staleBefore(new Date(to), minutes, tz, rules);
          const stale = reportingMinutesBetween(from, new Date(to), tz, rules) > minutes;
          expect(from.getTime() <= threshold).toBe(stale);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('puts the boundary on the millisecond: at it stale, one millisecond later not', () => {
    const rules = { dayStart: '06:00', dayEnd: '18:00' };
    // 07:00 local (CET): 60 minutes of this morning, then 121 of the evening before: 15:59 local.
    const to = new Date('2026-11-30T06:00:00Z');
    const t = staleBefore(to, 180, tz, rules);
    expect(new Date(t).toISOString()).toBe('2026-11-29T14:59:00.000Z');
    expect(reportingMinutesBetween(new Date(t), to, tz, rules)).toBe(181);
    expect(reportingMinutesBetween(new Date(t + 1), to, tz, rules)).toBe(180);
  });

  it('is -Infinity when no reporting window holds that many minutes', () => {
    expect(staleBefore(new Date('2026-11-30T06:00:00Z'), 10_000, tz, { dayStart: '06:00', dayEnd: '06:01' }, 30)).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });
});
