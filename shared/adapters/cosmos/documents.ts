import type { Container, ItemDefinition, RequestOptions } from '@azure/cosmos';
import { z } from 'zod';
import type { CreateResult, Versioned } from '../../ports/repository.port';
import { StoreConflictError, StoreUnavailableError } from '../../ports/repository.port';
import type { DocShape, DocType, DocValue, Docs } from '../doc-types';
import { fieldOf, forEachDoc, ownIdOf } from '../doc-types';

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

export const emptyStats = (): CosmosOperationStats => ({
  pointReads: 0,
  notModified: 0,
  writes: 0,
  queries: 0,
  queryPages: 0,
  requestCharge: 0,
  statusRetries: 0,
});

/** The fields of a stored document this adapter relies on, whatever its type. */
export const DocEnvelope = z.looseObject({ id: z.string(), type: z.string(), goLiveId: z.string(), _etag: z.string() });
export type DocEnvelope = z.infer<typeof DocEnvelope>;

/** A document as written: the value's fields, its id `type:key`, its type and partition, and `sortKey` where lists order it. */
export type CosmosDoc = Record<string, unknown> & { id: string; goLiveId: string };

export interface QuerySpec {
  query: string;
  parameters?: { name: string; value: string | number }[];
}

/** A conditional read's answer when the document is unchanged (304). */
export const NOT_MODIFIED = Symbol('not modified');

export const docId = (type: DocType, key: string) => `${type}:${key}`;

/**
 * Keeps list order to one property: a two-property ORDER BY needs a composite index in
 * Cosmos (and the local test server rejects it). Instants are fixed-width ISO strings, so
 * `instant|id` sorts by time, then id.
 */
export const sortKey = (instant: string, id: string) => `${instant}|${id}`;

/** Envelope and system properties: not part of any domain value. */
const SYSTEM_PROPS = ['_rid', '_self', '_ts', '_attachments', '_etag', 'type', 'id', 'sortKey'] as const;

/**
 * The one container as this adapter talks to it: the only place that calls the SDK. Every
 * call is counted in `stats` with the request units it was charged (failed ones included),
 * and the SDK's errors are translated: 404 on a read is `undefined`, the statuses a write
 * expects (409 on create, 412/404 on a conditional replace) are `undefined`, throttling and
 * an unreachable account are `StoreUnavailableError` (`toStoreError`).
 */
export class CosmosCalls {
  constructor(
    private readonly container: Container,
    readonly stats: CosmosOperationStats,
  ) {}

