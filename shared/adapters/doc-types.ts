import { z } from 'zod';
import { AreaReport, AreaStatus } from '../domain/area-report';
import { DispatchRecord, TickCursor } from '../domain/calendar-actions';
import { Incident } from '../domain/incident';
import { AdHocMeeting } from '../domain/meetings';
import { Note } from '../domain/notes';
import { UnitReport, UnitStatus } from '../domain/unit-report';
import { Challenge } from '../escalation/domain/challenge';

/**
 * The document types both stores keep (SQLite's `docs` table, the Cosmos container); a
 * document's id is `type:key` in either.
 */
export type DocType =
  | 'golive'
  | 'unitReport'
  | 'unitStatus'
  | 'areaReport'
  | 'areaStatus'
  | 'incident'
  | 'challenge'
  | 'marker'
  | 'note'
  | 'meeting'
  | 'tickCursor'
  | 'dispatch';

/** Markers are not per go-live: their partition, which cannot clash with a go-live id (a slug). */
export const RUNTIME_PARTITION = '_runtime';

/** An operational marker as stored (`putMarker`), read back through this in either store. */
export const RuntimeMarkerDoc = z.object({
  name: z.string(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** The fields of a value that hold a string: what a list can filter or order by. */
export type StringField<T> = { [K in keyof T]-?: T[K] extends string ? K : never }[keyof T] & string;

/**
 * Where one aggregate's value lives in either store, and what lists see of it; each store's
 * helper (`SqliteDocuments`, `CosmosDocuments`) does its CRUD from this and nothing else.
 */
export interface DocShape<T> {
  type: DocType;
  schema: z.ZodType<T>;
  /** The partition: the go-live id. */
  pk(value: T): string;
  /** The id within its type (the document id is `type:key`). */
  key(value: T): string;
  /** The value's own `id` from its key, for a value that has an `id` (Cosmos keeps the document id in its place). */
  idOfKey?(key: string): string;
  /** The field lists filter by: SQLite's `ref` column, the field a Cosmos query compares. */
  ref?: StringField<T>;
  /** The field with the instant lists order by: SQLite's `sort_key`; Cosmos' `sortKey` is `instant|id`. */
  sort?: StringField<T>;
  /** How a conflict names it: `incident 'x'`. */
  name(value: T): string;
}

/** A string field of a value, or null for none. */
export const fieldOf = <T>(value: T, field: StringField<T> | undefined): string | null =>
  field === undefined ? null : (value[field] as string);

/** The value's own id: the key, less what `idOfKey` takes off (a note's kind). */
export const ownIdOf = <T>(shape: DocShape<T>, value: T): string => {
  const key = shape.key(value);
  return shape.idOfKey ? shape.idOfKey(key) : key;
};

const sameAsKey = (key: string) => key;

/** An aggregate of a go-live: partitioned by its `goLiveId`, named in a conflict by its key. */
function inGoLive<T extends { goLiveId: string }>(
  type: DocType,
  schema: z.ZodType<T>,
  key: (value: T) => string,
  what: string,
  lists: Pick<DocShape<T>, 'idOfKey' | 'ref' | 'sort'>,
): DocShape<T> {
  return { type, schema, pk: (v) => v.goLiveId, key, name: (v) => `${what} '${key(v)}'`, ...lists };
}

/**
 * Every per-go-live aggregate's documents, once for both stores. `ref` = a report's unit or
 * area, an incident's status and a challenge's state (the snapshot finds the open ones), a
 * meeting's forum, a claim's or a note's kind.
 */
export const DOCS = {
  unitReport: inGoLive('unitReport', UnitReport, (r) => r.id, 'unit report', { idOfKey: sameAsKey, ref: 'unitId', sort: 'reportedAt' }),
  unitStatus: inGoLive('unitStatus', UnitStatus, (s) => s.unitId, 'unit status', { ref: 'unitId' }),
  areaReport: inGoLive('areaReport', AreaReport, (r) => r.id, 'area report', { idOfKey: sameAsKey, ref: 'areaId', sort: 'reportedAt' }),
  areaStatus: inGoLive('areaStatus', AreaStatus, (s) => s.areaId, 'area status', { ref: 'areaId' }),
  incident: inGoLive('incident', Incident, (i) => i.id, 'incident', { idOfKey: sameAsKey, ref: 'status', sort: 'openedAt' }),
  challenge: inGoLive('challenge', Challenge, (c) => c.id, 'challenge', { idOfKey: sameAsKey, ref: 'state', sort: 'raisedAt' }),
  meeting: inGoLive('meeting', AdHocMeeting, (m) => m.id, 'meeting', { idOfKey: sameAsKey, ref: 'forum', sort: 'start' }),
  dispatch: inGoLive('dispatch', DispatchRecord, (d) => d.actionId, 'dispatch', { ref: 'kind', sort: 'dueAt' }),
  // note:{kind}:{id}
  note: inGoLive('note', Note, (n) => `${n.kind}:${n.id}`, 'note', {
    idOfKey: (key) => key.slice(key.indexOf(':') + 1),
    ref: 'kind',
    sort: 'at',
  }),
  // One cursor per go-live.
  tickCursor: {
    ...inGoLive('tickCursor', TickCursor, () => 'calendar', 'tick cursor', {}),
    name: (c: TickCursor) => `tick cursor of '${c.goLiveId}'`,
  },
};

export type Docs = typeof DOCS;
/** The value type of an aggregate of `DOCS`. */
export type DocValue<K extends keyof Docs> = Docs[K] extends DocShape<infer T> ? T : never;

/** A store's helper for every aggregate of `DOCS`, made by `make` from its shape (the caller names the precise type). */
export function forEachDoc<R>(make: (shape: DocShape<unknown>) => R): Record<keyof Docs, R> {
  const entries = Object.entries(DOCS).map(([k, shape]) => [k, make(shape as unknown as DocShape<unknown>)]);
  return Object.fromEntries(entries) as Record<keyof Docs, R>;
}
