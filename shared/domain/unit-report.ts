import { z } from 'zod';
import { ColourInput, COLOURS } from './colour';
import { Actor } from './audit';
import { Instant, Slug } from './ids';

/** Who made a report: a person of the go-live and/or a free name (R3.1). */
export const Reporter = z.object({
  personId: Slug.optional(),
  name: z.string().trim().min(1).max(120).optional(),
});
export type Reporter = z.infer<typeof Reporter>;

/** A care unit's report as the client sends it (R3.1, R3.2). */
export const UnitReportInput = z.object({
  /** Optional client-chosen id; a repeated id is the same report (idempotent). */
  id: Slug.optional(),
  colour: ColourInput,
  /** Why: how Cosmic affects the unit right now. */
  explanation: z.string().trim().min(1).max(2000),
  /** When the status applied; defaults to when it was received. */
  reportedAt: Instant.optional(),
  reporter: Reporter.optional(),
});
export type UnitReportInput = z.infer<typeof UnitReportInput>;

export const UnitReport = z.object({
  id: z.string(),
  goLiveId: z.string(),
  unitId: z.string(),
  forvaltningId: z.string(),
  colour: z.enum(COLOURS),
  explanation: z.string(),
  reportedAt: z.string(),
  receivedAt: z.string(),
  reporter: Reporter.optional(),
  source: z.enum(['api', 'import', 'demo']),
  /** Who sent it (audit); `receivedAt` says when. */
  recordedBy: Actor.optional(),
  /** Fingerprint of the request that created it: a reused key with another body is refused. */
  requestHash: z.string(),
});
export type UnitReport = z.infer<typeof UnitReport>;

/** The latest report of a unit, kept so the overview never scans history. */
export const UnitStatus = z.object({
  goLiveId: z.string(),
  unitId: z.string(),
  forvaltningId: z.string(),
  colour: z.enum(COLOURS),
  explanation: z.string(),
  reportedAt: z.string(),
  reportId: z.string(),
});
export type UnitStatus = z.infer<typeof UnitStatus>;

/**
 * Whether `candidate` should replace `current` as the unit's latest status: the later
 * `reportedAt` wins, ties broken by report id so every replica and retry agrees.
 */
export function isNewer(
  candidate: { reportedAt: string; reportId: string },
  current: { reportedAt: string; reportId: string } | undefined,
): boolean {
  if (!current) return true;
  if (candidate.reportedAt !== current.reportedAt) return candidate.reportedAt > current.reportedAt;
  return candidate.reportId > current.reportId;
}

export const statusOfUnitReport = (r: UnitReport): UnitStatus => ({
  goLiveId: r.goLiveId,
  unitId: r.unitId,
  forvaltningId: r.forvaltningId,
  colour: r.colour,
  explanation: r.explanation,
  reportedAt: r.reportedAt,
  reportId: r.id,
});
