import ExcelJS from 'exceljs';
import type { ExportColumn } from '../../shared/app/excel/export';
import { exportFile, sheet, writeCsv, writeXlsx } from '../../shared/app/excel/export';
import { exportUnitReports } from '../../shared/app/excel/report-exports';
import { renderUnitReportImport } from '../../shared/app/excel/render';
import { unitReportTemplate } from '../../shared/app/excel/templates';
import { importUnitReports } from '../../shared/app/excel/unit-report-import';
import { makeUnitReport } from '../builders';
import { excelGoLive, testServices } from './support';

interface Row {
  at: string;
  text: string;
  n: number;
  ok: boolean;
}
const columns: ExportColumn<Row>[] = [
  { header: { sv: 'Datum', en: 'Date' }, type: 'date', value: (r) => r.at },
  { header: { sv: 'Tid', en: 'Time' }, type: 'time', value: (r) => r.at },
  { header: { sv: 'Tidpunkt', en: 'At' }, type: 'dateTime', value: (r) => r.at },
  { header: { sv: 'Text', en: 'Text' }, value: (r) => r.text },
  { header: { sv: 'Antal', en: 'Count' }, type: 'number', value: (r) => r.n },
  { header: { sv: 'Klar', en: 'Done' }, type: 'boolean', value: (r) => r.ok },
  { header: { sv: 'UTC', en: 'UTC' }, type: 'instant', value: (r) => r.at },
];
const rows: Row[] = [
  { at: '2026-11-27T08:15:00.000Z', text: '=HYPERLINK("http://evil","klicka")', n: 1.5, ok: true },
  { at: '2026-06-12T07:15:30.250Z', text: 'Vanlig; text med "citat"', n: 2, ok: false },
  { at: '2026-11-27T10:00:00.000Z', text: '-5', n: -1, ok: true },
];
const opts = { lang: 'sv' as const, timeZone: 'Europe/Stockholm' };

describe('the generic export: rows and columns to CSV', () => {
  it('writes UTF-8 with BOM, `;`, CRLF, local dates and times, and neutralises formulas', async () => {
    const text = (await writeCsv({ name: { sv: 'Blad', en: 'Sheet' }, columns, rows }, opts)).toString('utf8');
    expect(text).toBe(
      '\uFEFFDatum;Tid;Tidpunkt;Text;Antal;Klar;UTC\r\n' +
        `2026-11-27;09:15;2026-11-27 09:15;"'=HYPERLINK(""http://evil"",""klicka"")";1,5;Ja;2026-11-27T08:15:00.000Z\r\n` +
        '2026-06-12;09:15:30.250;2026-06-12 09:15:30.250;"Vanlig; text med ""citat""";2;Nej;2026-06-12T07:15:30.250Z\r\n' +
        "2026-11-27;11:00;2026-11-27 11:00;'-5;-1;Ja;2026-11-27T10:00:00.000Z\r\n",
    );
  });

  it('speaks English and takes `,` on request', async () => {
    const text = (
      await writeCsv({ name: { sv: 'Blad', en: 'Sheet' }, columns, rows: rows.slice(0, 1) }, { ...opts, lang: 'en', delimiter: ',' })
    ).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFDate,Time,At,Text,Count,Done,UTC');
    expect(text.split('\r\n')[1]).toBe(
      `2026-11-27,09:15,2026-11-27 09:15,"'=HYPERLINK(""http://evil"",""klicka"")",1.5,Yes,2026-11-27T08:15:00.000Z`,
    );
  });

  it('reads rows from an async source once, without holding them', async () => {
    async function* source() {
      yield* rows;
    }
    expect((await writeCsv({ name: { sv: 'B', en: 'S' }, columns, rows: source() }, opts)).toString('utf8').split('\r\n')).toHaveLength(5);
  });
});

describe('texts no spreadsheet misreads (issue 13 item 14)', () => {
  const hostile: Row[] = [
    { at: '2026-11-27T08:15:00.000Z', text: '\uFF1D1+1', n: 1, ok: true },
    { at: '2026-11-27T08:15:00.000Z', text: 'före\u0000efter \u202Egnisrev\u202C slut\u0007', n: 2, ok: true },
  ];
  it('CSV: a full-width ＝ gets an apostrophe; NUL, bidi overrides and other controls are left out', async () => {
    const lines = (await writeCsv({ name: { sv: 'B', en: 'S' }, columns, rows: hostile }, opts)).toString('utf8').split('\r\n');
    expect(lines[1]!.split(';')[3]).toBe("'\uFF1D1+1");
    expect(lines[2]!.split(';')[3]).toBe('föreefter gnisrev slut');
  });
  it('XLSX: text cells without the control characters', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await writeXlsx([sheet({ name: { sv: 'B', en: 'S' }, columns, rows: hostile })], opts)) as unknown as ExcelJS.Buffer,
    );
    const ws = wb.worksheets[0]!;
    expect([ws.getCell('D2').type, ws.getCell('D2').value]).toEqual([ExcelJS.ValueType.String, '\uFF1D1+1']);
    expect(ws.getCell('D3').value).toBe('föreefter gnisrev slut');
  });
});

