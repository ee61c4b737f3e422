import type { Texts } from './errors';
import { containsPersonalIdentityNumber } from './personnummer';

/*
 * What no text in Driftpuls may carry (docs/access.md, "Patient data" and "Clean texts"):
 * a personal identity number (shared/domain/personnummer.ts), and characters that hide or
 * reorder what a reader sees: NUL and the other C0 controls but tab, line feed and carriage
 * return; DEL and the C1 controls; the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069, "Trojan Source"); and lone UTF-16 surrogates. Inputs with
 * them are refused, naming the field; exports strip them from what was stored before.
 */

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
const FORBIDDEN_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/gu;

/** True when `text` holds a character no text may carry (see above). */
export const hasForbiddenCharacters = (text: string): boolean => FORBIDDEN.test(text);

/** `text` without those characters (exports of what was stored before they were refused). */
export const stripForbiddenCharacters = (text: string): string => (FORBIDDEN.test(text) ? text.replace(FORBIDDEN_ALL, '') : text);

export type TextProblem = 'personalData' | 'forbiddenCharacters';

/** Why `text` may not be stored, or undefined. */
export function textProblem(text: string): TextProblem | undefined {
  if (containsPersonalIdentityNumber(text)) return 'personalData';
  if (hasForbiddenCharacters(text)) return 'forbiddenCharacters';
  return undefined;
}

/** What a person reads about a refused text, per problem (row errors, field issues). */
export const TEXT_PROBLEM_TEXTS: Record<TextProblem, Texts> = {
  personalData: {
    sv: 'innehåller ett personnummer eller samordningsnummer – Driftpuls får inte innehålla patientuppgifter',
    en: 'contains a personal identity or coordination number – Driftpuls must not hold patient data',
  },
  forbiddenCharacters: {
    sv: 'innehåller styrtecken (t.ex. NUL eller tecken som vänder skrivriktningen) – ta bort dem',
    en: 'contains control characters (e.g. NUL or characters that reverse the writing direction) – remove them',
  },
};

/**
 * Paths of every string (and object key) in a parsed body with forbidden characters.
 * Iterative, like `findPersonalIdentityNumbers`.
 */
export function findForbiddenCharacters(value: unknown): string[] {
  const found: string[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasForbiddenCharacters(v)) found.push(path || 'body');
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const shown = hasForbiddenCharacters(k) ? stripForbiddenCharacters(k) : k;
        if (shown !== k) found.push(path ? `${path}.${shown}` : shown);
        stack.push({ v: child, path: path ? `${path}.${shown}` : shown });
      }
    }
  }
  return found.reverse();
}
