/**
 * What every store port shares: versioned values, create-if-absent results, report-history
 * paging and the store's errors. The ports themselves are one per aggregate, beside this file.
 */

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
 * The store did not answer within its bounded wait (issue 13 item 9: the embedded store's
 * worker thread is stuck, e.g. on a frozen file system). Unavailable, so 503 with
 * Retry-After; /api/health reports it as `unresponsive`.
 */
export class StoreUnresponsiveError extends StoreUnavailableError {
  constructor(message: string, retryAfterSeconds = 10) {
    super(message, retryAfterSeconds);
    this.name = 'StoreUnresponsiveError';
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

/** By name as well as class, as `isStoreDamaged`: unavailable, or unresponsive (a bounded wait ran out). */
export const isStoreUnavailable = (e: unknown): e is StoreUnavailableError =>
  e instanceof StoreUnavailableError ||
  (e instanceof Error &&
    (e.name === 'StoreUnavailableError' || e.name === 'StoreUnresponsiveError') &&
    typeof (e as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number');
