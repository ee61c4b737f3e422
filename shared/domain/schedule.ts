import { z } from 'zod';
import type { Role } from './golive';

/*
 * Forum schedules as data (R5). A go-live carries one schedule per forum: phases over day
 * ranges relative to day 0 (the go-live Friday), each with a cadence in local wall-clock time.
 * The table of R5 is the default; a go-live may replace any part of it (R5.2), and every
 * replacement is kept as a version so meetings that already started keep their definition.
 *
 * This module does not import golive.ts at run time (golive.ts builds its schema from this
 * one): the role list is passed in through `schedulesSchema(ROLES)`.
 */

/** The three forums of the routine (R5). */
export const FORUMS = ['DSL', 'CSL', 'LGV'] as const;
export type Forum = (typeof FORUMS)[number];

export const FORUM_NAMES: Record<Forum, { sv: string; en: string }> = {
  DSL: { sv: 'DSL – Driftsättningsledningen', en: 'DSL – go-live leadership' },
  CSL: { sv: 'CSL – Cosmic Särskild Ledning', en: 'CSL – Cosmic special leadership' },
  LGV: { sv: 'LGV – Ledningsgrupp Vård', en: 'LGV – care leadership group' },
};

/** `HH:MM`, 00:00–23:59, local time of the go-live. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'HH:MM' });

/** Minutes after local midnight of `HH:MM` (wall clock, not elapsed time). */
export const minutesOfDay = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

const Day = z.number().int().min(-30).max(90);

/**
 * How often a forum meets inside a phase (R5.0):
 * - `every`: every `everyMinutes` from `from` to `to`, both ends included ("every 2 h [08–20]");
 * - `times`: at fixed times ("twice a day [09:00, 15:00]");
 * - `before`: one meeting `minutesBefore` each scheduled meeting of `forum` that day ("[:30 before DSL]").
 */
export const Cadence = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('every'),
      everyMinutes: z
        .number()
        .int()
        .min(5)
        .max(24 * 60),
      from: LocalTime,
      to: LocalTime,
    })
    .refine((c) => minutesOfDay(c.from) <= minutesOfDay(c.to), {
      message: 'from måste vara före to / from must not be after to',
      path: ['to'],
    }),
  z.object({
    type: z.literal('times'),
    times: z
      .array(LocalTime)
      .min(1)
      .max(48)
      .refine((t) => new Set(t).size === t.length, { message: 'samma tid två gånger / duplicate time' }),
  }),
  z.object({
    type: z.literal('before'),
    forum: z.enum(FORUMS),
    minutesBefore: z
      .number()
      .int()
      .min(0)
      .max(12 * 60),
  }),
]);
export type Cadence = z.infer<typeof Cadence>;

/** Days `fromDay`..`toDay` (inclusive, day 0 = go-live Friday) with one cadence. */
export const Phase = z
  .object({
    fromDay: Day,
    toDay: Day,
    cadence: Cadence,
    /** Overrides the forum's duration in this phase. */
    durationMinutes: z
      .number()
      .int()
      .min(5)
      .max(8 * 60)
      .optional(),
  })
  .refine((p) => p.fromDay <= p.toDay, { message: 'fromDay måste vara ≤ toDay / fromDay must be ≤ toDay', path: ['toDay'] });
export type Phase = z.infer<typeof Phase>;

/**
 * When reminders and agendas go out (R3.3, R4.4, R6.5, R9.1). Every value is configuration
 * with the routine's default.
 */
export const ReminderRules = z.object({
  /** Days (relative to day 0) on which the R3.3 check points apply. */
  checkpointFromDay: Day.default(0),
  checkpointToDay: Day.default(7),
  /** R4.4: reminder to area coordinators who have not reported since the previous DSL. */
  areaReminderMinutesBefore: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** R4.4: the area report deadline before each DSL. */
  areaDeadlineMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  /** R9.1: reminder to IM for P1/P2 incidents without an update since the previous DSL. */
  incidentReminderMinutesBefore: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** R6.5: the agenda is built and sent this long before each meeting. */
  agendaMinutesBefore: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(10),
  /** R4.1/R3.5: areas whose status is the care units' reports get no area-report reminders. */
  areaReminderExcludedAreaIds: z.array(z.string()).default(['verksamhetens-inforande']),
});
export type ReminderRules = z.infer<typeof ReminderRules>;

