import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell } from '../../domain/import-cells';
import { unneutraliseText } from '../../domain/import-cells';
import type { Texts } from '../../domain/errors';
import type { CsvDelimiter } from './csv';
import { CsvSyntaxError, decodeText, detectDelimiter, parseCsv } from './csv';
import { textProblem } from '../../domain/text-hygiene';
import { assertZipWithinLimits, zipParts, ZipRefusedError } from './zip-guard';

/*
 * An uploaded list (CSV or XLSX, raw or in multipart/form-data) as sheets of rows of cells.
 * Formulas are never evaluated: a formula cell counts as the value Excel saved with it.
 */

export const CONTENT_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export type UploadFormat = keyof typeof CONTENT_TYPES;

/** What an uploaded workbook may inflate to: a 10 MiB XLSX of text is about 100 MiB of XML. */
const ZIP_LIMITS = { maxTotalBytes: 400 * 1024 * 1024, maxEntries: 10_000 };

/** Why a file cannot be read at all (as opposed to row errors): the edge maps `status`. */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 415,
    readonly texts: Texts,
  ) {
    super(texts.en);
    this.name = 'UploadError';
  }
}

export interface Upload {
  format: UploadFormat;
  bytes: Buffer;
  filename?: string;
}

export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it. */
  number: number;
  /** 0-based by column. */
  cells: Cell[];
  /** Cells that cannot be read (a formula without a saved value, an error value), by column. */
  unreadable?: Map<number, Texts>;
}

export interface Sheet {
  name: string;
  rows: AsyncIterable<SheetRow>;
}

export interface Workbook {
  format: UploadFormat;
  /** Read on demand and once: sheets in file order, each one's rows before the next sheet. */
  sheets: AsyncIterable<Sheet>;
  /** The 1904 date system (old Mac workbooks) shifts every serial date; known once the workbook part is read. */
  date1904(): boolean;
  /** CSV only: the delimiter and encoding found. */
  csv?: { delimiter: CsvDelimiter; encoding: string };
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * What an import request may declare as its Content-Type (issue 13): the file types, or
 * multipart/form-data with one file. Not text/plain, a form's urlencoded body or none: those
 * a page on another site can send without asking.
 */
export const UPLOAD_CONTENT_TYPES = [
  'multipart/form-data',
  'text/csv',
  'application/csv',
  'text/comma-separated-values',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
] as const;

export const UNSUPPORTED: Texts = {
  sv: 'Skicka en CSV- eller XLSX-fil: Content-Type text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, eller multipart/form-data med en fil.',
  en: 'Send a CSV or XLSX file: Content-Type text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, or multipart/form-data with one file.',
};

/**
 * The file in a request body. Content-Type says how it came (raw or multipart); the bytes
 * decide what it is, since browsers label CSV files `application/vnd.ms-excel` on Windows.
 */
export async function readUpload(bytes: Buffer, contentType: string | undefined): Promise<Upload> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(bytes, { headers: { 'content-type': contentType! } }).formData();
    } catch {
      throw new UploadError(400, { sv: 'Kroppen är inte giltig multipart/form-data.', en: 'The body is not valid multipart/form-data.' });
    }
    const files = [...form.values()].filter((v) => typeof v !== 'string') as unknown as Blob[] as (Blob & { name?: string })[];
    if (files.length !== 1)
      throw new UploadError(400, {
        sv: `Skicka exakt en fil i formuläret (fick ${files.length}).`,
        en: `Send exactly one file in the form (got ${files.length}).`,
      });
    const file = files[0]!;
    return classify(Buffer.from(await file.arrayBuffer()), file.type.toLowerCase(), file.name || undefined);
  }
  return classify(bytes, type, undefined);
}

