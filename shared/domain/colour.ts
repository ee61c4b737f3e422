import { z } from 'zod';

/** Traffic-light colour used by care units (R3.2) and delivery areas (R4.2). */
export const COLOURS = ['green', 'yellow', 'red'] as const;
export type Colour = (typeof COLOURS)[number];

const ACCEPTED = {
  green: 'green',
  yellow: 'yellow',
  red: 'red',
  grön: 'green',
  gul: 'yellow',
  röd: 'red',
} as const satisfies Record<string, Colour>;

/**
 * Accepts the API's English colour names and the Swedish words people use (grön, gul,
 * röd); the API always answers in English (R3.2, R4.2). An enum, not free text, so the
 * OpenAPI description lists every accepted word.
 */
export const ColourInput = z
  .enum(Object.keys(ACCEPTED) as [keyof typeof ACCEPTED, ...(keyof typeof ACCEPTED)[]])
  .transform((c): Colour => ACCEPTED[c]);

/** Case-insensitive parse for imported files and forms ("Grön", " RÖD "). */
export function parseColourWord(word: string): Colour | undefined {
  const w = word.trim().toLowerCase();
  return w in ACCEPTED ? ACCEPTED[w as keyof typeof ACCEPTED] : w === 'gron' ? 'green' : w === 'rod' ? 'red' : undefined;
}

/** Rank for comparisons and trends: higher is worse. */
export const colourRank = (c: Colour): number => COLOURS.indexOf(c);

/** What each colour means for a care unit (R3.2), Swedish first. */
export const UNIT_COLOUR_MEANING: Record<Colour, { sv: string; en: string }> = {
  green: { sv: 'Grön – Vi klarar vårt verksamhetsuppdrag', en: 'Green – we fulfil our care mission' },
  yellow: { sv: 'Gul – Viss påverkan på vårt verksamhetsuppdrag', en: 'Yellow – some impact on our care mission' },
  red: { sv: 'Röd – Stor påverkan på vårt verksamhetsuppdrag', en: 'Red – major impact on our care mission' },
};
