import type { Ports } from '../ports/app.port';
import type { GoLiveStore, UnitReportStore } from '../ports/repository.port';
import type { DayPicture } from '../domain/day-picture';
import { buildDayPicture, daySpan, localDateOf } from '../domain/day-picture';
import type { UnitReport } from '../domain/unit-report';
import { HISTORY_PAGE_MAX } from '../ports/repository.port';
import { requireGoLive } from './golives';

/** The go-live's unit reports with `since ≤ reportedAt ≤ until`, read page by page (oldest first). */
async function unitReportsBetween(repo: UnitReportStore, goLiveId: string, since: Date, until: Date): Promise<UnitReport[]> {
  const out: UnitReport[] = [];
  const untilMs = until.getTime();
  let after: { reportedAt: string; id: string } | undefined;
  for (;;) {
    const page = await repo.listUnitReportsByGoLive(goLiveId, {
      since: since.toISOString(),
      limit: HISTORY_PAGE_MAX,
      ...(after ? { after } : {}),
    });
    for (const r of page) {
      if (Date.parse(r.reportedAt) > untilMs) return out;
      out.push(r);
    }
    const last = page.at(-1);
    if (!last || page.length < HISTORY_PAGE_MAX) return out;
    after = { reportedAt: last.reportedAt, id: last.id };
  }
}

/**
 * The picture of one reporting day (R3.3): per check point, how many care units were green,
 * yellow, red or missing. `date` is a local date of the go-live (default: today there). Reads
 * only that day's reports, so its cost grows with one day's reports, not the week's.
 */
export async function getDayPicture(
  s: Ports<GoLiveStore & UnitReportStore, 'clock'>,
  goLiveId: string,
  date?: string,
): Promise<DayPicture> {
  const goLive = await requireGoLive(s, goLiveId);
  const now = s.clock.now();
  const day = date ?? localDateOf(now, goLive.timeZone);
  const { since, until } = daySpan(day, goLive);
  // Nothing after now can count, and a future day needs no read at all.
  const end = until < now ? until : now;
  const reports = end > since ? await unitReportsBetween(s.repo, goLiveId, since, end) : [];
  return buildDayPicture(now, { goLive, date: day, reports });
}
