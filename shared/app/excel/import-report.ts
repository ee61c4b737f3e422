import type { Texts } from '../../domain/errors';
import type { Cell } from '../../domain/import-cells';
import { cellText, isEmptyCell } from '../../domain/import-cells';
import type { ColumnMatch, ColumnSpec } from '../../domain/import-columns';
import { columnLetter, matchColumns } from '../../domain/import-columns';
import { TEXT_PROBLEM_TEXTS, textProblem } from '../../domain/text-hygiene';
import type { Sheet, SheetRow } from './upload';
import { UploadError } from './upload';

/*
 * What imports share: finding the header row, row errors that name row, column and problem,
 * and how a result is shown in one language.
 */

/** Imports are all-or-nothing only when asked; by default good rows are stored and bad ones reported. */
export type ImportMode = 'best-effort' | 'all-or-nothing';

export interface ImportOptions {
  /** Check and report only; nothing is stored. */
  dryRun: boolean;
  mode: ImportMode;
  /** XLSX: the sheet to read; default the first with a matching header row. */
  sheet?: string;
}

/** One problem in one row (and usually one column) of the file. */
export interface RowIssue {
  sheet: string;
  /** 1-based, as the spreadsheet shows it. */
  row: number;
  /** 0-based column, when the problem is in one cell. */
  column?: number;
  /** The column's header as written in the file. */
  header?: string;
  /** What the column means to the API (`colour`, `reportedAt`, `unitId`, …). */
  field: string;
  /** The cell as text, when it helps to see it (never for cells refused as personal data). */
  value?: string;
  problem: Texts;
}

/** A row error as the API answers it: the message already names row and column. */
export interface RenderedIssue {
  sheet: string;
  row: number;
  column?: string;
  header?: string;
  field: string;
  value?: string;
  message: string;
}

export function renderIssue(i: RowIssue, lang: 'sv' | 'en'): RenderedIssue {
  const col = i.column === undefined ? undefined : columnLetter(i.column);
  const where =
    lang === 'sv'
      ? `Rad ${i.row}${col ? `, kolumn ${col}${i.header ? ` (${i.header})` : ''}` : ''}`
      : `Row ${i.row}${col ? `, column ${col}${i.header ? ` (${i.header})` : ''}` : ''}`;
  return {
    sheet: i.sheet,
    row: i.row,
    ...(col ? { column: col } : {}),
    ...(i.header ? { header: i.header } : {}),
    field: i.field,
    ...(i.value !== undefined ? { value: i.value } : {}),
    message: `${where}: ${i.problem[lang]}`,
  };
}

/** How many row errors and row outcomes an answer lists; the summary counts them all. */
export const LIST_CAP = 1000;

/** Rows an import reads at most: a 10 MiB workbook of short rows holds about 300 000. */
export const MAX_IMPORT_ROWS = 300_000;

/** Rows searched for the header: lists often start with a title or a note. */
const HEADER_SCAN_ROWS = 20;

/** A table found in a sheet: its header row and the rows after it. */
export interface FoundHeader<T> {
  sheet: string;
  headerRow: number;
  headers: string[];
  /** What the header row was recognised as (e.g. its column match). */
  kind: T;
  /** The data rows after the header, empty rows skipped, at most `MAX_IMPORT_ROWS`. */
  rows: AsyncIterable<SheetRow>;
}

/** A table whose columns are matched to fields, for `fieldCell`. */
export interface FoundTable<F extends string> extends Omit<FoundHeader<unknown>, 'kind'> {
  match: ColumnMatch<F>;
}

/** A header row as a table of kind `T`, or how close it came (number of fields) and what it lacks. */
export type Classified<T> = { kind: T } | { score: number; missing: Texts[] };

/** The best header candidate seen, for the message when no sheet has a table. */
export interface HeaderCandidate {
  sheet: string;
  row: number;
  score: number;
  missing: Texts[];
}

/**
 * Looks for a header row in the first rows of `sheet`: the first row `classify` accepts.
 * Answers the table, or the best candidate seen. Without a table the sheet is read to its
 * end, so a streamed workbook can move on to its next sheet.
 */
