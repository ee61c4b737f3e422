/**
 * Types of `rules.js`, which the server generates from shared/domain (functions/http/board.ts):
 * the browser applies the domain's own rules, so their types come from there too.
 */
export declare const COLOURS: typeof import('../shared/domain/colour').COLOURS;
export declare const PROBLEM_SIZES: typeof import('../shared/domain/area-report').PROBLEM_SIZES;
export declare const UNIT_COLOUR_MEANING: typeof import('../shared/domain/colour').UNIT_COLOUR_MEANING;
export declare const suggestAreaColour: typeof import('../shared/domain/area-report').suggestAreaColour;
export declare const DECISION_LEVEL_LABELS: typeof import('../shared/domain/challenge').DECISION_LEVEL_LABELS;
