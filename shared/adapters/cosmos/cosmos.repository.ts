import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import { type AreaReport, statusOfAreaReport } from '../../domain/area-report';
import type { DispatchRecord, TickCursor } from '../../domain/calendar-actions';
import { GoLive } from '../../domain/golive';
import type { Challenge } from '../../escalation/domain/challenge';
import type { Incident } from '../../domain/incident';
import type { AdHocMeeting } from '../../domain/meetings';
import type { Note, NoteKind } from '../../domain/notes';
import { isNewer, statusOfUnitReport, type UnitReport } from '../../domain/unit-report';
import type { CreateResult, HistoryQuery, Repository, RuntimeMarker, StatusSnapshot, Versioned } from '../../ports/repository.port';
import { HISTORY_PAGE_MAX, StoreConflictError, StoreUnavailableError } from '../../ports/repository.port';
import { type CosmosConnectionOptions, openContainer } from './connection';
import { VersionCache } from '../version-cache';
import { RUNTIME_PARTITION, RuntimeMarkerDoc } from '../doc-types';
import type { CosmosDocs, CosmosOperationStats } from './documents';
import { CosmosCalls, CosmosDocuments, cosmosDocs, emptyStats, NOT_MODIFIED, sortKey } from './documents';

export type CosmosRepositoryOptions = CosmosConnectionOptions;
export type { CosmosOperationStats } from './documents';

/** Beyond this many lost races the caller should retry later; the report itself is stored, and a replay repairs the status. */
const MAX_STATUS_ATTEMPTS = 20;

const GoLiveListRow = z.object({ goLiveId: z.string(), name: z.string() });

/** Cosmos ids may not contain / \ ? #; marker names are free text. */
const markerKey = (name: string) => encodeURIComponent(name);

/**
 * The Cosmos DB store. One container partitioned by `/goLiveId`: every document of a
 * go-live is in its partition, so the overview is one single-partition query and each
 * write is a point operation. Documents carry `type` and an id unique in the partition
 * (`unitReport:{reportId}`, `unitStatus:{unitId}`, …). Updates use the document's ETag;
 * a unit report costs two point writes (report, status) in the common case. The document
 * plumbing is `CosmosDocuments` (./documents.ts), one per aggregate; what is here is what
 * differs between them.
 */
export class CosmosRepository implements Repository {
  readonly stats: CosmosOperationStats = emptyStats();

  /** Go-lives as parsed last, by ETag: a read asks with If-None-Match and parses only a changed document (issue 17). */
  private readonly goLives = new VersionCache<GoLive>();

  private readonly calls: CosmosCalls;
  /** Each aggregate's documents (`DOCS`): `this.docs.incident.create(incident)`. */
  private readonly docs: CosmosDocs;
  private readonly goLiveDocs: CosmosDocuments<GoLive>;
  private readonly markers: CosmosDocuments<RuntimeMarker>;

  private constructor(
    private readonly client: CosmosClient,
    container: Container,
  ) {
    this.calls = new CosmosCalls(container, this.stats);
    this.docs = cosmosDocs(this.calls);
    // The go-live and the markers: the partition is theirs, not a field of the value.
    this.goLiveDocs = new CosmosDocuments<GoLive>(this.calls, {
      type: 'golive',
      schema: GoLive,
      pk: (g) => g.id,
      key: (g) => g.id,
      idOfKey: (key) => key,
      partitionOnly: true,
      name: (g) => `go-live '${g.id}'`,
    });
    this.markers = new CosmosDocuments<RuntimeMarker>(this.calls, {
      type: 'marker',
      schema: RuntimeMarkerDoc,
      pk: () => RUNTIME_PARTITION,
      key: (m) => markerKey(m.name),
      partitionOnly: true,
      name: (m) => `marker '${m.name}'`,
    });
  }

  static async connect(opts: CosmosRepositoryOptions): Promise<CosmosRepository> {
    const { client, container } = await openContainer(opts);
    return new CosmosRepository(client, container);
  }

  /**
   * A conditional read: with the ETag of the version parsed last, Cosmos answers 304 without
   * the document when it is unchanged (1 RU instead of ~49 for a 553 KB organisation), and the
   * whole document when another instance changed it.
   */
  async getGoLive(goLiveId: string): Promise<Versioned<GoLive> | undefined> {
    const known = this.goLives.etagOf(goLiveId);
    const read = await this.goLiveDocs.getIfChanged(goLiveId, goLiveId, known);
    if (read === undefined) {
      this.goLives.delete(goLiveId);
      return undefined;
    }
    if (read === NOT_MODIFIED) {
      const cached = known === undefined ? undefined : this.goLives.get(goLiveId, known);
      if (cached) return { value: cached, etag: known! };
      // Forgotten in between (a concurrent read found it gone): read it whole.
      return this.getGoLive(goLiveId);
    }
    return { value: this.goLives.set(goLiveId, read.etag, read.value), etag: read.etag };
  }

