import type { AreaReportStore } from './store/area-reports.port';
import type { CalendarTickStore } from './store/calendar-tick.port';
import type { ChallengeStore } from './store/challenges.port';
import type { GoLiveStore } from './store/golives.port';
import type { IncidentStore } from './store/incidents.port';
import type { MarkerStore } from './store/markers.port';
import type { MeetingStore } from './store/meetings.port';
import type { NoteStore } from './store/notes.port';
import type { StatusSnapshotStore } from './store/status.port';
import type { StateVersionStore } from './store/state-version.port';
import type { UnitReportStore } from './store/unit-reports.port';

export * from './store/common';
export type { AreaReportStore } from './store/area-reports.port';
export type { CalendarTickStore } from './store/calendar-tick.port';
export type { ChallengeStore } from './store/challenges.port';
export type { GoLiveStore } from './store/golives.port';
export type { IncidentStore } from './store/incidents.port';
export type { MarkerStore, RuntimeMarker } from './store/markers.port';
export type { MeetingStore } from './store/meetings.port';
export type { NoteStore } from './store/notes.port';
export type { StatusSnapshot, StatusSnapshotStore } from './store/status.port';
export type { StateVersionStore } from './store/state-version.port';
export type { UnitReportStore } from './store/unit-reports.port';

/**
 * The whole store: the intersection of the ports of every aggregate (`shared/ports/store/`),
 * so the composition root hands one object and each use case declares the ports it touches.
 * Every go-live is its own partition. All writes are idempotent by id: a create of an id
 * that exists returns the stored value with `created: false` and changes nothing, so a
 * client retry or a crash between two writes never applies a write twice.
 *
 * Errors: `StoreConflictError` when an `etag` no longer matches (a concurrent writer won);
 * `StoreUnavailableError` when the store cannot be reached or throttles (the caller may
 * retry; HTTP maps it to 503 with Retry-After). A report write that fails this way after
 * the report itself was stored is repaired by retrying the same report id.
 */
export interface Repository
  extends
    GoLiveStore,
    UnitReportStore,
    AreaReportStore,
    IncidentStore,
    ChallengeStore,
    NoteStore,
    MeetingStore,
    CalendarTickStore,
    StatusSnapshotStore,
    StateVersionStore,
    MarkerStore {
  /** Releases connections and file handles. */
  close(): Promise<void>;
}
