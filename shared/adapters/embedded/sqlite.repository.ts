import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { AreaReport, AreaStatus, statusOfAreaReport } from '../../domain/area-report';
import { DispatchRecord, TickCursor } from '../../domain/calendar-actions';
import { Challenge } from '../../escalation/domain/challenge';
import { GoLive } from '../../domain/golive';
import { Incident } from '../../domain/incident';
import { AdHocMeeting } from '../../domain/meetings';
import { Note, type NoteKind } from '../../domain/notes';
import { isNewer, statusOfUnitReport, UnitReport, UnitStatus } from '../../domain/unit-report';
import type { CreateResult, HistoryQuery, Repository, RuntimeMarker, StatusSnapshot, Versioned } from '../../ports/repository.port';
import { HISTORY_PAGE_MAX, StoreConflictError, StoreDamagedError, StoreUnavailableError } from '../../ports/repository.port';
import { deepFreeze, VersionCache } from '../version-cache';
import type { DocType } from '../doc-types';
import { DOCS, RUNTIME_PARTITION, RuntimeMarkerDoc } from '../doc-types';
import type { DocRow } from './documents';
import { docId, parseBody, prepareDocStatements, SqliteDocuments, write } from './documents';

export interface SqliteRepositoryOptions {
  /**
   * FULL (the default) syncs the WAL at every commit, so an acknowledged write survives power
   * loss and a file system that goes read-only (the sync fails before the answer); NORMAL
   * keeps every committed write through a process crash (kill -9) only. Costs in bench/README.md.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another process's lock before giving up. */
  busyTimeoutMs?: number;
  /**
   * Test hook (shared/adapters/faults/sqlite-faults.ts): called before each call reaches
   * SQLite and may throw an error shaped like SQLite's (e.g. SQLITE_IOERR_WRITE of a file
   * system gone read-only). Never set outside tests.
   */
  faults?: (operation: string) => void;
}

/** One document of a status snapshot with its version (`getStatusSnapshotVersions`). */
export interface SnapshotDoc {
  id: string;
  type: 'unitStatus' | 'areaStatus' | 'incident' | 'challenge';
  etag: string;
  value: unknown;
}

export interface SnapshotVersions {
  goLive: Versioned<GoLive>;
  docs: SnapshotDoc[];
}

const SNAPSHOT_SCHEMAS: Record<SnapshotDoc['type'], z.ZodType> = {
  unitStatus: UnitStatus,
  areaStatus: AreaStatus,
  incident: Incident,
  challenge: Challenge,
};

/** The status snapshot of a go-live and its documents, each in its list by type (in the order given). */
export function assembleSnapshot(goLive: GoLive, docs: readonly { type: SnapshotDoc['type']; value: unknown }[]): StatusSnapshot {
  const snapshot: StatusSnapshot = { goLive, unitStatuses: [], areaStatuses: [], openIncidents: [], openChallenges: [] };
  for (const d of docs) {
    switch (d.type) {
      case 'unitStatus':
        snapshot.unitStatuses.push(d.value as UnitStatus);
        break;
      case 'areaStatus':
        snapshot.areaStatuses.push(d.value as AreaStatus);
        break;
      case 'incident':
        snapshot.openIncidents.push(d.value as Incident);
        break;
      case 'challenge':
        snapshot.openChallenges.push(d.value as Challenge);
        break;
    }
  }
  return snapshot;
}

/** The most unit reports one group commit writes; more wait for the next turn of the event loop. */
const GROUP_MAX = 256;

/** An error raised by SQLite (better-sqlite3's SqliteError, or one shaped like it): it has SQLite's result code. */
const isSqliteError = (err: unknown): boolean =>
  typeof (err as { code?: unknown })?.code === 'string' && /^SQLITE_/.test((err as { code: string }).code);

