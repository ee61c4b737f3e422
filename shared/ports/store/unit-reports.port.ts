import type { UnitReport } from '../../domain/unit-report';
import type { CreateResult, HistoryQuery } from './common';

/** Unit reports (R3) and, behind them, each unit's current status. */
export interface UnitReportStore {
  /**
   * Stores a unit report if its id is new, and makes it the unit's current status when it
   * is newer than the stored one (`isNewer`). Replaying the same id repeats only the
   * status step, which repairs a crash between the two writes.
   */
  addUnitReport(report: UnitReport): Promise<CreateResult<UnitReport>>;
  /**
   * Stores many unit reports, each exactly as `addUnitReport` would (idempotent by id, the
   * newest becomes the status); results in the order given. For imports: the embedded store
   * commits them in one transaction instead of one each, Cosmos writes them one by one.
   */
  addUnitReports(reports: readonly UnitReport[]): Promise<CreateResult<UnitReport>[]>;
  /** A unit's reports, newest `reportedAt` first; equal times by id, descending (as `isNewer`). */
  listUnitReports(goLiveId: string, unitId: string, limit: number): Promise<UnitReport[]>;
  /** Every unit report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listUnitReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<UnitReport[]>;
}
