import type { AreaReport } from '../../domain/area-report';
import type { CreateResult, HistoryQuery } from './common';

/** Delivery-area reports (R4) and, behind them, each area's current status. */
export interface AreaReportStore {
  /** As `addUnitReport`, for delivery-area reports and the area's current status. */
  addAreaReport(report: AreaReport): Promise<CreateResult<AreaReport>>;
  /** One area report by id, or undefined: an idempotent replay answers the stored report (issue 14 item 13). */
  getAreaReport(goLiveId: string, reportId: string): Promise<AreaReport | undefined>;
  /** An area's reports, newest first. */
  listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]>;
  /** Every area report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listAreaReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<AreaReport[]>;
}