export async function findHeader<T>(
  sheet: Sheet,
  classify: (headers: string[]) => Classified<T>,
): Promise<{ found: FoundHeader<T> } | { found?: undefined; best?: HeaderCandidate }> {
  const it = sheet.rows[Symbol.asyncIterator]();
  let best: HeaderCandidate | undefined;
  for (let k = 0; k < HEADER_SCAN_ROWS; k++) {
    const next = await it.next();
    if (next.done) break;
    const row = next.value;
    const headers = row.cells.map((c) => cellText(c));
    const c = classify(headers);
    if ('kind' in c) return { found: { sheet: sheet.name, headerRow: row.number, headers, kind: c.kind, rows: dataRows(it) } };
    if (c.score > (best?.score ?? 0)) best = { sheet: sheet.name, row: row.number, score: c.score, missing: c.missing };
  }
  for (let next = await it.next(); !next.done; next = await it.next());
  return best ? { best } : {};
}

/** Required fields of a table; an inner list means "one of these". */
export type Requirement<F extends string> = F | readonly F[];

/** A classifier for `findHeader`: the headers match `specs` and name every requirement. */
export function columnsClassifier<F extends string>(
  specs: readonly ColumnSpec<F>[],
  required: readonly Requirement<F>[],
): (headers: string[]) => Classified<ColumnMatch<F>> {
  return (headers) => {
    const match = matchColumns(headers, specs);
    const has = (f: F) => match.columns[f] !== undefined;
    const missing = required.filter((r) => (typeof r === 'string' ? !has(r as F) : !(r as readonly F[]).some(has)));
    if (!missing.length) return { kind: match };
    const label = (r: Requirement<F>) => specs.find((sp) => sp.field === (typeof r === 'string' ? r : (r as readonly F[])[0]))!.label;
    return { score: Object.keys(match.columns).length, missing: missing.map(label) };
  };
}

export const asTable = <F extends string>(h: FoundHeader<ColumnMatch<F>>): FoundTable<F> => ({
  sheet: h.sheet,
  headerRow: h.headerRow,
  headers: h.headers,
  rows: h.rows,
  match: h.kind,
});

/** Reads what is left of a sheet's rows (and so lets a streamed workbook move on). */
export async function drain(rows: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of rows) void _;
}

async function* dataRows(it: AsyncIterator<SheetRow>): AsyncIterable<SheetRow> {
  let count = 0;
  for (let next = await it.next(); !next.done; next = await it.next()) {
    const row = next.value;
    if (row.cells.every(isEmptyCell) && !row.unreadable) continue;
    if (++count > MAX_IMPORT_ROWS)
      throw new UploadError(400, {
        sv: `Filen har fler än ${MAX_IMPORT_ROWS} rader. Dela upp den i flera filer.`,
        en: `The file has more than ${MAX_IMPORT_ROWS} rows. Split it into several files.`,
      });
    yield row;
  }
}

/** A cell by field, with what a row error needs to name it. */
export interface FieldCell {
  cell: Cell;
  column?: number;
  header?: string;
  unreadable?: Texts;
}

/**
 * The cell of `field` in `row`. Every cell an import stores passes here, so this is where the
 * text guard (shared/domain/text-hygiene.ts) refuses a cell with an identity number or control
 * characters: it comes back `unreadable`, and a row error for it never shows its value.
 */
export function fieldCell<F extends string>(table: FoundTable<F>, row: SheetRow, field: F): FieldCell {
  const column = table.match.columns[field];
  if (column === undefined) return { cell: null };
  const cell = row.cells[column] ?? null;
  let unreadable = row.unreadable?.get(column);
  if (!unreadable && (typeof cell === 'string' || typeof cell === 'number')) {
    const refused = textProblem(typeof cell === 'string' ? cell : cellText(cell));
    if (refused) unreadable = TEXT_PROBLEM_TEXTS[refused];
  }
  return { cell, column, header: table.headers[column], ...(unreadable ? { unreadable } : {}) };
}

/** Texts listing labels: "Datum, Enhet och Färg". */
export function listLabels(labels: Texts[]): Texts {
  const join = (words: string[], and: string) =>
    words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${and} ${words[words.length - 1]}`;
  return {
    sv: join(
      labels.map((l) => l.sv),
      'och',
    ),
    en: join(
      labels.map((l) => l.en),
      'and',
    ),
  };
}

/** Runs `fn` over `items` with at most `limit` at a time, in order of start. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
