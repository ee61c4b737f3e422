import { DateTime, IANAZone } from 'luxon';
import type { Colour } from './colour';
import { parseColourWord } from './colour';
import type { Texts } from './errors';

/*
 * Reading the cells of the lists förvaltningar keep today (R3.4): dates and times as people
 * type them in Swedish Excel, Excel's own serial numbers, colour words. Pure: every function
 * takes the cell and answers a value or a problem text; nothing here knows about files.
 */

/**
 * One cell as a spreadsheet gives it. A `Date` is a wall-clock value carried in its UTC
 * fields, the way Excel (and exceljs) hand out date cells: 2026-11-27 09:15 in the sheet is
 * `2026-11-27T09:15:00Z`, whatever the time zone it was meant in.
 */
export type Cell = string | number | boolean | Date | null;

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalTime {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Texts };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (sv: string, en: string): Parsed<never> => ({ ok: false, problem: { sv, en } });

const MS_PER_DAY = 86_400_000;
/** Excel's day 0 in the 1900 date system (its phantom 29 Feb 1900 is why it is the 30th). */
const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
/** Workbooks saved with the 1904 date system (old Mac Excel) count from here. */
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);

const isBlankText = (s: string) => s.trim() === '';

/** True for an empty cell: nothing, or only whitespace. */
export const isEmptyCell = (c: Cell): boolean => c === null || (typeof c === 'string' && isBlankText(c));

/** A cell as text, as a person would read it (numbers without exponent, dates as ISO). */
export function cellText(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return c.trim();
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  if (c instanceof Date)
    return Number.isNaN(c.getTime())
      ? ''
      : c
          .toISOString()
          .replace('T', ' ')
          .replace(/(:00)?\.000Z$/, '');
  return Number.isInteger(c) ? String(c) : String(Math.round(c * 1e9) / 1e9);
}

