import type { AreaReport, AreaStatus } from '../domain/area-report';
import type { GoLive } from '../domain/golive';
import type { Incident } from '../domain/incident';
import type { UnitReport, UnitStatus } from '../domain/unit-report';

/** A stored value with the version token the store uses for optimistic concurrency (Cosmos `_etag`). */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** Result of a create-if-absent write: `created` is false when the id already existed (a replay). */
export interface CreateResult<T> {
  value: T;
  created: boolean;
}

/** Everything the overview needs, read in one go (one single-partition query in Cosmos). */
export interface StatusSnapshot {
  goLive: GoLive;
  unitStatuses: UnitStatus[];
  areaStatuses: AreaStatus[];
  openIncidents: Incident[];
}

/** Small operational facts, e.g. when the timer last ran (shown by /api/health). */
export interface RuntimeMarker {
  name: string;
  at: string;
  detail?: Record<string, unknown>;
}

/**
 * A page of a go-live's report history (exports, imports), oldest `reportedAt` first, equal
 * times by id. Page on by passing the last item's `reportedAt` and `id` as `after`.
 */
export interface HistoryQuery {
  /** Only reports with `reportedAt` at or after this instant, written as `toISOString` writes it. */
  since?: string;
  /** Only reports after this one in the order (exclusive): the cursor of the next page. */
  after?: { reportedAt: string; id: string };
  /** Page size; default and maximum `HISTORY_PAGE_MAX`. */
  limit?: number;
}

/** The largest page `listUnitReportsByGoLive` / `listAreaReportsByGoLive` return. */
export const HISTORY_PAGE_MAX = 1000;

/**
 * The storage port. Every go-live is its own partition. All writes are idempotent by id:
 * a create of an id that exists returns the stored value with `created: false` and changes
 * nothing, so a client retry or a crash between two writes never applies a write twice.
 *
 * Errors: `StoreConflictError` when an `etag` no longer matches (a concurrent writer won);
 * `StoreUnavailableError` when the store cannot be reached or throttles (the caller may
 * retry; HTTP maps it to 503 with Retry-After). A report write that fails this way after
 * the report itself was stored is repaired by retrying the same report id.
 */
export interface Repository {
  /** Reads a go-live with its organisation, or undefined. */
  getGoLive(goLiveId: string): Promise<Versioned<GoLive> | undefined>;
  /**
   * Writes a go-live. `expectedEtag`: a string = replace only that version;
   * `null` = create only if absent; undefined = unconditional upsert.
   */
  saveGoLive(goLive: GoLive, expectedEtag?: string | null): Promise<Versioned<GoLive>>;
  /** Lists go-lives (id and name), for hosts and timers that walk all of them. */
  listGoLives(): Promise<{ id: string; name: string }[]>;

  /**
   * Stores a unit report if its id is new, and makes it the unit's current status when it
   * is newer than the stored one (`isNewer`). Replaying the same id repeats only the
   * status step, which repairs a crash between the two writes.
   */
  addUnitReport(report: UnitReport): Promise<CreateResult<UnitReport>>;
  /** A unit's reports, newest `reportedAt` first; equal times by id, descending (as `isNewer`). */
  listUnitReports(goLiveId: string, unitId: string, limit: number): Promise<UnitReport[]>;

  /** As `addUnitReport`, for delivery-area reports and the area's current status. */
  addAreaReport(report: AreaReport): Promise<CreateResult<AreaReport>>;
  /** An area's reports, newest first. */
  listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]>;

  /** Every unit report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listUnitReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<UnitReport[]>;
  /** Every area report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listAreaReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<AreaReport[]>;

  /** Creates an incident if its id is new. */
  createIncident(incident: Incident): Promise<CreateResult<Incident>>;
  getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined>;
  /** Replaces an incident if `etag` still matches, else (or if it no longer exists) throws `StoreConflictError`. */
  replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>>;
  /** All incidents of a go-live, newest `openedAt` first. */
  listIncidents(goLiveId: string): Promise<Incident[]>;

  /** The go-live, every unit and area status, and open incidents; undefined if no go-live. */
  getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined>;

  /** Records an operational marker (upsert by name). */
  putMarker(marker: RuntimeMarker): Promise<void>;
  getMarker(name: string): Promise<RuntimeMarker | undefined>;

  /** Releases connections and file handles. */
  close(): Promise<void>;
}

export class StoreConflictError extends Error {
  constructor(message = 'the stored version changed') {
    super(message);
    this.name = 'StoreConflictError';
  }
}

export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
