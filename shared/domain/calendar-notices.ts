import type { AreaWithoutReport, Checkpoint, OverdueUnit } from './calendar-actions';
import type { Texts } from './errors';
import type { GoLive, Role } from './golive';
import type { Incident } from './incident';
import { updateDueAt } from './incident';
import { localWhen, clockTime } from './local-time';
import type { Meeting } from './meetings';
import { pages } from './pages';
import type { Forum } from './schedule';

/*
 * What the calendar's reminders and agendas say (R3.3, R4.4, R6.5, R9.1), Swedish first.
 * The shape is the notifier port's request minus what the app adds (go-live id, createdAt);
 * dedupe keys are deterministic, so a notice asked for twice is stored once.
 */

export type CalendarNoticeKind =
  'unitReportReminder' | 'unitOverdueSummary' | 'areaReportReminder' | 'areaReportOverdue' | 'incidentUpdateReminder' | 'agenda' | 'digest';

export interface Notice {
  kind: CalendarNoticeKind;
  dedupeKey: string;
  recipients: { personIds?: string[]; roles?: Role[]; forums?: Forum[] };
  subject: Texts;
  text: Texts;
  html?: Texts;
  link?: string;
  about?: { type: string; id: string };
  data?: Record<string, unknown>;
  /** See the notifier port: never held or folded (P1/P2 incidents). */
  urgent?: boolean;
  /** See the notifier port: a reminder of something already told, held at night. */
  repeat?: boolean;
  /** Limits the channels (a digest is e-mail only). */
  channels?: ('email' | 'teamsChannel' | 'teamsActivity')[];
}

type G = Pick<GoLive, 'id' | 'timeZone' | 'people' | 'forvaltningar'>;

const hhmm = (goLive: Pick<GoLive, 'timeZone'>, instant: string) => clockTime(goLive.timeZone, instant);
/** A time as read at `ref` (item 5 of issue 15): "09:30" the same day, "fre 27 nov 09:30" another. */
const local = (goLive: Pick<GoLive, 'timeZone'>, instant: string | null, none: Texts, ref: string): Texts =>
  instant === null ? none : localWhen(goLive.timeZone, instant, ref);
const NEVER: Texts = { sv: 'aldrig', en: 'never' };

/**
 * R3.3 at a check point: a reminder to each overdue unit's reporters, and one summary per
 * förvaltning to its FVIS project lead (else its CSL representatives, else the go-live
 * coordinator). Keys: `unitOverdue:{checkpointId}:{unitId}`, `unitOverdueSummary:{checkpointId}:{forvaltningId}`.
 */
export function checkpointNotices(goLive: G, cp: Checkpoint, overdue: readonly OverdueUnit[]): Notice[] {
  const at = hhmm(goLive, cp.at);
  const from = hhmm(goLive, cp.windowStart);
  const out: Notice[] = [];
  for (const o of overdue) {
    if (o.reporters.length === 0) continue;
    const last = local(goLive, o.lastReportedAt, NEVER, cp.at);
    out.push({
      kind: 'unitReportReminder',
      dedupeKey: `unitOverdue:${cp.id}:${o.unit.id}`,
      recipients: { personIds: o.reporters.map((p) => p.id) },
      subject: { sv: `${o.unit.name}, kl. ${at}`, en: `${o.unit.name}, ${at}` },
      text: {
        sv: `${o.unit.name} har ingen statusrapport mellan ${from} och ${at}. Rapportera enhetens färg och varför så snart som möjligt. Senaste rapport: ${last.sv}.`,
        en: `${o.unit.name} has no status report between ${from} and ${at}. Please report the unit's colour and why as soon as possible. Latest report: ${last.en}.`,
      },
      link: pages.unit(goLive.id, o.unit.id),
      about: { type: 'unit', id: o.unit.id },
      data: {
        checkpointId: cp.id,
        checkpointAt: cp.at,
        unitId: o.unit.id,
        forvaltningId: o.forvaltning.id,
        lastReportedAt: o.lastReportedAt,
      },
    });
  }
  const byForvaltning = new Map<string, OverdueUnit[]>();
  for (const o of overdue) byForvaltning.set(o.forvaltning.id, [...(byForvaltning.get(o.forvaltning.id) ?? []), o]);
  for (const [forvaltningId, units] of byForvaltning) {
    const f = units[0]!.forvaltning;
    const reps = goLive.people.filter((p) => p.roles.includes('cslRepresentative') && p.forvaltningId === forvaltningId).map((p) => p.id);
    const recipients: Notice['recipients'] = f.fvisLeadId
      ? { personIds: [f.fvisLeadId] }
      : reps.length
        ? { personIds: reps }
        : { roles: ['goLiveCoordinator'] };
    const list = (lang: keyof Texts) =>
      units
        .map(
          (u) =>
            `• ${u.unit.name} (${lang === 'sv' ? 'senaste rapport' : 'latest report'}: ${local(goLive, u.lastReportedAt, NEVER, cp.at)[lang]})`,
        )
        .join('\n');
    out.push({
      kind: 'unitOverdueSummary',
      dedupeKey: `unitOverdueSummary:${cp.id}:${forvaltningId}`,
      recipients,
      subject: {
        sv: `${f.name}, ${units.length} ${units.length === 1 ? 'enhet' : 'enheter'} kl. ${at}`,
        en: `${f.name}, ${units.length} ${units.length === 1 ? 'unit' : 'units'} at ${at}`,
      },
      text: {
        sv: `Följande enheter i ${f.name} har inte rapporterat mellan ${from} och ${at}:\n${list('sv')}`,
        en: `These units in ${f.name} have not reported between ${from} and ${at}:\n${list('en')}`,
      },
      link: pages.board(goLive.id),
      about: { type: 'forvaltning', id: forvaltningId },
      data: { checkpointId: cp.id, checkpointAt: cp.at, forvaltningId, unitIds: units.map((u) => u.unit.id) },
    });
  }
  return out;
}

