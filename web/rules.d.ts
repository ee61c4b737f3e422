/**
 * Types of `rules.js`, which the server generates from shared/domain (functions/http/board.ts):
 * the browser applies the domain's own rules, so their types come from there too.
 */
export declare const COLOURS: typeof import('../shared/domain/colour').COLOURS;
export declare const PROBLEM_SIZES: typeof import('../shared/domain/area-report').PROBLEM_SIZES;
export declare const UNIT_COLOUR_MEANING: typeof import('../shared/domain/colour').UNIT_COLOUR_MEANING;
export declare const suggestAreaColour: typeof import('../shared/domain/area-report').suggestAreaColour;
export declare const DECISION_LEVEL_LABELS: typeof import('../shared/escalation/domain/challenge').DECISION_LEVEL_LABELS;
/** The pages' paths below the API base, from shared/domain/pages.ts: `{g}` the go-live, `{id}` the thing. */
export declare const PAGE_PATHS: Record<keyof typeof import('../shared/domain/pages').pages, string>;
export declare const ROLE_LABELS: typeof import('../shared/domain/golive').ROLE_LABELS;
export declare const LOG_LEVEL_FORUM: typeof import('../shared/escalation/domain/challenge').LOG_LEVEL_FORUM;
