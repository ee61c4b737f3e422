import { z } from 'zod';
import { Colour, ColourInput, COLOURS } from './colour';
import { Actor } from './audit';
import { Instant, Slug } from './ids';
import { Reporter } from './unit-report';

export const PROBLEM_SIZES = ['veryLarge', 'large', 'small'] as const;
export type ProblemSize = (typeof PROBLEM_SIZES)[number];

const ACCEPTED_SIZES = {
  veryLarge: 'veryLarge',
  large: 'large',
  small: 'small',
  'mycket stor': 'veryLarge',
  stor: 'large',
  liten: 'small',
} as const satisfies Record<string, ProblemSize>;

/** Problem size (R4.2): `veryLarge|large|small` or the Swedish `mycket stor|stor|liten`. */
export const ProblemSizeInput = z
  .enum(Object.keys(ACCEPTED_SIZES) as [keyof typeof ACCEPTED_SIZES, ...(keyof typeof ACCEPTED_SIZES)[]])
  .transform((s): ProblemSize => ACCEPTED_SIZES[s]);

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A logged problem with the three preparation questions (R4.1, R4.5). */
export const Problem = z.object({
  title: Text(200),
  size: ProblemSizeInput,
  /** Hur är läget? What happened and what is done: facts kept apart from assumptions. */
  situation: z.object({ facts: Text(2000), assumptions: Text(2000).optional() }).optional(),
  /** På gång? Actions, short and long term. */
  actions: Text(2000).optional(),
  /** Hinder på vägen? Under control, resources needed, anything to escalate. */
  obstacles: Text(2000).optional(),
  /** SD+ case references (R7.5). */
  sdReferences: z.array(Text(40)).max(20).optional(),
  /** Ideas on how it can be solved, and by whom (R7.1). */
  ideas: Text(2000).optional(),
});
export type Problem = z.infer<typeof Problem>;

/**
 * The suggested area colour from the problems logged (R4.3): red for ≥1 very large or ≥2
 * large; yellow for 1 large or ≥2 small; otherwise green.
 */
export function suggestAreaColour(problems: readonly { size: ProblemSize }[]): Colour {
  const n = (s: ProblemSize) => problems.filter((p) => p.size === s).length;
  if (n('veryLarge') >= 1 || n('large') >= 2) return 'red';
  if (n('large') === 1 || n('small') >= 2) return 'yellow';
  return 'green';
}

/** The area whose colour follows the care units' reports (R3.5). */
export const CARE_ROLLOUT_AREA = 'verksamhetens-inforande';

/** What drives the care-rollout area's suggested colour: current unit colours per förvaltning. */
export interface UnitsSuggestion {
  colour: Colour;
  byForvaltning: { forvaltningId: string; green: number; yellow: number; red: number }[];
}

/**
 * The suggested colour of "Verksamhetens införande" from the care units' latest statuses
 * (R3.5, issue 14 item 13): the worst colour any unit stands at now, with the counts per
 * förvaltning that drive it. No unit reported yet → green with zero counts.
 */
export function suggestFromUnits(
  forvaltningIds: readonly string[],
  unitStatuses: readonly { forvaltningId: string; colour: Colour }[],
): UnitsSuggestion {
  const byForvaltning = forvaltningIds.map((forvaltningId) => {
    const counts = { forvaltningId, green: 0, yellow: 0, red: 0 };
    for (const u of unitStatuses) if (u.forvaltningId === forvaltningId) counts[u.colour]++;
    return counts;
  });
  const has = (c: Colour) => unitStatuses.some((u) => u.colour === c);
  return { colour: has('red') ? 'red' : has('yellow') ? 'yellow' : 'green', byForvaltning };
}

/** The issue when an area's colour departs from its suggestion without a reason (R4.3). */
export function overrideReasonMissing(colour: Colour, suggested: Colour, reason: string | undefined): string | undefined {
  return colour !== suggested && !reason
    ? `krävs när färgen (${colour}) avviker från förslaget (${suggested}) / required when the colour differs from the suggestion`
    : undefined;
}

export const AreaReportInput = z
  .object({
    id: Slug.optional(),
    /** The area's one colour; omitted → the suggestion applies (R4.3). */
    colour: ColourInput.optional(),
    /** Required when `colour` differs from the suggestion (R4.3). */
    overrideReason: Text(1000).optional(),
    summary: Text(4000),
    problems: z.array(Problem).max(100).default([]),
    /** Anything affecting the go-live schedule, körschemat (R6.1 point 8). */
    runSchedule: Text(2000).optional(),
    /** Anything to communicate to the care units (R6.1 point 9). */
    toCommunicate: Text(2000).optional(),
    /** Green reflections, where things go really well (R6.1 point 11). */
    greenReflections: Text(2000).optional(),
    reportedAt: Instant.optional(),
    reporter: Reporter.optional(),
  })
  .superRefine((r, ctx) => {
    // The override reason (R4.3) is checked where the area is known (overrideReasonMissing):
    // "Verksamhetens införande" takes its suggestion from the units (R3.5), not the problems.
    if ((r.colour ?? suggestAreaColour(r.problems)) !== 'green')
      r.problems.forEach((p, i) => {
        for (const q of ['situation', 'actions', 'obstacles'] as const)
          if (p[q] === undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['problems', i, q],
              message: `krävs i en röd eller gul rapport (R4.5) / required in a red or yellow report`,
            });
      });
  });
export type AreaReportInput = z.infer<typeof AreaReportInput>;

const UnitCounts = z.object({ forvaltningId: z.string(), green: z.number().int(), yellow: z.number().int(), red: z.number().int() });

export const AreaReport = z.object({
  id: z.string(),
  goLiveId: z.string(),
  areaId: z.string(),
  colour: z.enum(COLOURS),
  suggestedColour: z.enum(COLOURS),
  /** "Verksamhetens införande" only: the unit counts per förvaltning behind the suggestion (R3.5). */
  suggestedFromUnits: z.array(UnitCounts).optional(),
  overrideReason: z.string().optional(),
  summary: z.string(),
  problems: z.array(Problem),
  runSchedule: z.string().optional(),
  toCommunicate: z.string().optional(),
  greenReflections: z.string().optional(),
  reportedAt: z.string(),
  receivedAt: z.string(),
  reporter: Reporter.optional(),
  recordedBy: Actor.optional(),
  requestHash: z.string(),
});
export type AreaReport = z.infer<typeof AreaReport>;

export const AreaStatus = z.object({
  goLiveId: z.string(),
  areaId: z.string(),
  colour: z.enum(COLOURS),
  suggestedColour: z.enum(COLOURS),
  /** "Verksamhetens införande" only: the unit counts per förvaltning behind the suggestion (R3.5). */
  suggestedFromUnits: z.array(UnitCounts).optional(),
  summary: z.string(),
  reportedAt: z.string(),
  reportId: z.string(),
  /** The colour before this report, for the trend arrow. */
  previousColour: z.enum(COLOURS).optional(),
  openProblems: z.number().int(),
});
export type AreaStatus = z.infer<typeof AreaStatus>;

export const statusOfAreaReport = (r: AreaReport, previous: AreaStatus | undefined): AreaStatus => ({
  goLiveId: r.goLiveId,
  areaId: r.areaId,
  colour: r.colour,
  suggestedColour: r.suggestedColour,
  ...(r.suggestedFromUnits ? { suggestedFromUnits: r.suggestedFromUnits } : {}),
  summary: r.summary,
  reportedAt: r.reportedAt,
  reportId: r.id,
  previousColour: previous?.colour,
  openProblems: r.problems.length,
});
