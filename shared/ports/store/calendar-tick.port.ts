import type { DispatchRecord, TickCursor } from '../../domain/calendar-actions';
import type { CreateResult, Versioned } from './common';

/** The calendar tick's own state (R5, R6.5): how far it has run, and the actions it has claimed. */
export interface CalendarTickStore {
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
}
