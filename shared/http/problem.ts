import type { z } from 'zod';
import type { DomainErrorCode, FieldIssue, Texts } from '../domain/errors';
import { DomainError } from '../domain/errors';
import { isStoreDamaged, isStoreUnavailable, StoreConflictError } from '../ports/repository.port';

import type { Lang } from '../domain/lang';
export type { Lang };

/** An RFC 9457 problem document, with the bad fields named in `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: { field: string; message: string }[];
}

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type EdgeCode =
  | 'STORE.DAMAGED'
  | 'HTTP.BAD_JSON'
  | 'HTTP.UNSUPPORTED_MEDIA'
  | 'HTTP.TOO_LARGE'
  | 'AUTH.UNAUTHENTICATED'
  | 'AUTH.FORBIDDEN'
  | 'AUTH.CROSS_SITE'
  | 'DATA.PERSONAL_IDENTITY_NUMBER'
  | 'DATA.FORBIDDEN_CHARACTERS'
  | 'INTERNAL';

const STATUS: Record<DomainErrorCode | EdgeCode, number> = {
  'GOLIVE.NOT_FOUND': 404,
  'UNIT.NOT_FOUND': 404,
  'AREA.NOT_FOUND': 404,
  'INCIDENT.NOT_FOUND': 404,
  'INCIDENT.CLOSED': 409,
  'CHALLENGE.NOT_FOUND': 404,
  'CHALLENGE.INVALID_TRANSITION': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'VALIDATION.FAILED': 400,
  'CONFLICT.CONCURRENT_UPDATE': 409,
  'STORE.UNAVAILABLE': 503,
  'STORE.DAMAGED': 503,
  'MEETING.NOT_FOUND': 404,
  'MEETING.FORUM_MEMBER_REQUIRED': 403,
  'PERSON.NOT_FOUND': 404,
  'PERSON.OBJECT_ID_TAKEN': 409,
  'GOLIVE.WOULD_DROP_ORGANISATION': 409,
  'DECISION.NOT_AUTHORISED': 403,
  'FORVALTNING.NOT_FOUND': 404,
  'HTTP.BAD_JSON': 400,
  'HTTP.UNSUPPORTED_MEDIA': 415,
  'HTTP.TOO_LARGE': 413,
  'AUTH.UNAUTHENTICATED': 401,
  'AUTH.FORBIDDEN': 403,
  'AUTH.CROSS_SITE': 403,
  'DATA.PERSONAL_IDENTITY_NUMBER': 400,
  'DATA.FORBIDDEN_CHARACTERS': 400,
  INTERNAL: 500,
};

const TITLES: Record<number, Texts> = {
  400: { sv: 'Ogiltig begäran', en: 'Bad request' },
  401: { sv: 'Inloggning krävs', en: 'Authentication required' },
  403: { sv: 'Åtkomst nekad', en: 'Forbidden' },
  404: { sv: 'Hittades inte', en: 'Not found' },
  409: { sv: 'Konflikt', en: 'Conflict' },
  413: { sv: 'För stor begäran', en: 'Payload too large' },
  415: { sv: 'Fel innehållstyp', en: 'Unsupported media type' },
  422: { sv: 'Kan inte behandlas', en: 'Unprocessable content' },
  500: { sv: 'Internt fel', en: 'Internal error' },
  503: { sv: 'Tillfälligt otillgänglig', en: 'Service unavailable' },
};

const pick = (t: string | Texts, lang: Lang): string => (typeof t === 'string' ? t : t[lang]);

export function problem(
  code: keyof typeof STATUS,
  texts: Texts,
  lang: Lang,
  extra: { issues?: FieldIssue[]; instance?: string; retryAfterSeconds?: number } = {},
): ProblemResponse {
  const status = STATUS[code];
  const body: Problem = {
    type: `urn:driftpuls:problem:${code.toLowerCase()}`,
    title: (TITLES[status] ?? TITLES[500]!)[lang],
    status,
    detail: texts[lang],
    code,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.issues ? { errors: extra.issues.map((i) => ({ field: i.field, message: pick(i.message, lang) })) } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang };
  if (extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(extra.retryAfterSeconds)));
  return { status, headers, body: JSON.stringify(body) };
}

/** zod issues as field issues: `problems.0.size`, or `body` for the whole document. */
export const fieldIssues = (error: z.ZodError, prefix?: string): FieldIssue[] =>
  error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || prefix || 'body',
    message: i.message,
  }));

export const validationProblem = (issues: FieldIssue[], lang: Lang, instance?: string): ProblemResponse =>
  problem('VALIDATION.FAILED', { sv: 'Begäran innehåller ogiltiga fält.', en: 'The request has invalid fields.' }, lang, {
    issues,
    instance,
  });

/** Maps any error to a problem; unknown errors become a 500 that reveals nothing. */
export function problemFromError(e: unknown, lang: Lang, instance?: string): ProblemResponse {
  if (e instanceof DomainError) return problem(e.code, e.texts, lang, { ...e.details, instance });
  if (isStoreUnavailable(e))
    return problem(
      'STORE.UNAVAILABLE',
      { sv: 'Lagringen svarar inte just nu. Försök igen om en stund.', en: 'Storage is not answering right now. Try again shortly.' },
      lang,
      {
        instance,
        retryAfterSeconds: e.retryAfterSeconds,
      },
    );
  if (isStoreDamaged(e))
    return problem(
      'STORE.DAMAGED',
      {
        sv: 'Lagringen är skadad och tar inte emot något förrän den har lagats. Inget har sparats. Kontakta driften.',
        en: 'Storage is damaged and takes nothing until it is repaired. Nothing was stored. Contact operations.',
      },
      lang,
      { instance, retryAfterSeconds: e.retryAfterSeconds },
    );
  if (e instanceof StoreConflictError)
    return problem('CONFLICT.CONCURRENT_UPDATE', { sv: 'Samtidig ändring. Försök igen.', en: 'Concurrent change. Try again.' }, lang, {
      instance,
    });
  return problem(
    'INTERNAL',
    { sv: 'Något gick fel hos oss. Felet är loggat.', en: 'Something went wrong on our side. The error is logged.' },
    lang,
    { instance },
  );
}