/** SQLite result codes that mean the file or the disk under it is damaged, not busy (issue 13). */
const DAMAGE = /^SQLITE_(CORRUPT|NOTADB|IOERR|READONLY|CANTOPEN)/;

/** Device and inode of a file, or undefined when it is gone. */
function identity(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

const GoLiveListRow = z.object({ id: z.string(), name: z.string() });

/**
 * The embedded store: one SQLite file (better-sqlite3, WAL). Every document of a go-live
 * lives in one `docs` table keyed by (pk = go-live id, id = `type:key`), mirroring the
 * Cosmos layout so both adapters behave alike. Calls are synchronous under the hood, so
 * each report plus its status update is one transaction and concurrent callers in this
 * process cannot interleave; other processes wait up to `busyTimeoutMs`.
 */
export class SqliteRepository implements Repository {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly unitReports: SqliteDocuments<UnitReport>;
  private readonly areaReports: SqliteDocuments<AreaReport>;
  private readonly incidents: SqliteDocuments<Incident>;
  private readonly challenges: SqliteDocuments<Challenge>;
  private readonly meetings: SqliteDocuments<AdHocMeeting>;
  private readonly dispatches: SqliteDocuments<DispatchRecord>;
  private readonly tickCursors: SqliteDocuments<TickCursor>;
  private readonly notes: SqliteDocuments<Note>;
  private readonly addUnitReportTx: Database.Transaction<(report: UnitReport) => CreateResult<UnitReport>>;
  private readonly addAreaReportTx: Database.Transaction<(report: AreaReport) => CreateResult<AreaReport>>;
  private readonly snapshotTx: Database.Transaction<(goLiveId: string) => SnapshotVersions | undefined>;
  /** Go-lives as parsed last, by version: a read checks the `etag` column and parses only a changed document (issue 17). */
  private readonly goLives = new VersionCache<GoLive>();

  /** Why the store is damaged, once it is: every later call answers StoreDamagedError (latched until restart). */
  private damage: string | undefined;
  /** Device:inode of the database and its WAL as opened, to notice either being deleted or replaced. */
  private files: { db: string; dbId: string | undefined; wal: string; walId: string | undefined } | undefined;
  /**
   * Set once the files were checked in this synchronous run of calls, cleared by the microtask
   * after it: the calls of one turn (a store-thread batch: ~70 under the intake load) share one
   * check. Nothing else runs on this thread in between, and a check was never atomic with the
   * call after it anyway (issue 17, fourth round: two `statSync`s a call were ~10 % of the
   * store thread's time).
   */
  private filesChecked = false;
  private faults: ((operation: string) => void) | undefined;

  private constructor(private readonly db: Database.Database) {
    this.stmt = prepareStatements(db);
    // Each aggregate's documents: where a value lives in `docs`, and what the indexes see of it (`DOCS`).
    this.unitReports = new SqliteDocuments(this.stmt, DOCS.unitReport);
    this.areaReports = new SqliteDocuments(this.stmt, DOCS.areaReport);
    this.incidents = new SqliteDocuments(this.stmt, DOCS.incident);
    this.challenges = new SqliteDocuments(this.stmt, DOCS.challenge);
    this.meetings = new SqliteDocuments(this.stmt, DOCS.meeting);
    this.dispatches = new SqliteDocuments(this.stmt, DOCS.dispatch);
    this.tickCursors = new SqliteDocuments(this.stmt, DOCS.tickCursor);
    this.notes = new SqliteDocuments(this.stmt, DOCS.note);
    // One read transaction, so the go-live and the statuses are of the same moment.
    this.snapshotTx = db.transaction((goLiveId: string) => this.snapshot(goLiveId));

    this.addUnitReportTx = db.transaction((report: UnitReport) => this.storeUnitReport(report));

    this.addAreaReportTx = db.transaction((report: AreaReport) => {
      const { created, value } = this.areaReports.create(report);
      const statusId = docId('areaStatus', value.areaId);
      const previous = this.read(AreaStatus, value.goLiveId, statusId)?.value;
      const candidate = statusOfAreaReport(value, previous);
      if (isNewer(candidate, previous)) this.stmt.upsert.run(write(value.goLiveId, statusId, 'areaStatus', candidate, value.areaId, null));
      return { value, created };
    });
  }

  /** Opens (and creates, with its folder) the database file; `:memory:` gives a throwaway store. */
  /**
   * Opens (and creates, with its folder) the database file; `:memory:` gives a throwaway store.
   * A file that fails SQLite's quick check (or cannot be read as a database at all) opens as
   * a damaged store: it answers StoreDamagedError to every call instead of serving on.
   */
  static open(filePath: string, opts: SqliteRepositoryOptions = {}): SqliteRepository {
    const onDisk = filePath !== ':memory:';
    if (onDisk) fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
    const db = new Database(filePath);
    let repo: SqliteRepository;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      const check = onDisk ? quickCheck(db) : 'ok';
      if (check !== 'ok') return SqliteRepository.damaged(db, `integrity check at start failed: ${check}`);
      migrate(db);
      migrateHistoryIndex(db);
      repo = new SqliteRepository(db);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && DAMAGE.test(code)) return SqliteRepository.damaged(db, `cannot open: ${(err as Error).message}`);
      db.close();
      throw err;
    }
    repo.faults = opts.faults;
    if (onDisk) {
      const file = path.resolve(filePath);
      repo.files = { db: file, dbId: identity(file), wal: `${file}-wal`, walId: identity(`${file}-wal`) };
    }
    return repo;
  }

  /** A store that refuses every call, saying why (its prepared statements are never used). */
  private static damaged(db: Database.Database, reason: string): SqliteRepository {
    const repo = Object.create(SqliteRepository.prototype) as SqliteRepository;
    Object.assign(repo, { db, damage: reason });
    console.error(`[store] embedded store damaged: ${reason}`);
    return repo;
  }

  /**
   * Runs one call against SQLite: refuses at once when the store is damaged, checks that the
   * database and WAL files are still the ones opened (a deleted WAL silently loses every
   * write after it), and maps SQLite's errors: busy/locked/full are the store being briefly
   * unavailable (503, retried); corrupt, I/O, read-only are damage (503, latched).
   */
  private guard<T>(operation: string, fn: () => T): T {
    if (this.damage) throw new StoreDamagedError(`embedded store damaged: ${this.damage}`);
    const f = this.files;
    if (f && !this.filesChecked) {
      this.filesChecked = true;
      queueMicrotask(() => (this.filesChecked = false));
      const dbId = identity(f.db);
      const walId = identity(f.wal);
      if (dbId !== f.dbId)
        this.markDamaged(
          dbId === undefined ? `database file ${f.db} was deleted while open` : `database file ${f.db} was replaced while open`,
        );
      else if (f.walId !== undefined && walId !== f.walId)
        this.markDamaged(walId === undefined ? `WAL file ${f.wal} was deleted while open` : `WAL file ${f.wal} was replaced while open`);
      else if (f.walId === undefined) f.walId = walId;
      if (this.damage) throw new StoreDamagedError(`embedded store damaged: ${this.damage}`);
    }
    try {
      this.faults?.(operation);
      return fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && DAMAGE.test(code)) {
        this.markDamaged(`${code}: ${(err as Error).message}`);
        throw new StoreDamagedError(`embedded store damaged: ${this.damage}`);
      }
      if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL)/.test(code))
        throw new StoreUnavailableError(`embedded store: ${(err as Error).message}`, 1);
      throw err;
    }
  }

  private markDamaged(reason: string): void {
    if (this.damage) return;
    this.damage = reason;
    console.error(`[store] embedded store damaged: ${reason}; every call answers 503 until it is repaired and the app restarted`);
  }

  private stateVersionStmt?: Database.Statement<[], { changes: number; dataVersion: number }>;

  /**
   * Changes whenever the file's content may have: this connection's row changes
   * (`total_changes()`, counted as each statement completes, so before the commit answers anyone)
   * and commits by other connections (`data_version`). Issue 17 item 5: shared answers key on it.
   */
  async stateVersion(): Promise<string> {
    return this.guard('stateVersion', () => {
      this.stateVersionStmt ??= this.db.prepare('SELECT total_changes() AS changes, data_version AS dataVersion FROM pragma_data_version');
      const v = this.stateVersionStmt.get()!;
      return `${v.dataVersion}.${v.changes}`;
    });
  }

  async getGoLive(goLiveId: string): Promise<Versioned<GoLive> | undefined> {
    return this.guard('getGoLive', () => this.readGoLive(goLiveId));
  }

  /**
   * The stored version first (an index lookup of one short column), the document only when
   * that version is not the one parsed last: another process writing the file is seen at once.
   */
  private readGoLive(goLiveId: string): Versioned<GoLive> | undefined {
    const id = docId('golive', goLiveId);
    const head = this.stmt.etagOf.get(goLiveId, id);
    if (!head) {
      this.goLives.delete(goLiveId);
      return undefined;
    }
    const cached = this.goLives.get(goLiveId, head.etag);
    if (cached) return { value: cached, etag: head.etag };
    const row = this.stmt.get.get(goLiveId, id);
    if (!row) return undefined;
    return { value: this.goLives.set(goLiveId, row.etag, parseBody(GoLive, row)), etag: row.etag };
  }

  async saveGoLive(goLive: GoLive, expectedEtag?: string | null): Promise<Versioned<GoLive>> {
    return this.guard('saveGoLive', () => {
      const doc = write(goLive.id, docId('golive', goLive.id), 'golive', goLive, null, null);
      if (expectedEtag === null) {
        if (this.stmt.insertIfAbsent.run(doc).changes === 0) throw new StoreConflictError(`go-live '${goLive.id}' already exists`);
      } else if (expectedEtag !== undefined) {
        if (this.stmt.replaceIfMatch.run({ ...doc, expected: expectedEtag }).changes === 0) throw new StoreConflictError();
      } else {
        this.stmt.upsert.run(doc);
      }
      return { value: goLive, etag: doc.etag };
    });
  }

  async listGoLives(): Promise<{ id: string; name: string }[]> {
    return this.guard('listGoLives', () => z.array(GoLiveListRow).parse(this.stmt.listGoLives.all()));
  }

  /**
   * Group commit (issue 17): unit reports sent in the same turn of the event loop are written
   * in one transaction, so they share one commit and, with `synchronous = FULL`, one sync of
   * the WAL. Each caller is answered only after that commit: acknowledged still means synced.
   * Each report runs in a savepoint of its own, so a report that fails (not SQLite: e.g. a
   * value that cannot be stored) fails alone; a SQLite error (busy, damage) fails the whole
   * group, and nothing of it is stored.
   */
  private readonly unitReportGroup: { report: UnitReport; resolve: (r: CreateResult<UnitReport>) => void; reject: (e: unknown) => void }[] =
    [];
  private unitReportFlush: NodeJS.Immediate | undefined;
  private groupTx?: Database.Transaction<
    (reports: readonly UnitReport[]) => ({ ok: true; value: CreateResult<UnitReport> } | { ok: false; error: unknown })[]
  >;

  async addUnitReport(report: UnitReport): Promise<CreateResult<UnitReport>> {
    if (this.damage) throw new StoreDamagedError(`embedded store damaged: ${this.damage}`);
    return new Promise((resolve, reject) => {
      this.unitReportGroup.push({ report, resolve, reject });
      this.unitReportFlush ??= setImmediate(() => this.commitUnitReports());
    });
  }

  /** Commits the waiting unit reports (at most GROUP_MAX per transaction), then answers each. */
  private commitUnitReports(): void {
    this.unitReportFlush = undefined;
    const group = this.unitReportGroup.splice(0, GROUP_MAX);
    if (this.unitReportGroup.length) this.unitReportFlush = setImmediate(() => this.commitUnitReports());
    if (!group.length) return;
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads the status
    // and then writes fails at once with SQLITE_BUSY if another process wrote in between,
    // instead of waiting out busy_timeout. The same holds for area reports.
    this.groupTx ??= this.db.transaction((reports: readonly UnitReport[]) =>
      reports.map((r) => {
        try {
          // A transaction inside a transaction is a savepoint: a failed report leaves no trace.
          return { ok: true as const, value: this.addUnitReportTx(r) };
        } catch (error) {
          if (isSqliteError(error)) throw error;
          return { ok: false as const, error };
        }
      }),
    );
    let outcomes: ReturnType<NonNullable<typeof this.groupTx>>;
    try {
      outcomes = this.guard('addUnitReport', () => this.groupTx!.immediate(group.map((g) => g.report)));
    } catch (error) {
      for (const g of group) g.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.value) : group[i]!.reject(o.error)));
  }

  async listUnitReports(goLiveId: string, unitId: string, limit: number): Promise<UnitReport[]> {
    return this.guard('listUnitReports', () => this.unitReports.listByRef(goLiveId, unitId, limit));
  }

  async addAreaReport(report: AreaReport): Promise<CreateResult<AreaReport>> {
    return this.guard('addAreaReport', () => this.addAreaReportTx.immediate(report));
  }

  async getAreaReport(goLiveId: string, reportId: string): Promise<AreaReport | undefined> {
    return this.guard('getAreaReport', () => this.areaReports.get(goLiveId, reportId)?.value);
  }

  async listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]> {
    return this.guard('listAreaReports', () => this.areaReports.listByRef(goLiveId, areaId, limit));
  }

  async listUnitReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<UnitReport[]> {
    return this.guard('listUnitReportsByGoLive', () => this.history(UnitReport, goLiveId, 'unitReport', query));
  }

  async listAreaReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<AreaReport[]> {
    return this.guard('listAreaReportsByGoLive', () => this.history(AreaReport, goLiveId, 'areaReport', query));
  }

  private addUnitReportsTx?: Database.Transaction<(reports: readonly UnitReport[]) => CreateResult<UnitReport>[]>;

  async addUnitReports(reports: readonly UnitReport[]): Promise<CreateResult<UnitReport>[]> {
    // One transaction for the batch: a commit per report is most of the cost of a large import.
    this.addUnitReportsTx ??= this.db.transaction((rs: readonly UnitReport[]) => rs.map((r) => this.storeUnitReport(r)));
    return this.guard('addUnitReports', () => this.addUnitReportsTx!.immediate(reports));
  }

  /** A report and, if it is newer, the unit's status; inside the caller's transaction. */
  private storeUnitReport(report: UnitReport): CreateResult<UnitReport> {
    const { created, value } = this.unitReports.create(report);
    const statusId = docId('unitStatus', value.unitId);
    const current = this.read(UnitStatus, value.goLiveId, statusId)?.value;
    const candidate = statusOfUnitReport(value);
    if (isNewer(candidate, current)) this.stmt.upsert.run(write(value.goLiveId, statusId, 'unitStatus', candidate, value.unitId, null));
    return { value, created };
  }

  private historyStmt?: Database.Statement<{ pk: string; type: DocType; afterKey: string; afterId: string; n: number }, DocRow>;

  /** A page of a go-live's reports by (reportedAt, id), through `docs_by_time`; ids share the type prefix, so they order as report ids. */
  private history<T>(schema: z.ZodType<T>, pk: string, type: 'unitReport' | 'areaReport', query: HistoryQuery): T[] {
    const n = Math.min(HISTORY_PAGE_MAX, Math.max(0, Math.trunc(query.limit ?? HISTORY_PAGE_MAX)));
    if (n === 0) return [];
    // One lower bound, so every page is a seek in the index: `since` is (since, '') — no id is
    // empty — and a cursor before `since` is no bound at all.
    this.historyStmt ??= this.db.prepare(
      `SELECT type, etag, body FROM docs WHERE pk = @pk AND type = @type AND (sort_key, id) > (@afterKey, @afterId)
       ORDER BY sort_key, id LIMIT @n`,
    );
    const since = query.since ?? '';
    const after =
      query.after && query.after.reportedAt >= since
        ? { afterKey: query.after.reportedAt, afterId: docId(type, query.after.id) }
        : { afterKey: since, afterId: '' };
    return this.historyStmt.all({ pk, type, ...after, n }).map((row) => parseBody(schema, row));
  }

  async createIncident(incident: Incident): Promise<CreateResult<Incident>> {
    return this.guard('createIncident', () => this.incidents.create(incident));
  }

  async getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined> {
    return this.guard('getIncident', () => this.incidents.get(goLiveId, incidentId));
  }

  async replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>> {
    return this.guard('replaceIncident', () => this.incidents.replace(incident, etag));
  }

  async listIncidents(goLiveId: string): Promise<Incident[]> {
    return this.guard('listIncidents', () => this.incidents.listNewest(goLiveId));
  }

  // --- challenges (R7, R8): one document each, their decisions inside ---

  async createChallenge(challenge: Challenge): Promise<CreateResult<Challenge>> {
    return this.guard('createChallenge', () => this.challenges.create(challenge));
  }

  async getChallenge(goLiveId: string, challengeId: string): Promise<Versioned<Challenge> | undefined> {
    return this.guard('getChallenge', () => this.challenges.get(goLiveId, challengeId));
  }

  async replaceChallenge(challenge: Challenge, etag: string): Promise<Versioned<Challenge>> {
    return this.guard('replaceChallenge', () => this.challenges.replace(challenge, etag));
  }

  async listChallenges(goLiveId: string): Promise<Challenge[]> {
    return this.guard('listChallenges', () => this.challenges.listNewest(goLiveId));
  }

  async getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined> {
    const versions = this.guard('getStatusSnapshot', () => this.snapshotTx(goLiveId));
    return versions && assembleSnapshot(versions.goLive.value, versions.docs);
  }

  /**
   * The snapshot's documents as parsed last, per go-live, by id and etag (issue 17): a
   * document whose etag is unchanged is not parsed again. Each snapshot read replaces the
   * go-live's entry with exactly the documents it returned, so a closed challenge or incident
   * leaves it with the next read.
   */
  private readonly snapshotDocs = new Map<string, Map<string, { etag: string; value: unknown }>>();

  /**
   * The snapshot's go-live and documents with their versions: what `getStatusSnapshot` hands
   * out, and what the store thread (`store-thread.ts`) needs to send only what changed.
   */
  async getStatusSnapshotVersions(goLiveId: string): Promise<SnapshotVersions | undefined> {
    return this.guard('getStatusSnapshot', () => this.snapshotTx(goLiveId));
  }

  private snapshot(goLiveId: string): SnapshotVersions | undefined {
    const goLive = this.readGoLive(goLiveId);
    if (!goLive) return undefined;
    const kept = this.snapshotDocs.get(goLiveId);
    const seen = new Map<string, { etag: string; value: unknown }>();
    const docs: SnapshotDoc[] = [];
    // Ids and etags first (the bodies stay in SQLite); a body is read and parsed only for a document not kept at its etag.
    for (const row of this.stmt.snapshot.all({ pk: goLiveId })) {
      const type = row.type as SnapshotDoc['type'];
      let doc = kept?.get(row.id);
      if (!doc || doc.etag !== row.etag) {
        const full = this.stmt.get.get(goLiveId, row.id);
        if (!full) throw new Error(`document ${goLiveId}/${row.id} vanished inside a transaction`);
        doc = { etag: full.etag, value: deepFreeze(parseBody(SNAPSHOT_SCHEMAS[type], full)) };
      }
      seen.set(row.id, doc);
      docs.push({ id: row.id, type, etag: doc.etag, value: doc.value });
    }
    this.snapshotDocs.set(goLiveId, seen);
    return { goLive, docs };
  }

  async putMarker(marker: RuntimeMarker): Promise<void> {
    this.guard('putMarker', () =>
      this.stmt.upsert.run(write(RUNTIME_PARTITION, docId('marker', marker.name), 'marker', marker, null, null)),
    );
  }

  async getMarker(name: string): Promise<RuntimeMarker | undefined> {
    return this.guard('getMarker', () => this.read(RuntimeMarkerDoc, RUNTIME_PARTITION, docId('marker', name))?.value);
  }

  // --- the go-live calendar: ad-hoc meetings by start, the tick cursor, dispatch claims by due time ---

  async createMeeting(meeting: AdHocMeeting): Promise<CreateResult<AdHocMeeting>> {
    return this.guard('createMeeting', () => this.meetings.create(meeting));
  }

  async getMeeting(goLiveId: string, meetingId: string): Promise<AdHocMeeting | undefined> {
    return this.guard('getMeeting', () => this.meetings.get(goLiveId, meetingId)?.value);
  }

  async listMeetings(goLiveId: string, range: { from: string; to: string }): Promise<AdHocMeeting[]> {
    return this.guard('listMeetings', () => this.byTime(AdHocMeeting, goLiveId, 'meeting', range));
  }

  async getTickCursor(goLiveId: string): Promise<Versioned<TickCursor> | undefined> {
    return this.guard('getTickCursor', () => this.tickCursors.get(goLiveId, 'calendar'));
  }

  async saveTickCursor(cursor: TickCursor, expectedEtag: string | null): Promise<Versioned<TickCursor>> {
    return this.guard('saveTickCursor', () => {
      if (expectedEtag !== null) return this.tickCursors.replace(cursor, expectedEtag);
      const created = this.tickCursors.claim(cursor);
      if (!created.created) throw new StoreConflictError(`tick cursor of '${cursor.goLiveId}' changed`);
      return { value: cursor, etag: created.etag };
    });
  }

  async claimDispatch(record: DispatchRecord): Promise<CreateResult<DispatchRecord> & { etag: string }> {
    return this.guard('claimDispatch', () => this.dispatches.claim(record));
  }

  async updateDispatch(record: DispatchRecord, etag: string): Promise<Versioned<DispatchRecord>> {
    return this.guard('updateDispatch', () => this.dispatches.replace(record, etag));
  }

  async listDispatches(goLiveId: string, range: { from: string; to: string }): Promise<DispatchRecord[]> {
    return this.guard('listDispatches', () => this.byTime(DispatchRecord, goLiveId, 'dispatch', range));
  }

  private byTimeStmt?: Database.Statement<{ pk: string; type: DocType; from: string; to: string }, DocRow>;

  /** Documents of one type with `sort_key` (an instant) in [from, to), through `docs_by_time`. */
  private byTime<T>(schema: z.ZodType<T>, pk: string, type: 'meeting' | 'dispatch', range: { from: string; to: string }): T[] {
    this.byTimeStmt ??= this.db.prepare(
      'SELECT type, etag, body FROM docs WHERE pk = @pk AND type = @type AND sort_key >= @from AND sort_key < @to ORDER BY sort_key, id',
    );
    return this.byTimeStmt.all({ pk, type, from: range.from, to: range.to }).map((row) => parseBody(schema, row));
  }

  // --- notes (R6.5, R8.5, R11): `ref` = kind, `sort_key` = at ---

  async createNote(note: Note): Promise<CreateResult<Note>> {
    return this.guard('createNote', () => this.notes.create(note));
  }

  async getNote(goLiveId: string, kind: NoteKind, id: string): Promise<Versioned<Note> | undefined> {
    return this.guard('getNote', () => this.notes.get(goLiveId, `${kind}:${id}`));
  }

  async replaceNote(note: Note, etag: string): Promise<Versioned<Note>> {
    return this.guard('replaceNote', () => this.notes.replace(note, etag));
  }

  async listNotes(goLiveId: string, kind: NoteKind): Promise<Note[]> {
    return this.guard('listNotes', () => this.notes.listByRef(goLiveId, kind, Number.MAX_SAFE_INTEGER).reverse());
  }

  async close(): Promise<void> {
    // Reports waiting for their group commit are committed (and answered) first.
    // (A store opened damaged has no group: its fields were never set.)
    if (this.unitReportFlush) clearImmediate(this.unitReportFlush);
    while (this.unitReportGroup?.length && this.db.open) this.commitUnitReports();
    if (this.unitReportFlush) clearImmediate(this.unitReportFlush);
    this.unitReportFlush = undefined;
    if (this.db.open) this.db.close();
  }

  private read<T>(schema: z.ZodType<T>, pk: string, id: string): Versioned<T> | undefined {
    const row = this.stmt.get.get(pk, id);
    return row && { value: parseBody(schema, row), etag: row.etag };
  }
}

