import { DateTime } from 'luxon';
import { z } from 'zod';
import type { AreaStatus } from './area-report';
import type { Area, Forvaltning, GoLive, Person, Unit } from './golive';
import type { Incident } from './incident';
import { isMajor } from './incident';
import type { Meeting } from './meetings';
import { dayOf, localDateOfDay, memo, versionsKey, wallClock } from './meetings';
import type { ReminderRules, ScheduleVersion } from './schedule';
import { minutesOfDay, scheduleVersionsOf } from './schedule';
import type { UnitStatus } from './unit-report';

/*
 * What the calendar must do, and when (R3.3, R4.4, R6.5, R9.1). Azure runs timers in UTC
 * (Flex Consumption), so one frequent UTC tick asks this module "what became due in
 * (cursor, now]?" and gets actions with deterministic ids; the app claims each id once in
 * the store, so a late, repeated or doubled tick does nothing twice. Pure: `now` and data in,
 * values out.
 */

export const ACTION_KINDS = ['unitCheckpoint', 'areaReminder', 'areaDeadline', 'incidentReminder', 'agenda'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** An R3.3 check point: units with no report in the window before it are overdue. */
export interface Checkpoint {
  /** Local date and time, `2026-11-27T0900`: stable, and readable in dedupe keys. */
  id: string;
  at: string;
  /** Local `2026-11-27T09:00`. */
  local: string;
  /** A report at or after this instant counts for this check point. */
  windowStart: string;
  /** Reminders for it stop making sense at the next check point (or a window after the last one). */
  usefulUntil: string;
  day: number;
}

/** Something the tick must do once. `actionId` is the claim key in the store. */
export interface DueAction {
  actionId: string;
  kind: ActionKind;
  dueAt: string;
  /** From this instant on the action is no longer worth sending; a late tick skips it and records why. */
  usefulUntil: string;
  meetingId?: string;
  checkpointId?: string;
}

export interface ActionPlan {
  /** Due in (from, now] and still useful: do them, earliest first. */
  run: DueAction[];
  /** Due in (from, now] but no longer useful (the host was down): record, do not send. */
  skip: DueAction[];
}

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const compactLocal = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HHmm");

/** The version of the schedules in force at `at` (R5.2); the first one before any other began. */
export function versionAt(versions: readonly ScheduleVersion[], at: string): ScheduleVersion {
  let chosen = versions[0]!;
  for (const v of versions.slice(1)) if (v.effectiveFrom <= at) chosen = v;
  return chosen;
}

/** The R3.3 check points of one day (default 09, 12, 15, 18 local), when check points apply that day. */
export function checkpointsOnDay(
  goLive: Pick<GoLive, 'startDate' | 'timeZone' | 'reporting' | 'schedules' | 'scheduleHistory' | 'createdAt'>,
  day: number,
): Checkpoint[] {
  const versions = scheduleVersionsOf(goLive);
  const key = `${goLive.startDate}|${goLive.timeZone}|${day}|${JSON.stringify(goLive.reporting)}|${versionsKey(versions)}`;
  return memo(CHECKPOINT_CACHE, key, () => computeCheckpoints(goLive, day, versions));
}
const CHECKPOINT_CACHE = new Map<string, readonly Checkpoint[]>();

function computeCheckpoints(
  goLive: Pick<GoLive, 'startDate' | 'timeZone' | 'reporting'>,
  day: number,
  versions: readonly ScheduleVersion[],
): Checkpoint[] {
  const date = localDateOfDay(goLive, day);
  const times = [...new Set(goLive.reporting.checkpoints)].sort((a, b) => minutesOfDay(a) - minutesOfDay(b));
  const at = times.map((t) => wallClock(date, minutesOfDay(t)));
  const out: Checkpoint[] = [];
  at.forEach((cp, i) => {
    const rules = versionAt(versions, cp.toUTC().toISO()!).schedules.reminders;
    if (day < rules.checkpointFromDay || day > rules.checkpointToDay) return;
    const windowEnd = cp.plus({ minutes: goLive.reporting.windowMinutes });
    const next = at[i + 1];
    const until = next && next < windowEnd ? next : windowEnd;
    out.push({
      id: compactLocal(cp),
      at: cp.toUTC().toISO()!,
      local: cp.toFormat("yyyy-MM-dd'T'HH:mm"),
      windowStart: cp.minus({ minutes: goLive.reporting.windowMinutes }).toUTC().toISO()!,
      usefulUntil: until.toUTC().toISO()!,
      day,
    });
  });
  return out;
}

/** Check points at or before `now`, latest first, searching back a few days (for the overview). */
export function latestCheckpoint(goLive: Parameters<typeof checkpointsOnDay>[0], now: Date): Checkpoint | undefined {
  const t = now.toISOString();
  for (let day = dayOf(goLive, now); day >= dayOf(goLive, now) - 3; day--) {
    const cp = checkpointsOnDay(goLive, day)
      .filter((c) => c.at <= t)
      .at(-1);
    if (cp) return cp;
  }
  return undefined;
}

/** The reminder rules in force for a meeting (the version at its start). */
export const reminderRulesFor = (goLive: Parameters<typeof scheduleVersionsOf>[0], at: string): ReminderRules =>
  versionAt(scheduleVersionsOf(goLive), at).schedules.reminders;

/**
 * The actions a meeting causes (R4.4, R6.5, R9.1). An action is never due before the meeting
 * was known (`knownSince`, rounded up to the next minute): an extra meeting called five
 * minutes ahead still gets its agenda at once.
 */
export function meetingActions(m: Meeting, rules: ReminderRules): DueAction[] {
  const start = Date.parse(m.start);
  const end = Date.parse(m.end);
  const known = m.knownSince ? (Math.floor(Date.parse(m.knownSince) / MINUTE) + 1) * MINUTE : -Infinity;
  const due = (minutesBefore: number) => Math.max(start - minutesBefore * MINUTE, known);
  const action = (kind: ActionKind, dueAt: number, usefulUntil: number): DueAction => ({
    actionId: `${kind}:${m.id}`,
    kind,
    dueAt: iso(dueAt),
    usefulUntil: iso(usefulUntil),
    meetingId: m.id,
  });
  // R6.5: the agenda 10 min before; still worth sending while the meeting runs.
  const out = [action('agenda', due(rules.agendaMinutesBefore), end)];
  // R4.4 and R9.1 follow the scheduled DSL meetings; an extra DSL is called for one matter.
  if (m.forum === 'DSL' && m.source === 'schedule') {
    const deadline = start - rules.areaDeadlineMinutesBefore * MINUTE;
    out.push(
      action(
        'areaReminder',
        due(rules.areaReminderMinutesBefore),
        rules.areaReminderMinutesBefore > rules.areaDeadlineMinutesBefore ? deadline : start,
      ),
    );
    out.push(action('areaDeadline', due(rules.areaDeadlineMinutesBefore), start));
    out.push(action('incidentReminder', due(rules.incidentReminderMinutesBefore), start));
  }
  return out;
}

export const checkpointAction = (cp: Checkpoint): DueAction => ({
  actionId: `unitCheckpoint:${cp.id}`,
  kind: 'unitCheckpoint',
  dueAt: cp.at,
  usefulUntil: cp.usefulUntil,
  checkpointId: cp.id,
});

/** The range of meeting starts whose actions can fall due in (from, now]: reminders lead by at most a day, agendas trail by a meeting's length. */
export function meetingRangeFor(from: Date, now: Date): { from: Date; to: Date } {
  return { from: new Date(from.getTime() - 24 * 60 * MINUTE), to: new Date(now.getTime() + 24 * 60 * MINUTE + MINUTE) };
}

/**
 * Everything due in (from, now], split into what to do and what to skip. After a pause the
 * tick catches up without flooding: an action whose `usefulUntil` has passed is skipped and
 * recorded — so only the latest check point's overdue reminders go out, and agendas only
 * for meetings that have not ended. `meetings` must cover `meetingRangeFor(from, now)`.
 */
export function planDueActions(
  goLive: Parameters<typeof checkpointsOnDay>[0],
  meetings: readonly Meeting[],
  from: Date,
  now: Date,
): ActionPlan {
  const lo = from.toISOString();
  const hi = now.toISOString();
  const candidates: DueAction[] = [];
  const lo_ = from.getTime();
  const hi_ = now.getTime();
  for (const m of meetings) {
    const rules = reminderRulesFor(goLive, m.start);
    const start = Date.parse(m.start);
    const known = m.knownSince ? Date.parse(m.knownSince) + MINUTE : -Infinity;
    // Cheap bounds first: every action of a meeting falls in [start − longest lead, max(start, known)].
    const lead =
      Math.max(
        rules.agendaMinutesBefore,
        rules.areaReminderMinutesBefore,
        rules.areaDeadlineMinutesBefore,
        rules.incidentReminderMinutesBefore,
      ) * MINUTE;
    if (Math.max(start - lead, known - MINUTE) > hi_ || Math.max(start, known) <= lo_) continue;
    candidates.push(...meetingActions(m, rules));
  }
  for (let day = dayOf(goLive, from); day <= dayOf(goLive, now); day++)
    candidates.push(...checkpointsOnDay(goLive, day).map(checkpointAction));
  const due = new Map<string, DueAction>();
  for (const a of candidates) if (a.dueAt > lo && a.dueAt <= hi && !due.has(a.actionId)) due.set(a.actionId, a);
  const sorted = [...due.values()].sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.actionId < b.actionId ? -1 : 1));
  return { run: sorted.filter((a) => hi < a.usefulUntil), skip: sorted.filter((a) => hi >= a.usefulUntil) };
}