function wallClockOf(d: Date): LocalDate & LocalTime {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** An Excel serial (days since the epoch, time as the fraction) as wall clock, to the millisecond. */
export function excelSerialToWallClock(serial: number, date1904 = false): LocalDate & LocalTime {
  const epoch = date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900;
  return wallClockOf(new Date(epoch + Math.round(serial * MS_PER_DAY)));
}

/** Wall clock as an Excel serial (1900 system): what a date or time cell holds. */
export function wallClockToExcelSerial(date: LocalDate | undefined, time: LocalTime | undefined): number {
  const d = date ? Date.UTC(date.year, date.month - 1, date.day) - EXCEL_EPOCH_1900 : 0;
  const t = time ? ((time.hour * 60 + time.minute) * 60 + time.second) * 1000 + time.millisecond : 0;
  return (d + t) / MS_PER_DAY;
}

/** A date cell that only carries a time: Excel's day 0 (or 1899-12-31, day 1, as some tools write it). */
function isTimeOnlyDate(d: Date, date1904: boolean): boolean {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if (date1904) return y === 1904 && m === 1 && day === 1;
  return y === 1899 && m === 12 && (day === 30 || day === 31);
}

const MONTHS: Record<string, number> = {
  jan: 1,
  januari: 1,
  january: 1,
  feb: 2,
  febr: 2,
  februari: 2,
  february: 2,
  mar: 3,
  mars: 3,
  march: 3,
  apr: 4,
  april: 4,
  maj: 5,
  may: 5,
  jun: 6,
  juni: 6,
  june: 6,
  jul: 7,
  juli: 7,
  july: 7,
  aug: 8,
  augusti: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  okt: 10,
  oktober: 10,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

/** Weekday words before a date are ignored ("fre 27 nov 2026", "fredag den 27 november 2026"). */
const WEEKDAY =
  /^(?:(?:mån|tis|ons|tor|tors|fre|lör|sön)(?:dag)?|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\.?,?\s+(?:den\s+)?/i;

const TIME = String.raw`(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d{1,3}))?)?`;
const OFFSET = String.raw`(Z|[+-]\d{2}:?\d{2})`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+|,\s*)${TIME}\s*${OFFSET}?)?$`, 'i');
const DMY = new RegExp(String.raw`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:(?:\s+|,\s*)${TIME})?$`, 'i');
const D_MONTH_Y = new RegExp(String.raw`^(\d{1,2})\.?\s+([a-zåäö]+)\.?\s+(\d{4})(?:(?:\s+|,\s*)${TIME})?$`, 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const TIME_ONLY = new RegExp(String.raw`^${TIME}$`, 'i');
const TIME_COMPACT = /^(\d{2})(\d{2})$/;

function validDate(year: number, month: number, day: number): LocalDate | undefined {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days ? { year, month, day } : undefined;
}

function validTime(h: string | undefined, m: string | undefined, s?: string, frac?: string): LocalTime | undefined {
  const hour = Number(h);
  const minute = Number(m);
  const second = s === undefined ? 0 : Number(s);
  const millisecond = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59)) return undefined;
  return { hour, minute, second, millisecond };
}

const timeOf = (d: LocalDate & LocalTime): LocalTime => ({ hour: d.hour, minute: d.minute, second: d.second, millisecond: d.millisecond });
const dateOf = (d: LocalDate): LocalDate => ({ year: d.year, month: d.month, day: d.day });
const hasTime = (t: LocalTime) => t.hour + t.minute + t.second + t.millisecond > 0;

/**
 * A date, perhaps with a time and an explicit offset, from a date cell. `time` is present
 * only when the cell says it (a string with a time, or a serial/date with a time part):
 * midnight from a plain date cell means "no time given".
 */
export interface DateCellValue {
  date: LocalDate;
  time?: LocalTime;
  /** An explicit offset in the text ("Z", "+01:00"): the time is not local then. */
  offset?: string;
}

const DATE_HINT = {
  sv: 'skriv t.ex. 2026-11-27, 27/11/2026, 27.11.2026 eller 27 nov 2026',
  en: 'write e.g. 2026-11-27, 27/11/2026, 27.11.2026 or 27 nov 2026',
};

/** Reads a date (and a time, if the cell holds one) in the formats of R3.4. */
export function parseDateCell(cell: Cell, opts: { date1904?: boolean } = {}): Parsed<DateCellValue> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('ogiltigt datum', 'invalid date');
    if (isTimeOnlyDate(cell, opts.date1904 ?? false))
      return fail('cellen har bara en tid, inget datum', 'the cell holds a time but no date');
    const wc = wallClockOf(cell);
    return ok({ date: dateOf(wc), ...(hasTime(wc) ? { time: timeOf(wc) } : {}) });
  }
  if (typeof cell === 'number') {
    const compact = Number.isInteger(cell) ? COMPACT.exec(String(cell)) : null;
    if (compact) {
      const d = validDate(Number(compact[1]), Number(compact[2]), Number(compact[3]));
      if (d) return ok({ date: d });
    }
    // Excel serials from 1900-01-01 to 2999: anything else is not a date someone meant.
    if (!(cell >= 1 && cell < 401_769))
      return fail(`talet ${cellText(cell)} är inget datum; ${DATE_HINT.sv}`, `the number ${cellText(cell)} is not a date; ${DATE_HINT.en}`);
    const wc = excelSerialToWallClock(cell, opts.date1904);
    return ok({ date: dateOf(wc), ...(hasTime(wc) ? { time: timeOf(wc) } : {}) });
  }
  if (typeof cell !== 'string' || isBlankText(cell)) return fail('datum saknas', 'date is missing');
  const text = cell.trim().replace(WEEKDAY, '').replace(/\s+/g, ' ');
  let date: LocalDate | undefined;
  let time: LocalTime | undefined;
  let offset: string | undefined;
  let m: RegExpExecArray | null;
  let timeParts: (string | undefined)[] = [];
  if ((m = ISO_DATE.exec(text))) {
    date = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    timeParts = [m[4], m[5], m[6], m[7]];
    offset = m[8]?.toUpperCase();
  } else if ((m = DMY.exec(text))) {
    date = validDate(Number(m[3]), Number(m[2]), Number(m[1]));
    timeParts = [m[4], m[5], m[6], m[7]];
  } else if ((m = D_MONTH_Y.exec(text))) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month === undefined) return fail(`okänd månad '${m[2]}'; ${DATE_HINT.sv}`, `unknown month '${m[2]}'; ${DATE_HINT.en}`);
    date = validDate(Number(m[3]), month, Number(m[1]));
    timeParts = [m[4], m[5], m[6], m[7]];
  } else if ((m = COMPACT.exec(text))) {
    date = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  } else {
    return fail(`'${cell.trim()}' är inget datum; ${DATE_HINT.sv}`, `'${cell.trim()}' is not a date; ${DATE_HINT.en}`);
  }
  if (!date) return fail(`'${cell.trim()}' är inget giltigt datum`, `'${cell.trim()}' is not a valid date`);
  if (timeParts[0] !== undefined) {
    time = validTime(timeParts[0], timeParts[1], timeParts[2], timeParts[3]);
    if (!time) return fail(`'${cell.trim()}' har ingen giltig tid`, `'${cell.trim()}' has no valid time`);
  }
  return ok({ date, ...(time ? { time } : {}), ...(offset ? { offset } : {}) });
}

const TIME_HINT = { sv: 'skriv t.ex. 09:15 eller 9.15', en: 'write e.g. 09:15 or 9.15' };

/** Reads a time of day: "09:15", "9.15", "kl 9.15", "09:15:30", "0915", an Excel time fraction or time cell. */
export function parseTimeCell(cell: Cell, opts: { date1904?: boolean } = {}): Parsed<LocalTime> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('ogiltig tid', 'invalid time');
    // A date-and-time cell in the time column: its time part is what the column is for.
    return ok(timeOf(wallClockOf(cell)));
  }
  if (typeof cell === 'number') {
    if (!(cell >= 0) || !Number.isFinite(cell))
      return fail(`talet ${cellText(cell)} är ingen tid; ${TIME_HINT.sv}`, `the number ${cellText(cell)} is not a time; ${TIME_HINT.en}`);
    const fraction = cell - Math.floor(cell);
    if (cell >= 1 && fraction === 0)
      return fail(`talet ${cellText(cell)} är ingen tid; ${TIME_HINT.sv}`, `the number ${cellText(cell)} is not a time; ${TIME_HINT.en}`);
    const wc = excelSerialToWallClock(fraction, opts.date1904);
    // A fraction that rounds up to 24:00 is the end of the day, not a time in it.
    if (Math.round(fraction * MS_PER_DAY) >= MS_PER_DAY) return fail('24:00 är ingen tid på dagen', '24:00 is not a time of day');
    return ok(timeOf(wc));
  }
  if (typeof cell !== 'string' || isBlankText(cell)) return fail('tid saknas', 'time is missing');
  const text = cell.trim();
  const m = TIME_ONLY.exec(text) ?? TIME_COMPACT.exec(text);
  const time = m ? validTime(m[1], m[2], m[3], m[4]) : undefined;
  if (!time) return fail(`'${text}' är ingen tid; ${TIME_HINT.sv}`, `'${text}' is not a time; ${TIME_HINT.en}`);
  return ok(time);
}

/**
 * The zone's UTC offset (minutes) at an instant. Asking the zone (Intl) costs ~0.1 ms, which a
 * 170 000-row import or export pays twice a row; offsets change only at quarter hours in every
 * zone of the tz database, so one answer per zone and quarter hour is kept.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();
function offsetAt(zone: string, ms: number): number {
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  const key = `${zone}|${bucket}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 100_000) offsetCache.clear();
    offset = IANAZone.create(zone).offset(bucket * QUARTER_HOUR_MS);
    offsetCache.set(key, offset);
  }
  return offset;
}

