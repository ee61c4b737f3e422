import { DateTime } from 'luxon';
import { z } from 'zod';
import { Actor } from './audit';
import type { Texts } from './errors';
import type { GoLive, Role } from './golive';
import { ROLES } from './golive';
import { Instant, Slug } from './ids';
import type { Forum, ForumSchedule, Schedules, ScheduleVersion } from './schedule';
import { FORUM_NAMES, FORUMS, firstScheduledDay, lastScheduledDay, minutesOfDay, scheduleVersionsOf } from './schedule';

/*
 * Meetings as first-class objects (R5): occurrences computed from a go-live's schedule
 * versions, plus ad-hoc meetings of any forum (R5.1). Every meeting has a stable id (same
 * input → same id): `dsl-2026-11-27T0800` for a scheduled one (forum + local start), an id
 * derived from the client's id or Idempotency-Key for an ad-hoc one.
 */

/** A meeting of a forum, scheduled or ad hoc. Instants are UTC; `local*` are wall-clock times in the go-live's zone. */
export interface Meeting {
  id: string;
  goLiveId: string;
  forum: Forum;
  start: string;
  end: string;
  /** `2026-11-27T08:00`, in the go-live's time zone. */
  localStart: string;
  localEnd: string;
  /** Day relative to day 0 (the go-live Friday), from the local start date. */
  day: number;
  source: 'schedule' | 'adHoc';
  /** Who takes part, by role (R1); the forum's schedule decides, an ad-hoc meeting may name its own. */
  participantRoles: Role[];
  title: Texts;
  /**
   * Since when the system has known of this meeting: the schedule version that first had it
   * (absent for the go-live's first version) or the ad-hoc meeting's creation. Reminders and
   * agendas are never due before it (a meeting added at 09:55 for 10:00 still gets its agenda).
   */
  knownSince?: string;
  /** Ad hoc: why it was called. */
  reason?: string;
  createdBy?: Actor;
}

/** An ad-hoc meeting as a client asks for it (R5.1). */
export const AdHocMeetingInput = z.object({
  /** Optional client-chosen id; the same id is the same meeting (idempotent). */
  id: Slug.optional(),
  forum: z.enum(FORUMS),
  start: Instant,
  /** Default: the forum's duration (R5.3). */
  durationMinutes: z
    .number()
    .int()
    .min(5)
    .max(8 * 60)
    .optional(),
  title: z.string().trim().min(1).max(200).optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
  /** Default: the forum's participants. */
  participantRoles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional(),
});
export type AdHocMeetingInput = z.infer<typeof AdHocMeetingInput>;

/** An ad-hoc meeting as stored. */
export const AdHocMeeting = z.object({
  id: z.string(),
  goLiveId: z.string(),
  forum: z.enum(FORUMS),
  start: z.string(),
  end: z.string(),
  title: z.string().optional(),
  reason: z.string().optional(),
  participantRoles: z.array(z.enum(ROLES)),
  createdAt: z.string(),
  recordedBy: Actor.optional(),
  requestHash: z.string(),
});
export type AdHocMeeting = z.infer<typeof AdHocMeeting>;

const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** Local midnight of day `day` (calendar days from day 0, so a DST day is 23 or 25 hours long). */
export function localDateOfDay(goLive: Pick<GoLive, 'startDate' | 'timeZone'>, day: number): DateTime {
  return DateTime.fromISO(goLive.startDate, { zone: goLive.timeZone }).plus({ days: day }).startOf('day');
}

/** The day (relative to day 0) that `at` falls on in the go-live's zone. */
export function dayOf(goLive: Pick<GoLive, 'startDate' | 'timeZone'>, at: Date | string): number {
  const local = DateTime.fromJSDate(typeof at === 'string' ? new Date(at) : at, { zone: goLive.timeZone });
  // Calendar dates compared as dates (no offsets): a 23- or 25-hour day still counts as one.
  const [y, m, d] = goLive.startDate.split('-').map(Number);
  return Math.round((Date.UTC(local.year, local.month - 1, local.day) - Date.UTC(y!, m! - 1, d!)) / 86_400_000);
}

/**
 * A wall-clock time on a local date, in the go-live's zone (luxon resolves it, no offset
 * arithmetic here). A time that does not exist (the spring-forward gap: 02:30 on the last
 * Sunday of March in Stockholm) moves forward by the gap, to 03:30; a time that exists twice
 * (fall back: 02:30 on the last Sunday of October) is the later one, in standard time.
 */
