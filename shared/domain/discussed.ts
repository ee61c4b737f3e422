import { z } from 'zod';
import type { Agenda, AgendaItem, AgendaSection } from './agenda';
import { Actor } from './audit';
import type { Role } from './golive';
import type { Forum } from './schedule';

/*
 * "Avklarad" (discussed) in meeting mode (issue 16): the chair or coordinator ticks an agenda
 * item off for one meeting occurrence, and everyone sees the tick, with who and when. The
 * marks of a meeting are kept together (one note per meeting, kind `discussed`); every
 * applied request is remembered by id, so a retried or late request is never applied twice.
 */

/** What the chair sends: which item (its `key` on the agenda) and whether it is discussed. */
export const DiscussedInput = z.object({
  itemKey: z.string().min(1).max(300),
  discussed: z.boolean(),
});
export type DiscussedInput = z.infer<typeof DiscussedInput>;

export const DiscussedMark = z.object({
  discussed: z.boolean(),
  /** The person's name as the go-live lists them (or as signed in). */
  byName: z.string(),
  by: Actor.optional(),
  at: z.string(),
});
export type DiscussedMark = z.infer<typeof DiscussedMark>;

/** How many applied requests a meeting remembers for replays: far more than one meeting's ticks. */
export const DISCUSSED_APPLIED_MAX = 500;

/** The `data` of a meeting's `discussed` note. */
export const DiscussedMarks = z.object({
  items: z.record(z.string(), DiscussedMark),
  /** Every request applied, oldest first: what a replay of it answers. */
  applied: z
    .array(z.object({ id: z.string(), requestHash: z.string(), itemKey: z.string(), byName: z.string(), at: z.string() }))
    .max(DISCUSSED_APPLIED_MAX),
});
export type DiscussedMarks = z.infer<typeof DiscussedMarks>;

/**
 * Who chairs or coordinates each forum (R1: the go-live lead chairs DSL and the coordinator
 * keeps its log; the CSL chair runs CSL; the LGV liaison is the link to LGV). The go-live lead
 * and coordinator may mark any forum's items (they are not narrowed, access.ts); these roles
 * only their own forum's.
 */
export const FORUM_CHAIRS: Record<Forum, readonly Role[]> = {
  DSL: ['goLiveLead', 'goLiveCoordinator'],
  CSL: ['cslChair'],
  LGV: ['lgvLiaison'],
};

/** An item's stable key within its agenda: its section and what it refers to, else its place. */
function keyOf(section: AgendaSection, item: AgendaItem, index: number): string {
  return `${section.key}/${item.ref ? `${item.ref.type}:${item.ref.id}` : `#${index}`}`;
}

/** The agenda with each item's `key`, and `discussed` where a mark says so. Pure. */
export function withDiscussed(agenda: Agenda, marks?: DiscussedMarks): Agenda {
  return {
    ...agenda,
    sections: agenda.sections.map((s) => {
      const seen = new Set<string>();
      return {
        ...s,
        items: s.items.map((item, n) => {
          let key = keyOf(s, item, n);
          if (seen.has(key)) key = `${key}#${n}`;
          seen.add(key);
          const mark = marks?.items[key];
          return { ...item, key, ...(mark?.discussed ? { discussed: { by: mark.byName, at: mark.at } } : {}) };
        }),
      };
    }),
  };
}

/** Every item key of an agenda built by `withDiscussed`. */
export const itemKeys = (agenda: Agenda): Set<string> =>
  new Set(agenda.sections.flatMap((s) => s.items.flatMap((i) => (i.key ? [i.key] : []))));

/** The marks after one request: the item's mark set, the request remembered (oldest forgotten first). Pure. */
export function applyDiscussed(
  marks: DiscussedMarks,
  request: { id: string; requestHash: string; input: DiscussedInput; by?: Actor; byName: string; at: string },
): DiscussedMarks {
  const mark: DiscussedMark = {
    discussed: request.input.discussed,
    byName: request.byName,
    ...(request.by ? { by: request.by } : {}),
    at: request.at,
  };
  const applied = [
    ...marks.applied,
    { id: request.id, requestHash: request.requestHash, itemKey: request.input.itemKey, byName: request.byName, at: request.at },
  ];
  return {
    items: { ...marks.items, [request.input.itemKey]: mark },
    applied: applied.slice(-DISCUSSED_APPLIED_MAX),
  };
}
