import { setTimeout as sleep } from 'node:timers/promises';
import type { Container, ItemDefinition, RequestOptions } from '@azure/cosmos';
import type { CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import { AreaReport, AreaStatus, statusOfAreaReport } from '../../domain/area-report';
import { DispatchRecord, TickCursor } from '../../domain/calendar-actions';
import { GoLive } from '../../domain/golive';
import { Challenge } from '../../escalation/domain/challenge';
import { Incident } from '../../domain/incident';
import { AdHocMeeting } from '../../domain/meetings';
import { Note, type NoteKind } from '../../domain/notes';
import { isNewer, statusOfUnitReport, UnitReport, UnitStatus } from '../../domain/unit-report';
import type { CreateResult, HistoryQuery, Repository, RuntimeMarker, StatusSnapshot, Versioned } from '../../ports/repository.port';
import { HISTORY_PAGE_MAX, StoreConflictError, StoreUnavailableError } from '../../ports/repository.port';
import { type CosmosConnectionOptions, openContainer } from './connection';
import { VersionCache } from '../version-cache';
import type { DocType } from '../doc-types';

export type CosmosRepositoryOptions = CosmosConnectionOptions;

/** Operation counts since the repository was connected; benchmarks read them. */
export interface CosmosOperationStats {
  /** Point reads, conditional ones included. */
  pointReads: number;
  /** Conditional reads the server answered 304 Not Modified (the go-live kept in memory was current). */
  notModified: number;
  /** Creates, replaces and upserts, including those that failed with 409/412. */
  writes: number;
  /** Logical queries; one query may take several round trips (`queryPages`). */
  queries: number;
  queryPages: number;
  /** Request units charged, from `x-ms-request-charge`. */
  requestCharge: number;
  /** Status-update rounds repeated because another writer got there first (409/412). */
  statusRetries: number;
}

/** The partition of the markers; a go-live id is a slug, so it cannot clash. */
const RUNTIME_PARTITION = '_runtime';

/** Beyond this many lost races the caller should retry later; the report itself is stored, and a replay repairs the status. */
const MAX_STATUS_ATTEMPTS = 20;

const SYSTEM_PROPS = ['_rid', '_self', '_ts', '_attachments', '_etag', 'type', 'id', 'sortKey'] as const;

const RuntimeMarkerDoc = z.object({
  name: z.string(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const GoLiveListRow = z.object({ goLiveId: z.string(), name: z.string() });

/** The fields of a stored document this adapter relies on, whatever its type. */
const DocEnvelope = z.looseObject({ id: z.string(), type: z.string(), goLiveId: z.string(), _etag: z.string() });
type DocEnvelope = z.infer<typeof DocEnvelope>;

interface QuerySpec {
  query: string;
  parameters?: { name: string; value: string | number }[];
}

const docId = (type: DocType, key: string) => `${type}:${key}`;

/**
 * Keeps list order to one property: a two-property ORDER BY needs a composite index in
 * Cosmos (and the local test server rejects it). Instants are fixed-width ISO strings, so
 * `instant|id` sorts by time, then id.
 */
const sortKey = (instant: string, id: string) => `${instant}|${id}`;

/**
 * The Cosmos DB store. One container partitioned by `/goLiveId`: every document of a
 * go-live is in its partition, so the overview is one single-partition query and each
 * write is a point operation. Documents carry `type` and an id unique in the partition
 * (`unitReport:{reportId}`, `unitStatus:{unitId}`, …). Updates use the document's ETag;
 * a unit report costs two point writes (report, status) in the common case.
 */
export class CosmosRepository implements Repository {
  readonly stats: CosmosOperationStats = {
    pointReads: 0,
    notModified: 0,
    writes: 0,
    queries: 0,
    queryPages: 0,
    requestCharge: 0,
    statusRetries: 0,
  };

  /** Go-lives as parsed last, by ETag: a read asks with If-None-Match and parses only a changed document (issue 17). */
  private readonly goLives = new VersionCache<GoLive>();

  private constructor(
    private readonly client: CosmosClient,
    private readonly container: Container,
  ) {}

  static async connect(opts: CosmosRepositoryOptions): Promise<CosmosRepository> {
    try {
      const { client, container } = await openContainer(opts);
      return new CosmosRepository(client, container);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * A conditional read: with the ETag of the version parsed last, Cosmos answers 304 without
   * the document when it is unchanged (1 RU instead of ~49 for a 553 KB organisation), and the
   * whole document when another instance changed it.
   */
  async getGoLive(goLiveId: string): Promise<Versioned<GoLive> | undefined> {
    const known = this.goLives.etagOf(goLiveId);
    const read = await this.pointRead(goLiveId, docId('golive', goLiveId), known);
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
    return { value: this.goLives.set(goLiveId, read._etag, fromDoc(GoLive, read)), etag: read._etag };
  }

  async saveGoLive(goLive: GoLive, expectedEtag?: string | null): Promise<Versioned<GoLive>> {
    const doc = toDoc('golive', goLive.id, goLive.id, goLive);
    if (expectedEtag === null) {
      const etag = await this.createIfAbsent(doc);
      if (etag === undefined) throw new StoreConflictError(`go-live '${goLive.id}' already exists`);
      return { value: goLive, etag };
    }
    const etag = expectedEtag === undefined ? await this.upsert(doc) : await this.replaceIfMatch(doc, expectedEtag);
    if (etag === undefined) throw new StoreConflictError();
    return { value: goLive, etag };
  }

  async listGoLives(): Promise<{ id: string; name: string }[]> {
    // The one cross-partition query: hosts and timers walk all go-lives rarely.
    const rows = await this.queryRaw({ query: "SELECT c.goLiveId, c.name FROM c WHERE c.type = 'golive'" });
    return z
      .array(GoLiveListRow)
      .parse(rows)
      .map((r) => ({ id: r.goLiveId, name: r.name }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async addUnitReport(report: UnitReport): Promise<CreateResult<UnitReport>> {
    const result = await this.createOrGet(
      UnitReport,
      report,
      toDoc('unitReport', report.goLiveId, report.id, report, sortKey(report.reportedAt, report.id)),
    );
    const stored = result.value;
    // Also on a replay: the first attempt may have died between the two writes.
    await this.updateStatus(stored.goLiveId, 'unitStatus', stored.unitId, UnitStatus, () => statusOfUnitReport(stored));
    return result;
  }

  async listUnitReports(goLiveId: string, unitId: string, limit: number): Promise<UnitReport[]> {
    return this.listNewest(UnitReport, goLiveId, 'unitReport', 'unitId', unitId, limit);
  }

  async addAreaReport(report: AreaReport): Promise<CreateResult<AreaReport>> {
    const result = await this.createOrGet(
      AreaReport,
      report,
      toDoc('areaReport', report.goLiveId, report.id, report, sortKey(report.reportedAt, report.id)),
    );
    const stored = result.value;
    await this.updateStatus(stored.goLiveId, 'areaStatus', stored.areaId, AreaStatus, (previous) => statusOfAreaReport(stored, previous));
    return result;
  }

  async getAreaReport(goLiveId: string, reportId: string): Promise<AreaReport | undefined> {
    const doc = await this.pointRead(goLiveId, docId('areaReport', reportId));
    return doc && fromDoc(AreaReport, doc);
  }

  async listAreaReports(goLiveId: string, areaId: string, limit: number): Promise<AreaReport[]> {
    return this.listNewest(AreaReport, goLiveId, 'areaReport', 'areaId', areaId, limit);
  }

  async listUnitReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<UnitReport[]> {
    return this.history(UnitReport, goLiveId, 'unitReport', query);
  }

  async listAreaReportsByGoLive(goLiveId: string, query: HistoryQuery = {}): Promise<AreaReport[]> {
    return this.history(AreaReport, goLiveId, 'areaReport', query);
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
  private async history<T>(schema: z.ZodType<T>, goLiveId: string, type: 'unitReport' | 'areaReport', query: HistoryQuery): Promise<T[]> {
    const n = Math.min(HISTORY_PAGE_MAX, Math.max(0, Math.trunc(query.limit ?? HISTORY_PAGE_MAX)));
    if (n === 0) return [];
    const since = query.since ?? '';
    const after = query.after ? sortKey(query.after.reportedAt, query.after.id) : '';
    const docs = await this.query(
      {
        query: `SELECT TOP @n * FROM c WHERE c.goLiveId = @g AND c.type = @t AND c.sortKey >= @since AND c.sortKey > @after ORDER BY c.sortKey ASC`,
        parameters: [
          { name: '@n', value: n },
          { name: '@g', value: goLiveId },
          { name: '@t', value: type },
          { name: '@since', value: since },
          { name: '@after', value: after },
        ],
      },
      goLiveId,
    );
    return docs.map((d) => fromDoc(schema, d));
  }

  async createIncident(incident: Incident): Promise<CreateResult<Incident>> {
    return this.createOrGet(Incident, incident, this.incidentDoc(incident));
  }

  async getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined> {
    const doc = await this.pointRead(goLiveId, docId('incident', incidentId));
    return doc && { value: fromDoc(Incident, doc), etag: doc._etag };
  }

  async replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>> {
    const newEtag = await this.replaceIfMatch(this.incidentDoc(incident), etag);
    if (newEtag === undefined) throw new StoreConflictError(`incident '${incident.id}' changed or does not exist`);
    return { value: incident, etag: newEtag };
  }

  async listIncidents(goLiveId: string): Promise<Incident[]> {
    const docs = await this.query(
      {
        query: "SELECT * FROM c WHERE c.goLiveId = @g AND c.type = 'incident' ORDER BY c.sortKey DESC",
        parameters: [{ name: '@g', value: goLiveId }],
      },
      goLiveId,
    );
    return docs.map((d) => fromDoc(Incident, d));
  }

  // --- challenges (R7, R8): one document each, their decisions inside ---

  async createChallenge(challenge: Challenge): Promise<CreateResult<Challenge>> {
    return this.createOrGet(Challenge, challenge, this.challengeDoc(challenge));
  }

  async getChallenge(goLiveId: string, challengeId: string): Promise<Versioned<Challenge> | undefined> {
    const doc = await this.pointRead(goLiveId, docId('challenge', challengeId));
    return doc && { value: fromDoc(Challenge, doc), etag: doc._etag };
  }

  async replaceChallenge(challenge: Challenge, etag: string): Promise<Versioned<Challenge>> {
    const newEtag = await this.replaceIfMatch(this.challengeDoc(challenge), etag);
    if (newEtag === undefined) throw new StoreConflictError(`challenge '${challenge.id}' changed or does not exist`);
    return { value: challenge, etag: newEtag };
  }

  async listChallenges(goLiveId: string): Promise<Challenge[]> {
    const docs = await this.query(
      {
        query: "SELECT * FROM c WHERE c.goLiveId = @g AND c.type = 'challenge' ORDER BY c.sortKey DESC",
        parameters: [{ name: '@g', value: goLiveId }],
      },
      goLiveId,
    );
    return docs.map((d) => fromDoc(Challenge, d));
  }

  private challengeDoc(c: Challenge): Record<string, unknown> & { id: string; goLiveId: string } {
    return toDoc('challenge', c.goLiveId, c.id, c, sortKey(c.raisedAt, c.id));
  }

  async getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined> {
    // One single-partition query for the statuses, open incidents and open challenges (R10),
    // side by side with the conditional read of the go-live. goLiveId stays in WHERE although
    // the partition key option scopes it: the local test server ignores the option.
    const [goLive, docs] = await Promise.all([
      this.getGoLive(goLiveId),
      this.query(
        {
          query:
            "SELECT * FROM c WHERE c.goLiveId = @g AND (c.type IN ('unitStatus', 'areaStatus') OR (c.type = 'incident' AND c.status = 'open') OR (c.type = 'challenge' AND c.state IN ('raised', 'triaged')))",
          parameters: [{ name: '@g', value: goLiveId }],
        },
        goLiveId,
      ),
    ]);
    if (!goLive) return undefined;
    const snapshot: StatusSnapshot = { goLive: goLive.value, unitStatuses: [], areaStatuses: [], openIncidents: [], openChallenges: [] };
    for (const doc of docs) {
      switch (doc.type) {
        case 'unitStatus':
          snapshot.unitStatuses.push(fromDoc(UnitStatus, doc));
          break;
        case 'areaStatus':
          snapshot.areaStatuses.push(fromDoc(AreaStatus, doc));
          break;
        case 'incident':
          snapshot.openIncidents.push(fromDoc(Incident, doc));
          break;
        case 'challenge':
          snapshot.openChallenges.push(fromDoc(Challenge, doc));
          break;
      }
    }
    return snapshot;
  }

  async putMarker(marker: RuntimeMarker): Promise<void> {
    await this.upsert(toDoc('marker', RUNTIME_PARTITION, markerKey(marker.name), marker));
  }

  async getMarker(name: string): Promise<RuntimeMarker | undefined> {
    const doc = await this.pointRead(RUNTIME_PARTITION, docId('marker', markerKey(name)));
    return doc && fromDoc(RuntimeMarkerDoc, doc);
  }

  // --- the go-live calendar (R5, R6.5): point operations in the go-live's partition, ranges by `sortKey` ---

  async createMeeting(meeting: AdHocMeeting): Promise<CreateResult<AdHocMeeting>> {
    return this.createOrGet(
      AdHocMeeting,
      meeting,
      toDoc('meeting', meeting.goLiveId, meeting.id, meeting, sortKey(meeting.start, meeting.id)),
    );
  }

  async getMeeting(goLiveId: string, meetingId: string): Promise<AdHocMeeting | undefined> {
    const doc = await this.pointRead(goLiveId, docId('meeting', meetingId));
    return doc && fromDoc(AdHocMeeting, doc);
  }

  async listMeetings(goLiveId: string, range: { from: string; to: string }): Promise<AdHocMeeting[]> {
    return (await this.byTime(goLiveId, 'meeting', range)).map((d) => fromDoc(AdHocMeeting, d));
  }

  async getTickCursor(goLiveId: string): Promise<Versioned<TickCursor> | undefined> {
    const doc = await this.pointRead(goLiveId, docId('tickCursor', 'calendar'));
    return doc && { value: fromDoc(TickCursor, doc), etag: doc._etag };
  }

  async saveTickCursor(cursor: TickCursor, expectedEtag: string | null): Promise<Versioned<TickCursor>> {
    const doc = toDoc('tickCursor', cursor.goLiveId, 'calendar', cursor);
    const etag = expectedEtag === null ? await this.createIfAbsent(doc) : await this.replaceIfMatch(doc, expectedEtag);
    if (etag === undefined) throw new StoreConflictError(`tick cursor of '${cursor.goLiveId}' changed`);
    return { value: cursor, etag };
  }

  async claimDispatch(record: DispatchRecord): Promise<CreateResult<DispatchRecord> & { etag: string }> {
    const doc = toDoc('dispatch', record.goLiveId, record.actionId, record, sortKey(record.dueAt, record.actionId));
    const etag = await this.createIfAbsent(doc);
    if (etag !== undefined) return { value: record, created: true, etag };
    const stored = await this.pointRead(doc.goLiveId, doc.id);
    if (!stored) throw new Error(`dispatch ${doc.goLiveId}/${doc.id} conflicted on create but cannot be read`);
    return { value: fromDoc(DispatchRecord, stored), created: false, etag: stored._etag };
  }

  async updateDispatch(record: DispatchRecord, etag: string): Promise<Versioned<DispatchRecord>> {
    const doc = toDoc('dispatch', record.goLiveId, record.actionId, record, sortKey(record.dueAt, record.actionId));
    const newEtag = await this.replaceIfMatch(doc, etag);
    if (newEtag === undefined) throw new StoreConflictError(`dispatch '${record.actionId}' changed or does not exist`);
    return { value: record, etag: newEtag };
  }

  async listDispatches(goLiveId: string, range: { from: string; to: string }): Promise<DispatchRecord[]> {
    return (await this.byTime(goLiveId, 'dispatch', range)).map((d) => fromDoc(DispatchRecord, d));
  }

  // --- notes (R6.5, R8.5, R11): point operations in the go-live's partition, listed by kind and `sortKey` ---

  async createNote(note: Note): Promise<CreateResult<Note>> {
    return this.createOrGet(Note, note, this.noteDoc(note));
  }

  async getNote(goLiveId: string, kind: NoteKind, id: string): Promise<Versioned<Note> | undefined> {
    const doc = await this.pointRead(goLiveId, docId('note', `${kind}:${id}`));
    return doc && { value: fromDoc(Note, doc), etag: doc._etag };
  }

  async replaceNote(note: Note, etag: string): Promise<Versioned<Note>> {
    const newEtag = await this.replaceIfMatch(this.noteDoc(note), etag);
    if (newEtag === undefined) throw new StoreConflictError(`note '${note.kind}:${note.id}' changed or does not exist`);
    return { value: note, etag: newEtag };
  }

  async listNotes(goLiveId: string, kind: NoteKind): Promise<Note[]> {
    const docs = await this.query(
      {
        query: "SELECT * FROM c WHERE c.goLiveId = @g AND c.type = 'note' AND c.kind = @k ORDER BY c.sortKey",
        parameters: [
          { name: '@g', value: goLiveId },
          { name: '@k', value: kind },
        ],
      },
      goLiveId,
    );
    return docs.map((d) => fromDoc(Note, d));
  }

  private noteDoc(n: Note): Record<string, unknown> & { id: string; goLiveId: string } {
    return toDoc('note', n.goLiveId, `${n.kind}:${n.id}`, n, sortKey(n.at, n.id));
  }

  /** One single-partition query: documents of a type whose `sortKey` (`instant|id`) starts in [from, to). */
  private byTime(goLiveId: string, type: 'meeting' | 'dispatch', range: { from: string; to: string }): Promise<DocEnvelope[]> {
    return this.query(
      {
        query: 'SELECT * FROM c WHERE c.goLiveId = @g AND c.type = @t AND c.sortKey >= @from AND c.sortKey < @to ORDER BY c.sortKey',
        parameters: [
          { name: '@g', value: goLiveId },
          { name: '@t', value: type },
          { name: '@from', value: range.from },
          { name: '@to', value: range.to },
        ],
      },
      goLiveId,
    );
  }

  async close(): Promise<void> {
    this.client.dispose();
  }

  private incidentDoc(i: Incident): Record<string, unknown> & { id: string; goLiveId: string } {
    return toDoc('incident', i.goLiveId, i.id, i, sortKey(i.openedAt, i.id));
  }

  /**
   * Makes the status document follow the newest report: read it, and write the candidate
   * only if `isNewer`, conditioned on the ETag read (or on absence). Losing a race means
   * another writer changed the status; read again and re-decide. The jittered pause lets
   * the racers through in random order, so the number of rounds grows with log(racers)
   * rather than linearly when they arrive oldest first.
   */
  private async updateStatus<S extends { reportedAt: string; reportId: string }>(
    goLiveId: string,
    type: 'unitStatus' | 'areaStatus',
    key: string,
    schema: z.ZodType<S>,
    candidateFor: (current: S | undefined) => S,
  ): Promise<void> {
    const id = docId(type, key);
    for (let attempt = 1; attempt <= MAX_STATUS_ATTEMPTS; attempt++) {
      const currentDoc = await this.pointRead(goLiveId, id);
      const current = currentDoc && fromDoc(schema, currentDoc);
      const candidate = candidateFor(current);
      if (!isNewer(candidate, current)) return;
      const doc = toDoc(type, goLiveId, key, candidate);
      const written = currentDoc ? await this.replaceIfMatch(doc, currentDoc._etag) : await this.createIfAbsent(doc);
      if (written !== undefined) return;
      this.stats.statusRetries++;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
    throw new StoreUnavailableError(`status ${goLiveId}/${id}: too many concurrent writers`, 1);
  }

  private async createOrGet<T>(
    schema: z.ZodType<T>,
    value: T,
    doc: ItemDefinition & { id: string; goLiveId: string },
  ): Promise<CreateResult<T>> {
    if ((await this.createIfAbsent(doc)) !== undefined) return { value, created: true };
    const stored = await this.pointRead(doc.goLiveId, doc.id);
    // Absent after a 409 means it was deleted in between; no code path deletes, so this is a bug.
    if (!stored) throw new Error(`document ${doc.goLiveId}/${doc.id} conflicted on create but cannot be read`);
    return { value: fromDoc(schema, stored), created: false };
  }

  private async listNewest<T>(
    schema: z.ZodType<T>,
    goLiveId: string,
    type: DocType,
    refField: string,
    ref: string,
    limit: number,
  ): Promise<T[]> {
    const n = Math.max(0, Math.trunc(limit));
    if (n === 0) return [];
    const docs = await this.query(
      {
        query: `SELECT TOP @n * FROM c WHERE c.goLiveId = @g AND c.type = @t AND c.${refField} = @r ORDER BY c.sortKey DESC`,
        parameters: [
          { name: '@n', value: n },
          { name: '@g', value: goLiveId },
          { name: '@t', value: type },
          { name: '@r', value: ref },
        ],
      },
      goLiveId,
    );
    return docs.map((d) => fromDoc(schema, d));
  }

  // --- the only places that talk to the SDK: they count, and they translate errors ---

  /** The document, undefined when absent; with `ifNoneMatch`, NOT_MODIFIED when its ETag still is that one. */
  private async pointRead(goLiveId: string, id: string): Promise<DocEnvelope | undefined>;
  private async pointRead(
    goLiveId: string,
    id: string,
    ifNoneMatch: string | undefined,
  ): Promise<DocEnvelope | typeof NOT_MODIFIED | undefined>;
  private async pointRead(goLiveId: string, id: string, ifNoneMatch?: string): Promise<DocEnvelope | typeof NOT_MODIFIED | undefined> {
    this.stats.pointReads++;
    try {
      const options: RequestOptions | undefined =
        ifNoneMatch === undefined ? undefined : { accessCondition: { type: 'IfNoneMatch', condition: ifNoneMatch } };
      const res = await this.container.item(id, goLiveId).read(options);
      this.charge(res.requestCharge);
      if (res.statusCode === 304) {
        this.stats.notModified++;
        return NOT_MODIFIED;
      }
      return res.resource === undefined || res.resource === null ? undefined : DocEnvelope.parse(res.resource);
    } catch (err) {
      this.chargeError(err);
      if (statusOf(err) === 404) return undefined;
      throw toStoreError(err);
    }
  }

  /** The new ETag, or undefined when the id exists (409). */
  private async createIfAbsent(doc: ItemDefinition): Promise<string | undefined> {
    return this.write(() => this.container.items.create(doc), 409);
  }

  /** The new ETag, or undefined when the stored version differs (412) or is gone (404). */
  private async replaceIfMatch(doc: ItemDefinition & { id: string; goLiveId: string }, etag: string): Promise<string | undefined> {
    const options: RequestOptions = { accessCondition: { type: 'IfMatch', condition: etag } };
    return this.write(() => this.container.item(doc.id, doc.goLiveId).replace(doc, options), 412, 404);
  }

  private async upsert(doc: ItemDefinition): Promise<string> {
    const etag = await this.write(() => this.container.items.upsert(doc));
    if (etag === undefined) throw new Error('upsert returned no ETag');
    return etag;
  }

  private async write(op: () => Promise<{ etag: string; requestCharge: number }>, ...expected: number[]): Promise<string | undefined> {
    this.stats.writes++;
    try {
      const res = await op();
      this.charge(res.requestCharge);
      return res.etag;
    } catch (err) {
      this.chargeError(err);
      const status = statusOf(err);
      if (status !== undefined && expected.includes(status)) return undefined;
      throw toStoreError(err);
    }
  }

  /** Whole documents of one partition. */
  private async query(spec: QuerySpec, partitionKey: string): Promise<DocEnvelope[]> {
    return (await this.queryRaw(spec, partitionKey)).map((r) => DocEnvelope.parse(r));
  }

  private async queryRaw(spec: QuerySpec, partitionKey?: string): Promise<unknown[]> {
    this.stats.queries++;
    const iterator = this.container.items.query<unknown>(spec, partitionKey === undefined ? {} : { partitionKey });
    const out: unknown[] = [];
    try {
      while (iterator.hasMoreResults()) {
        const page = await iterator.fetchNext();
        this.stats.queryPages++;
        this.charge(page.requestCharge);
        for (const r of page.resources ?? []) out.push(r);
      }
    } catch (err) {
      this.chargeError(err);
      throw toStoreError(err);
    }
    return out;
  }

  private charge(ru: number | undefined): void {
    if (typeof ru === 'number' && Number.isFinite(ru)) this.stats.requestCharge += ru;
  }

  private chargeError(err: unknown): void {
    const e = err as { requestCharge?: unknown; headers?: Record<string, unknown> };
    const ru = typeof e.requestCharge === 'number' ? e.requestCharge : Number(e.headers?.['x-ms-request-charge']);
    this.charge(Number.isNaN(ru) ? undefined : ru);
  }
}

/** A conditional read's answer when the document is unchanged (304). */
const NOT_MODIFIED = Symbol('not modified');

/** Cosmos ids may not contain / \ ? #; marker names are free text. */
const markerKey = (name: string) => encodeURIComponent(name);

function toDoc(
  type: DocType,
  goLiveId: string,
  key: string,
  value: object,
  sort?: string,
): Record<string, unknown> & { id: string; goLiveId: string } {
  return { ...value, id: docId(type, key), type, goLiveId, ...(sort === undefined ? {} : { sortKey: sort }) };
}

/**
 * A stored document back to its domain shape: system and envelope properties go, the
 * domain id comes back from the prefixed document id, and zod checks the rest.
 */
function fromDoc<T>(schema: z.ZodType<T>, doc: DocEnvelope): T {
  const value: Record<string, unknown> = { ...doc };
  for (const p of SYSTEM_PROPS) delete value[p];
  switch (doc.type) {
    case 'golive':
      delete value.goLiveId;
      value.id = doc.goLiveId;
      break;
    case 'marker':
      delete value.goLiveId;
      break;
    case 'unitReport':
    case 'areaReport':
    case 'incident':
    case 'challenge':
    case 'meeting':
      value.id = doc.id.slice(doc.type.length + 1);
      break;
    case 'note':
      // note:{kind}:{id}
      value.id = doc.id.slice(doc.type.length + 1 + String(value.kind).length + 1);
      break;
  }
  return schema.parse(value);
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

const TRANSIENT_STATUS = new Set([408, 429, 449, 503]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * Throttling, timeouts and an unreachable account become `StoreUnavailableError` (HTTP 503
 * with Retry-After at the edge); anything else is passed on unchanged. The SDK has already
 * retried 429s by then, so this is the caller's turn to back off.
 */
export function toStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || err instanceof StoreConflictError) return err;
  const e = (err ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    retryAfterInMs?: unknown;
    headers?: Record<string, unknown>;
  };
  const status = statusOf(err);
  const transient =
    (status !== undefined && TRANSIENT_STATUS.has(status)) ||
    (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError';
  if (!transient) return err;
  return new StoreUnavailableError(
    `Cosmos DB: ${typeof e.message === 'string' ? e.message.split('\n')[0] : 'unavailable'}`,
    retryAfterSeconds(e),
  );
}

function retryAfterSeconds(e: { retryAfterInMs?: unknown; headers?: Record<string, unknown> }): number {
  const ms = typeof e.retryAfterInMs === 'number' ? e.retryAfterInMs : Number(e.headers?.['x-ms-retry-after-ms']);
  if (Number.isFinite(ms) && ms > 0) return Math.max(1, Math.ceil(ms / 1000));
  const s = Number(e.headers?.['retry-after']);
  return Number.isFinite(s) && s > 0 ? Math.ceil(s) : 1;
}