export function wallClock(date: DateTime, minutes: number): DateTime {
  return DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: date.zone },
  );
}

interface Occurrence {
  start: DateTime;
  durationMinutes: number;
}

/** One forum's occurrences on one day under one version of the schedules, earliest first (R5.0). */
function forumOccurrences(schedules: Schedules, forum: Forum, day: number, date: DateTime): Occurrence[] {
  const fs: ForumSchedule = schedules.forums[forum];
  const out = new Map<number, Occurrence>();
  for (const phase of fs.phases) {
    if (day < phase.fromDay || day > phase.toDay) continue;
    const durationMinutes = phase.durationMinutes ?? fs.durationMinutes;
    const starts: DateTime[] = [];
    const c = phase.cadence;
    switch (c.type) {
      case 'every':
        for (let m = minutesOfDay(c.from); m <= minutesOfDay(c.to); m += c.everyMinutes) starts.push(wallClock(date, m));
        break;
      case 'times':
        for (const t of c.times) starts.push(wallClock(date, minutesOfDay(t)));
        break;
      case 'before':
        // The other forum's own meetings that day; validation forbids chains of `before`.
        for (const o of forumOccurrences(schedules, c.forum, day, date)) starts.push(o.start.minus({ minutes: c.minutesBefore }));
        break;
    }
    // Overlapping phases name the same meeting once.
    for (const start of starts) if (!out.has(start.toMillis())) out.set(start.toMillis(), { start, durationMinutes });
  }
  return [...out.values()].sort((a, b) => a.start.toMillis() - b.start.toMillis());
}

const forumTitle = (forum: Forum): Texts => FORUM_NAMES[forum];

/** The id of a scheduled meeting: forum and local start, `dsl-2026-11-27T0800`. */
export const scheduledMeetingId = (forum: Forum, localStart: DateTime): string =>
  `${forum.toLowerCase()}-${localStart.toFormat("yyyy-MM-dd'T'HHmm")}`;

function toMeeting(
  goLive: Pick<GoLive, 'id' | 'timeZone'>,
  forum: Forum,
  o: Occurrence,
  day: number,
  participantRoles: Role[],
  knownSince: string | undefined,
): Meeting {
  const start = o.start.setZone(goLive.timeZone);
  const end = start.plus({ minutes: o.durationMinutes });
  return {
    id: scheduledMeetingId(forum, start),
    goLiveId: goLive.id,
    forum,
    start: start.toUTC().toISO()!,
    end: end.toUTC().toISO()!,
    localStart: start.toFormat(LOCAL_FORMAT),
    localEnd: end.toFormat(LOCAL_FORMAT),
    day,
    source: 'schedule',
    participantRoles: [...participantRoles],
    title: forumTitle(forum),
    ...(knownSince ? { knownSince } : {}),
  };
}

type GoLiveForSchedule = Pick<GoLive, 'id' | 'startDate' | 'timeZone' | 'schedules' | 'scheduleHistory' | 'createdAt'>;

/**
 * The scheduled meetings of one day, all forums, earliest first (R5). Each meeting comes
 * from the schedule version in force at its start (R5.2): a version governs the meetings
 * starting from its `effectiveFrom` until the next version's; the first governs everything
 * before the second.
 */
export function scheduledMeetingsOnDay(
  goLive: GoLiveForSchedule,
  day: number,
  versions: readonly ScheduleVersion[] = scheduleVersionsOf(goLive),
): Meeting[] {
  // Time-zone resolution is the costly part and a tick asks for the same few days every
  // minute: the result is a function of these inputs only, so it is remembered.
  return memo(DAY_CACHE, `${goLive.id}|${goLive.startDate}|${goLive.timeZone}|${day}|${versionsKey(versions)}`, () =>
    computeDay(goLive, day, versions),
  );
}

/** Cached days and check points; entries are frozen, so a caller cannot change what another reads. */
const DAY_CACHE = new Map<string, readonly Meeting[]>();
const CACHE_MAX = 2000;
const KEYS = new WeakMap<readonly ScheduleVersion[], string>();

const INTERNED = new Map<string, string>();

