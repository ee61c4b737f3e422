import type { Ports } from '../ports/app.port';
import type { AreaReportStore, GoLiveStore, StatusSnapshotStore, UnitReportStore } from '../ports/repository.port';
import type { AreaReport, AreaReportInput, UnitsSuggestion } from '../domain/area-report';
import { CARE_ROLLOUT_AREA, overrideReasonMissing, suggestAreaColour, suggestFromUnits } from '../domain/area-report';
import { invalidField, notFound } from '../domain/errors';
import type { Colour } from '../domain/colour';
import type { GoLive } from '../domain/golive';
import { findArea, findUnit } from '../domain/golive';
import type { Actor } from '../domain/audit';
import type { UnitReport, UnitReportInput } from '../domain/unit-report';
import { assertSameRequest, recordId, requestHash } from './idempotency';
import { requireGoLive } from './golives';

/** Reports may be back-dated (R3.4 lists are typed in later) but not dated ahead of the clock. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

function resolveReportedAt(reportedAt: string | undefined, now: Date): string {
  if (reportedAt === undefined) return now.toISOString();
  if (Date.parse(reportedAt) > now.getTime() + FUTURE_TOLERANCE_MS)
    throw invalidField('reportedAt', { sv: 'får inte ligga i framtiden', en: 'must not be in the future' });
  return reportedAt;
}

export interface WriteResult<T> {
  value: T;
  /** false when this was a replay of an earlier request: nothing new was stored. */
  created: boolean;
}

/** A care unit reports its colour and why (R3.1, R3.2). Idempotent by id / Idempotency-Key. */
export async function submitUnitReport(
  s: Ports<GoLiveStore & UnitReportStore, 'clock'>,
  cmd: { goLiveId: string; unitId: string; input: UnitReportInput; idempotencyKey?: string; source?: UnitReport['source']; actor?: Actor },
): Promise<WriteResult<UnitReport>> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const ref = findUnit(goLive, cmd.unitId);
  if (!ref) throw notFound('UNIT.NOT_FOUND', cmd.unitId);
  const now = s.clock.now();
  const hash = requestHash({ unitId: cmd.unitId, ...cmd.input });
  const report: UnitReport = {
    id: recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: `unit-report/${cmd.unitId}` }),
    goLiveId: goLive.id,
    unitId: ref.unit.id,
    forvaltningId: ref.forvaltning.id,
    colour: cmd.input.colour,
    explanation: cmd.input.explanation,
    reportedAt: resolveReportedAt(cmd.input.reportedAt, now),
    receivedAt: now.toISOString(),
    ...(cmd.input.reporter ? { reporter: cmd.input.reporter } : {}),
    source: cmd.source ?? 'api',
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    requestHash: hash,
  };
  const result = await s.repo.addUnitReport(report);
  if (!result.created) assertSameRequest(result.value, hash);
  return result;
}

export async function listUnitReports(
  s: Ports<GoLiveStore & UnitReportStore>,
  goLiveId: string,
  unitId: string,
  limit: number,
): Promise<UnitReport[]> {
  const goLive = await requireGoLive(s, goLiveId);
  if (!findUnit(goLive, unitId)) throw notFound('UNIT.NOT_FOUND', unitId);
  return s.repo.listUnitReports(goLiveId, unitId, limit);
}

/**
 * What an area's colour is suggested from (R4.3, R3.5): "Verksamhetens införande" from the care
 * units' latest colours (worst colour, counts per förvaltning); every other area from the
 * problems its report logs, so the suggestion follows the form (`source: 'problems'`).
 */
export type AreaSuggestion =
  | { areaId: string; source: 'units'; colour: Colour; byForvaltning: UnitsSuggestion['byForvaltning'] }
  | { areaId: string; source: 'problems' };

async function unitsSuggestion(s: Ports<StatusSnapshotStore>, goLive: GoLive): Promise<UnitsSuggestion> {
  return suggestFromUnits(
    goLive.forvaltningar.map((f) => f.id),
    (await s.repo.getStatusSnapshot(goLive.id))?.unitStatuses ?? [],
  );
}