const DAY_MS = 86_400_000;

/** `IANAZone.isValidZone` builds an Intl formatter each call: asked once per zone. */
const zoneValidity = new Map<string, boolean>();
function validZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * A local date and time in `zone` as an instant (ISO, UTC, milliseconds). A time that does
 * not exist (the hour skipped when summer time starts) is refused; a time that exists twice
 * (when it ends) is read as the later, winter-time one.
 */
export function localToInstant(date: LocalDate, time: LocalTime, zone: string, offset?: string): Parsed<string> {
  if (offset) {
    const day = `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
    const clock = `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}.${String(time.millisecond).padStart(3, '0')}`;
    const iso = `${day}T${clock}${offset === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2')}`;
    const dt = DateTime.fromISO(iso, { setZone: true });
    if (!dt.isValid) return fail(`ogiltig tidszon '${offset}'`, `invalid offset '${offset}'`);
    return ok(dt.toUTC().toISO()!);
  }
  if (!validZone(zone)) return fail(`okänd tidszon '${zone}'`, `unknown time zone '${zone}'`);
  // The wall clock read as UTC, minus each offset the zone has around that day; an offset
  // fits when the zone really has it at the instant it gives.
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second, time.millisecond);
  const offsets = new Set([offsetAt(zone, wall - DAY_MS), offsetAt(zone, wall), offsetAt(zone, wall + DAY_MS)]);
  const fits = [...offsets].map((o) => wall - o * 60_000).filter((u) => wall - offsetAt(zone, u) * 60_000 === u);
  if (!fits.length)
    return fail(
      `${pad(time.hour)}:${pad(time.minute)} finns inte den dagen (klockan ställs fram till sommartid)`,
      `${pad(time.hour)}:${pad(time.minute)} does not exist that day (clocks move forward to summer time)`,
    );
  return ok(new Date(Math.max(...fits)).toISOString());
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as local date and time in `zone` (for exports and templates). */
export function instantToLocal(instant: string, zone: string): { date: LocalDate; time: LocalTime } {
  const ms = Date.parse(instant);
  const wc = wallClockOf(new Date(ms + offsetAt(zone, ms) * 60_000));
  return { date: dateOf(wc), time: timeOf(wc) };
}

