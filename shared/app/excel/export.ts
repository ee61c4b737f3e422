import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Texts } from '../../domain/errors';
import { formatLocalDate, formatLocalTime, instantToLocal, neutraliseText, wallClockToExcelSerial } from '../../domain/import-cells';
import { stripForbiddenCharacters } from '../../domain/text-hygiene';
import type { CsvDelimiter } from './csv';
import { csvLine } from './csv';
import { CONTENT_TYPES } from './upload';

/*
 * The generic export: rows and column definitions in, a CSV or XLSX file out (R3.4, R8.5).
 * Every export of the app (unit and area reports; challenges, the decision log and
 * notifications next) is one list of `ExportColumn`s and a source of rows:
 *
 *   const columns: ExportColumn<Decision>[] = [
 *     { header: { sv: 'Beslutat', en: 'Decided' }, type: 'dateTime', value: (d) => d.decidedAt },
 *     { header: { sv: 'Beslut', en: 'Decision' }, value: (d) => d.text, width: 60 },
 *   ];
 *   const file = await exportFile('xlsx', `${goLive.id}-beslutslogg`, [{ name: { sv: 'Beslutslogg', en: 'Decision log' }, columns, rows }], { lang, timeZone: goLive.timeZone });
 *
 * Text never becomes a formula: in CSV a text starting with = + - @, tab or CR (or their
 * full-width forms, ＝ …) gets a leading apostrophe (OWASP "CSV injection"); in XLSX every
 * text is written as a text cell, and no cell is ever written as a formula. Control
 * characters (NUL, bidi overrides …) are left out of both.
 */

export type ExportFormat = keyof typeof CONTENT_TYPES;

/**
 * How a column's values are written. `date`, `time` and `dateTime` take an ISO instant and
 * show it in the export's time zone (as date and time cells in XLSX); `instant` writes the
 * ISO text itself (UTC, exact).
 */
export type ExportColumnType = 'text' | 'number' | 'boolean' | 'date' | 'time' | 'dateTime' | 'instant';

export type ExportValue = string | number | boolean | null | undefined;

export interface ExportColumn<T> {
  header: Texts;
  /** Default `text`. */
  type?: ExportColumnType;
  /** The cell for one row; `undefined`/`null` is an empty cell. A method, so columns of a subtype fit a sheet of its base. */
  value(row: T): ExportValue;
  /** XLSX column width in characters. */
  width?: number;
}

export interface ExportSheet<T> {
  /** The XLSX sheet name (at most 31 characters); CSV has none. */
  name: Texts;
  columns: readonly ExportColumn<T>[];
  /** Read once, in order; an async source (a paged store read) is never held whole in memory by CSV. */
  rows: Iterable<T> | AsyncIterable<T>;
}

export interface ExportOptions {
  lang: 'sv' | 'en';
  /** The zone dates and times are shown in: the go-live's (R2). */
  timeZone: string;
  /** CSV: `;` (default, what Swedish Excel opens with a double-click) or `,`. */
  delimiter?: CsvDelimiter;
}

export interface ExportFile {
  bytes: Buffer;
  contentType: string;
  /** With its extension. */
  filename: string;
}

const YES_NO = { sv: ['Ja', 'Nej'], en: ['Yes', 'No'] } as const;

/** One value as CSV text (before quoting). */
export function csvText(type: ExportColumnType, v: ExportValue, opts: ExportOptions): string {
  if (v === null || v === undefined || v === '') return '';
  switch (type) {
    case 'number':
      // Swedish Excel reads "1,5" as a number in a `;` file, "1.5" in a `,` file.
      return typeof v === 'number' && (opts.delimiter ?? ';') === ';' ? String(v).replace('.', ',') : String(v);
    case 'boolean':
      return YES_NO[opts.lang][v ? 0 : 1];
    case 'date':
      return formatLocalDate(instantToLocal(String(v), opts.timeZone).date);
    case 'time':
      return formatLocalTime(instantToLocal(String(v), opts.timeZone).time);
    case 'dateTime': {
      const l = instantToLocal(String(v), opts.timeZone);
      return `${formatLocalDate(l.date)} ${formatLocalTime(l.time)}`;
    }
    case 'instant':
    case 'text':
      return neutraliseText(stripForbiddenCharacters(String(v)));
  }
}

