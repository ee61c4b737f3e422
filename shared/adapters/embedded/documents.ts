import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { CreateResult, Versioned } from '../../ports/repository.port';
import { StoreConflictError } from '../../ports/repository.port';
import type { DocShape, DocType } from '../doc-types';
import { fieldOf } from '../doc-types';

export interface DocRow {
  type: DocType;
  etag: string;
  body: string;
}

/** One row as written: `ref` and `sort_key` are what the list and snapshot queries filter and order by. */
export interface DocWrite {
  pk: string;
  id: string;
  type: DocType;
  ref: string | null;
  sort_key: string | null;
  etag: string;
  body: string;
}

export const docId = (type: DocType, key: string) => `${type}:${key}`;

export function write(pk: string, id: string, type: DocType, value: unknown, ref: string | null, sortKey: string | null): DocWrite {
  return { pk, id, type, ref, sort_key: sortKey, etag: randomUUID(), body: JSON.stringify(value) };
}

/** Documents read back are a boundary too: a row written by an older version must still fit the domain. */
export function parseBody<T>(schema: z.ZodType<T>, row: { body: string }): T {
  return schema.parse(JSON.parse(row.body));
}

/** The statements every aggregate's documents share (prepared once per connection). */
export function prepareDocStatements(db: Database.Database) {
  return {
    get: db.prepare<[string, string], DocRow>('SELECT type, etag, body FROM docs WHERE pk = ? AND id = ?'),
    insertIfAbsent: db.prepare<DocWrite>(
      `INSERT INTO docs (pk, id, type, ref, sort_key, etag, body) VALUES (@pk, @id, @type, @ref, @sort_key, @etag, @body)
       ON CONFLICT (pk, id) DO NOTHING`,
    ),
    upsert: db.prepare<DocWrite>(
      `INSERT INTO docs (pk, id, type, ref, sort_key, etag, body) VALUES (@pk, @id, @type, @ref, @sort_key, @etag, @body)
       ON CONFLICT (pk, id) DO UPDATE SET type = excluded.type, ref = excluded.ref, sort_key = excluded.sort_key,
         etag = excluded.etag, body = excluded.body`,
    ),
    replaceIfMatch: db.prepare<DocWrite & { expected: string }>(
      `UPDATE docs SET type = @type, ref = @ref, sort_key = @sort_key, etag = @etag, body = @body
       WHERE pk = @pk AND id = @id AND etag = @expected`,
    ),
    listByRef: db.prepare<[string, DocType, string, number], DocRow>(
      'SELECT type, etag, body FROM docs WHERE pk = ? AND type = ? AND ref = ? ORDER BY sort_key DESC, id DESC LIMIT ?',
    ),
    listByType: db.prepare<[string, DocType], DocRow>(
      'SELECT type, etag, body FROM docs WHERE pk = ? AND type = ? ORDER BY sort_key DESC, id DESC',
    ),
  };
}

export type DocStatements = ReturnType<typeof prepareDocStatements>;

/**
 * One aggregate's documents in the `docs` table, the plumbing written once: a value to its
 * row (its `ref` and `sort_key` are the fields its shape names, `DOCS` in doc-types.ts),
 * create-if-absent (a replay gets the stored value back), read, replace under an ETag, and
 * lists, every row parsed back through the aggregate's zod schema. Synchronous: the
 * repository runs each call inside its guard (and, where it must, a transaction).
 */
export class SqliteDocuments<T> {
  constructor(
    private readonly stmt: DocStatements,
    private readonly shape: DocShape<T>,
  ) {}

  row(value: T): DocWrite {
    const s = this.shape;
    return write(s.pk(value), docId(s.type, s.key(value)), s.type, value, fieldOf(value, s.ref), fieldOf(value, s.sort));
  }

  /** Inserts unless the id exists; a replay gets the stored value back, not the one it sent. */
  create(value: T): CreateResult<T> {
    const { value: stored, created } = this.claim(value);
    return { value: stored, created };
  }

  /** As `create`, with the stored version: a claim the caller may go on to update. */
  claim(value: T): CreateResult<T> & { etag: string } {
    const doc = this.row(value);
    if (this.stmt.insertIfAbsent.run(doc).changes > 0) return { value, created: true, etag: doc.etag };
    const stored = this.get(doc.pk, this.shape.key(value));
    if (!stored) throw new Error(`document ${doc.pk}/${doc.id} vanished inside a transaction`);
    return { value: stored.value, created: false, etag: stored.etag };
  }

  get(pk: string, key: string): Versioned<T> | undefined {
    const row = this.stmt.get.get(pk, docId(this.shape.type, key));
    return row && { value: parseBody(this.shape.schema, row), etag: row.etag };
  }

  /** Replaces the value if `etag` still matches, else (or if it no longer exists) `StoreConflictError`. */
  replace(value: T, etag: string): Versioned<T> {
    const doc = this.row(value);
    if (this.stmt.replaceIfMatch.run({ ...doc, expected: etag }).changes === 0)
      throw new StoreConflictError(`${this.shape.name(value)} changed or does not exist`);
    return { value, etag: doc.etag };
  }

  /** Writes the value whatever is stored. */
  upsert(value: T): void {
    this.stmt.upsert.run(this.row(value));
  }

  /** Every document of the type in the partition, newest `sort` first, equal ones by id descending. */
  listNewest(pk: string): T[] {
    return this.stmt.listByType.all(pk, this.shape.type).map((row) => parseBody(this.shape.schema, row));
  }

  /** Documents with this `ref`, newest first, at most `limit`. */
  listByRef(pk: string, ref: string, limit: number): T[] {
    const n = Math.max(0, Math.trunc(limit));
    if (n === 0) return [];
    return this.stmt.listByRef.all(pk, this.shape.type, ref, n).map((row) => parseBody(this.shape.schema, row));
  }
}