describe('the generic export: XLSX', () => {
  it('writes text as text cells (never formulas), dates and times as date cells, and one sheet per table', async () => {
    const bytes = await writeXlsx(
      [
        sheet({ name: { sv: 'Rapporter: alla', en: 'Reports' }, columns, rows }),
        sheet({ name: { sv: 'Tom', en: 'Empty' }, columns, rows: [] }),
      ],
      opts,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Rapporter  alla', 'Tom']);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, 'Datum', 'Tid', 'Tidpunkt', 'Text', 'Antal', 'Klar', 'UTC']);
    const cell = ws.getCell('D2');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://evil","klicka")');
    expect(ws.getCell('D4').value).toBe('-5');
    expect(ws.getCell('A2').value).toEqual(new Date(Date.UTC(2026, 10, 27)));
    expect(ws.getCell('B3').value).toEqual(new Date(Date.UTC(1899, 11, 30, 9, 15, 30, 250)));
    expect(ws.getCell('C2').value).toEqual(new Date(Date.UTC(2026, 10, 27, 9, 15)));
    expect(ws.getCell('B2').numFmt).toBe('hh:mm');
    expect(ws.getCell('E2').value).toBe(1.5);
    expect(ws.getCell('F3').value).toBe(false);
    expect(ws.getCell('G2').value).toBe('2026-11-27T08:15:00.000Z');
    expect(ws.getRow(1).font?.bold).toBe(true);
  });

  it('names the file and its type; CSV takes the first sheet', async () => {
    const x = await exportFile('xlsx', 'vag-1-test', [sheet({ name: { sv: 'A', en: 'A' }, columns, rows })], opts);
    expect([x.filename, x.contentType]).toEqual(['vag-1-test.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    const c = await exportFile(
      'csv',
      'vag-1-test',
      [sheet({ name: { sv: 'A', en: 'A' }, columns, rows }), sheet({ name: { sv: 'B', en: 'B' }, columns: columns.slice(0, 1), rows })],
      opts,
    );
    expect([c.filename, c.contentType]).toEqual(['vag-1-test.csv', 'text/csv; charset=utf-8']);
    expect(c.bytes.toString('utf8').startsWith('\uFEFFDatum;Tid;Tidpunkt')).toBe(true);
  });
});

describe('export → import gives the same data', () => {
  it.each(['xlsx', 'csv'] as const)('%s, into a go-live with the same organisation, and back into the first (no-op)', async (format) => {
    const s = testServices('2026-11-27T16:00:00.000Z');
    try {
      await s.repo.saveGoLive(excelGoLive('a'), null);
      await s.repo.saveGoLive(excelGoLive('b'), null);
      const reports = [
        makeUnitReport({
          goLiveId: 'a',
          id: 'api-1',
          unitId: 'avd-12',
          forvaltningId: 'kirurgi',
          colour: 'red',
          explanation: '=1+1 är inget svar',
          reportedAt: '2026-11-27T08:15:42.123Z',
          reporter: { personId: 'rut', name: 'Rut' },
        }),
        makeUnitReport({
          goLiveId: 'a',
          id: 'api-2',
          unitId: 'med-mott',
          forvaltningId: 'medicin',
          colour: 'yellow',
          explanation: 'Rad ett\nrad två; "citat"',
          reportedAt: '2026-11-27T09:00:00.000Z',
        }),
        makeUnitReport({
          goLiveId: 'a',
          id: 'api-3',
          unitId: 'kir-mott',
          forvaltningId: 'kirurgi',
          colour: 'green',
          explanation: '-',
          reportedAt: '2026-06-12T07:15:00.000Z',
        }),
      ];
      for (const r of reports) await s.repo.addUnitReport(r);
      const file = await exportUnitReports(s, { goLiveId: 'a', format, lang: 'sv' });
      const upload = { format, bytes: file.bytes };
      const into = await importUnitReports(s, { goLiveId: 'b', upload, options: { dryRun: false, mode: 'all-or-nothing' } });
      expect(renderUnitReportImport(into, 'sv').errors).toEqual([]);
      const same = (r: (typeof reports)[number]) => ({
        id: r.id,
        unitId: r.unitId,
        forvaltningId: r.forvaltningId,
        colour: r.colour,
        explanation: r.explanation,
        reportedAt: r.reportedAt,
        reporter: r.reporter,
      });
      expect((await s.repo.listUnitReportsByGoLive('b')).map(same)).toEqual((await s.repo.listUnitReportsByGoLive('a')).map(same));
      const back = await importUnitReports(s, { goLiveId: 'a', upload, options: { dryRun: false, mode: 'best-effort' } });
      expect(back.summary).toMatchObject({ rows: 3, alreadyStored: 3, stored: 0, rowsWithErrors: 0 });
    } finally {
      await s.repo.close();
    }
  });
});

describe('templates', () => {
  it('the status list template has the headers, a colour drop-down, the units, and an example row the import refuses', async () => {
    const s = testServices('2026-11-27T16:00:00.000Z');
    try {
      await s.repo.saveGoLive(excelGoLive('vag-1'), null);
      const file = await unitReportTemplate(s, { goLiveId: 'vag-1', lang: 'sv' });
      expect(file.filename).toBe('vag-1-statuslista-mall.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.bytes as unknown as ExcelJS.Buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Statuslista', 'Enheter', 'Instruktion']);
      const ws = wb.getWorksheet('Statuslista')!;
      expect(ws.getRow(1).values).toEqual([undefined, 'Datum', 'Tid', 'Enhet', 'Färg', 'Förklaring', 'Rapportör']);
      expect(ws.getCell('D2').dataValidation).toMatchObject({ type: 'list', formulae: ['"Grön,Gul,Röd"'], errorStyle: 'stop' });
      expect(ws.getCell('D5001').dataValidation).toMatchObject({ type: 'list' });
      expect(ws.getCell('C2').dataValidation).toMatchObject({ type: 'list', formulae: ["'Enheter'!$A$2:$A$7"] });
      expect(ws.getCell('C2').value).toBe('Avdelning 12');
      expect(wb.getWorksheet('Enheter')!.getColumn(1).values).toEqual([
        undefined,
        'Enhet',
        'Avdelning 12',
        'Avdelning 14',
        'Mottagningen',
        'Akutmottagningen',
        'Mottagningen',
        'VC Norr',
      ]);

      const r = await importUnitReports(s, {
        goLiveId: 'vag-1',
        upload: { format: 'xlsx', bytes: file.bytes },
        options: { dryRun: true, mode: 'best-effort' },
      });
      expect(renderUnitReportImport(r, 'sv').errors.map((e) => e.message)).toEqual([
        'Rad 2, kolumn E (Förklaring): exempelraden från mallen: skriv över den eller ta bort den',
      ]);

      // Filled in as a förvaltning would: the example overwritten, a row added.
      const ws2 = wb.getWorksheet('Statuslista')!;
      ws2.getCell('E2').value = 'Allt fungerar';
      ws2.addRow([new Date(Date.UTC(2026, 10, 27)), 12 / 24, 'VC Norr', 'Röd', 'Kassan nere']);
      const filled = Buffer.from(await wb.xlsx.writeBuffer());
      const ok = await importUnitReports(s, {
        goLiveId: 'vag-1',
        upload: { format: 'xlsx', bytes: filled },
        options: { dryRun: false, mode: 'all-or-nothing' },
      });
      expect(ok.items.map((i) => [i.report.unitId, i.report.colour, i.report.reportedAt])).toEqual([
        ['avd-12', 'green', '2026-11-27T08:00:00.000Z'],
        ['vc-norr', 'red', '2026-11-27T11:00:00.000Z'],
      ]);
    } finally {
      await s.repo.close();
    }
  });

  it('narrows the units to one förvaltning, and speaks English', async () => {
    const s = testServices('2026-11-27T16:00:00.000Z');
    try {
      await s.repo.saveGoLive(excelGoLive('vag-1'), null);
      const file = await unitReportTemplate(s, { goLiveId: 'vag-1', lang: 'en', forvaltningId: 'medicin' });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.bytes as unknown as ExcelJS.Buffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Status list', 'Units', 'Instructions']);
      expect(wb.getWorksheet('Status list')!.getRow(1).values).toEqual([
        undefined,
        'Date',
        'Time',
        'Unit',
        'Colour',
        'Explanation',
        'Reporter',
      ]);
      expect(wb.getWorksheet('Status list')!.getCell('D2').dataValidation).toMatchObject({ formulae: ['"Green,Yellow,Red"'] });
      expect(wb.getWorksheet('Units')!.getColumn(2).values).toEqual([undefined, 'Unit id', 'akuten', 'med-mott']);
      await expect(unitReportTemplate(s, { goLiveId: 'vag-1', lang: 'sv', forvaltningId: 'tandvarden' })).rejects.toMatchObject({
        code: 'VALIDATION.FAILED',
      });
    } finally {
      await s.repo.close();
    }
  });
});