export const formatLocalDate = (d: LocalDate): string => `${String(d.year).padStart(4, '0')}-${pad(d.month)}-${pad(d.day)}`;

/** "09:15", or with seconds ("09:15:30") and milliseconds ("09:15:30.250") only when they are not zero, so nothing is lost. */
export function formatLocalTime(t: LocalTime): string {
  let s = `${pad(t.hour)}:${pad(t.minute)}`;
  if (t.second || t.millisecond) s += `:${pad(t.second)}`;
  if (t.millisecond) s += `.${String(t.millisecond).padStart(3, '0')}`;
  return s;
}

/** Neuter and plural forms people write in a list ("grönt", "röda") beside the words the API takes. */
const COLOUR_FORMS: Record<string, Colour> = { grönt: 'green', gröna: 'green', gult: 'yellow', gula: 'yellow', rött: 'red', röda: 'red' };

/**
 * A colour word, case-insensitive: grön/gul/röd, green/yellow/red, their neuter forms, and a
 * colour word followed by its meaning ("Grön – Vi klarar vårt verksamhetsuppdrag", R3.2).
 */
export function parseColourCell(cell: Cell): Parsed<Colour> {
  const text = cellText(cell);
  if (!text) return fail('färg saknas (Grön, Gul eller Röd)', 'colour is missing (Green, Yellow or Red)');
  const word = text.toLowerCase();
  const first = word.split(/[^a-zåäö]+/)[0] ?? '';
  const colour = parseColourWord(word) ?? COLOUR_FORMS[word] ?? parseColourWord(first) ?? COLOUR_FORMS[first];
  if (!colour) return fail(`okänd färg '${text}' (använd Grön, Gul eller Röd)`, `unknown colour '${text}' (use Green, Yellow or Red)`);
  return ok(colour);
}

/** Characters that make a spreadsheet treat a text as a formula (OWASP: CSV injection). */
export const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * True when a spreadsheet could read `s` as a formula: after any apostrophes, its first
 * character is `= + - @`, tab or CR, also in a compatibility form NFKC folds to one of them
 * (full-width `＝ ＋ － ＠`, small `﹦ ﹢ ﹣ ﹫`, superscript `⁼ ⁺`), which some spreadsheets
 * and input methods turn into the ASCII sign (issue 13 item 14).
 */
function formulaAfterQuotes(s: string): boolean {
  let i = 0;
  while (s[i] === "'") i++;
  const ch = s[i];
  if (ch === undefined) return false;
  if (FORMULA_TRIGGER.test(ch)) return true;
  return ch.charCodeAt(0) > 0x7f && FORMULA_TRIGGER.test(ch.normalize('NFKC'));
}

/**
 * Text for a CSV cell that no spreadsheet will run as a formula: a leading apostrophe
 * before `= + - @`, tab or CR (or a full-width or other NFKC form of them), and before
 * apostrophes already in that position, so `unneutraliseText` gives back exactly what was
 * written.
 */
export const neutraliseText = (s: string): string => (formulaAfterQuotes(s) ? `'${s}` : s);

/** Undoes `neutraliseText` (CSV imports of our own exports). */
export const unneutraliseText = (s: string): string => (s.startsWith("'") && formulaAfterQuotes(s) ? s.slice(1) : s);