  /** The document, undefined when absent; with `ifNoneMatch`, NOT_MODIFIED when its ETag still is that one. */
  async pointRead(goLiveId: string, id: string, ifNoneMatch?: string): Promise<DocEnvelope | typeof NOT_MODIFIED | undefined> {
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
  createIfAbsent(doc: ItemDefinition): Promise<string | undefined> {
    return this.write(() => this.container.items.create(doc), 409);
  }

  /** The new ETag, or undefined when the stored version differs (412) or is gone (404). */
  replaceIfMatch(doc: CosmosDoc, etag: string): Promise<string | undefined> {
    const options: RequestOptions = { accessCondition: { type: 'IfMatch', condition: etag } };
    return this.write(() => this.container.item(doc.id, doc.goLiveId).replace(doc, options), 412, 404);
  }

  async upsert(doc: ItemDefinition): Promise<string> {
    const etag = await this.write(() => this.container.items.upsert(doc));
    if (etag === undefined) throw new Error('upsert returned no ETag');
    return etag;
  }

  /** Whole documents of one partition. */
  async query(spec: QuerySpec, partitionKey: string): Promise<DocEnvelope[]> {
    return (await this.queryRaw(spec, partitionKey)).map((r) => DocEnvelope.parse(r));
  }

  /** Rows as the server sent them; without a partition key, across partitions. */
  async queryRaw(spec: QuerySpec, partitionKey?: string): Promise<unknown[]> {
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

  private charge(ru: number | undefined): void {
    if (typeof ru === 'number' && Number.isFinite(ru)) this.stats.requestCharge += ru;
  }

  private chargeError(err: unknown): void {
    const e = err as { requestCharge?: unknown; headers?: Record<string, unknown> };
    const ru = typeof e.requestCharge === 'number' ? e.requestCharge : Number(e.headers?.['x-ms-request-charge']);
    this.charge(Number.isNaN(ru) ? undefined : ru);
  }
}

/**
 * Where one aggregate's value lives in the container (`DocShape`, shared with SQLite: `DOCS`
 * in doc-types.ts), plus what only Cosmos needs to know.
 */
export interface CosmosDocShape<T> extends DocShape<T> {
  /** The partition is not a field of the value (the go-live, markers): it goes on read. */
  partitionOnly?: boolean;
}

/** What `list` selects within one partition and type: `ref`, a `sortKey` range, an order and a page size. */
export interface DocListQuery {
  ref?: string;
  /** `sortKey >= from` (a prefix: every key of that instant sorts after the bare instant). */
  from?: string;
  /** `sortKey > after`. */
  after?: string;
  /** `sortKey < before`. */
  before?: string;
  /** By `sortKey`; ascending unless said. */
  order?: 'ASC' | 'DESC';
  /** At most this many (`TOP`); 0 or less is none, without a query. */
  limit?: number;
}

/**
 * One aggregate's documents in the container, the plumbing written once (as
 * `SqliteDocuments` is for the embedded store): a value to its document and back through the
 * aggregate's zod schema, create-if-absent (a replay gets the stored value back), point read,
 * replace under an ETag (`If-Match`; a lost race is `StoreConflictError`), upsert, and the
 * single-partition list query. Every call goes through `CosmosCalls`, which counts it.
 */
export class CosmosDocuments<T> {
  constructor(
    private readonly calls: CosmosCalls,
    readonly shape: CosmosDocShape<T>,
  ) {}

  doc(value: T): CosmosDoc {
    const s = this.shape;
    const instant = fieldOf(value, s.sort);
    const sort = instant === null ? undefined : sortKey(instant, ownIdOf(s, value));
    return {
      ...(value as object),
      id: docId(s.type, s.key(value)),
      type: s.type,
      goLiveId: s.pk(value),
      ...(sort === undefined ? {} : { sortKey: sort }),
    };
  }

  /**
   * A stored document back to its domain shape: system and envelope properties go, the
   * domain id comes back from the prefixed document id, and zod checks the rest.
   */
  parse(doc: DocEnvelope): T {
    const value: Record<string, unknown> = { ...doc };
    for (const p of SYSTEM_PROPS) delete value[p];
    if (this.shape.partitionOnly) delete value.goLiveId;
    if (this.shape.idOfKey) value.id = this.shape.idOfKey(doc.id.slice(this.shape.type.length + 1));
    return this.shape.schema.parse(value);
  }

  /** Creates unless the id exists; a replay gets the stored value back, not the one it sent. */
  async create(value: T): Promise<CreateResult<T>> {
    const { value: stored, created } = await this.claim(value);
    return { value: stored, created };
  }

  /** As `create`, with the stored version: a claim the caller may go on to update. */
  async claim(value: T): Promise<CreateResult<T> & { etag: string }> {
    const doc = this.doc(value);
    const etag = await this.calls.createIfAbsent(doc);
    if (etag !== undefined) return { value, created: true, etag };
    const stored = await this.calls.pointRead(doc.goLiveId, doc.id);
    // Absent after a 409 means it was deleted in between; no code path deletes, so this is a bug.
    if (!stored || stored === NOT_MODIFIED) throw new Error(`document ${doc.goLiveId}/${doc.id} conflicted on create but cannot be read`);
    return { value: this.parse(stored), created: false, etag: stored._etag };
  }

  /** The new ETag, or undefined when the id exists. */
  insert(value: T): Promise<string | undefined> {
    return this.calls.createIfAbsent(this.doc(value));
  }

  async get(pk: string, key: string): Promise<Versioned<T> | undefined> {
    const doc = await this.calls.pointRead(pk, docId(this.shape.type, key));
    return doc && doc !== NOT_MODIFIED ? { value: this.parse(doc), etag: doc._etag } : undefined;
  }

  /** A read with `If-None-Match: known`: NOT_MODIFIED (304, no document) while the stored version is still that one. */
  async getIfChanged(pk: string, key: string, known: string | undefined): Promise<Versioned<T> | typeof NOT_MODIFIED | undefined> {
    const doc = await this.calls.pointRead(pk, docId(this.shape.type, key), known);
    return doc && doc !== NOT_MODIFIED ? { value: this.parse(doc), etag: doc._etag } : doc;
  }

  /** Replaces the value if `etag` still matches, else (or if it no longer exists) `StoreConflictError`. */
  async replace(value: T, etag: string): Promise<Versioned<T>> {
    const newEtag = await this.replaceIfMatch(value, etag);
    if (newEtag === undefined) throw new StoreConflictError(`${this.shape.name(value)} changed or does not exist`);
    return { value, etag: newEtag };
  }

  /** The new ETag, or undefined when the stored version differs or is gone. */
  replaceIfMatch(value: T, etag: string): Promise<string | undefined> {
    return this.calls.replaceIfMatch(this.doc(value), etag);
  }

  /** Writes the value whatever is stored; its new ETag. */
  upsert(value: T): Promise<string> {
    return this.calls.upsert(this.doc(value));
  }

  /**
   * One single-partition query over the type's documents, ordered by `sortKey`. goLiveId
   * stays in WHERE although the partition key option scopes it: the local test server
   * ignores the option.
   */
  async list(pk: string, q: DocListQuery = {}): Promise<T[]> {
    const n = q.limit === undefined ? undefined : Math.max(0, Math.trunc(q.limit));
    if (n === 0) return [];
    const where = ['c.goLiveId = @g', 'c.type = @t'];
    const parameters: { name: string; value: string | number }[] = [
      { name: '@g', value: pk },
      { name: '@t', value: this.shape.type },
    ];
    const when = (value: string | number | undefined, name: string, condition: string) => {
      if (value === undefined) return;
      where.push(condition);
      parameters.push({ name, value });
    };
    if (q.ref !== undefined && !this.shape.ref) throw new Error(`${this.shape.type} documents are not listed by a ref`);
    when(q.ref, '@r', `c.${this.shape.ref} = @r`);
    when(q.from, '@from', 'c.sortKey >= @from');
    when(q.after, '@after', 'c.sortKey > @after');
    when(q.before, '@before', 'c.sortKey < @before');
    if (n !== undefined) parameters.push({ name: '@n', value: n });
    const top = n === undefined ? '' : 'TOP @n ';
    const query = `SELECT ${top}* FROM c WHERE ${where.join(' AND ')} ORDER BY c.sortKey ${q.order ?? 'ASC'}`;
    return (await this.calls.query({ query, parameters }, pk)).map((d) => this.parse(d));
  }
}

/** One `CosmosDocuments` for each aggregate of `DOCS`, on one container. */
export type CosmosDocs = { [K in keyof Docs]: CosmosDocuments<DocValue<K>> };

export const cosmosDocs = (calls: CosmosCalls): CosmosDocs => forEachDoc((shape) => new CosmosDocuments(calls, shape)) as CosmosDocs;

export function statusOf(err: unknown): number | undefined {
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
