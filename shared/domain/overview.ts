import type { AreaStatus } from './area-report';
import type { NextMeeting, OverdueReporters, OverviewCalendar } from './calendar-overview';
import type { Colour } from './colour';
import { colourRank } from './colour';
import type { GoLive } from './golive';
import type { Incident } from './incident';
import { isMajor, noUpdateSince, updateDueAt } from './incident';
import { isInsideReportingDay, staleBefore } from './reporting-time';
import type { UnitStatus } from './unit-report';

export type Trend = 'better' | 'worse' | 'same' | 'new';

/**
 * One meaning for the trend arrows wherever people see them (board and agendas, R10.1, R6.1):
 * up is better, down is worse. web/i18n.js uses the same arrows (a test checks it).
 */
export const TREND_ARROWS: Record<Trend, string> = { better: '↑', worse: '↓', same: '→', new: '✱' };

export interface AreaOverview {
  areaId: string;
  name: string;
  colour: Colour | null;
  suggestedColour: Colour | null;
  /** "Verksamhetens införande": the unit counts per förvaltning behind the suggestion (R3.5). */
  suggestedFromUnits?: AreaStatus['suggestedFromUnits'];
  reportedAt: string | null;
  summary: string | null;
  trend: Trend | null;
  openProblems: number;
}

export interface UnitOverview {
  unitId: string;
  name: string;
  colour: Colour | null;
  explanation: string | null;
  reportedAt: string | null;
  /** No report yet at all. */
  missing: boolean;
  /** Last report older than the stale limit in reporting time (R3.3). */
  stale: boolean;
}

export interface ForvaltningOverview {
  forvaltningId: string;
  name: string;
  counts: Record<Colour | 'missing' | 'stale', number>;
  units: UnitOverview[];
}

export interface Overview {
  goLiveId: string;
  name: string;
  generatedAt: string;
  timeZone: string;
  insideReportingDay: boolean;
  areas: AreaOverview[];
  forvaltningar: ForvaltningOverview[];
  units: { total: number } & Record<Colour | 'missing' | 'stale', number>;
  /** Open incidents of priority 1 and 2, highest priority then oldest first (R9.2). */
  majorIncidents: (Pick<Incident, 'id' | 'title' | 'priority' | 'openedAt' | 'lastUpdateAt' | 'incidentManagerId' | 'sdReference'> & {
    /** When IM's next update is due (the go-live's cadence). */
    updateDueAt: string | null;
    /** "ingen uppdatering sedan 21:40" once it is past due, else null. */
    noUpdateSince: { sv: string; en: string } | null;
  })[];
  /** The next meeting of each forum, an ongoing one included (R5, R10.1); present when the calendar was computed. */
  nextMeetings?: OverviewCalendar['nextMeetings'];
  /** Units overdue at the latest check point (R3.3) and areas past the DSL deadline (R4.4). */
  overdueReporters?: OverdueReporters;
}

export type { NextMeeting, OverdueReporters };

export const trendOf = (current: Colour, previous: Colour | undefined): Trend => {
  if (previous === undefined) return 'new';
  const d = colourRank(current) - colourRank(previous);
  return d < 0 ? 'better' : d > 0 ? 'worse' : 'same';
};

/**
 * The overall picture for DSL (R10.1) as far as status data goes: each delivery area's
 * latest colour and trend, care units per förvaltning by colour with stale and missing
 * ones (R3.3), and open P1/P2 incidents. Pure: takes `now` and the status snapshot.
 */
export function buildOverview(
  now: Date,
  data: {
    goLive: GoLive;
    unitStatuses: readonly UnitStatus[];
    areaStatuses: readonly AreaStatus[];
    openIncidents: readonly Incident[];
    calendar?: OverviewCalendar;
  },
): Overview {
  const { goLive } = data;
  const rules = goLive.reporting;
  const inside = isInsideReportingDay(now, goLive.timeZone, rules);
  // R3.3 once per call: a unit is stale when it last reported at or before this instant.
  const staleAt = inside ? staleBefore(now, rules.staleAfterMinutes, goLive.timeZone, rules) : Number.NEGATIVE_INFINITY;
  const unitStatus = new Map(data.unitStatuses.map((s) => [s.unitId, s]));
  const areaStatus = new Map(data.areaStatuses.map((s) => [s.areaId, s]));
  const zero = () => ({ green: 0, yellow: 0, red: 0, missing: 0, stale: 0 });
  const totals = { total: 0, ...zero() };

  const forvaltningar = goLive.forvaltningar.map((f): ForvaltningOverview => {
    const counts = zero();
    const units = f.units.map((u): UnitOverview => {
      const s = unitStatus.get(u.id);
      const stale = s !== undefined && Date.parse(s.reportedAt) <= staleAt;
      if (s) counts[s.colour]++;
      else counts.missing++;
      if (stale) counts.stale++;
      return {
        unitId: u.id,
        name: u.name,
        colour: s?.colour ?? null,
        explanation: s?.explanation ?? null,
        reportedAt: s?.reportedAt ?? null,
        missing: !s,
        stale,
      };
    });
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) totals[k] += counts[k];
    totals.total += units.length;
    return { forvaltningId: f.id, name: f.name, counts, units };
  });

  const areas = goLive.areas.map((a): AreaOverview => {
    const s = areaStatus.get(a.id);
    return {
      areaId: a.id,
      name: a.name,
      colour: s?.colour ?? null,
      suggestedColour: s?.suggestedColour ?? null,
      ...(s?.suggestedFromUnits ? { suggestedFromUnits: s.suggestedFromUnits } : {}),
      reportedAt: s?.reportedAt ?? null,
      summary: s?.summary ?? null,
      trend: s ? trendOf(s.colour, s.previousColour) : null,
      openProblems: s?.openProblems ?? 0,
    };
  });

  const majorIncidents = data.openIncidents
    .filter((i) => i.status === 'open' && isMajor(i))
    .sort((a, b) => a.priority - b.priority || a.openedAt.localeCompare(b.openedAt))
    .map(({ id, title, priority, openedAt, lastUpdateAt, incidentManagerId, sdReference, status }) => ({
      id,
      title,
      priority,
      openedAt,
      lastUpdateAt,
      incidentManagerId,
      sdReference,
      // IM's update cadence (R9, issue 15 item 2): when the next update is due, and the words DSL sees when it is late.
      updateDueAt: updateDueAt(goLive, { priority, status, lastUpdateAt }) ?? null,
      noUpdateSince: noUpdateSince(goLive, { priority, status, lastUpdateAt }, now.toISOString()) ?? null,
    }));

  return {
    goLiveId: goLive.id,
    name: goLive.name,
    generatedAt: now.toISOString(),
    timeZone: goLive.timeZone,
    insideReportingDay: inside,
    areas,
    forvaltningar,
    units: totals,
    majorIncidents,
    ...(data.calendar ? { nextMeetings: data.calendar.nextMeetings, overdueReporters: data.calendar.overdueReporters } : {}),
  };
}