/** The suggestion the area's report form shows before anything is sent (issue 14 item 13). */
export async function areaSuggestion(
  s: Ports<GoLiveStore & StatusSnapshotStore>,
  goLiveId: string,
  areaId: string,
): Promise<AreaSuggestion> {
  const goLive = await requireGoLive(s, goLiveId);
  const area = findArea(goLive, areaId);
  if (!area) throw notFound('AREA.NOT_FOUND', areaId);
  if (area.id !== CARE_ROLLOUT_AREA) return { areaId: area.id, source: 'problems' };
  const u = await unitsSuggestion(s, goLive);
  return { areaId: area.id, source: 'units', colour: u.colour, byForvaltning: u.byForvaltning };
}

/**
 * A delivery area reports its one colour (R4.1–R4.5). Without a colour the suggestion from
 * the logged problems applies (R4.3); an override carries its reason and is kept.
 */
export async function submitAreaReport(
  s: Ports<GoLiveStore & AreaReportStore & StatusSnapshotStore, 'clock'>,
  cmd: { goLiveId: string; areaId: string; input: AreaReportInput; idempotencyKey?: string; actor?: Actor },
): Promise<WriteResult<AreaReport>> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const area = findArea(goLive, cmd.areaId);
  if (!area) throw notFound('AREA.NOT_FOUND', cmd.areaId);
  const now = s.clock.now();
  const hash = requestHash({ areaId: cmd.areaId, ...cmd.input });
  const id = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: `area-report/${cmd.areaId}` });
  // A replay answers the stored report before anything is judged again: the suggestion may have
  // moved since (the units' colours, R3.5), and the stored result stands (issue 14 item 13).
  if (cmd.input.id !== undefined || cmd.idempotencyKey !== undefined) {
    const stored = await s.repo.getAreaReport(goLive.id, id);
    if (stored) {
      assertSameRequest(stored, hash);
      // Storing it again repeats only the status step: a crash between the two writes is repaired.
      return { value: (await s.repo.addAreaReport(stored)).value, created: false };
    }
  }
  // "Verksamhetens införande" follows the care units (R3.5); every other area its problems (R4.3).
  const fromUnits = area.id === CARE_ROLLOUT_AREA ? await unitsSuggestion(s, goLive) : undefined;
  const suggestedColour = fromUnits?.colour ?? suggestAreaColour(cmd.input.problems);
  const colour = cmd.input.colour ?? suggestedColour;
  const missing = overrideReasonMissing(colour, suggestedColour, cmd.input.overrideReason);
  if (missing) throw invalidField('overrideReason', { sv: missing.split(' / ')[0]!, en: missing.split(' / ')[1]! });
  const report: AreaReport = {
    id,
    goLiveId: goLive.id,
    areaId: area.id,
    colour,
    suggestedColour,
    ...(fromUnits ? { suggestedFromUnits: fromUnits.byForvaltning } : {}),
    ...(colour !== suggestedColour && cmd.input.overrideReason ? { overrideReason: cmd.input.overrideReason } : {}),
    summary: cmd.input.summary,
    problems: cmd.input.problems,
    ...(cmd.input.runSchedule ? { runSchedule: cmd.input.runSchedule } : {}),
    ...(cmd.input.toCommunicate ? { toCommunicate: cmd.input.toCommunicate } : {}),
    ...(cmd.input.greenReflections ? { greenReflections: cmd.input.greenReflections } : {}),
    reportedAt: resolveReportedAt(cmd.input.reportedAt, now),
    receivedAt: now.toISOString(),
    ...(cmd.input.reporter ? { reporter: cmd.input.reporter } : {}),
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    requestHash: hash,
  };
  const result = await s.repo.addAreaReport(report);
  if (!result.created) assertSameRequest(result.value, hash);
  return result;
}

export async function listAreaReports(
  s: Ports<GoLiveStore & AreaReportStore>,
  goLiveId: string,
  areaId: string,
  limit: number,
): Promise<AreaReport[]> {
  const goLive = await requireGoLive(s, goLiveId);
  if (!findArea(goLive, areaId)) throw notFound('AREA.NOT_FOUND', areaId);
  return s.repo.listAreaReports(goLiveId, areaId, limit);
}