/** A sheet as CSV: UTF-8 with a byte-order mark (so Excel reads å, ä, ö), CRLF, headers first. */
export async function writeCsv<T>(sheet: ExportSheet<T>, opts: ExportOptions): Promise<Buffer> {
  const delimiter = opts.delimiter ?? ';';
  const parts: string[] = [
    '\uFEFF',
    csvLine(
      sheet.columns.map((c) => neutraliseText(c.header[opts.lang])),
      delimiter,
    ),
  ];
  for await (const row of sheet.rows)
    parts.push(
      csvLine(
        sheet.columns.map((c) => csvText(c.type ?? 'text', c.value(row), opts)),
        delimiter,
      ),
    );
  return Buffer.from(parts.join(''), 'utf8');
}

const NUM_FMT: Partial<Record<ExportColumnType, string>> = { date: 'yyyy-mm-dd', time: 'hh:mm', dateTime: 'yyyy-mm-dd hh:mm' };

/** One value as an XLSX cell value: dates and times as Excel serials in the export's zone, text as text. */
export function xlsxValue(type: ExportColumnType, v: ExportValue, opts: ExportOptions): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  switch (type) {
    case 'number':
      return typeof v === 'number' ? v : Number(v);
    case 'boolean':
      return Boolean(v);
    case 'date':
    case 'time':
    case 'dateTime': {
      const l = instantToLocal(String(v), opts.timeZone);
      return wallClockToExcelSerial(type === 'time' ? undefined : l.date, type === 'date' ? undefined : l.time);
    }
    case 'instant':
    case 'text':
      // A string is a text cell in exceljs; formulas need { formula }, which is never written.
      // Control characters stored before they were refused are left out (docs/access.md, "Clean texts").
      return stripForbiddenCharacters(String(v));
  }
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (name: string) => name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);

/**
 * Sheets as one XLSX workbook, written as a stream (rows are not kept as cell objects), with
 * bold frozen headers and a filter on each sheet.
 */
export async function writeXlsx(sheets: readonly ExportSheet<unknown>[], opts: ExportOptions): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  wb.creator = 'Driftpuls';
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheetName(sheet.name[opts.lang]), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c, i) => ({
      key: String(i),
      width: c.width ?? Math.max(10, Math.min(60, c.header[opts.lang].length + 2)),
      ...(NUM_FMT[c.type ?? 'text'] ? { style: { numFmt: NUM_FMT[c.type ?? 'text']! } } : {}),
    }));
    const header = ws.addRow(sheet.columns.map((c) => c.header[opts.lang]));
    header.font = { bold: true };
    header.commit();
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, sheet.columns.length) } };
    for await (const row of sheet.rows) ws.addRow(sheet.columns.map((c) => xlsxValue(c.type ?? 'text', c.value(row), opts))).commit();
    ws.commit();
  }
  await wb.commit();
  await ended;
  return Buffer.concat(chunks);
}

/** A file of `sheets` in `format`: CSV holds the first sheet only. `basename` without extension, ASCII. */
export async function exportFile(
  format: ExportFormat,
  basename: string,
  sheets: readonly ExportSheet<unknown>[],
  opts: ExportOptions,
): Promise<ExportFile> {
  const first = sheets[0];
  if (!first) throw new Error('exportFile needs at least one sheet');
  const bytes = format === 'csv' ? await writeCsv(first, opts) : await writeXlsx(sheets, opts);
  return {
    bytes,
    contentType: format === 'csv' ? `${CONTENT_TYPES.csv}; charset=utf-8` : CONTENT_TYPES.xlsx,
    filename: `${basename}.${format}`,
  };
}

/** A sheet of a row type, as the `unknown` sheet list `exportFile` takes. */
export const sheet = <T>(s: ExportSheet<T>): ExportSheet<unknown> => s as ExportSheet<unknown>;
