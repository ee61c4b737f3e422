/**
 * Domain errors carry a stable code; they become HTTP status codes only at the edge
 * (shared/http/problem.ts).
 */
export type DomainErrorCode =
  | 'GOLIVE.NOT_FOUND'
  | 'UNIT.NOT_FOUND'
  | 'AREA.NOT_FOUND'
  | 'INCIDENT.NOT_FOUND'
  | 'INCIDENT.CLOSED'
  | 'CHALLENGE.NOT_FOUND'
  | 'CHALLENGE.INVALID_TRANSITION'
  | 'IDEMPOTENCY.KEY_REUSED'
  | 'VALIDATION.FAILED'
  | 'CONFLICT.CONCURRENT_UPDATE'
  | 'STORE.UNAVAILABLE'
  | 'MEETING.NOT_FOUND'
  | 'MEETING.FORUM_MEMBER_REQUIRED'
  | 'PERSON.NOT_FOUND'
  | 'PERSON.OBJECT_ID_TAKEN'
  | 'GOLIVE.WOULD_DROP_ORGANISATION'
  | 'DECISION.NOT_AUTHORISED'
  | 'FORVALTNING.NOT_FOUND';

/** A text a person may read: Swedish first, English available. */
export interface Texts {
  sv: string;
  en: string;
}

export interface FieldIssue {
  /** Dotted path of the bad field, e.g. `problems.0.size`. */
  field: string;
  /** One language (zod issues are produced in the request's language) or both. */
  message: string | Texts;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly texts: Texts,
    readonly details: { issues?: FieldIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(texts.en);
    this.name = 'DomainError';
  }
}

const WHAT: Record<Extract<DomainErrorCode, `${string}.NOT_FOUND`>, Texts> = {
  'GOLIVE.NOT_FOUND': { sv: 'Driftsättningen', en: 'Go-live' },
  'UNIT.NOT_FOUND': { sv: 'Enheten', en: 'Care unit' },
  'AREA.NOT_FOUND': { sv: 'Leveransområdet', en: 'Delivery area' },
  'INCIDENT.NOT_FOUND': { sv: 'Incidenten', en: 'Incident' },
  'CHALLENGE.NOT_FOUND': { sv: 'Utmaningen', en: 'Challenge' },
  'MEETING.NOT_FOUND': { sv: 'Mötet', en: 'Meeting' },
  'PERSON.NOT_FOUND': { sv: 'Personen', en: 'Person' },
  'FORVALTNING.NOT_FOUND': { sv: 'Förvaltningen', en: 'Förvaltning' },
};

export const notFound = (code: keyof typeof WHAT, id: string) =>
  new DomainError(code, { sv: `${WHAT[code].sv} '${id}' finns inte.`, en: `${WHAT[code].en} '${id}' does not exist.` });

/** A validation error on one field, raised by a use case after the schema passed. */
export const invalidField = (field: string, texts: Texts) =>
  new DomainError('VALIDATION.FAILED', { sv: 'Ogiltig indata.', en: 'Invalid input.' }, { issues: [{ field, message: texts }] });