function classify(bytes: Buffer, type: string, filename: string | undefined): Upload {
  if (bytes.length === 0) throw new UploadError(400, { sv: 'Filen är tom.', en: 'The file is empty.' });
  const named = filename ? { filename } : {};
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return { format: 'xlsx', bytes, ...named };
  if (bytes.subarray(0, 4).equals(OLE_MAGIC))
    throw new UploadError(415, {
      sv: 'Det gamla Excel-formatet (.xls) stöds inte. Spara som Excel-arbetsbok (.xlsx) eller CSV och skicka igen.',
      en: 'The old Excel format (.xls) is not supported. Save as Excel workbook (.xlsx) or CSV and send again.',
    });
  const base = type.split(';')[0]!.trim();
  const csvByName = filename !== undefined && /\.(csv|txt)$/i.test(filename);
  if (base === CONTENT_TYPES.xlsx)
    throw new UploadError(400, { sv: 'Filen är ingen giltig XLSX-arbetsbok.', en: 'The file is not a valid XLSX workbook.' });
  if (
    ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'text/comma-separated-values'].includes(base) ||
    csvByName ||
    (base === 'application/octet-stream' && !filename) ||
    (base === '' && filename !== undefined)
  )
    return { format: 'csv', bytes, ...named };
  throw new UploadError(415, UNSUPPORTED);
}

/** Opens an upload as sheets of rows. */
export async function openWorkbook(upload: Upload): Promise<Workbook> {
  return upload.format === 'csv' ? openCsv(upload) : openXlsx(upload);
}

function openCsv(upload: Upload): Workbook {
  const { text, encoding } = decodeText(upload.bytes);
  const { delimiter, skipFirstLine } = detectDelimiter(text);
  async function* rows(): AsyncIterable<SheetRow> {
    try {
      for (const { record, fields } of parseCsv(text, delimiter, { skipFirstLine }))
        yield { number: record, cells: fields.map((f) => unneutraliseText(f)) };
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw new UploadError(400, e.texts);
      throw e;
    }
  }
  return {
    format: 'csv',
    csv: { delimiter, encoding },
    date1904: () => false,
    sheets: (async function* () {
      yield { name: upload.filename ?? 'CSV', rows: rows() };
    })(),
  };
}

async function openXlsx(upload: Upload): Promise<Workbook> {
  try {
    await assertZipWithinLimits(upload.bytes, ZIP_LIMITS);
  } catch (e) {
    if (!(e instanceof ZipRefusedError)) throw e;
    if (e.reason === 'too-large' || e.reason === 'too-many-entries')
      throw new UploadError(400, {
        sv: 'Arbetsboken packas upp till mer än vad en import tar emot. Dela upp den i flera filer.',
        en: 'The workbook unpacks to more than an import accepts. Split it into several files.',
      });
    if (e.reason === 'encrypted')
      throw new UploadError(400, {
        sv: 'Arbetsboken är lösenordsskyddad. Ta bort skyddet och skicka igen.',
        en: 'The workbook is password-protected. Remove the protection and send again.',
      });
    throw new UploadError(400, { sv: 'Filen är ingen giltig XLSX-arbetsbok.', en: 'The file is not a valid XLSX workbook.' });
  }
  const reader = orderedWorkbookReader(upload.bytes);
  const props = () => (reader as unknown as { properties?: { date1904?: boolean } }).properties;
  async function* sheets(): AsyncIterable<Sheet> {
    try {
      for await (const ws of reader as unknown as AsyncIterable<ExcelJS.Worksheet & AsyncIterable<ExcelJS.Row>>) {
        if (ws.state === 'hidden' || ws.state === 'veryHidden') {
          for await (const _row of ws) void _row;
          continue;
        }
        yield { name: ws.name, rows: rowsOf(ws) };
      }
    } catch (e) {
      throw unreadableWorkbook(e);
    }
  }
  return { format: 'xlsx', date1904: () => props()?.date1904 === true, sheets: sheets() };
}

/** The parts of ExcelJS's streaming reader that `orderedWorkbookReader` drives. */
interface ReaderParts {
  parse(): AsyncGenerator<{ eventType: string; value: unknown }>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<{ eventType: string; value: unknown }>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: unknown }>;
}

/**
 * ExcelJS's streaming workbook reader, fed the archive's parts from its central directory in
 * the order it needs them: relationships, workbook, shared strings, styles, then the sheets.
 *
 * Its own `parse()` reads the zip front to back with unzipper and lost parts now and then
 * (issue 13 item 4): unzipper's `Parse` emits `end` as soon as its input is written, while
 * parts it already parsed still wait in its paused readable buffer, and ExcelJS's loop stops
 * at that `end`. ExcelJS (and Excel) write `xl/workbook.xml` last, so when the loop stopped
 * early the sheets were read without it and failed ("Cannot read properties of undefined
 * (reading 'sheets')") — 76 of 600 round trips of the organisation template on a loaded
 * machine, the same bytes failing 1 to 5 times in 20 reads. A lost `sharedStrings.xml` would
 * have read every text cell as empty. Read from the central directory nothing is skipped, the
 * order is the same every time, and no sheet goes through a temporary file any more.
 */
