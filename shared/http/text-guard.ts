import type { FieldIssue } from '../domain/errors';
import { findPersonalIdentityNumbers } from '../domain/personnummer';
import { findForbiddenCharacters, TEXT_PROBLEM_TEXTS, textProblem } from '../domain/text-hygiene';
import type { Lang, ProblemResponse } from './problem';
import { problem } from './problem';

/*
 * The request-side half of the text guard (docs/access.md, "Patient data", "Clean texts"):
 * every text a request carries — path ids, query parameters, the Idempotency-Key, every
 * string and key of a JSON body — is checked before anything is parsed, stored or logged.
 */

export interface UnsafeTexts {
  personalData: string[];
  forbiddenCharacters: string[];
}

/** The named texts of a request (path, query, headers) that may not be stored. */
export function inspectRequestTexts(texts: Iterable<readonly [field: string, value: string | undefined]>): UnsafeTexts {
  const found: UnsafeTexts = { personalData: [], forbiddenCharacters: [] };
  for (const [field, value] of texts) {
    if (!value) continue;
    const p = textProblem(value);
    if (p) found[p].push(field);
  }
  return found;
}

/** Every string and key of a parsed JSON body that may not be stored, by path. */
export const inspectBody = (value: unknown): UnsafeTexts => ({
  personalData: findPersonalIdentityNumbers(value),
  forbiddenCharacters: findForbiddenCharacters(value),
});

/**
 * The answer to a request with unsafe texts, or undefined: identity numbers first (400
 * `DATA.PERSONAL_IDENTITY_NUMBER`, the number never echoed), else control characters (400
 * `DATA.FORBIDDEN_CHARACTERS`); both name every field.
 */
export function unsafeTextsProblem(found: UnsafeTexts, lang: Lang, instance: string | undefined): ProblemResponse | undefined {
  const issues = (fields: string[], p: keyof UnsafeTexts): FieldIssue[] =>
    fields.map((field) => ({ field, message: TEXT_PROBLEM_TEXTS[p] }));
  const at = instance ? { instance } : {};
  if (found.personalData.length)
    return problem(
      'DATA.PERSONAL_IDENTITY_NUMBER',
      {
        sv: 'Texten innehåller ett personnummer eller samordningsnummer. Ta bort det och skicka igen – Driftpuls får inte innehålla patientuppgifter.',
        en: 'The text contains a Swedish personal identity or coordination number. Remove it and send again – Driftpuls must not hold patient data.',
      },
      lang,
      { ...at, issues: issues(found.personalData, 'personalData') },
    );
  if (found.forbiddenCharacters.length)
    return problem(
      'DATA.FORBIDDEN_CHARACTERS',
      {
        sv: 'Texten innehåller styrtecken (t.ex. NUL eller tecken som vänder skrivriktningen). Ta bort dem och skicka igen.',
        en: 'The text contains control characters (e.g. NUL or characters that reverse the writing direction). Remove them and send again.',
      },
      lang,
      { ...at, issues: issues(found.forbiddenCharacters, 'forbiddenCharacters') },
    );
  return undefined;
}

/** A path that may be shown back (problem `instance`, logs): undefined when it carries an unsafe text. */
export const showablePath = (path: string): string | undefined => (textProblem(decodeURIComponentSafe(path)) ? undefined : path);

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
