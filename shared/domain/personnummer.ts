/**
 * Swedish personal identity numbers (personnummer) and coordination numbers
 * (samordningsnummer, day + 60) in free text. Driftpuls must hold no patient data, so any
 * text that contains one is refused before it is stored or logged (docs/access.md, "Patient
 * data").
 *
 * The text is normalised first (`normaliseForGuard`): NFKC (full-width digits and signs),
 * every dash (hyphen, en, em, figure, minus …) as `-`, every space (non-breaking, thin …) as
 * one space, invisible characters (zero-width, soft hyphen) dropped, digits of other scripts as
 * 0–9. A candidate is a date part of 6 or 8 digits (YYMMDD, YYYYMMDD), then nothing, a space,
 * `-`, `+`, `/` or `.` (with spaces around it or not), then 4 digits. It counts only with a real
 * calendar date (day + 60 for a coordination number) and a valid Luhn check digit.
 *
 * Some things that pass those checks are not identity numbers; the context tells (measured by
 * test/domain/personnummer.property.test.ts):
 * - a recent date part (year 2020–2039; YY 20–39 without a century) after letters (`SD-…`,
 *   `INC…`) or after a case word (ärende, SD, INC, ref, order, faktura …);
 * - a recent YYYYMMDD (2020–2039) and a weak separator (none, space, `/`, `.`) before 4
 *   digits that read as a time (`Driftstopp 20261127 0006`);
 * - digits with letters on both sides (`a1912121212b`, hexadecimal ids);
 * - a weak separator after a phone word (tel, ring, mobil …), or 10 digits starting `07`
 *   without a separator (a mobile number);
 * - 4 digits followed by more (`…-6019-2`);
 * and none of these apply when a word about a person is near before it (pnr, personnummer,
 * patient, pat, född, samordningsnummer …).
 */

/** Dashes people and word processors type between digit groups. */
const DASHES = /[\u2010-\u2015\u2212\u2043\uFE58\uFE63\uFF0D\u2E3A\u2E3B]/g;
/** Characters that take no room on the screen: dropped before the search. */
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class -- each invisible mark is removed on its own, joiners and selectors included
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;
const SPACES = /[\s\u2800]+/g;
const OTHER_DIGIT = /[^\x00-\x7F]/;
const UNICODE_DIGIT = /\p{Nd}/u;

/**
 * Unicode encodes every decimal digit set as 10 consecutive code points 0…9, so a digit's
 * value is its distance from the start of its run, modulo 10.
 */
const digitValues = new Map<number, string>();
function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0)!;
  let v = digitValues.get(cp);
  if (v === undefined) {
    let start = cp;
    while (start > 0 && UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    v = String((cp - start) % 10);
    if (digitValues.size < 10_000) digitValues.set(cp, v);
  }
  return v;
}

/** The text as the guard reads it (see the module comment). */
export function normaliseForGuard(text: string): string {
  let t = text.normalize('NFKC').replace(INVISIBLE, '').replace(DASHES, '-').replace(SPACES, ' ');
  if (OTHER_DIGIT.test(t)) t = t.replace(/\p{Nd}/gu, (d) => (d >= '0' && d <= '9' ? d : asciiDigit(d)));
  return t;
}

/**
 * Fewer than 10 characters that are or may become digits: no identity number can be in it
 * (the common case, decided without normalising). Latin letters with diacritics (å, ä, ö, é …,
 * U+00C0–U+024F) never become digits; any other non-ASCII character might, so it counts.
 */
function cannotHold(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c > 0x7f && (c < 0xc0 || c > 0x24f))) {
      if (++digits >= 10) return false;
    }
  }
  return true;
}

const CANDIDATE = /(?<!\d)(?<!\d[.,])(\d{2})?(\d{2})(\d{2})(\d{2})( ?[-+/.] ?| )?(\d{3})(\d)(?!\d)/g;

