import type { Texts } from './errors';
import type { Role } from './golive';
import { ROLE_LABELS, ROLES } from './golive';

/*
 * Reading an organisation list (R1, R2): role names as people write them, lists in one
 * cell, yes/no, and ids made from names when the list has none.
 */

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** Every way a role may be written: its id, its Swedish and English label, and a few short forms. */
const ROLE_WORDS: ReadonlyMap<string, Role> = (() => {
  const m = new Map<string, Role>();
  for (const role of ROLES) {
    m.set(fold(role), role);
    m.set(fold(ROLE_LABELS[role].sv), role);
    m.set(fold(ROLE_LABELS[role].en), role);
  }
  const extra: Record<string, Role> = {
    im: 'incidentManager',
    'incident manager': 'incidentManager',
    rapportor: 'unitReporter',
    verksamhetsrapportor: 'unitReporter',
    'csl-representant': 'cslRepresentative',
    'csl representant': 'cslRepresentative',
    'itd:s chefer': 'itdManager',
    'itd-chef': 'itdManager',
    chefslakare: 'chiefMedicalOfficer',
    'lgv representant': 'lgvLiaison',
  };
  for (const [k, v] of Object.entries(extra)) m.set(fold(k), v);
  return m;
})();

/** Splits a cell holding several values: "a, b; c", one per line, or "a och b". */
export function splitList(text: string): string[] {
  return text
    .split(/[,;\n\r]+|\s+och\s+|\s+and\s+/i)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One role name (R1): the id (`goLiveLead`), the Swedish label (`Driftsättningsledare`) or the English one. */
export const parseRole = (word: string): Role | undefined => ROLE_WORDS.get(fold(word));

/** All roles of a cell, or the words that are not roles. */
export function parseRoles(text: string): { ok: true; value: Role[] } | { ok: false; unknown: string[] } {
  const words = splitList(text);
  const unknown = words.filter((w) => parseRole(w) === undefined);
  if (unknown.length) return { ok: false, unknown };
  return { ok: true, value: [...new Set(words.map((w) => parseRole(w)!))] };
}

/** The Swedish labels, for messages that tell people what to write. */
export const roleLabelList = (lang: 'sv' | 'en'): string => ROLES.map((r) => ROLE_LABELS[r][lang]).join(', ');

/** "ja", "x", "yes", "true", "1" → true; "nej", "no", "false", "0", empty → false; else undefined. */
export function parseYesNo(text: string): boolean | undefined {
  const t = fold(text);
  if (['ja', 'j', 'x', 'yes', 'y', 'true', 'sant', '1'].includes(t)) return true;
  if (['', 'nej', 'n', 'no', 'false', 'falskt', '0', '-'].includes(t)) return false;
  return undefined;
}

/** A slug id from a name: "Avdelning 12 – Kirurgi" → "avdelning-12-kirurgi" (å, ä → a; ö → o). */
export function slugify(name: string, maxLength = 64): string {
  return fold(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
}

/** Names compared the way people mean them: case, accents and spacing do not matter. */
export const sameName = (a: string, b: string): boolean => fold(a) === fold(b);

/** The key two names share exactly when `sameName` holds: what an index of names is keyed by. */
export const nameKey = (name: string): string => fold(name);

/** A row error's text when a referenced thing does not exist. */
export const unknownRef = (what: Texts, value: string): Texts => ({
  sv: `okänd ${what.sv} '${value}'`,
  en: `unknown ${what.en} '${value}'`,
});
