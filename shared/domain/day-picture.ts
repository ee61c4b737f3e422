import { DateTime } from 'luxon';
import type { Colour } from './colour';
import type { GoLive } from './golive';
import type { UnitReport } from './unit-report';
import { isNewer } from './unit-report';

/**
 * Where a reporting window stands at `now`: `closed` once its check point has passed (a unit
 * without a report in it is overdue, R3.3), `open` while it runs, `upcoming` before it starts.
 */
export type WindowState = 'closed' | 'open' | 'upcoming';

export interface WindowCounts {
  green: number;
  yellow: number;
  red: number;
  /** No report in the window: overdue once the window is closed, not yet reported while open. */
  missing: number;
}

export interface DayWindow {
  /** The check point, local wall-clock time (`09:00`). */
  checkpoint: string;
  /** The window's first instant (exclusive) and its check point (inclusive), UTC ISO. */
  from: string;
  to: string;
  state: WindowState;
  /** Per colour, each unit counted once by its latest report in the window; null for an upcoming window. */
  counts: WindowCounts | null;
  /** Units without a report in the window, in organisation order; empty for an upcoming window. */
  missingUnitIds: string[];
}

/** One reporting day (R3.3): how many units were green, yellow, red or missing in each window. */
export interface DayPicture {
  goLiveId: string;
  /** Local date of the go-live's time zone, `YYYY-MM-DD`. */
  date: string;
  timeZone: string;
  generatedAt: string;
  totalUnits: number;
  windows: DayWindow[];
}

export interface WindowBounds {
  checkpoint: string;
  from: Date;
  to: Date;
}

/** The go-live's local date at `at` (`YYYY-MM-DD`). */
export const localDateOf = (at: Date, timeZone: string): string => DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;

/**
 * The reporting windows of one local date (R3.3): each check point covers the
 * `windowMinutes` before it. Check points are wall-clock times in the go-live's zone, so a
 * daylight-saving day keeps 09:00 at 09:00; the window length is elapsed time.
 */
export function reportingWindows(date: string, goLive: Pick<GoLive, 'timeZone' | 'reporting'>): WindowBounds[] {
  const day = DateTime.fromISO(date, { zone: goLive.timeZone });
  if (!day.isValid) throw new RangeError(`not a date: ${date}`);
  return [...goLive.reporting.checkpoints].sort().map((checkpoint) => {
    const [h, m] = checkpoint.split(':').map(Number);
    const to = day.set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 });
    return { checkpoint, from: to.minus({ minutes: goLive.reporting.windowMinutes }).toJSDate(), to: to.toJSDate() };
  });
}

/** The span of reports a day picture needs: from the first window's start to the last check point. */
export function daySpan(date: string, goLive: Pick<GoLive, 'timeZone' | 'reporting'>): { since: Date; until: Date } {
  const windows = reportingWindows(date, goLive);
  const since = new Date(Math.min(...windows.map((w) => w.from.getTime())));
  const until = new Date(Math.max(...windows.map((w) => w.to.getTime())));
  return { since, until };
}

/**
 * The picture of one day for DSL and the wall screen (R3.3, R10.1). A unit counts in a
 * window by its latest report with `from < reportedAt ≤ to` (the status it had at the check
 * point, latest as `isNewer` decides); a unit with none there is missing. Reports dated after
 * `now` are ignored, so an open window shows only what is known. Pure: takes `now`.
 */
export function buildDayPicture(now: Date, data: { goLive: GoLive; date: string; reports: readonly UnitReport[] }): DayPicture {
  const { goLive } = data;
  const unitIds = goLive.forvaltningar.flatMap((f) => f.units.map((u) => u.id));
  const known = new Set(unitIds);
  const nowMs = now.getTime();

  const windows = reportingWindows(data.date, goLive).map((w): DayWindow => {
    const fromMs = w.from.getTime();
    const toMs = w.to.getTime();
    const state: WindowState = nowMs >= toMs ? 'closed' : nowMs > fromMs ? 'open' : 'upcoming';
    const base = { checkpoint: w.checkpoint, from: w.from.toISOString(), to: w.to.toISOString(), state };
    if (state === 'upcoming') return { ...base, counts: null, missingUnitIds: [] };

    const latest = new Map<string, { colour: Colour; reportedAt: string; reportId: string }>();
    for (const r of data.reports) {
      if (r.goLiveId !== goLive.id || !known.has(r.unitId)) continue;
      const at = Date.parse(r.reportedAt);
      if (!(at > fromMs && at <= toMs && at <= nowMs)) continue;
      const candidate = { colour: r.colour, reportedAt: r.reportedAt, reportId: r.id };
      if (isNewer(candidate, latest.get(r.unitId))) latest.set(r.unitId, candidate);
    }
    const counts: WindowCounts = { green: 0, yellow: 0, red: 0, missing: 0 };
    const missingUnitIds: string[] = [];
    for (const id of unitIds) {
      const s = latest.get(id);
      if (s) counts[s.colour]++;
      else {
        counts.missing++;
        missingUnitIds.push(id);
      }
    }
    return { ...base, counts, missingUnitIds };
  });

  return {
    goLiveId: goLive.id,
    date: data.date,
    timeZone: goLive.timeZone,
    generatedAt: now.toISOString(),
    totalUnits: unitIds.length,
    windows,
  };
}
