import type { AreaStatus } from './area-report';
import { areasWithoutReportSince, latestCheckpoint, overdueUnits, reminderRulesFor } from './calendar-actions';
import type { MeetingClash } from './clashes';
import type { GoLive } from './golive';
import type { Meeting } from './meetings';
import { meetingsBetween, previousMeeting } from './meetings';
import type { Forum } from './schedule';
import { FORUMS } from './schedule';
import type { UnitStatus } from './unit-report';

/*
 * The calendar's part of the DSL overview (R10.1): the next meeting of each forum, and who
 * is overdue with a report right now — care units at the latest R3.3 check point, delivery
 * areas past the R4.4 deadline of the DSL meeting at hand.
 */

export interface NextMeeting {
  id: string;
  forum: Forum;
  start: string;
  end: string;
  localStart: string;
  source: Meeting['source'];
  /** Started and not yet ended at the overview's time. */
  inProgress: boolean;
  /** Double booking (issue 15 item 10): other meetings at the same time with people expected in both. */
  clashes?: MeetingClash[];
}

export interface OverdueReporters {
  /** The latest check point still in force (R3.3), with the care units overdue at it. */
  checkpoint: { id: string; at: string; local: string; windowStart: string } | null;
  units: {
    unitId: string;
    name: string;
    forvaltningId: string;
    lastReportedAt: string | null;
    reporters: { id: string; name: string }[];
  }[];
  /** The DSL meeting whose report deadline has passed and that has not ended (R4.4), with the areas overdue for it. */
  dsl: { meetingId: string; start: string; deadline: string; since: string | null } | null;
  areas: { areaId: string; name: string; lastReportedAt: string | null; coordinators: { id: string; name: string }[] }[];
}

export interface OverviewCalendar {
  nextMeetings: Record<Forum, NextMeeting | null>;
  overdueReporters: OverdueReporters;
}

type G = Pick<
  GoLive,
  'id' | 'startDate' | 'timeZone' | 'schedules' | 'scheduleHistory' | 'createdAt' | 'reporting' | 'forvaltningar' | 'people' | 'areas'
>;

const person = (p: { id: string; name: string }) => ({ id: p.id, name: p.name });

/** Pure: the next meetings are given (the app merges in ad-hoc ones); overdue reporters are computed at `now`. */
export function overviewCalendar(
  goLive: G,
  now: Date,
  data: {
    unitStatuses: readonly UnitStatus[];
    areaStatuses: readonly AreaStatus[];
    nextMeetings: Record<Forum, (Meeting & { clashes?: MeetingClash[] }) | null>;
  },
): OverviewCalendar {
  const t = now.toISOString();
  const nextMeetings = {} as Record<Forum, NextMeeting | null>;
  for (const f of FORUMS) {
    const m = data.nextMeetings[f];
    nextMeetings[f] = m
      ? {
          id: m.id,
          forum: m.forum,
          start: m.start,
          end: m.end,
          localStart: m.localStart,
          source: m.source,
          inProgress: m.start <= t && t < m.end,
          ...(m.clashes?.length ? { clashes: m.clashes } : {}),
        }
      : null;
  }

  const cp = latestCheckpoint(goLive, now);
  const live = cp && t < cp.usefulUntil ? cp : undefined;
  const units = live
    ? overdueUnits(goLive, data.unitStatuses, live).map((o) => ({
        unitId: o.unit.id,
        name: o.unit.name,
        forvaltningId: o.forvaltning.id,
        lastReportedAt: o.lastReportedAt,
        reporters: o.reporters.map(person),
      }))
    : [];

  // The scheduled DSL whose deadline has passed and which has not ended yet.
  const around = meetingsBetween(goLive, new Date(now.getTime() - 24 * 3600_000), new Date(now.getTime() + 24 * 3600_000), {
    forum: 'DSL',
    scheduledOnly: true,
  });
  const atHand = around.filter((m) => {
    const rules = reminderRulesFor(goLive, m.start);
    return Date.parse(m.start) - rules.areaDeadlineMinutesBefore * 60_000 <= now.getTime() && t < m.end;
  })[0];
  let dsl: OverdueReporters['dsl'] = null;
  let areas: OverdueReporters['areas'] = [];
  if (atHand) {
    const rules = reminderRulesFor(goLive, atHand.start);
    const since = previousMeeting(goLive, 'DSL', new Date(atHand.start), { scheduledOnly: true })?.start;
    dsl = {
      meetingId: atHand.id,
      start: atHand.start,
      deadline: new Date(Date.parse(atHand.start) - rules.areaDeadlineMinutesBefore * 60_000).toISOString(),
      since: since ?? null,
    };
    areas = areasWithoutReportSince(goLive, data.areaStatuses, since, rules).map((a) => ({
      areaId: a.area.id,
      name: a.area.name,
      lastReportedAt: a.lastReportedAt,
      coordinators: a.coordinators.map(person),
    }));
  }
  return {
    nextMeetings,
    overdueReporters: {
      checkpoint: live ? { id: live.id, at: live.at, local: live.local, windowStart: live.windowStart } : null,
      units,
      dsl,
      areas,
    },
  };
}
