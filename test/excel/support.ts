import ExcelJS from 'exceljs';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import type { Upload } from '../../shared/app/excel/upload';
import type { GoLive } from '../../shared/domain/golive';
import { makeGoLive } from '../builders';

/** An embedded store in memory and a clock the test moves. */
export function testServices(now: string) {
  const repo = SqliteRepository.open(':memory:');
  let t = new Date(now);
  return {
    repo,
    clock: { now: () => t },
    setNow(iso: string) {
      t = new Date(iso);
    },
  };
}

/**
 * A go-live with three förvaltningar; "Mottagningen" exists in two of them, so a name alone
 * is ambiguous there.
 */
export function excelGoLive(id = 'vag-1'): GoLive {
  return makeGoLive({
    id,
    input: {
      name: 'Våg 1',
      startDate: '2026-11-27',
      forvaltningar: [
        {
          id: 'kirurgi',
          name: 'Kirurgi',
          units: [
            { id: 'avd-12', name: 'Avdelning 12' },
            { id: 'avd-14', name: 'Avdelning 14' },
            { id: 'kir-mott', name: 'Mottagningen' },
          ],
        },
        {
          id: 'medicin',
          name: 'Medicin',
          units: [
            { id: 'akuten', name: 'Akutmottagningen' },
            { id: 'med-mott', name: 'Mottagningen' },
          ],
        },
        { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
      ],
    } as never,
  });
}

export const csvUpload = (text: string): Upload => ({ format: 'csv', bytes: Buffer.from(text, 'utf8') });

export type SheetSpec = { name: string; rows: ExcelJS.CellValue[][]; numFmt?: Record<number, string>; state?: 'visible' | 'hidden' };

/** A workbook as Excel would save it; `numFmt` by 1-based column makes date and time cells. */
export async function xlsxBytes(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.state ? { state: s.state } : {});
    for (const r of s.rows) ws.addRow(r);
    for (const [col, fmt] of Object.entries(s.numFmt ?? {})) ws.getColumn(Number(col)).numFmt = fmt;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const xlsxUpload = async (sheets: SheetSpec[]): Promise<Upload> => ({ format: 'xlsx', bytes: await xlsxBytes(sheets) });

/** Excel serial of a local date (1900 system). */
export const serial = (y: number, m: number, d: number) => (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000;
