import type { FieldIssue } from './errors';

/*
 * Instants a go-live can mean (issue 13 item 12): from one year before its start to one year
 * after (366 days each way). An `at` in year 9999 would pin an incident's last update (the R9.1
 * reminder stops), a `raisedAt` in 9999 gives no triage deadline, year 0000 is nonsense: every
 * ISO instant in a go-live's JSON body must lie in this window. No setting: a go-live week and
 * its rehearsals, back-dated lists and follow-up fit in it with room to spare.
 */

export const GOLIVE_WINDOW_DAYS = 366;
const DAY_MS = 86_400_000;

/** The window around a start date (`YYYY-MM-DD`), as epoch milliseconds. */
export function goLiveWindow(startDate: string): { from: number; to: number } | undefined {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  if (Number.isNaN(start)) return undefined;
  return { from: start - GOLIVE_WINDOW_DAYS * DAY_MS, to: start + (GOLIVE_WINDOW_DAYS + 1) * DAY_MS };
}

const ISO_INSTANT = /^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Paths and values of every string in a parsed body that is an ISO instant. */
export function instantsIn(value: unknown): { path: string; ms: number }[] {
  const found: { path: string; ms: number }[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (ISO_INSTANT.test(v)) found.push({ path: path || 'body', ms: Date.parse(v) });
    } else if (v && typeof v === 'object')
      for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: path ? `${path}.${k}` : k });
  }
  return found.reverse();
}

/** Field issues for the instants outside the window of a go-live starting `startDate`. */
export function instantsOutsideWindow(instants: { path: string; ms: number }[], startDate: string): FieldIssue[] {
  const w = goLiveWindow(startDate);
  if (!w) return [];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return instants
    .filter((i) => !Number.isNaN(i.ms) && (i.ms < w.from || i.ms >= w.to))
    .map((i) => ({
      field: i.path,
      message: {
        sv: `tidpunkten ligger utanför driftsättningens tidsfönster (${day(w.from)} – ${day(w.to - 1)}, start ± 1 år)`,
        en: `the instant is outside the go-live's window (${day(w.from)} – ${day(w.to - 1)}, start ± 1 year)`,
      },
    }));
}