/** A short content key of the schedule versions: the same versions, read again, give the same key. */
export function versionsKey(versions: readonly ScheduleVersion[]): string {
  let k = KEYS.get(versions);
  if (k === undefined) {
    const json = JSON.stringify(versions);
    k = INTERNED.get(json);
    if (k === undefined) {
      if (INTERNED.size >= CACHE_MAX) INTERNED.clear();
      INTERNED.set(json, (k = `v${INTERNED.size}:${json.length}`));
    }
    KEYS.set(versions, k);
  }
  return k;
}

/** Remembers pure results by key, oldest entries forgotten first. */
export function memo<T>(cache: Map<string, readonly T[]>, key: string, compute: () => T[]): T[] {
  const hit = cache.get(key);
  if (hit) return hit as T[];
  const value = compute().map((v) => Object.freeze(v));
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, Object.freeze(value));
  return value;
}

function computeDay(goLive: GoLiveForSchedule, day: number, versions: readonly ScheduleVersion[]): Meeting[] {
  const date = localDateOfDay(goLive, day);
  const out: Meeting[] = [];
  for (const forum of FORUMS) {
    // Per version: the instants it would schedule, so a meeting unchanged by a later version keeps its first knownSince.
    const perVersion = versions.map((v) => forumOccurrences(v.schedules, forum, day, date));
    versions.forEach((v, i) => {
      const from = i === 0 ? -Infinity : Date.parse(v.effectiveFrom);
      const until = i + 1 < versions.length ? Date.parse(versions[i + 1]!.effectiveFrom) : Infinity;
      for (const o of perVersion[i]!) {
        const t = o.start.toMillis();
        if (t < from || t >= until) continue;
        let first = i;
        while (first > 0 && perVersion[first - 1]!.some((p) => p.start.toMillis() === t)) first--;
        out.push(
          toMeeting(
            goLive,
            forum,
            o,
            day,
            v.schedules.forums[forum].participants,
            first === 0 ? undefined : versions[first]!.effectiveFrom,
          ),
        );
      }
    });
  }
  // A wall-clock time that exists twice (fall back) could name two meetings alike: the second gets its offset.
  const seen = new Set<string>();
  for (const m of out.sort(byStart)) {
    if (seen.has(m.id)) m.id += DateTime.fromISO(m.start, { zone: goLive.timeZone }).toFormat('ZZZ');
    seen.add(m.id);
  }
  return out;
}

export const byStart = (a: Pick<Meeting, 'start' | 'id'>, b: Pick<Meeting, 'start' | 'id'>): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** An ad-hoc meeting as a meeting. */
export function adHocToMeeting(goLive: Pick<GoLive, 'startDate' | 'timeZone'>, m: AdHocMeeting): Meeting {
  const start = DateTime.fromISO(m.start, { zone: goLive.timeZone });
  const end = DateTime.fromISO(m.end, { zone: goLive.timeZone });
  const name = FORUM_NAMES[m.forum];
  return {
    id: m.id,
    goLiveId: m.goLiveId,
    forum: m.forum,
    start: m.start,
    end: m.end,
    localStart: start.toFormat(LOCAL_FORMAT),
    localEnd: end.toFormat(LOCAL_FORMAT),
    day: dayOf(goLive, m.start),
    source: 'adHoc',
    participantRoles: [...m.participantRoles],
    title: m.title ? { sv: m.title, en: m.title } : { sv: `Extra möte: ${name.sv}`, en: `Extra meeting: ${name.en}` },
    knownSince: m.createdAt,
    ...(m.reason ? { reason: m.reason } : {}),
    ...(m.recordedBy ? { createdBy: m.recordedBy } : {}),
  };
}

/** The days the schedules can place anything on, for bounded searches. */
export function scheduledDayRange(goLive: GoLiveForSchedule): { first: number; last: number } {
  const versions = scheduleVersionsOf(goLive);
  return { first: firstScheduledDay(versions), last: lastScheduledDay(versions) };
}

export interface MeetingQuery {
  forum?: Forum;
  /** Ad-hoc meetings to merge in (the caller reads them from the store for the same range). */
  adHoc?: readonly AdHocMeeting[];
  /** Only meetings from the schedule (reminders of R4.4 and R9.1 follow the scheduled DSL meetings). */
  scheduledOnly?: boolean;
}