/** One forum's schedule: its duration (R5.3), who takes part (by role, R1) and its phases (R5). */
export const forumScheduleSchema = <R extends string>(roles: readonly [R, ...R[]]) =>
  z.object({
    durationMinutes: z
      .number()
      .int()
      .min(5)
      .max(8 * 60),
    participants: z.array(z.enum(roles)).min(1),
    phases: z.array(Phase).max(60),
  });

/**
 * The participants of the routine's forums, as the routine lists them (R1; issue 15 item 10):
 * DSL — the go-live lead (chair), the coordinator (DSL's decision log), the programme manager,
 * the area coordinators (report to DSL) and IM ("member of DSL"); CSL — its chair, the
 * förvaltningar's representatives, the chief medical officer (work practices are anchored in
 * CSL) and the LGV liaison (the link between CSL and LGV); LGV — the region's care leadership,
 * whose members are not Driftpuls roles, reached through the LGV liaison. The lead, the
 * coordinator and IM are not invited to LGV by default: they sit in DSL, which every LGV
 * meeting of day 0 overlaps.
 */
export const DEFAULT_PARTICIPANTS = {
  DSL: ['goLiveLead', 'goLiveCoordinator', 'programmeManager', 'areaCoordinator', 'incidentManager'],
  CSL: ['cslChair', 'cslRepresentative', 'chiefMedicalOfficer', 'lgvLiaison'],
  LGV: ['lgvLiaison'],
} as const satisfies Record<Forum, readonly Role[]>;

const every = (fromDay: number, toDay: number, hours: number, from: string, to: string): Phase => ({
  fromDay,
  toDay,
  cadence: { type: 'every', everyMinutes: hours * 60, from, to },
});
const times = (fromDay: number, toDay: number, ...t: string[]): Phase => ({ fromDay, toDay, cadence: { type: 'times', times: t } });
const before = (fromDay: number, toDay: number, forum: Forum, minutesBefore: number): Phase => ({
  fromDay,
  toDay,
  cadence: { type: 'before', forum, minutesBefore },
});

/**
 * The table of R5 with the system's defaults in brackets, day 0 = the go-live Friday:
 * DSL every 2 h [08–20] on day 0, every hour [07–21] days 1–3, every 2 h [08–18] day 4,
 * [09:00, 15:00] days 5–7; CSL [07:30, 13:30] day 0, 30 min before each DSL days 1–4,
 * [08:30, 14:30] days 5–7; LGV [08, 12, 16] day 0, every 2 h [08–20] days 1–3, [08, 12, 16]
 * day 4. Durations R5.3: DSL 30, CSL 30, LGV 45 minutes.
 */
export const DEFAULT_FORUM_SCHEDULES = {
  DSL: {
    durationMinutes: 30,
    participants: [...DEFAULT_PARTICIPANTS.DSL],
    phases: [
      every(0, 0, 2, '08:00', '20:00'),
      every(1, 3, 1, '07:00', '21:00'),
      every(4, 4, 2, '08:00', '18:00'),
      times(5, 7, '09:00', '15:00'),
    ],
  },
  CSL: {
    durationMinutes: 30,
    participants: [...DEFAULT_PARTICIPANTS.CSL],
    phases: [times(0, 0, '07:30', '13:30'), before(1, 3, 'DSL', 30), before(4, 4, 'DSL', 30), times(5, 7, '08:30', '14:30')],
  },
  LGV: {
    durationMinutes: 45,
    participants: [...DEFAULT_PARTICIPANTS.LGV],
    phases: [times(0, 0, '08:00', '12:00', '16:00'), every(1, 3, 2, '08:00', '20:00'), times(4, 4, '08:00', '12:00', '16:00')],
  },
} satisfies Record<Forum, { durationMinutes: number; participants: Role[]; phases: Phase[] }>;

/**
 * The schedules of a go-live, built with the routine's role list (golive.ts passes `ROLES`).
 * Each forum and each reminder rule defaults on its own, so a PUT may send only what differs.
 */
