import type { AreaReport, AreaStatus } from '../domain/area-report';
import type { Challenge } from '../escalation/domain/challenge';
import type { DispatchRecord, TickCursor } from '../domain/calendar-actions';
import type { GoLive } from '../domain/golive';
import type { Incident } from '../domain/incident';
import type { AdHocMeeting } from '../domain/meetings';
import type { Note, NoteKind } from '../domain/notes';
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

/**
 * Everything the overview needs, read in one go: one single-partition query in Cosmos, plus
 * the go-live itself, which adapters keep parsed by version and only revalidate (issue 17).
 */
export interface StatusSnapshot {
  goLive: GoLive;
  unitStatuses: UnitStatus[];
  areaStatuses: AreaStatus[];
  openIncidents: Incident[];
  /** Challenges still open (raised or triaged, R7), in no particular order: the overview's escalation summary. */
  openChallenges: Challenge[];
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
  /**
   * Reads a go-live with its organisation, or undefined. The value may be shared with other
   * callers and is frozen: copy it to change it. Always the stored version at the time of the
   * call (a change made through another instance included), but not parsed again while the
   * version is unchanged.
   */
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
  /** One area report by id, or undefined: an idempotent replay answers the stored report (issue 14 item 13). */
  getAreaReport(goLiveId: string, reportId: string): Promise<AreaReport | undefined>;
  /** An area's reports, newest first. */
  listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]>;

  /** Every unit report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listUnitReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<UnitReport[]>;
  /** Every area report of a go-live, one page at a time, oldest first (see `HistoryQuery`). */
  listAreaReportsByGoLive(goLiveId: string, query?: HistoryQuery): Promise<AreaReport[]>;
  /**
   * Stores many unit reports, each exactly as `addUnitReport` would (idempotent by id, the
   * newest becomes the status); results in the order given. For imports: the embedded store
   * commits them in one transaction instead of one each, Cosmos writes them one by one.
   */
  addUnitReports(reports: readonly UnitReport[]): Promise<CreateResult<UnitReport>[]>;

  /** Creates an incident if its id is new. */
  createIncident(incident: Incident): Promise<CreateResult<Incident>>;
  getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined>;
  /** Replaces an incident if `etag` still matches, else (or if it no longer exists) throws `StoreConflictError`. */
  replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>>;
  /** All incidents of a go-live, newest `openedAt` first. */
  listIncidents(goLiveId: string): Promise<Incident[]>;

  /** The go-live, every unit and area status, open incidents and open challenges; undefined if no go-live. */
  getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined>;

  /** Creates a challenge if its id is new (R7.1). */
  createChallenge(challenge: Challenge): Promise<CreateResult<Challenge>>;
  getChallenge(goLiveId: string, challengeId: string): Promise<Versioned<Challenge> | undefined>;
  /** Replaces a challenge if `etag` still matches, else (or if it no longer exists) throws `StoreConflictError`. */
  replaceChallenge(challenge: Challenge, etag: string): Promise<Versioned<Challenge>>;
  /** Every challenge of a go-live, newest `raisedAt` first (open and ended; the decision log reads their decisions). */
  listChallenges(goLiveId: string): Promise<Challenge[]>;

  /** Records an operational marker (upsert by name). */
  putMarker(marker: RuntimeMarker): Promise<void>;
  getMarker(name: string): Promise<RuntimeMarker | undefined>;

  // --- the go-live calendar (R5, R6.5): ad-hoc meetings, the tick's cursor and its claims ---

  /** Stores an ad-hoc meeting (R5.1) if its id is new; a replay returns the stored one. */
  createMeeting(meeting: AdHocMeeting): Promise<CreateResult<AdHocMeeting>>;
  getMeeting(goLiveId: string, meetingId: string): Promise<AdHocMeeting | undefined>;
  /** Ad-hoc meetings starting in [from, to) (ISO instants), earliest first, equal starts by id. */
  listMeetings(goLiveId: string, range: { from: string; to: string }): Promise<AdHocMeeting[]>;

  /** The instant the calendar tick has processed a go-live up to, or undefined before its first tick. */
  getTickCursor(goLiveId: string): Promise<Versioned<TickCursor> | undefined>;
  /** Writes the cursor: `expectedEtag` null = create only if absent, a string = replace only that version; else `StoreConflictError`. */
  saveTickCursor(cursor: TickCursor, expectedEtag: string | null): Promise<Versioned<TickCursor>>;

  /**
   * Claims an action of the calendar tick: creates the record if `actionId` is new in the
   * go-live. `created: false` returns the stored record (someone else's claim — or this
   * caller's own, when a retry follows a lost answer: compare `claimToken`).
   */
  claimDispatch(record: DispatchRecord): Promise<CreateResult<DispatchRecord> & { etag: string }>;
  /** Replaces a dispatch record if `etag` still matches, else `StoreConflictError`. */
  updateDispatch(record: DispatchRecord, etag: string): Promise<Versioned<DispatchRecord>>;
  /** Dispatch records with `dueAt` in [from, to), earliest first, equal times by action id. */
  listDispatches(goLiveId: string, range: { from: string; to: string }): Promise<DispatchRecord[]>;

  // --- notes of the routine (R6.5, R8.5, R11): standalone decisions, CSL assessments, agendas as sent, communication marks ---

  /** Stores a note if (kind, id) is new in the go-live; a replay returns the stored one. */
  createNote(note: Note): Promise<CreateResult<Note>>;
  getNote(goLiveId: string, kind: NoteKind, id: string): Promise<Versioned<Note> | undefined>;
  /** Replaces a note if `etag` still matches, else (or if it no longer exists) `StoreConflictError`. */
  replaceNote(note: Note, etag: string): Promise<Versioned<Note>>;
  /** A go-live's notes of one kind, oldest `at` first, equal times by id. */
  listNotes(goLiveId: string, kind: NoteKind): Promise<Note[]>;

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

/**
 * The store is damaged (a failed integrity check at start, its WAL or database file deleted
 * or replaced while open, a corrupt page, an I/O error on write or sync): not transient, so
 * not retried. Every call answers this until an operator repairs the store and restarts;
 * HTTP maps it to 503 and /api/health reports `damaged` (issue 13).
 */
export class StoreDamagedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 60,
  ) {
    super(message);
    this.name = 'StoreDamagedError';
  }
}

/** By name as well as class: a module loaded twice (test registries, bundles) still counts. */
export const isStoreDamaged = (e: unknown): e is StoreDamagedError =>
  e instanceof StoreDamagedError ||
  (e instanceof Error && e.name === 'StoreDamagedError' && typeof (e as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number');