function luhnOk(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = (tenDigits.charCodeAt(i) - 48) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12) return false;
  const d = day > 60 ? day - 60 : day; // samordningsnummer
  if (d < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** Words about a person, anywhere shortly before a number: then nothing excuses it. */
const PERSON_WORD =
  /(?:^|[^\p{L}])(?:p-?nr|pers(?:on)?\.? ?nr|personnumm?er|personnumret|personnummret|samordningsn(?:umme)?r(?:et)?|patient(?:en|er|erna|ens)?|pat|född|ssn|personal identity)(?![\p{L}])/iu;
/** Words of a case, a ticket or an order; words of a version, a build or a log. */
const CASE_WORDS = /ärende(?:nummer|nr|t|n)?|sd\+?|inc|ticket|case|ref(?:erens)?|order(?:nr|nummer)?|faktura(?:nr|nummer)?/u.source;
const VERSION_WORDS = /version|ver|build|serienr|serienummer|körning|logg(?:at|ad)?/u.source;
/** A case, ticket or order word right before (at most two words between). */
const CASE_WORD = new RegExp(
  String.raw`(?:^|[^\p{L}\d])(?:${CASE_WORDS}|${VERSION_WORDS})(?![\p{L}])(?:[^\p{L}\d]+\p{L}+){0,2}[^\p{L}\d]*$`,
  'iu',
);
/** A phone word right before (at most two words between). */
const PHONE_WORD =
  /(?:^|[^\p{L}\d])(?:tel(?:efon|nr)?|tfn|mobil(?:nr|nummer|en)?|ring|sms|växel|nå|nås)(?![\p{L}])(?:[^\p{L}\d]+\p{L}+){0,2}[^\p{L}\d]*$/iu;
const LETTER_BEFORE = /\p{L}[-_#+/]?$/u;
const LETTER_RIGHT_BEFORE = /\p{L}$/u;
const LETTER_AFTER = /^\p{L}/u;

/** True when `text` contains something that is a valid personnummer or samordningsnummer. */
export function containsPersonalIdentityNumber(text: string): boolean {
  if (cannotHold(text)) return false;
  const n = normaliseForGuard(text);
  if (cannotHold(n)) return false;
  for (const m of n.matchAll(CANDIDATE)) {
    const [whole, cc, yy = '', mm = '', dd = '', sep, serial = '', check = ''] = m;
    let year: number;
    if (cc !== undefined) {
      const century = Number(cc);
      if (century !== 18 && century !== 19 && century !== 20) continue;
      year = century * 100 + Number(yy);
      if (year >= 2040) continue; // not born yet
    } else year = 2000 + Number(yy); // a leap day is valid in 2000 and any 20YY that is one
    if (!validDate(year, Number(mm), Number(dd))) continue;
    if (!luhnOk(`${yy}${mm}${dd}${serial}${check}`)) continue;
    const at = m.index;
    const before = n.slice(Math.max(0, at - 40), at);
    const after = n.slice(at + whole.length, at + whole.length + 2);
    if (PERSON_WORD.test(before)) return true;
    // Digits inside an identifier of letters and digits (hexadecimal ids).
    if (LETTER_RIGHT_BEFORE.test(before) && LETTER_AFTER.test(after)) continue;
    // Part of a longer number: `…-6019-2`.
    if (/^[-/.]\d/.test(after)) continue;
    const yearPart = Number(yy);
    const recent = cc !== undefined ? year >= 2020 : yearPart >= 20 && yearPart <= 39;
    const weak = sep === undefined || !/^ ?[-+] ?$/.test(sep);
    const timeLike = Number(serial.slice(0, 2)) <= 23 && Number(`${serial[2]}${check}`) <= 59;
    // YYYYMMDD HHMM is a time stamp; YYMMDD HHMM is as often someone born in the 1920s or 30s.
    const recentLookalike = recent && (LETTER_BEFORE.test(before) || CASE_WORD.test(before) || (weak && cc !== undefined && timeLike));
    if (recentLookalike) continue;
    if (weak && PHONE_WORD.test(before)) continue;
    if (sep === undefined && cc === undefined && yy === '07') continue; // a mobile number, 07X XXX XX XX
    return true;
  }
  return false;
}

/** Where an identity number sits: a value, or a key of an object. */
const keyPath = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Paths of every string (object keys and integers too) in a parsed body that carries an
 * identity number, e.g. `problems.0.situation.facts`. The values themselves are never
 * returned. Iterative, so a hostile, deeply nested body cannot exhaust the stack.
 */
export function findPersonalIdentityNumbers(value: unknown): string[] {
  const found: string[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (containsPersonalIdentityNumber(v)) found.push(path || 'body');
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && containsPersonalIdentityNumber(String(v))) found.push(path || 'body');
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        // A key with a number in it is named with its digits masked, here and in the paths below it.
        const shown = !Array.isArray(v) && containsPersonalIdentityNumber(k) ? k.replace(/\p{Nd}/gu, '#') : k;
        if (shown !== k) found.push(keyPath(path, shown));
        stack.push({ v: child, path: keyPath(path, shown) });
      }
    }
  }
  return found.reverse();
}
