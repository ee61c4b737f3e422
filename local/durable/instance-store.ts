import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { HistoryEvent, RetryOptions } from './history';
import { RetryOptionsSchema } from './history';

/*
 * The durable host's state in SQLite: one row per orchestration instance (its history and
 * bookkeeping) and a queue of pending work. Every step of the host is one transaction that
 * removes the work it consumed and adds the work it produced, so a crash between steps
 * replays the unfinished step and never does a finished one again.
 */

export const RUNTIME_STATUSES = ['Pending', 'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Terminated', 'Suspended'] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);
export const isTerminal = (s: RuntimeStatus): boolean => TERMINAL.has(s);

const RetryStateSchema = z.object({
  options: RetryOptionsSchema,
  /** Attempts made so far, the one in flight included. */
  attempt: z.number().int(),
  /** ms; retryTimeoutInMilliseconds counts from here. */
  firstAttemptAt: z.number(),
});
export type RetryState = z.infer<typeof RetryStateSchema>;

const CallSchema = z.object({
  kind: z.enum(['activity', 'subOrchestration']),
  name: z.string(),
  input: z.unknown(),
  /** The sub-orchestration's instance id as the orchestrator asked for it (undefined: generated). */
  instanceId: z.string().optional(),
  retry: RetryStateSchema.optional(),
});
export type Call = z.infer<typeof CallSchema>;

/** What an open sequence id stands for; entries go once their result is delivered. */
const OpenTaskSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), call: CallSchema }),
  z.object({ kind: z.literal('timer'), fireAt: z.string() }),
  /** The pause between two attempts of a call with a retry policy. */
  z.object({ kind: z.literal('retryTimer'), fireAt: z.string(), call: CallSchema }),
]);
export type OpenTask = z.infer<typeof OpenTaskSchema>;

/**
 * Sequence bookkeeping of the current execution. The library numbers tasks in the order it
 * schedules them; `leafIds[i]` is the id given to the i-th schedulable action of the
 * depth-first action walk, `nextSeq` the next free id (retries take ids of their own).
 */
const EngineStateSchema = z.object({
  nextSeq: z.number().int(),
  leafIds: z.array(z.number().int()),
  open: z.record(z.string(), OpenTaskSchema),
});
export type EngineState = z.infer<typeof EngineStateSchema>;

export const emptyEngineState = (): EngineState => ({ nextSeq: 0, leafIds: [], open: {} });

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text, or null when there is none. */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  history: HistoryEvent[];
  engine: EngineState;
  parentInstanceId: string | null;
  parentExecutionId: string | null;
  parentTaskId: number | null;
  createdAt: number;
  lastUpdatedAt: number;
}

export type WorkKind = 'start' | 'message' | 'activity' | 'timer' | 'terminate' | 'suspend' | 'resume';

/** Work payloads, by kind. */
export interface ActivityWork {
  taskId: number;
  name: string;
  input: unknown;
}
export interface TimerWork {
  timerId: number;
  fireAt: string;
}
export interface ControlWork {
  reason?: string;
}

export interface WorkItem {
  id: number;
  instanceId: string;
  executionId: string;
  kind: WorkKind;
  /** ms; timers wait until then, everything else is due when queued. */
  dueAt: number;
  payload: unknown;
}

export interface NewWork {
  instanceId: string;
  executionId: string;
  kind: WorkKind;
  dueAt: number;
  payload: unknown;
}

interface InstanceRow {
  instance_id: string;
  name: string;
  execution_id: string;
  status: string;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  history: string;
  engine: string;
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
  created_at: number;
  last_updated_at: number;
}

