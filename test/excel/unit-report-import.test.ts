import { renderUnitReportImport } from '../../shared/app/excel/render';
import {
  importedReportId,
  importRequestHash,
  importUnitReports,
  TEMPLATE_EXAMPLE_EXPLANATION,
} from '../../shared/app/excel/unit-report-import';
import { requestHash } from '../../shared/app/idempotency';
import type { Upload } from '../../shared/app/excel/upload';
import { UploadError } from '../../shared/app/excel/upload';
import { csvUpload, excelGoLive, serial, testServices, xlsxUpload } from './support';

// Friday 27 November 2026, 17:00 in Stockholm (CET, UTC+1).
const NOW = '2026-11-27T16:00:00.000Z';
const G = 'vag-1';

let s: ReturnType<typeof testServices>;
beforeEach(async () => {
  s = testServices(NOW);
  await s.repo.saveGoLive(excelGoLive(G), null);
});
afterEach(() => s.repo.close());

const run = (upload: Upload, opts: Partial<{ dryRun: boolean; mode: 'best-effort' | 'all-or-nothing'; sheet: string }> = {}) =>
  importUnitReports(s, {
    goLiveId: G,
    upload,
    options: { dryRun: false, mode: 'best-effort', ...opts },
    actor: { kind: 'user', id: 'rut' },
  });
const stored = async () => s.repo.listUnitReportsByGoLive(G);
const messages = async (upload: Upload, lang: 'sv' | 'en' = 'sv') =>
  renderUnitReportImport(await run(upload, { dryRun: true }), lang).errors.map((e) => e.message);

const GOOD = [
  'Datum;Tid;Enhet;Färg;Förklaring',
  '2026-11-27;09:15;avd-12;Grön;Lugnt på avdelningen',
  '27/11/2026;9.30;Akutmottagningen;gul;Läkemedelslistan laddar långsamt',
  '27.11.2026;12:00;VC Norr;RÖD;Kan inte skriva ut remisser',
];

describe('a status list (R3.4) becomes unit reports (R3.1)', () => {
  it('stores every good row as a report in local time, with the import as its source', async () => {
    const r = await run(csvUpload(GOOD.join('\n')));
    expect(r.summary).toEqual({
      rows: 3,
      valid: 3,
      created: 3,
      wouldCreate: 0,
      alreadyStored: 0,
      duplicateInFile: 0,
      rowsWithErrors: 0,
      stored: 3,
    });
    const reports = await stored();
    expect(reports.map((x) => [x.unitId, x.forvaltningId, x.colour, x.reportedAt, x.explanation])).toEqual([
      ['avd-12', 'kirurgi', 'green', '2026-11-27T08:15:00.000Z', 'Lugnt på avdelningen'],
      ['akuten', 'medicin', 'yellow', '2026-11-27T08:30:00.000Z', 'Läkemedelslistan laddar långsamt'],
      ['vc-norr', 'primarvarden', 'red', '2026-11-27T11:00:00.000Z', 'Kan inte skriva ut remisser'],
    ]);
    expect(reports[0]).toMatchObject({ source: 'import', receivedAt: NOW, recordedBy: { kind: 'user', id: 'rut' } });
    expect(reports[0]!.id).toBe(
      importedReportId(G, {
        unitId: 'avd-12',
        reportedAt: '2026-11-27T08:15:00.000Z',
        colour: 'green',
        explanation: 'Lugnt på avdelningen',
      }),
    );
    const status = (await s.repo.getStatusSnapshot(G))!.unitStatuses.map((u) => [u.unitId, u.colour]).sort();
    expect(status).toEqual([
      ['akuten', 'yellow'],
      ['avd-12', 'green'],
      ['vc-norr', 'red'],
    ]);
  });

  it('the same file imported twice stores nothing twice', async () => {
    const file = csvUpload(GOOD.join('\n'));
    await run(file);
    const before = await stored();
    const again = await run(file);
    expect(again.summary).toMatchObject({ rows: 3, created: 0, alreadyStored: 3, stored: 0 });
    expect(again.items.map((i) => i.outcome)).toEqual(['alreadyStored', 'alreadyStored', 'alreadyStored']);
    expect(await stored()).toEqual(before);
  });

  it('a dry run shows what would be stored and stores nothing; the real run stores exactly that', async () => {
    const dry = await run(csvUpload(GOOD.join('\n')), { dryRun: true });
    expect(dry.summary).toMatchObject({ wouldCreate: 3, created: 0, stored: 0 });
    expect(await stored()).toEqual([]);
    const real = await run(csvUpload(GOOD.join('\n')));
    expect(real.items.map((i) => i.report)).toEqual(dry.items.map((i) => i.report));
  });

  it('a row twice in one file is stored once and named as a duplicate', async () => {
    const r = await run(csvUpload([...GOOD, GOOD[1]!].join('\n')));
    expect(r.summary).toMatchObject({ rows: 4, created: 3, duplicateInFile: 1 });
    expect(r.items.find((i) => i.outcome === 'duplicateInFile')).toMatchObject({ row: 5, duplicateOf: 2 });
    expect(await stored()).toHaveLength(3);
  });

  it('keeps the newest report as the unit’s status, whatever the order of the rows', async () => {
    await run(
      csvUpload(
        [
          'Datum;Tid;Enhet;Färg;Förklaring',
          '2026-11-27;15:00;avd-12;Röd;Senast',
          '2026-11-27;09:00;avd-12;Grön;Först',
          '2026-11-27;12:00;avd-12;Gul;Sedan',
        ].join('\n'),
      ),
    );
    expect((await s.repo.getStatusSnapshot(G))!.unitStatuses.map((u) => [u.unitId, u.colour, u.explanation])).toEqual([
      ['avd-12', 'red', 'Senast'],
    ]);
  });
});