  async saveGoLive(goLive: GoLive, expectedEtag?: string | null): Promise<Versioned<GoLive>> {
    if (expectedEtag === null) {
      const etag = await this.goLiveDocs.insert(goLive);
      if (etag === undefined) throw new StoreConflictError(`go-live '${goLive.id}' already exists`);
      return { value: goLive, etag };
    }
    const etag =
      expectedEtag === undefined ? await this.goLiveDocs.upsert(goLive) : await this.goLiveDocs.replaceIfMatch(goLive, expectedEtag);
    if (etag === undefined) throw new StoreConflictError();
    return { value: goLive, etag };
  }

  async listGoLives(): Promise<{ id: string; name: string }[]> {
    // The one cross-partition query: hosts and timers walk all go-lives rarely.
    const rows = await this.calls.queryRaw({ query: "SELECT c.goLiveId, c.name FROM c WHERE c.type = 'golive'" });
    return z
      .array(GoLiveListRow)
      .parse(rows)
      .map((r) => ({ id: r.goLiveId, name: r.name }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async addUnitReport(report: UnitReport): Promise<CreateResult<UnitReport>> {
    const result = await this.docs.unitReport.create(report);
    const stored = result.value;
    // Also on a replay: the first attempt may have died between the two writes.
    await this.updateStatus(this.docs.unitStatus, stored.goLiveId, stored.unitId, () => statusOfUnitReport(stored));
    return result;
  }

  async listUnitReports(goLiveId: string, unitId: string, limit: number): Promise<UnitReport[]> {
    return this.docs.unitReport.list(goLiveId, { ref: unitId, order: 'DESC', limit });
  }

  async addAreaReport(report: AreaReport): Promise<CreateResult<AreaReport>> {
    const result = await this.docs.areaReport.create(report);
    const stored = result.value;
    await this.updateStatus(this.docs.areaStatus, stored.goLiveId, stored.areaId, (previous) => statusOfAreaReport(stored, previous));
    return result;
  }

  async getAreaReport(goLiveId: string, reportId: string): Promise<AreaReport | undefined> {
    return (await this.docs.areaReport.get(goLiveId, reportId))?.value;
  }

  async listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]> {
    return this.docs.areaReport.list(goLiveId, { ref: areaId, order: 'DESC', limit });
  }

  async listUnitReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<UnitReport[]> {
    return this.history(this.docs.unitReport, goLiveId, query);
  }

  async listAreaReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<AreaReport[]> {
    return this.history(this.docs.areaReport, goLiveId, query);
  }

  /** One by one: each report's status step reads what the one before it wrote. */
  async addUnitReports(reports: readonly UnitReport[]): Promise<CreateResult<UnitReport>[]> {
    const results: CreateResult<UnitReport>[] = [];
    for (const r of reports) results.push(await this.addUnitReport(r));
    return results;
  }

  /**
   * A page of a go-live's reports in `sortKey` order (`reportedAt|id`), one single-partition
   * query. `since` compares as a prefix: every key of that instant sorts after the bare instant.
   */
  private history<T>(docs: CosmosDocuments<T>, goLiveId: string, query: HistoryQuery): Promise<T[]> {
    const limit = Math.min(HISTORY_PAGE_MAX, Math.max(0, Math.trunc(query.limit ?? HISTORY_PAGE_MAX)));
    const after = query.after ? sortKey(query.after.reportedAt, query.after.id) : '';
    return docs.list(goLiveId, { from: query.since ?? '', after, order: 'ASC', limit });
  }

  async createIncident(incident: Incident): Promise<CreateResult<Incident>> {
    return this.docs.incident.create(incident);
  }

  async getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined> {
    return this.docs.incident.get(goLiveId, incidentId);
  }

  async replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>> {
    return this.docs.incident.replace(incident, etag);
  }

  async listIncidents(goLiveId: string): Promise<Incident[]> {
    return this.docs.incident.list(goLiveId, { order: 'DESC' });
  }

  // --- challenges (R7, R8): one document each, their decisions inside ---

  async createChallenge(challenge: Challenge): Promise<CreateResult<Challenge>> {
    return this.docs.challenge.create(challenge);
  }

  async getChallenge(goLiveId: string, challengeId: string): Promise<Versioned<Challenge> | undefined> {
    return this.docs.challenge.get(goLiveId, challengeId);
  }

  async replaceChallenge(challenge: Challenge, etag: string): Promise<Versioned<Challenge>> {
    return this.docs.challenge.replace(challenge, etag);
  }

  async listChallenges(goLiveId: string): Promise<Challenge[]> {
    return this.docs.challenge.list(goLiveId, { order: 'DESC' });
  }

  async getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined> {
    // One single-partition query for the statuses, open incidents and open challenges (R10),
    // side by side with the conditional read of the go-live. goLiveId stays in WHERE although
    // the partition key option scopes it: the local test server ignores the option.
    const [goLive, docs] = await Promise.all([
      this.getGoLive(goLiveId),
      this.calls.query(
        {
          query:
            "SELECT * FROM c WHERE c.goLiveId = @g AND (c.type IN ('unitStatus', 'areaStatus') " +
            "OR (c.type = 'incident' AND c.status = 'open') OR (c.type = 'challenge' AND c.state IN ('raised', 'triaged')))",
          parameters: [{ name: '@g', value: goLiveId }],
        },
        goLiveId,
      ),
    ]);
    if (!goLive) return undefined;
    const snapshot: StatusSnapshot = { goLive: goLive.value, unitStatuses: [], areaStatuses: [], openIncidents: [], openChallenges: [] };
    // Each document to its list, parsed by its aggregate's documents.
    const into: Record<string, (doc: (typeof docs)[number]) => void> = {
      unitStatus: (d) => snapshot.unitStatuses.push(this.docs.unitStatus.parse(d)),
      areaStatus: (d) => snapshot.areaStatuses.push(this.docs.areaStatus.parse(d)),
      incident: (d) => snapshot.openIncidents.push(this.docs.incident.parse(d)),
      challenge: (d) => snapshot.openChallenges.push(this.docs.challenge.parse(d)),
    };
    for (const doc of docs) into[doc.type]?.(doc);
    return snapshot;
  }

  async putMarker(marker: RuntimeMarker): Promise<void> {
    await this.markers.upsert(marker);
  }

  async getMarker(name: string): Promise<RuntimeMarker | undefined> {
    return (await this.markers.get(RUNTIME_PARTITION, markerKey(name)))?.value;
  }

  // --- the go-live calendar (R5, R6.5): point operations in the go-live's partition, ranges by `sortKey` ---

  async createMeeting(meeting: AdHocMeeting): Promise<CreateResult<AdHocMeeting>> {
    return this.docs.meeting.create(meeting);
  }

  async getMeeting(goLiveId: string, meetingId: string): Promise<AdHocMeeting | undefined> {
    return (await this.docs.meeting.get(goLiveId, meetingId))?.value;
  }

  /** Meetings whose `sortKey` (`start|id`) starts in [from, to). */
  async listMeetings(goLiveId: string, range: { from: string; to: string }): Promise<AdHocMeeting[]> {
    return this.docs.meeting.list(goLiveId, { from: range.from, before: range.to });
  }

  async getTickCursor(goLiveId: string): Promise<Versioned<TickCursor> | undefined> {
    return this.docs.tickCursor.get(goLiveId, 'calendar');
  }

  async saveTickCursor(cursor: TickCursor, expectedEtag: string | null): Promise<Versioned<TickCursor>> {
    const etag =
      expectedEtag === null ? await this.docs.tickCursor.insert(cursor) : await this.docs.tickCursor.replaceIfMatch(cursor, expectedEtag);
    if (etag === undefined) throw new StoreConflictError(`tick cursor of '${cursor.goLiveId}' changed`);
    return { value: cursor, etag };
  }

  async claimDispatch(record: DispatchRecord): Promise<CreateResult<DispatchRecord> & { etag: string }> {
    return this.docs.dispatch.claim(record);
  }

  async updateDispatch(record: DispatchRecord, etag: string): Promise<Versioned<DispatchRecord>> {
    return this.docs.dispatch.replace(record, etag);
  }

  /** Claims whose `sortKey` (`dueAt|actionId`) starts in [from, to). */
  async listDispatches(goLiveId: string, range: { from: string; to: string }): Promise<DispatchRecord[]> {
    return this.docs.dispatch.list(goLiveId, { from: range.from, before: range.to });
  }

  // --- notes (R6.5, R8.5, R11): point operations in the go-live's partition, listed by kind and `sortKey` ---

  async createNote(note: Note): Promise<CreateResult<Note>> {
    return this.docs.note.create(note);
  }

  async getNote(goLiveId: string, kind: NoteKind, id: string): Promise<Versioned<Note> | undefined> {
    return this.docs.note.get(goLiveId, `${kind}:${id}`);
  }

  async replaceNote(note: Note, etag: string): Promise<Versioned<Note>> {
    return this.docs.note.replace(note, etag);
  }

  async listNotes(goLiveId: string, kind: NoteKind): Promise<Note[]> {
    return this.docs.note.list(goLiveId, { ref: kind });
  }

  async close(): Promise<void> {
    this.client.dispose();
  }

  /**
   * Makes the status document follow the newest report: read it, and write the candidate
   * only if `isNewer`, conditioned on the ETag read (or on absence). Losing a race means
   * another writer changed the status; read again and re-decide. The jittered pause lets
   * the racers through in random order, so the number of rounds grows with log(racers)
   * rather than linearly when they arrive oldest first.
   */
  private async updateStatus<S extends { reportedAt: string; reportId: string }>(
    statuses: CosmosDocuments<S>,
    goLiveId: string,
    key: string,
    candidateFor: (current: S | undefined) => S,
  ): Promise<void> {
    for (let attempt = 1; attempt <= MAX_STATUS_ATTEMPTS; attempt++) {
      const current = await statuses.get(goLiveId, key);
      const candidate = candidateFor(current?.value);
      if (!isNewer(candidate, current?.value)) return;
      const written = current ? await statuses.replaceIfMatch(candidate, current.etag) : await statuses.insert(candidate);
      if (written !== undefined) return;
      this.stats.statusRetries++;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreUnavailableError(`status ${goLiveId}/${statuses.shape.type}:${key}: too many concurrent writers`, 1);
  }
}
