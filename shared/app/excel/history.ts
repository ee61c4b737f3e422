import type { AreaReport } from '../../domain/area-report';
import type { UnitReport } from '../../domain/unit-report';
import type { AreaReportStore, HistoryQuery, UnitReportStore } from '../../ports/repository.port';
import { HISTORY_PAGE_MAX } from '../../ports/repository.port';

/** Every item of a paged history, oldest first, one page in memory at a time. */
async function* paged<T extends { reportedAt: string; id: string }>(
  fetch: (q: HistoryQuery) => Promise<T[]>,
  since?: string,
): AsyncIterable<T> {
  let after: HistoryQuery['after'];
  for (;;) {
    const page = await fetch({ ...(since ? { since } : {}), ...(after ? { after } : {}), limit: HISTORY_PAGE_MAX });
    yield* page;
    const last = page[page.length - 1];
    if (page.length < HISTORY_PAGE_MAX || !last) return;
    after = { reportedAt: last.reportedAt, id: last.id };
  }
}

/** A go-live's unit reports from `since` (ISO instant), oldest first. */
export const unitReportHistory = (
  repo: Pick<UnitReportStore, 'listUnitReportsByGoLive'>,
  goLiveId: string,
  since?: string,
): AsyncIterable<UnitReport> => paged((q) => repo.listUnitReportsByGoLive(goLiveId, q), since);

/** A go-live's area reports from `since` (ISO instant), oldest first. */
export const areaReportHistory = (
  repo: Pick<AreaReportStore, 'listAreaReportsByGoLive'>,
  goLiveId: string,
  since?: string,
): AsyncIterable<AreaReport> => paged((q) => repo.listAreaReportsByGoLive(goLiveId, q), since);
