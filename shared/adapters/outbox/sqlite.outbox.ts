import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { NotificationFilter, OutboxStore } from '../../ports/outbox.port';
import { OutboxNotification } from '../../ports/outbox.port';
import type { CreateResult, Versioned } from '../../ports/repository.port';
import { StoreConflictError, StoreUnavailableError } from '../../ports/repository.port';

interface Row {
  etag: string;
  body: string;
}

interface RowWrite {
  go_live_id: string;
  id: string;
  kind: string;
  status: string;
  created_at: string;
  due_at: string | null;
  etag: string;
  body: string;
}

/**
 * The embedded outbox: a `notifications` table in the same SQLite file as the repository
 * (its own connection; WAL lets both write). Columns carry what the due and list queries
 * filter on; the document itself is JSON, read back through the port's schema.
 */
export class SqliteOutbox implements OutboxStore {
  private readonly stmt: ReturnType<typeof prepare>;

  private constructor(
    private readonly db: Database.Database,
    private readonly faults?: (operation: string) => void,
  ) {
    this.stmt = prepare(db);
  }

  /**
   * Opens (and creates) the file; `:memory:` gives a throwaway outbox. `faults` is a test hook
   * called before each call reaches SQLite (shared/adapters/faults/sqlite-faults.ts).
   */
  static open(
    filePath: string,
    opts: { synchronous?: 'NORMAL' | 'FULL'; busyTimeoutMs?: number; faults?: (operation: string) => void } = {},
  ): SqliteOutbox {
    if (filePath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
    const db = new Database(filePath);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      db.exec(`
        CREATE TABLE IF NOT EXISTS notifications (
          go_live_id TEXT NOT NULL,
          id TEXT NOT NULL,
          kind TEXT NOT NULL,
          status TEXT NOT NULL,
          created_at TEXT NOT NULL,
          due_at TEXT,
          etag TEXT NOT NULL,
          body TEXT NOT NULL,
          PRIMARY KEY (go_live_id, id)
        );
        -- The dispatcher's question, every tick: what is due now?
        CREATE INDEX IF NOT EXISTS notifications_due ON notifications (due_at) WHERE due_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS notifications_by_time ON notifications (go_live_id, created_at, id);
      `);
      return new SqliteOutbox(db, opts.faults);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async add(n: OutboxNotification): Promise<CreateResult<Versioned<OutboxNotification>>> {
    return this.guard('add', () => {
      const row = toRow(n);
      if (this.stmt.insertIfAbsent.run(row).changes > 0) return { value: { value: n, etag: row.etag }, created: true };
      const stored = this.read(n.goLiveId, n.id);
      if (!stored) throw new Error(`notification ${n.goLiveId}/${n.id} conflicted on insert but cannot be read`);
      return { value: stored, created: false };
    });
  }

  async get(goLiveId: string, id: string): Promise<Versioned<OutboxNotification> | undefined> {
    return this.guard('get', () => this.read(goLiveId, id));
  }

  async replace(n: OutboxNotification, etag: string): Promise<Versioned<OutboxNotification>> {
    return this.guard('replace', () => {
      const row = toRow(n);
      if (this.stmt.replaceIfMatch.run({ ...row, expected: etag }).changes === 0)
        throw new StoreConflictError(`notification '${n.id}' changed or does not exist`);
      return { value: n, etag: row.etag };
    });
  }

  async listDue(now: string, limit: number): Promise<{ goLiveId: string; id: string }[]> {
    return this.guard('listDue', () =>
      this.stmt.due.all(now, Math.max(0, Math.trunc(limit))).map((r) => ({ goLiveId: r.go_live_id, id: r.id })),
    );
  }

  async list(goLiveId: string, filter: NotificationFilter): Promise<OutboxNotification[]> {
    return this.guard('list', () =>
      this.stmt.list
        .all({
          g: goLiveId,
          kind: filter.kind ?? null,
          status: filter.status ?? null,
          since: filter.since ?? null,
          n: Math.max(0, Math.trunc(filter.limit)),
        })
        .map((r) => parse(r)),
    );
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private guard<T>(operation: string, fn: () => T): T {
    return guard(fn, this.faults, operation);
  }

  private read(goLiveId: string, id: string): Versioned<OutboxNotification> | undefined {
    const row = this.stmt.get.get(goLiveId, id);
    return row && { value: parse(row), etag: row.etag };
  }
}

function prepare(db: Database.Database) {
  return {
    get: db.prepare<[string, string], Row>('SELECT etag, body FROM notifications WHERE go_live_id = ? AND id = ?'),
    insertIfAbsent: db.prepare<RowWrite>(
      `INSERT INTO notifications (go_live_id, id, kind, status, created_at, due_at, etag, body)
       VALUES (@go_live_id, @id, @kind, @status, @created_at, @due_at, @etag, @body)
       ON CONFLICT (go_live_id, id) DO NOTHING`,
    ),
    replaceIfMatch: db.prepare<RowWrite & { expected: string }>(
      `UPDATE notifications SET kind = @kind, status = @status, created_at = @created_at, due_at = @due_at, etag = @etag, body = @body
       WHERE go_live_id = @go_live_id AND id = @id AND etag = @expected`,
    ),
    due: db.prepare<[string, number], { go_live_id: string; id: string }>(
      'SELECT go_live_id, id FROM notifications WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, go_live_id, id LIMIT ?',
    ),
    list: db.prepare<{ g: string; kind: string | null; status: string | null; since: string | null; n: number }, Row>(
      `SELECT etag, body FROM notifications
       WHERE go_live_id = @g AND (@kind IS NULL OR kind = @kind) AND (@status IS NULL OR status = @status)
         AND (@since IS NULL OR created_at >= @since)
       ORDER BY created_at DESC, id DESC LIMIT @n`,
    ),
  };
}

function toRow(n: OutboxNotification): RowWrite {
  return {
    go_live_id: n.goLiveId,
    id: n.id,
    kind: n.kind,
    status: n.status,
    created_at: n.createdAt,
    due_at: n.dueAt ?? null,
    etag: randomUUID(),
    body: JSON.stringify(n),
  };
}

const parse = (row: Row): OutboxNotification => OutboxNotification.parse(JSON.parse(row.body));

function guard<T>(fn: () => T, faults?: (operation: string) => void, operation = ''): T {
  try {
    faults?.(operation);
    return fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR)/.test(code))
      throw new StoreUnavailableError(`embedded outbox: ${(err as Error).message}`, 1);
    throw err;
  }
}