// --- who is overdue (R3.3, R4.4, R9.1) ---

export interface OverdueUnit {
  unit: Unit;
  forvaltning: Forvaltning;
  lastReportedAt: string | null;
  /** People reporting for the unit (R1 unitReporter with the unit in `unitIds`). */
  reporters: Person[];
}

/** R3.3: units with no report in the check point's window (the latest report, from the current status, tells). */
export function overdueUnits(
  goLive: Pick<GoLive, 'forvaltningar' | 'people'>,
  unitStatuses: readonly UnitStatus[],
  cp: Pick<Checkpoint, 'windowStart'>,
): OverdueUnit[] {
  const latest = new Map(unitStatuses.map((s) => [s.unitId, s.reportedAt]));
  const out: OverdueUnit[] = [];
  for (const forvaltning of goLive.forvaltningar)
    for (const unit of forvaltning.units) {
      const last = latest.get(unit.id) ?? null;
      if (last !== null && last >= cp.windowStart) continue;
      out.push({
        unit,
        forvaltning,
        lastReportedAt: last,
        reporters: goLive.people.filter((p) => p.roles.includes('unitReporter') && p.unitIds.includes(unit.id)),
      });
    }
  return out;
}

export interface AreaWithoutReport {
  area: Area;
  lastReportedAt: string | null;
  /** The area's coordinators (R1). */
  coordinators: Person[];
}