/** Creates the schema in a new file; an existing file keeps its data. */
function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS docs (
      pk TEXT NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      ref TEXT,
      sort_key TEXT,
      etag TEXT NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (pk, id)
    );
    -- id closes the index so "newest first, ties by id" needs no sort step.
    CREATE INDEX IF NOT EXISTS docs_by_ref ON docs (pk, type, ref, sort_key, id);
    -- listGoLives must not scan every report.
    CREATE INDEX IF NOT EXISTS docs_golives ON docs (pk) WHERE type = 'golive';
  `);
}

/** Go-live-wide report history in time order (exports): a range scan instead of a sort of every report. */
function migrateHistoryIndex(db: Database.Database): void {
  db.exec('CREATE INDEX IF NOT EXISTS docs_by_time ON docs (pk, type, sort_key, id)');
}

function prepareStatements(db: Database.Database) {
  return {
    ...prepareDocStatements(db),
    etagOf: db.prepare<[string, string], { etag: string }>('SELECT etag FROM docs WHERE pk = ? AND id = ?'),
    // UNION ALL rather than one OR: each part is an index seek, instead of a walk over every report of the go-live.
    // The go-live is not in it: readGoLive keeps it parsed by version.
    // Ids and etags only: the snapshot reads a body only when it has not parsed that version yet.
    snapshot: db.prepare<{ pk: string }, { id: string; type: DocType; etag: string }>(
      `SELECT id, type, etag FROM docs WHERE pk = @pk AND type IN ('unitStatus', 'areaStatus')
       UNION ALL
       SELECT id, type, etag FROM docs WHERE pk = @pk AND type = 'incident' AND ref = 'open'
       UNION ALL
       SELECT id, type, etag FROM docs WHERE pk = @pk AND type = 'challenge' AND ref IN ('raised', 'triaged')`,
    ),
    listGoLives: db.prepare<[], unknown>(
      `SELECT pk AS id, json_extract(body, '$.name') AS name FROM docs WHERE type = 'golive' ORDER BY pk`,
    ),
  };
}

/** SQLite's quick check: 'ok', or the first problems it found. */
function quickCheck(db: Database.Database): string {
  let rows: { quick_check: string }[];
  try {
    rows = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && DAMAGE.test(code)) return `${code}: ${(err as Error).message}`;
    throw err;
  }
  const found = rows.map((r) => r.quick_check);
  return found.length === 1 && found[0] === 'ok' ? 'ok' : found.join('; ');
}
