import type { Texts } from '../../domain/errors';
import type { ColumnMatch, ColumnSpec } from '../../domain/import-columns';
import { columnLetter } from '../../domain/import-columns';
import { sameName } from '../../domain/import-organisation';
import type { Classified, FoundHeader, FoundTable, HeaderCandidate, Requirement } from './import-report';
import { asTable, columnsClassifier, drain, findHeader, listLabels } from './import-report';
import type { Sheet, SheetRow, Workbook } from './upload';
import { UploadError } from './upload';

/*
 * Finding the table in an upload: the first sheet (or the one asked for) with a header row
 * naming the required columns. Every sheet is read to its end, found or not, so a streamed
 * workbook is always read whole and its temporary files are cleaned up.
 */

export interface Located<F extends string> {
  table: FoundTable<F>;
  /** Columns not used because an earlier one names the same field. */
  warnings: Texts[];
  /** Reads the rest of the workbook; call it after the table's rows. */
  drain(): Promise<void>;
}

/** The first table of the workbook whose header names every requirement. */
export async function locateTable<F extends string>(
  workbook: Workbook,
  specs: readonly ColumnSpec<F>[],
  required: readonly Requirement<F>[],
  sheetName: string | undefined,
  noHeader: Texts,
): Promise<Located<F>> {
  const sheets = workbook.sheets[Symbol.asyncIterator]();
  const names: string[] = [];
  let best: HeaderCandidate | undefined;
  const classify = columnsClassifier(specs, required);
  for (let next = await sheets.next(); !next.done; next = await sheets.next()) {
    const sheet = next.value;
    names.push(sheet.name);
    if (sheetName !== undefined && !sameName(sheet.name, sheetName)) {
      await drain(sheet.rows);
      continue;
    }
    const r = await findHeader(sheet, classify);
    if (r.found) {
      const table = asTable(r.found);
      return {
        table,
        warnings: duplicateWarnings(table.match, table.headers, specs),
        drain: async () => {
          await drain(table.rows);
          for (let rest = await sheets.next(); !rest.done; rest = await sheets.next()) await drain(rest.value.rows);
        },
      };
    }
    if (r.best && r.best.score > (best?.score ?? 0)) best = r.best;
  }
  if (sheetName !== undefined && !names.some((n) => sameName(n, sheetName)))
    throw new UploadError(400, {
      sv: `Bladet '${sheetName}' finns inte. Arbetsboken har: ${names.join(', ')}.`,
      en: `There is no sheet '${sheetName}'. The workbook has: ${names.join(', ')}.`,
    });
  throw new UploadError(400, noHeaderTexts(workbook, noHeader, best));
}

export function noHeaderTexts(workbook: Workbook, noHeader: Texts, best: HeaderCandidate | undefined): Texts {
  const xlsx = workbook.format === 'xlsx';
  const missing = best ? listLabels(best.missing) : undefined;
  const closestSv = best ? ` Närmast är rad ${best.row}${xlsx ? ` i bladet ${best.sheet}` : ''}, där saknas: ${missing!.sv}.` : '';
  const closestEn = best ? ` Closest is row ${best.row}${xlsx ? ` of sheet ${best.sheet}` : ''}, which lacks: ${missing!.en}.` : '';
  return {
    sv: `${noHeader.sv} (sökte i de 20 första raderna${xlsx ? ' i varje blad' : ''}).${closestSv}`,
    en: `${noHeader.en} (searched the first 20 rows${xlsx ? ' of every sheet' : ''}).${closestEn}`,
  };
}

export function duplicateWarnings<F extends string>(match: ColumnMatch<F>, headers: string[], specs: readonly ColumnSpec<F>[]): Texts[] {
  return match.duplicates.map(({ field, index }) => {
    const used = match.columns[field]!;
    const label = specs.find((s) => s.field === field)!.label;
    return {
      sv: `Kolumn ${columnLetter(index)} (${headers[index]}) används inte: kolumn ${columnLetter(used)} (${headers[used]}) anger redan ${label.sv}.`,
      en: `Column ${columnLetter(index)} (${headers[index]}) is not used: column ${columnLetter(used)} (${headers[used]}) already gives ${label.en}.`,
    };
  });
}

/** Every table of the workbook that `classify` recognises, with its rows read into memory (small lists: organisations). */
export async function collectTables<T>(
  workbook: Workbook,
  classify: (headers: string[]) => Classified<T>,
): Promise<{ tables: (FoundHeader<T> & { rowList: SheetRow[] })[]; best?: HeaderCandidate; sheets: string[] }> {
  const tables: (FoundHeader<T> & { rowList: SheetRow[] })[] = [];
  const sheets: string[] = [];
  let best: HeaderCandidate | undefined;
  for await (const sheet of workbook.sheets as AsyncIterable<Sheet>) {
    sheets.push(sheet.name);
    const r = await findHeader(sheet, classify);
    if (r.found) tables.push({ ...r.found, rowList: await readAll(r.found.rows) });
    else if (r.best && r.best.score > (best?.score ?? 0)) best = r.best;
  }
  return { tables, ...(best ? { best } : {}), sheets };
}

async function readAll<R>(rows: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of rows) out.push(r);
  return out;
}
