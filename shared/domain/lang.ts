/** The languages people read Driftpuls in: Swedish first, English on request. Defined once. */
export const LANGS = ['sv', 'en'] as const;
export type Lang = (typeof LANGS)[number];
