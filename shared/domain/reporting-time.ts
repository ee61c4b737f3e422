import { DateTime } from 'luxon';
import type { ReportingRules } from './golive';

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Whether `at` falls inside the reporting day (R3.3, default 06–18 local, both ends included). */
export function isInsideReportingDay(at: Date, timeZone: string, rules: Pick<ReportingRules, 'dayStart' | 'dayEnd'>): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const m = local.hour * 60 + local.minute;
  return m >= minutesOf(rules.dayStart) && m <= minutesOf(rules.dayEnd);
}

/**
 * Minutes of reporting day (R3.3: 06–18 local by default) between `from` and `to`. Night
 * hours do not count, so a report at 17:30 is not stale at 07:00 the next morning.
 * Walks local calendar days, so daylight-saving changes are handled by the zone rules.
 */
export function reportingMinutesBetween(
  from: Date,
  to: Date,
  timeZone: string,
  rules: Pick<ReportingRules, 'dayStart' | 'dayEnd'>,
): number {
  if (to <= from) return 0;
  const start = DateTime.fromJSDate(from, { zone: timeZone });
  const end = DateTime.fromJSDate(to, { zone: timeZone });
  const dayStart = minutesOf(rules.dayStart);
  const dayEnd = minutesOf(rules.dayEnd);
  let total = 0;
  for (let day = start.startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    // Wall-clock times, not offsets from midnight: on a daylight-saving day midnight + 6 h is 07:00.
    const open = day.set({ hour: Math.floor(dayStart / 60), minute: dayStart % 60 });
    const close = day.set({ hour: Math.floor(dayEnd / 60), minute: dayEnd % 60 });
    const a = open > start ? open : start;
    const b = close < end ? close : end;
    if (b > a) total += b.diff(a, 'minutes').minutes;
  }
  return Math.floor(total);
}

/**
 * The latest instant (epoch ms) that lies more than `minutes` whole minutes of reporting day
 * before `to`: `reportingMinutesBetween(from, to) > minutes` exactly when `from <= staleBefore`.
 * Computed once per overview and compared per unit, so the roll-up does no time-zone work per
 * unit (issue 17). Walks back from `to` through the reporting windows; -Infinity when the
 * windows of the last `maxDays` days hold fewer minutes than that (nothing is ever stale).
 */
export function staleBefore(
  to: Date,
  minutes: number,
  timeZone: string,
  rules: Pick<ReportingRules, 'dayStart' | 'dayEnd'>,
  maxDays = 366,
): number {
  // reportingMinutesBetween floors, so "more than n whole minutes" is "at least n + 1 minutes".
  let remaining = (Math.floor(minutes) + 1) * 60_000;
  const end = DateTime.fromJSDate(to, { zone: timeZone });
  const dayStart = minutesOf(rules.dayStart);
  const dayEnd = minutesOf(rules.dayEnd);
  let day = end.startOf('day');
  for (let i = 0; i <= maxDays; i++, day = day.minus({ days: 1 })) {
    const open = day.set({ hour: Math.floor(dayStart / 60), minute: dayStart % 60 }).toMillis();
    const close = Math.min(day.set({ hour: Math.floor(dayEnd / 60), minute: dayEnd % 60 }).toMillis(), end.toMillis());
    if (close <= open) continue;
    if (close - open >= remaining) return close - remaining;
    remaining -= close - open;
  }
  return Number.NEGATIVE_INFINITY;
}