export function schedulesSchema<R extends string>(roles: readonly [R, ...R[]]) {
  const forum = forumScheduleSchema(roles);
  const dflt = (f: Forum) => forum.parse(structuredClone(DEFAULT_FORUM_SCHEDULES[f]));
  return z
    .object({
      forums: z
        .object({ DSL: forum.default(() => dflt('DSL')), CSL: forum.default(() => dflt('CSL')), LGV: forum.default(() => dflt('LGV')) })
        .default(() => ({ DSL: dflt('DSL'), CSL: dflt('CSL'), LGV: dflt('LGV') })),
      reminders: ReminderRules.default(() => ReminderRules.parse({})),
    })
    .superRefine((s, ctx) => {
      // A `before` cadence hangs on another forum's own times; chains and self-references could not be computed.
      for (const f of FORUMS)
        s.forums[f].phases.forEach((p, i) => {
          if (p.cadence.type !== 'before') return;
          const target = p.cadence.forum;
          const path = ['forums', f, 'phases', i, 'cadence', 'forum'];
          if (target === f)
            ctx.addIssue({ code: 'custom', path, message: 'ett forum kan inte mötas före sig självt / a forum cannot meet before itself' });
          else if (s.forums[target].phases.some((q) => q.cadence.type === 'before'))
            ctx.addIssue({
              code: 'custom',
              path,
              message: `${target} har själv ett schema relativt ett annat forum / ${target} is itself scheduled relative to another forum`,
            });
        });
    });
}

/** The schedules type, with participants typed as the routine's roles. */
export type Schedules = z.output<ReturnType<typeof schedulesSchema<Role>>>;
export type ForumSchedule = Schedules['forums'][Forum];

/** One version of a go-live's schedules, in force for meetings starting at or after `effectiveFrom` (R5.2). */
export interface ScheduleVersion {
  effectiveFrom: string;
  schedules: Schedules;
}

/** Zod for stored versions (the go-live document carries them). */
export const scheduleVersionSchema = <R extends string>(roles: readonly [R, ...R[]]) =>
  z.object({ effectiveFrom: z.string(), schedules: schedulesSchema(roles) });

/** Same data, whatever the key order: schedules are compared after a round trip through JSON. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

/** At most this many versions are kept; older ones only decide meetings long past. */
export const MAX_SCHEDULE_VERSIONS = 50;

/**
 * The schedule history after a go-live is written (R5.2): unchanged schedules keep the
 * history; changed ones add a version in force from `now`, so every meeting that already
 * started keeps the definition it started under, and only future meetings change.
 */
export function nextScheduleHistory(
  previous: { schedules: Schedules; scheduleHistory?: ScheduleVersion[] } | undefined,
  schedules: Schedules,
  now: string,
): ScheduleVersion[] {
  if (!previous) return [{ effectiveFrom: now, schedules }];
  const history = previous.scheduleHistory?.length ? previous.scheduleHistory : [{ effectiveFrom: now, schedules: previous.schedules }];
  const current = history[history.length - 1]!;
  if (canonical(current.schedules) === canonical(schedules)) return history;
  // A version replaced at the same instant it began never governed a meeting.
  const kept = history.filter((v) => v.effectiveFrom < now);
  return [...kept, { effectiveFrom: now, schedules }].slice(-MAX_SCHEDULE_VERSIONS);
}

/**
 * The versions to compute meetings from, oldest first. The first version governs every
 * meeting before the second one's `effectiveFrom`, however early: a go-live created the
 * morning of day 0 still has its whole week.
 */
export function scheduleVersionsOf(goLive: {
  schedules: Schedules;
  scheduleHistory?: ScheduleVersion[];
  createdAt: string;
}): ScheduleVersion[] {
  if (goLive.scheduleHistory?.length) return goLive.scheduleHistory;
  // The same array for the same schedules object, so callers can remember results by it.
  let single = SINGLE.get(goLive.schedules);
  if (!single || single[0]!.effectiveFrom !== goLive.createdAt)
    SINGLE.set(goLive.schedules, (single = [{ effectiveFrom: goLive.createdAt, schedules: goLive.schedules }]));
  return single;
}
const SINGLE = new WeakMap<Schedules, ScheduleVersion[]>();

/** The last day (relative to day 0) on which any version schedules a meeting or a check point. */
export function lastScheduledDay(versions: readonly ScheduleVersion[]): number {
  let last = 0;
  for (const v of versions) {
    last = Math.max(last, v.schedules.reminders.checkpointToDay);
    for (const f of FORUMS) for (const p of v.schedules.forums[f].phases) last = Math.max(last, p.toDay);
  }
  return last;
}

/** The first such day (may be before day 0, e.g. a rehearsal phase). */
export function firstScheduledDay(versions: readonly ScheduleVersion[]): number {
  let first = 0;
  for (const v of versions) {
    first = Math.min(first, v.schedules.reminders.checkpointFromDay);
    for (const f of FORUMS) for (const p of v.schedules.forums[f].phases) first = Math.min(first, p.fromDay);
  }
  return first;
}