describe('a file with bad rows gives the exact row errors', () => {
  const BAD = [
    'Statuslista Kirurgi vecka 48',
    '',
    'Datum;Tid;Enhet;Färg;Förklaring',
    '2026-11-27;09:15;avd-12;Grön;Bra rad',
    '2026-11-31;09:15;avd-12;Grön;Fel datum',
    '2026-11-27;;avd-12;Grön;Tid saknas',
    '2026-11-27;09:15;avd-99;blå;',
    '2026-11-27;09:15;Mottagningen;Gul;Två enheter heter så',
    '2026-11-28;09:15;avd-12;Grön;Dagen efter',
    '2026-11-27;10:00;avd-14;Röd;Patient 19121212-1212 drabbad',
    `2026-11-27;11:00;avd-14;Grön;${TEMPLATE_EXAMPLE_EXPLANATION.sv}`,
    '2026-11-27;12:00;avd-14;Gul;Bra rad två',
  ];

  it('names row, column and problem in Swedish', async () => {
    expect(await messages(csvUpload(BAD.join('\r\n')))).toEqual([
      "Rad 5, kolumn A (Datum): '2026-11-31' är inget giltigt datum",
      'Rad 6, kolumn B (Tid): tid saknas',
      "Rad 7, kolumn C (Enhet): okänd enhet 'avd-99' (ange enhetens id eller namn som i driftsättningen)",
      "Rad 7, kolumn D (Färg): okänd färg 'blå' (använd Grön, Gul eller Röd)",
      'Rad 7, kolumn E (Förklaring): förklaring saknas (varför har enheten den här färgen?)',
      "Rad 8, kolumn C (Enhet): enheten 'Mottagningen' finns i flera förvaltningar (Kirurgi och Medicin): ange enhetens id, eller lägg till kolumnen Förvaltning",
      'Rad 9, kolumn B (Tid): tidpunkten 2026-11-28T08:15:00.000Z ligger i framtiden',
      'Rad 10, kolumn E (Förklaring): innehåller ett personnummer eller samordningsnummer – Driftpuls får inte innehålla patientuppgifter',
      'Rad 11, kolumn E (Förklaring): exempelraden från mallen: skriv över den eller ta bort den',
    ]);
  });

  it('and in English, with the structured fields beside the message', async () => {
    const r = renderUnitReportImport(await run(csvUpload(BAD.join('\n')), { dryRun: true }), 'en');
    expect(r.errors[3]).toEqual({
      sheet: 'CSV',
      row: 7,
      column: 'D',
      header: 'Färg',
      field: 'colour',
      value: 'blå',
      message: "Row 7, column D (Färg): unknown colour 'blå' (use Green, Yellow or Red)",
    });
    expect(r.errors[7]).toEqual({
      sheet: 'CSV',
      row: 10,
      column: 'E',
      header: 'Förklaring',
      field: 'explanation',
      message: 'Row 10, column E (Förklaring): contains a personal identity or coordination number – Driftpuls must not hold patient data',
    });
    expect(r.file).toMatchObject({ headerRow: 3, delimiter: ';' });
  });

  it('stores the good rows anyway, unless all-or-nothing is asked for', async () => {
    const strict = await run(csvUpload(BAD.join('\n')), { mode: 'all-or-nothing' });
    expect(strict).toMatchObject({ rejected: true, summary: { rows: 9, valid: 2, rowsWithErrors: 7, stored: 0, wouldCreate: 0 } });
    expect(await stored()).toEqual([]);
    const lenient = await run(csvUpload(BAD.join('\n')));
    expect(lenient).toMatchObject({ rejected: false, summary: { rows: 9, valid: 2, rowsWithErrors: 7, created: 2, stored: 2 } });
    expect((await stored()).map((r) => r.explanation)).toEqual(['Bra rad', 'Bra rad två']);
  });

  it('all-or-nothing stores a clean file whole', async () => {
    expect((await run(csvUpload(GOOD.join('\n')), { mode: 'all-or-nothing' })).summary.stored).toBe(3);
  });

  it('a Förvaltning column tells same-named units apart', async () => {
    const r = await run(
      csvUpload(
        [
          'Datum;Tid;Förvaltning;Enhet;Färg;Förklaring',
          '2026-11-27;09:15;Medicin;Mottagningen;Gul;x',
          '2026-11-27;09:15;kirurgi;mottagningen;Grön;y',
          '2026-11-27;09:15;Medicin;avd-12;Grön;z',
        ].join('\n'),
      ),
    );
    expect(r.items.map((i) => i.report.unitId)).toEqual(['med-mott', 'kir-mott']);
    expect(renderUnitReportImport(r, 'sv').errors.map((e) => e.message)).toEqual([
      "Rad 4, kolumn D (Enhet): enheten 'avd-12' hör till förvaltningen Kirurgi, inte Medicin",
    ]);
  });

  it('refuses a file without a header row, naming what is missing', async () => {
    const err = await run(csvUpload('Datum;Enhet;Status\n2026-11-27;avd-12;Grön\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).texts.sv).toBe(
      'Hittar ingen rubrikrad med Datum, Enhet, Färg och Förklaring (sökte i de 20 första raderna). Närmast är rad 1, där saknas: Förklaring.',
    );
  });
});

describe('the lists as people keep them', () => {
  it('reads English headers, a comma CSV with quotes, Windows-1252, and one date-and-time column', async () => {
    const text =
      'Reported at,Care unit,Colour,Comment\r\n"2026-11-27 09:15",avd-12,Green,"Slow, but fine"\r\n27 nov 2026 kl 10.05,Avdelning 14,Röd,Skrivare\r\n';
    const r = await run({ format: 'csv', bytes: Buffer.from(text, 'latin1') });
    expect(r.file).toMatchObject({ delimiter: ',', encoding: 'windows-1252' });
    expect(r.items.map((i) => [i.report.unitId, i.report.colour, i.report.reportedAt, i.report.explanation])).toEqual([
      ['avd-12', 'green', '2026-11-27T08:15:00.000Z', 'Slow, but fine'],
      ['avd-14', 'red', '2026-11-27T09:05:00.000Z', 'Skrivare'],
    ]);
  });

  it('asks for a time when there is neither a time column nor a time in the date', async () => {
    expect(await messages(csvUpload('Datum;Enhet;Färg;Förklaring\n2026-11-27;avd-12;Grön;x\n'))).toEqual([
      'Rad 2, kolumn A (Datum): tid saknas (datumet har ingen tid, och det finns ingen Tid-kolumn)',
    ]);
  });

  it('reads XLSX date cells, time cells, serial numbers, and cached formula results; never runs a formula', async () => {
    const upload = await xlsxUpload([
      { name: 'Instruktion', rows: [['Fyll i en rad per rapport']] },
      {
        name: 'Kirurgi v48',
        numFmt: { 1: 'yyyy-mm-dd', 2: 'hh:mm' },
        rows: [
          ['Statuslista Kirurgi'],
          ['Datum', 'Tid', 'Verksamhet', 'Status', 'Kommentar'],
          [new Date(Date.UTC(2026, 10, 27)), 9.25 / 24, 'Avdelning 12', 'Grön', 'Datumcell och tidcell'],
          [serial(2026, 11, 27), '10:30', 'avd-14', 'gul', 'Serienummer och text'],
          [
            { formula: 'TODAY()', result: new Date(Date.UTC(2026, 10, 27)) },
            0.5,
            'akuten',
            { formula: 'IF(1,"Röd","Grön")', result: 'Röd' },
            'Formler med sparat värde',
          ],
          [new Date(Date.UTC(2026, 10, 27)), 0.6, 'akuten', { formula: 'A1' } as never, 'Formel utan värde'],
          ['2026-11-27', { formula: 'NOW()', result: { error: '#VALUE!' } } as never, 'akuten', 'Grön', 'Fel i formeln'],
          ['2026-11-27', '13:00', { error: '#N/A' } as never, 'Grön', 'Felvärde'],
        ],
      },
    ]);
    const r = await run(upload, { dryRun: true });
    expect(r.file).toMatchObject({ format: 'xlsx', sheet: 'Kirurgi v48', headerRow: 2 });
    expect(r.items.map((i) => [i.row, i.report.unitId, i.report.colour, i.report.reportedAt])).toEqual([
      [3, 'avd-12', 'green', '2026-11-27T08:15:00.000Z'],
      [4, 'avd-14', 'yellow', '2026-11-27T09:30:00.000Z'],
      [5, 'akuten', 'red', '2026-11-27T11:00:00.000Z'],
    ]);
    expect(renderUnitReportImport(r, 'sv').errors.map((e) => e.message)).toEqual([
      'Rad 6, kolumn D (Status): formel utan sparat värde eller med fel (skriv in värdet, eller öppna och spara filen i Excel)',
      'Rad 7, kolumn B (Tid): formel utan sparat värde eller med fel (skriv in värdet, eller öppna och spara filen i Excel)',
      'Rad 8, kolumn C (Verksamhet): cellen innehåller felet #N/A',
    ]);
  });

  it('reads the sheet asked for, and names the sheets when it does not exist', async () => {
    const rows = [
      ['Datum', 'Tid', 'Enhet', 'Färg', 'Förklaring'],
      ['2026-11-27', '09:00', 'avd-12', 'Grön', 'x'],
    ];
    const upload = await xlsxUpload([
      { name: 'Vecka 47', rows: [...rows, ['2026-11-20', '09:00', 'avd-12', 'Gul', 'förra veckan']] },
      { name: 'Vecka 48', rows },
    ]);
    expect((await run(upload, { dryRun: true })).file.sheet).toBe('Vecka 47');
    expect((await run(upload, { dryRun: true, sheet: 'vecka 48' })).summary.rows).toBe(1);
    const err = await run(upload, { sheet: 'Vecka 49' }).catch((e: unknown) => e);
    expect((err as UploadError).texts.sv).toBe("Bladet 'Vecka 49' finns inte. Arbetsboken har: Vecka 47, Vecka 48.");
  });

  it('warns about a second column for the same field', async () => {
    const r = renderUnitReportImport(
      await run(csvUpload('Datum;Tid;Enhet;Färg;Status;Förklaring\n2026-11-27;09:00;avd-12;Grön;Röd;x\n'), { dryRun: true }),
      'sv',
    );
    expect(r.warnings).toEqual(['Kolumn E (Status) används inte: kolumn D (Färg) anger redan Färg.']);
    expect(r.items[0]!.report.colour).toBe('green');
  });
});

describe('ids from an Id column (our own exports)', () => {
  it('fingerprint a row as the API fingerprints the same request, so an API retry of an imported row is a replay', () => {
    const input = { id: 'r-1', colour: 'red' as const, explanation: 'x', reportedAt: '2026-11-27T08:00:00.000Z' };
    expect(importRequestHash('avd-12', input)).toBe(requestHash({ unitId: 'avd-12', ...input }));
    const withReporter = { ...input, reporter: { personId: 'rut', name: 'Rut' } };
    expect(importRequestHash('avd-12', withReporter)).toBe(requestHash({ unitId: 'avd-12', ...withReporter }));
  });

  it('are kept, so the export of a go-live imported into it again stores nothing', async () => {
    const file = csvUpload('Id;Datum;Tid;Enhet;Färg;Förklaring\nrapport-1;2026-11-27;09:00;avd-12;Grön;x\n');
    expect((await run(file)).summary.created).toBe(1);
    expect((await stored()).map((r) => r.id)).toEqual(['rapport-1']);
    expect((await run(file)).summary).toMatchObject({ created: 0, alreadyStored: 1 });
  });

  it('refuse an id that names another report', async () => {
    await run(csvUpload('Id;Datum;Tid;Enhet;Färg;Förklaring\nrapport-1;2026-11-27;09:00;avd-12;Grön;x\n'));
    const again = csvUpload(
      [
        'Id;Datum;Tid;Enhet;Färg;Förklaring',
        'rapport-1;2026-11-27;09:00;avd-12;Röd;x',
        'rapport-2;2026-11-27;09:00;avd-12;Röd;x',
        'rapport-2;2026-11-27;09:05;avd-12;Röd;x',
        'Fel Id;2026-11-27;09:00;avd-12;Röd;x',
        '',
      ].join('\n'),
    );
    expect(await messages(again)).toEqual([
      "Rad 2, kolumn A (Id): id 'rapport-1' finns redan för en annan rapport (avd-12, 2026-11-27T08:00:00.000Z)",
      'Rad 4, kolumn A (Id): samma id som rad 3 men annat innehåll',
      'Rad 5, kolumn A (Id): ett id har bara a–z, 0–9 och bindestreck (högst 64 tecken)',
    ]);
  });
});

describe('no patient data and no hidden characters by any column (issue 13 items 1 and 14, R-guard)', () => {
  const HEAD = 'Id;Datum;Tid;Enhet;Färg;Förklaring;Rapportör;Rapportör-id';
  const rows = [
    HEAD,
    '191212121212;2026-11-27;09:00;avd-12;Grön;Id-kolumnen;;', // Id: a valid slug, and a personnummer
    ';2026-11-27;09:05;avd-12;Grön;Rapportör-id-kolumnen;Rut;121212-1212', // Rapportör-id
    ';2026-11-27;09:10;avd-12;Grön;Rapportören;Rut 121212\u20131212;', // en dash in the reporter name
    ';2026-11-27;09:15;avd-12;Grön;Förklaring pnr １２１２１２－１２１２;', // full-width
    ';2026-11-27;09:20;avd-12;Grön;Förklaring med \u202Eomvänd\u202C text;', // a bidi override
    ';2026-11-27;09:25;avd-12;Grön;NUL\u0000här;',
    ';2026-11-27;09:30;avd-12;Grön;Bra rad;Rut;rut',
  ];

  it('refuses each such cell, naming row, column and field and never showing the value; stores only the good row', async () => {
    const r = await run(csvUpload(rows.join('\n')));
    expect(r.issues.map((i) => [i.row, i.field, i.value, i.problem.sv.split(' – ')[0]])).toEqual([
      [2, 'id', undefined, 'innehåller ett personnummer eller samordningsnummer'],
      [3, 'reporter.personId', undefined, 'innehåller ett personnummer eller samordningsnummer'],
      [4, 'reporter.name', undefined, 'innehåller ett personnummer eller samordningsnummer'],
      [5, 'explanation', undefined, 'innehåller ett personnummer eller samordningsnummer'],
      [6, 'explanation', undefined, 'innehåller styrtecken (t.ex. NUL eller tecken som vänder skrivriktningen)'],
      [7, 'explanation', undefined, 'innehåller styrtecken (t.ex. NUL eller tecken som vänder skrivriktningen)'],
    ]);
    expect((await stored()).map((x) => x.explanation)).toEqual(['Bra rad']);
    expect(JSON.stringify(renderUnitReportImport(r, 'sv'))).not.toMatch(/1212|\u202E|\u0000/);
  });

  it('an XLSX number cell holding a personnummer is refused too', async () => {
    const upload = await xlsxUpload([
      {
        name: 'Status',
        rows: [
          ['Datum', 'Tid', 'Enhet', 'Färg', 'Förklaring', 'Rapportör-id'],
          [serial(2026, 11, 27), '09:00', 'avd-12', 'Grön', 'ok', 191212121212],
        ],
      },
    ]);
    const r = await run(upload);
    expect(r.issues.map((i) => [i.field, i.value])).toEqual([['reporter.personId', undefined]]);
    expect(await stored()).toEqual([]);
  });
});