interface WorkRow {
  id: number;
  instance_id: string;
  execution_id: string;
  kind: string;
  due_at: number;
  payload: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS instances (
  instance_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  custom_status TEXT,
  history TEXT NOT NULL,
  engine TEXT NOT NULL,
  parent_instance_id TEXT,
  parent_execution_id TEXT,
  parent_task_id INTEGER,
  created_at INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_created ON instances (created_at);
CREATE TABLE IF NOT EXISTS work (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS work_due ON work (due_at, id);
CREATE INDEX IF NOT EXISTS work_instance ON work (instance_id);
`;

/** Work a suspended instance still does: activities already scheduled finish, control messages apply. */
const RUNNABLE_WHEN_SUSPENDED = "('activity', 'resume', 'terminate')";

export interface InstanceQuery {
  statuses?: RuntimeStatus[];
  createdFrom?: number;
  createdTo?: number;
  /** Instance ids starting with this. */
  prefix?: string;
  limit?: number;
}

/**
 * What the durable host asks of its store: `SqliteInstanceStore` on the event loop, or
 * `ThreadedInstanceStore` (instance-thread.ts), the same calls in a worker thread with a bounded wait.
 */
export type InstanceStore = Pick<
  SqliteInstanceStore,
  | 'isOpen'
  | 'close'
  | 'transaction'
  | 'get'
  | 'put'
  | 'purge'
  | 'query'
  | 'counts'
  | 'addWork'
  | 'deleteWork'
  | 'deleteWorkOf'
  | 'workOf'
  | 'nextReady'
  | 'nextDue'
>;

export class SqliteInstanceStore {
  readonly #db: Database.Database;
  readonly #stmt;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmt = {
      get: db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE instance_id = ?'),
      upsert: db.prepare(
        `INSERT INTO instances (instance_id, name, execution_id, status, input, output, custom_status, history, engine,
           parent_instance_id, parent_execution_id, parent_task_id, created_at, last_updated_at)
         VALUES (@instance_id, @name, @execution_id, @status, @input, @output, @custom_status, @history, @engine,
           @parent_instance_id, @parent_execution_id, @parent_task_id, @created_at, @last_updated_at)
         ON CONFLICT (instance_id) DO UPDATE SET name = excluded.name, execution_id = excluded.execution_id, status = excluded.status, input = excluded.input,
           output = excluded.output, custom_status = excluded.custom_status, history = excluded.history, engine = excluded.engine,
           parent_instance_id = excluded.parent_instance_id, parent_execution_id = excluded.parent_execution_id, parent_task_id = excluded.parent_task_id,
           created_at = excluded.created_at, last_updated_at = excluded.last_updated_at`,
      ),
      deleteInstance: db.prepare<[string]>('DELETE FROM instances WHERE instance_id = ?'),
      insertWork: db.prepare(
        'INSERT INTO work (instance_id, execution_id, kind, due_at, payload) VALUES (@instance_id, @execution_id, @kind, @due_at, @payload)',
      ),
      deleteWork: db.prepare<[number]>('DELETE FROM work WHERE id = ?'),
      deleteWorkOf: db.prepare<[string]>('DELETE FROM work WHERE instance_id = ?'),
      workOf: db.prepare<[string], WorkRow>('SELECT * FROM work WHERE instance_id = ? ORDER BY due_at, id'),
      nextReady: db.prepare<[number], WorkRow>(
        `SELECT w.* FROM work w LEFT JOIN instances i ON i.instance_id = w.instance_id
         WHERE w.due_at <= ? AND (i.status IS NULL OR i.status <> 'Suspended' OR w.kind IN ${RUNNABLE_WHEN_SUSPENDED})
         ORDER BY w.due_at, w.id LIMIT 1`,
      ),
      nextDue: db.prepare<[], { due: number | null }>(
        `SELECT MIN(w.due_at) AS due FROM work w LEFT JOIN instances i ON i.instance_id = w.instance_id
         WHERE i.status IS NULL OR i.status <> 'Suspended' OR w.kind IN ${RUNNABLE_WHEN_SUSPENDED}`,
      ),
      counts: db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM instances GROUP BY status'),
    };
  }

  /** Opens (and creates, with its folder) the database file; `:memory:` gives a throwaway store. */
  static open(filePath: string, opts: { synchronous?: 'NORMAL' | 'FULL' } = {}): SqliteInstanceStore {
    if (filePath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
    const db = new Database(filePath);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      return new SqliteInstanceStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Transaction control for a caller in another thread (instance-thread.ts): `begin` first
   * rolls back a transaction its caller abandoned (it timed out before it could end it).
   */
  begin(): void {
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    this.#db.exec('BEGIN IMMEDIATE');
  }

  exec(sql: 'COMMIT' | 'ROLLBACK' | `SAVEPOINT t${number}` | `RELEASE t${number}` | `ROLLBACK TO t${number}`): void {
    this.#db.exec(sql);
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  get(instanceId: string): InstanceRecord | undefined {
    const row = this.#stmt.get.get(instanceId);
    return row ? fromRow(row) : undefined;
  }

  put(r: InstanceRecord): void {
    this.#stmt.upsert.run({
      instance_id: r.instanceId,
      name: r.name,
      execution_id: r.executionId,
      status: r.status,
      input: r.input,
      output: r.output,
      custom_status: r.customStatus,
      history: JSON.stringify(r.history),
      engine: JSON.stringify(r.engine),
      parent_instance_id: r.parentInstanceId,
      parent_execution_id: r.parentExecutionId,
      parent_task_id: r.parentTaskId,
      created_at: r.createdAt,
      last_updated_at: r.lastUpdatedAt,
    });
  }

  /** Removes the instance and all its pending work; true when it existed. */
  purge(instanceId: string): boolean {
    return this.transaction(() => {
      this.#stmt.deleteWorkOf.run(instanceId);
      return this.#stmt.deleteInstance.run(instanceId).changes > 0;
    });
  }

  query(q: InstanceQuery = {}): InstanceRecord[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (q.statuses && q.statuses.length > 0) {
      where.push(`status IN (${q.statuses.map((_, i) => `@s${i}`).join(', ')})`);
      q.statuses.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (q.createdFrom !== undefined) {
      where.push('created_at >= @from');
      params.from = q.createdFrom;
    }
    if (q.createdTo !== undefined) {
      where.push('created_at <= @to');
      params.to = q.createdTo;
    }
    if (q.prefix) {
      where.push("instance_id LIKE @prefix ESCAPE '\\'");
      params.prefix = `${q.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const limit = q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(q.limit))}` : '';
    const sql = `SELECT * FROM instances${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, instance_id${limit}`;
    return this.#db.prepare<Record<string, unknown>, InstanceRow>(sql).all(params).map(fromRow);
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#stmt.counts.all().map((r) => [r.status, r.n]));
  }

  addWork(w: NewWork): void {
    this.#stmt.insertWork.run({
      instance_id: w.instanceId,
      execution_id: w.executionId,
      kind: w.kind,
      due_at: w.dueAt,
      payload: JSON.stringify(w.payload ?? null),
    });
  }

  deleteWork(id: number): void {
    this.#stmt.deleteWork.run(id);
  }

  deleteWorkOf(instanceId: string): void {
    this.#stmt.deleteWorkOf.run(instanceId);
  }

  workOf(instanceId: string): WorkItem[] {
    return this.#stmt.workOf.all(instanceId).map(fromWorkRow);
  }

  /** The oldest work due at `now`, skipping what a suspended instance must not do yet. */
  nextReady(now: number): WorkItem | undefined {
    const row = this.#stmt.nextReady.get(now);
    return row ? fromWorkRow(row) : undefined;
  }

  /** When the earliest pending work is due (in the past when some is ready now). */
  nextDue(): number | undefined {
    return this.#stmt.nextDue.get()?.due ?? undefined;
  }
}

function fromRow(row: InstanceRow): InstanceRecord {
  return {
    instanceId: row.instance_id,
    name: row.name,
    executionId: row.execution_id,
    status: z.enum(RUNTIME_STATUSES).parse(row.status),
    input: row.input,
    output: row.output,
    customStatus: row.custom_status,
    history: JSON.parse(row.history) as HistoryEvent[],
    engine: EngineStateSchema.parse(JSON.parse(row.engine)),
    parentInstanceId: row.parent_instance_id,
    parentExecutionId: row.parent_execution_id,
    parentTaskId: row.parent_task_id,
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
  };
}

const WORK_KINDS: readonly WorkKind[] = ['start', 'message', 'activity', 'timer', 'terminate', 'suspend', 'resume'];

function fromWorkRow(row: WorkRow): WorkItem {
  if (!(WORK_KINDS as readonly string[]).includes(row.kind)) throw new Error(`Unknown work kind "${row.kind}" in the durable store.`);
  return {
    id: row.id,
    instanceId: row.instance_id,
    executionId: row.execution_id,
    kind: row.kind as WorkKind,
    dueAt: row.due_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}

export type { RetryOptions };