/** R4.4: delivery areas with no report since `since` (the previous DSL meeting's start), minus the excluded ones (R4.1). */
export function areasWithoutReportSince(
  goLive: Pick<GoLive, 'areas' | 'people'>,
  areaStatuses: readonly AreaStatus[],
  since: string | undefined,
  rules: Pick<ReminderRules, 'areaReminderExcludedAreaIds'>,
): AreaWithoutReport[] {
  const latest = new Map(areaStatuses.map((s) => [s.areaId, s.reportedAt]));
  return goLive.areas
    .filter((a) => !rules.areaReminderExcludedAreaIds.includes(a.id))
    .filter((a) => {
      const last = latest.get(a.id);
      return last === undefined || (since !== undefined && last < since);
    })
    .map((area) => ({
      area,
      lastReportedAt: latest.get(area.id) ?? null,
      coordinators: goLive.people.filter((p) => p.roles.includes('areaCoordinator') && p.areaIds.includes(area.id)),
    }));
}

/** R9.1: open P1/P2 incidents without an update (or opening) since `since`. */
export function incidentsWithoutUpdateSince(openIncidents: readonly Incident[], since: string | undefined): Incident[] {
  return openIncidents
    .filter((i) => i.status === 'open' && isMajor(i) && since !== undefined && i.lastUpdateAt < since)
    .sort((a, b) => a.priority - b.priority || a.openedAt.localeCompare(b.openedAt));
}

// --- what the store keeps ---

/**
 * One claimed (or skipped) action. Created if absent under `actionId`, so of two ticks only
 * one gets to send; `claimToken` lets a retried create recognise its own claim.
 */
export const DispatchRecord = z.object({
  goLiveId: z.string(),
  actionId: z.string(),
  kind: z.enum(ACTION_KINDS),
  dueAt: z.string(),
  usefulUntil: z.string(),
  meetingId: z.string().optional(),
  checkpointId: z.string().optional(),
  /** `claimed` while sending, `done` after, `skipped` when the tick came too late to be useful. */
  state: z.enum(['claimed', 'done', 'skipped']),
  reason: z.enum(['expired']).optional(),
  claimedAt: z.string(),
  claimToken: z.string(),
  attempts: z.number().int().min(1),
  completedAt: z.string().optional(),
  /** The notifications enqueued (dedupe keys), at most 1000 listed. */
  notifications: z.array(z.object({ dedupeKey: z.string(), kind: z.string(), created: z.boolean() })).optional(),
  notificationCount: z.number().int().min(0).optional(),
});
export type DispatchRecord = z.infer<typeof DispatchRecord>;

/** The last instant a go-live's calendar was processed up to: each tick handles (cursor, now]. */
export const TickCursor = z.object({
  goLiveId: z.string(),
  at: z.string(),
  updatedAt: z.string(),
});
export type TickCursor = z.infer<typeof TickCursor>;