const areaRecipients = (a: AreaWithoutReport, alsoCoordinator: boolean): Notice['recipients'] =>
  a.coordinators.length
    ? { personIds: a.coordinators.map((p) => p.id), ...(alsoCoordinator ? { roles: ['goLiveCoordinator' as Role] } : {}) }
    : { roles: ['goLiveCoordinator'] };

/** R4.4: 30 min before each DSL, to coordinators of areas with no report since the previous DSL. Key `areaReminder:{meetingId}:{areaId}`. */
export function areaReminderNotices(goLive: G, meeting: Meeting, missing: readonly AreaWithoutReport[], deadline: string): Notice[] {
  const start = hhmm(goLive, meeting.start);
  const by = hhmm(goLive, deadline);
  return missing.map((a) => ({
    kind: 'areaReportReminder',
    dedupeKey: `areaReminder:${meeting.id}:${a.area.id}`,
    recipients: areaRecipients(a, false),
    subject: { sv: `${a.area.name} före DSL kl. ${start}`, en: `${a.area.name} before DSL at ${start}` },
    text: {
      sv: `${a.area.name} har inte rapporterat sedan förra DSL-mötet. Lämna områdets status senast kl. ${by} inför DSL kl. ${start}.`,
      en: `${a.area.name} has not reported since the previous DSL meeting. Report the area's status by ${by} for DSL at ${start}.`,
    },
    link: pages.area(goLive.id, a.area.id),
    about: { type: 'area', id: a.area.id },
    data: { meetingId: meeting.id, meetingStart: meeting.start, deadline, areaId: a.area.id, lastReportedAt: a.lastReportedAt },
  }));
}

/** R4.4: at the deadline (15 min before DSL), to the coordinators still missing, and the go-live coordinator. Key `areaOverdue:{meetingId}:{areaId}`. */
export function areaDeadlineNotices(goLive: G, meeting: Meeting, missing: readonly AreaWithoutReport[]): Notice[] {
  const start = hhmm(goLive, meeting.start);
  return missing.map((a) => ({
    kind: 'areaReportOverdue',
    dedupeKey: `areaOverdue:${meeting.id}:${a.area.id}`,
    // The reminder before it was the first notice (issue 15 item 6).
    repeat: true,
    recipients: areaRecipients(a, true),
    subject: { sv: `${a.area.name} inför DSL kl. ${start}`, en: `${a.area.name} for DSL at ${start}` },
    text: {
      sv: `Tiden för ${a.area.name}s rapport inför DSL kl. ${start} har gått ut. Rapportera nu, eller meddela driftsättningskoordinatorn.`,
      en: `The deadline for ${a.area.name}'s report for DSL at ${start} has passed. Report now, or tell the go-live coordinator.`,
    },
    link: pages.area(goLive.id, a.area.id),
    about: { type: 'area', id: a.area.id },
    data: { meetingId: meeting.id, meetingStart: meeting.start, areaId: a.area.id, lastReportedAt: a.lastReportedAt },
  }));
}