function orderedWorkbookReader(bytes: Buffer): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    sharedStrings: 'cache',
    // Styles tell a date cell from a number cell.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const r = reader as unknown as ReaderParts;
  r.parse = async function* () {
    const parts = zipParts(bytes, ZIP_LIMITS);
    const part = (name: string) => parts.find((p) => p.name === name);
    const rels = part('xl/_rels/workbook.xml.rels');
    if (rels) await r._parseRels(rels.open());
    const workbook = part('xl/workbook.xml');
    if (workbook) await r._parseWorkbook(workbook.open());
    const strings = part('xl/sharedStrings.xml');
    if (strings) yield* r._parseSharedStrings(strings.open());
    const styles = part('xl/styles.xml');
    if (styles) await r._parseStyles(styles.open());
    for (const p of parts) {
      const sheetNo = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(p.name)?.[1];
      if (sheetNo) yield* r._parseWorksheet(p.open(), sheetNo);
    }
  };
  return reader;
}

/**
 * Why a workbook could not be read, for the person who sent it and the log: the reader's own
 * message (before issue 13 it was swallowed), left out when the guard would refuse it.
 */
function unreadableWorkbook(e: unknown): UploadError {
  if (e instanceof UploadError) return e;
  const why = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).replace(/\s+/g, ' ').trim().slice(0, 200);
  const shown = why && !textProblem(why) ? ` (${why})` : '';
  return new UploadError(400, {
    sv: `Arbetsboken kunde inte läsas som XLSX${shown}.`,
    en: `The workbook could not be read as XLSX${shown}.`,
  });
}

async function* rowsOf(ws: AsyncIterable<ExcelJS.Row>): AsyncIterable<SheetRow> {
  try {
    yield* readRows(ws);
  } catch (e) {
    throw unreadableWorkbook(e);
  }
}

async function* readRows(ws: AsyncIterable<ExcelJS.Row>): AsyncIterable<SheetRow> {
  for await (const row of ws) {
    const cells: Cell[] = [];
    let unreadable: Map<number, Texts> | undefined;
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const r = cellValue(cell.value);
      while (cells.length < col - 1) cells.push(null);
      cells[col - 1] = r.value;
      if (r.problem) (unreadable ??= new Map()).set(col - 1, r.problem);
    });
    yield { number: row.number, cells, ...(unreadable ? { unreadable } : {}) };
  }
}

/** An exceljs cell value as a plain cell. */
export function cellValue(v: ExcelJS.CellValue | undefined): { value: Cell; problem?: Texts } {
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { value: v };
  if (v instanceof Date) return { value: v };
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return { value: v.richText.map((t) => t.text).join('') };
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as { result?: unknown }).result;
      // The streaming reader drops an error result (t="e"), so "no value" also covers "an error".
      if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result)))
        return {
          value: null,
          problem: {
            sv: 'formel utan sparat värde eller med fel (skriv in värdet, eller öppna och spara filen i Excel)',
            en: 'formula without a saved value or with an error (type the value, or open and save the file in Excel)',
          },
        };
      if (typeof result === 'object' && result !== null && 'error' in result)
        return {
          value: null,
          problem: {
            sv: `formeln ger felet ${String((result as { error: unknown }).error)}`,
            en: `the formula gives the error ${String((result as { error: unknown }).error)}`,
          },
        };
      return cellValue(result as ExcelJS.CellValue);
    }
    if ('error' in v)
      return {
        value: null,
        problem: { sv: `cellen innehåller felet ${String(v.error)}`, en: `the cell holds the error ${String(v.error)}` },
      };
    if ('hyperlink' in v && 'text' in v) return cellValue((v as { text: ExcelJS.CellValue }).text);
  }
  return { value: null, problem: { sv: 'cellens värde kan inte läsas', en: 'the cell value cannot be read' } };
}
