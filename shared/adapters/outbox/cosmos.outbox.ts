import type { Container, RequestOptions } from '@azure/cosmos';
import type { CosmosClient } from '@azure/cosmos';
import { z } from 'zod';
import type { NotificationFilter, OutboxStore } from '../../ports/outbox.port';
import { OutboxNotification } from '../../ports/outbox.port';
import type { CreateResult, Versioned } from '../../ports/repository.port';
import { StoreConflictError } from '../../ports/repository.port';
import { toStoreError } from '../cosmos/documents';
import { type CosmosConnectionOptions, openContainer } from '../cosmos/connection';

export type CosmosOutboxOptions = CosmosConnectionOptions;

const TYPE = 'notification';
const PREFIX = `${TYPE}:`;
const SYSTEM_PROPS = ['_rid', '_self', '_ts', '_attachments', '_etag', 'type', 'sortKey'] as const;

const Envelope = z.looseObject({ id: z.string(), _etag: z.string() });
const DueRow = z.object({ goLiveId: z.string(), id: z.string() });

/**
 * The outbox in Cosmos DB: the go-lives container, partitioned by `/goLiveId`, documents of
 * `type: 'notification'` with id `notification:{id}`. The id is derived from the dedupe key,
 * so a second enqueue is a 409 on create and nothing more. Every update is a replace under
 * the document's ETag; the dispatcher's lease rides on that.
 */
export class CosmosOutbox implements OutboxStore {
  private constructor(
    private readonly client: CosmosClient,
    private readonly container: Container,
  ) {}

  static async connect(opts: CosmosOutboxOptions): Promise<CosmosOutbox> {
    const { client, container } = await openContainer(opts);
    return new CosmosOutbox(client, container);
  }

  async add(n: OutboxNotification): Promise<CreateResult<Versioned<OutboxNotification>>> {
    try {
      const res = await this.container.items.create(toDoc(n));
      return { value: { value: n, etag: res.etag }, created: true };
    } catch (err) {
      if (statusOf(err) !== 409) throw toStoreError(err);
    }
    const stored = await this.get(n.goLiveId, n.id);
    if (!stored) throw new Error(`notification ${n.goLiveId}/${n.id} conflicted on create but cannot be read`);
    return { value: stored, created: false };
  }

  async get(goLiveId: string, id: string): Promise<Versioned<OutboxNotification> | undefined> {
    try {
      const res = await this.container.item(PREFIX + id, goLiveId).read();
      if (res.resource === undefined) return undefined;
      const doc = Envelope.parse(res.resource);
      return { value: fromDoc(doc), etag: doc._etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw toStoreError(err);
    }
  }

  async replace(n: OutboxNotification, etag: string): Promise<Versioned<OutboxNotification>> {
    const options: RequestOptions = { accessCondition: { type: 'IfMatch', condition: etag } };
    try {
      const res = await this.container.item(PREFIX + n.id, n.goLiveId).replace(toDoc(n), options);
      return { value: n, etag: res.etag };
    } catch (err) {
      const status = statusOf(err);
      if (status === 412 || status === 404) throw new StoreConflictError(`notification '${n.id}' changed or does not exist`);
      throw toStoreError(err);
    }
  }

  async listDue(now: string, limit: number): Promise<{ goLiveId: string; id: string }[]> {
    const n = Math.max(0, Math.trunc(limit));
    if (n === 0) return [];
    // The one cross-partition query of the outbox, once per timer tick; `dueAt` is absent on
    // finished notifications, so the index holds only live ones.
    const rows = await this.query({
      query: `SELECT TOP @n c.goLiveId, c.id FROM c WHERE c.type = '${TYPE}' AND c.dueAt <= @now ORDER BY c.dueAt`,
      parameters: [
        { name: '@n', value: n },
        { name: '@now', value: now },
      ],
    });
    return z
      .array(DueRow)
      .parse(rows)
      .map((r) => ({ goLiveId: r.goLiveId, id: r.id.slice(PREFIX.length) }));
  }

  async list(goLiveId: string, filter: NotificationFilter): Promise<OutboxNotification[]> {
    const n = Math.max(0, Math.trunc(filter.limit));
    if (n === 0) return [];
    const where = [`c.goLiveId = @g`, `c.type = '${TYPE}'`];
    const parameters: { name: string; value: string | number }[] = [
      { name: '@n', value: n },
      { name: '@g', value: goLiveId },
    ];
    if (filter.kind) {
      where.push('c.kind = @kind');
      parameters.push({ name: '@kind', value: filter.kind });
    }
    if (filter.status) {
      where.push('c.status = @status');
      parameters.push({ name: '@status', value: filter.status });
    }
    if (filter.since) {
      where.push('c.createdAt >= @since');
      parameters.push({ name: '@since', value: filter.since });
    }
    // goLiveId stays in WHERE although the partition key option scopes it: the local test server ignores the option.
    const rows = await this.query(
      { query: `SELECT TOP @n * FROM c WHERE ${where.join(' AND ')} ORDER BY c.sortKey DESC`, parameters },
      goLiveId,
    );
    return rows.map((r) => fromDoc(Envelope.parse(r)));
  }

  async close(): Promise<void> {
    this.client.dispose();
  }

  private async query(
    spec: { query: string; parameters: { name: string; value: string | number }[] },
    partitionKey?: string,
  ): Promise<unknown[]> {
    const iterator = this.container.items.query<unknown>(spec, partitionKey === undefined ? {} : { partitionKey });
    const out: unknown[] = [];
    try {
      while (iterator.hasMoreResults()) {
        const page = await iterator.fetchNext();
        for (const r of page.resources ?? []) out.push(r);
      }
    } catch (err) {
      throw toStoreError(err);
    }
    return out;
  }
}

/** Newest first by one property (`createdAt|id`): two-property ORDER BY needs a composite index. */
function toDoc(n: OutboxNotification): Record<string, unknown> & { id: string; goLiveId: string } {
  return { ...n, id: PREFIX + n.id, type: TYPE, sortKey: `${n.createdAt}|${n.id}` };
}

function fromDoc(doc: z.infer<typeof Envelope>): OutboxNotification {
  const value: Record<string, unknown> = { ...doc };
  for (const p of SYSTEM_PROPS) delete value[p];
  value.id = doc.id.slice(PREFIX.length);
  return OutboxNotification.parse(value);
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