/** Every meeting starting in [from, to), earliest first; work grows with the days in the range, not the week. */
export function meetingsBetween(goLive: GoLiveForSchedule, from: Date, to: Date, q: MeetingQuery = {}): Meeting[] {
  if (to <= from) return [];
  const versions = scheduleVersionsOf(goLive);
  const range = { first: firstScheduledDay(versions), last: lastScheduledDay(versions) };
  const firstDay = Math.max(range.first, dayOf(goLive, from) - 1);
  const lastDay = Math.min(range.last, dayOf(goLive, to) + 1);
  const lo = from.toISOString();
  const hi = to.toISOString();
  const out: Meeting[] = [];
  for (let day = firstDay; day <= lastDay; day++)
    for (const m of scheduledMeetingsOnDay(goLive, day, versions))
      if (m.start >= lo && m.start < hi && (!q.forum || m.forum === q.forum)) out.push(m);
  if (!q.scheduledOnly)
    for (const a of q.adHoc ?? [])
      if (a.start >= lo && a.start < hi && (!q.forum || a.forum === q.forum)) out.push(adHocToMeeting(goLive, a));
  return out.sort(byStart);
}

/** The scheduled meeting an id names (`dsl-2026-11-27T0800`), or an ad-hoc one from the list. */
export function meetingById(goLive: GoLiveForSchedule, id: string, adHoc: readonly AdHocMeeting[] = []): Meeting | undefined {
  const a = adHoc.find((m) => m.id === id);
  if (a) return adHocToMeeting(goLive, a);
  const m = /^(dsl|csl|lgv)-(\d{4}-\d{2}-\d{2})T\d{4}/.exec(id);
  if (!m) return undefined;
  const date = DateTime.fromISO(m[2]!, { zone: goLive.timeZone });
  if (!date.isValid) return undefined;
  return scheduledMeetingsOnDay(goLive, dayOf(goLive, date.toJSDate())).find((x) => x.id === id);
}

/**
 * The first meeting of `forum` that has not ended at `at` (a meeting in progress counts),
 * searched day by day up to the last scheduled day; undefined after the schedule ends.
 */
export function nextMeeting(
  goLive: GoLiveForSchedule,
  forum: Forum,
  at: Date,
  q: Omit<MeetingQuery, 'forum'> & { startingAfter?: boolean } = {},
): Meeting | undefined {
  const versions = scheduleVersionsOf(goLive);
  const iso = at.toISOString();
  const ok = (m: Meeting) => (q.startingAfter ? m.start > iso : m.end > iso);
  const adHoc = q.scheduledOnly
    ? []
    : (q.adHoc ?? [])
        .filter((a) => a.forum === forum)
        .map((a) => adHocToMeeting(goLive, a))
        .filter(ok);
  const last = lastScheduledDay(versions);
  let found: Meeting | undefined;
  for (let day = Math.max(firstScheduledDay(versions), dayOf(goLive, at) - 1); day <= last && !found; day++)
    found = scheduledMeetingsOnDay(goLive, day, versions).find((m) => m.forum === forum && ok(m));
  return [...adHoc, ...(found ? [found] : [])].sort(byStart)[0];
}

/** The latest meeting of `forum` that started before `at` (R6.2 "the previous DSL meeting"). */
export function previousMeeting(
  goLive: GoLiveForSchedule,
  forum: Forum,
  at: Date,
  q: Omit<MeetingQuery, 'forum'> = {},
): Meeting | undefined {
  const versions = scheduleVersionsOf(goLive);
  const iso = at.toISOString();
  const adHoc = q.scheduledOnly
    ? []
    : (q.adHoc ?? []).filter((a) => a.forum === forum && a.start < iso).map((a) => adHocToMeeting(goLive, a));
  const first = firstScheduledDay(versions);
  let found: Meeting | undefined;
  for (let day = Math.min(lastScheduledDay(versions), dayOf(goLive, at) + 1); day >= first && !found; day--)
    found = scheduledMeetingsOnDay(goLive, day, versions)
      .filter((m) => m.forum === forum && m.start < iso)
      .at(-1);
  return [...adHoc, ...(found ? [found] : [])].sort(byStart).at(-1);
}

/** Participants by role, resolved to the go-live's people (R1). */
export function participantsOf(
  goLive: Pick<GoLive, 'people'>,
  meeting: Pick<Meeting, 'participantRoles'>,
): { role: Role; people: { id: string; name: string }[] }[] {
  return meeting.participantRoles.map((role) => ({
    role,
    people: goLive.people.filter((p) => p.roles.includes(role)).map((p) => ({ id: p.id, name: p.name })),
  }));
}