/** R9.1: before each DSL, to IM for each open P1/P2 incident without an update since the previous DSL. Key `incidentReminder:{meetingId}:{incidentId}`. */
export function incidentReminderNotices(goLive: G, meeting: Meeting, incidents: readonly Incident[]): Notice[] {
  const start = hhmm(goLive, meeting.start);
  return incidents.map((i) => ({
    kind: 'incidentUpdateReminder',
    dedupeKey: `incidentReminder:${meeting.id}:${i.id}`,
    recipients: i.incidentManagerId ? { personIds: [i.incidentManagerId] } : { roles: ['incidentManager'] },
    subject: { sv: `P${i.priority} ${i.title} före DSL kl. ${start}`, en: `P${i.priority} ${i.title} before DSL at ${start}` },
    text: {
      sv: `Incidenten ”${i.title}”${i.sdReference ? ` (${i.sdReference})` : ''} har ingen uppdatering sedan förra DSL-mötet. Lämna en statusuppdatering inför DSL kl. ${start}.`,
      en: `Incident "${i.title}"${i.sdReference ? ` (${i.sdReference})` : ''} has had no update since the previous DSL meeting. Post a status update for DSL at ${start}.`,
    },
    link: pages.incident(goLive.id, i.id),
    about: { type: 'incident', id: i.id },
    data: { meetingId: meeting.id, meetingStart: meeting.start, incidentId: i.id, priority: i.priority, lastUpdateAt: i.lastUpdateAt },
  }));
}

/**
 * IM's update cadence (R9, issue 15 item 2): for each open P1/P2 whose update is due — the
 * last update (or opening) plus the go-live's `incidentUpdateMinutes` — at an instant in
 * (from, now], a reminder to its IM (every IM when none is named), again after each further
 * period without an update. Urgent: never held at night. Key
 * `incidentCadence:{incidentId}:{lastUpdateAt}:{n}`.
 */
export function incidentCadenceNotices(
  goLive: G & Pick<GoLive, 'notifications'>,
  incidents: readonly Incident[],
  from: string,
  now: string,
): Notice[] {
  const out: Notice[] = [];
  for (const i of incidents) {
    const first = updateDueAt(goLive, i);
    if (!first) continue;
    const period = Date.parse(first) - Date.parse(i.lastUpdateAt);
    const n = Math.floor((Date.parse(now) - Date.parse(i.lastUpdateAt)) / period);
    if (n < 1) continue;
    const due = new Date(Date.parse(i.lastUpdateAt) + n * period).toISOString();
    if (due <= from || due > now) continue;
    const last = localWhen(goLive.timeZone, i.lastUpdateAt, now);
    const minutes = Math.round(period / 60_000);
    const sd = i.sdReference ? ` (${i.sdReference})` : '';
    out.push({
      kind: 'incidentUpdateReminder',
      dedupeKey: `incidentCadence:${i.id}:${i.lastUpdateAt}:${n}`,
      recipients: i.incidentManagerId ? { personIds: [i.incidentManagerId] } : { roles: ['incidentManager'] },
      subject: {
        sv: `P${i.priority} ${i.title}, ingen uppdatering sedan ${last.sv}`,
        en: `P${i.priority} ${i.title}, no update since ${last.en}`,
      },
      text: {
        sv:
          `Incidenten ”${i.title}”${sd} har ingen uppdatering sedan ${last.sv}. ` +
          `En P${i.priority} ska uppdateras minst var ${minutes}:e minut. Lämna en statusuppdatering.`,
        en:
          `Incident "${i.title}"${sd} has had no update since ${last.en}. ` +
          `A P${i.priority} should be updated at least every ${minutes} minutes. Post a status update.`,
      },
      link: pages.incident(goLive.id, i.id),
      about: { type: 'incident', id: i.id },
      data: {
        incidentId: i.id,
        priority: i.priority,
        lastUpdateAt: i.lastUpdateAt,
        reminder: n,
        dueAt: due,
        nextDueAt: new Date(Date.parse(due) + period).toISOString(),
      },
      urgent: true,
    });
  }
  return out;
}
