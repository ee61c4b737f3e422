/**
 * Excel in, Excel out through the running app (local runtime in-process, simulated clock):
 * raw and multipart uploads, dry run, all-or-nothing, the limits, exports and templates.
 */
import ExcelJS from 'exceljs';
import { startExcelApi } from './app';
import { xlsxBytes } from './support';

let api: Awaited<ReturnType<typeof startExcelApi>>;
const G = '/golives/vag-1';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const org = {
  name: 'Våg 1',
  startDate: '2026-11-27',
  forvaltningar: [
    {
      id: 'sjukhuset',
      name: 'Sjukhuset',
      units: [
        { id: 'akuten', name: 'Akutmottagningen' },
        { id: 'avd-12', name: 'Avdelning 12' },
      ],
    },
    { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
  ],
  people: [
    { id: 'frida', name: 'Frida', email: 'frida@example.org', roles: ['cslRepresentative'], forvaltningId: 'sjukhuset' },
    { id: 'rut', name: 'Rut', email: 'rut@example.org', roles: ['unitReporter'], unitIds: ['akuten'] },
  ],
};

beforeAll(async () => {
  // 17:00 local on day 0.
  api = await startExcelApi({ start: '2026-11-27T16:00:00Z' });
  expect((await send('PUT', G, JSON.stringify(org), JSON_TYPE)).status).toBe(201);
  expect((await send('PUT', '/golives/vag-2', JSON.stringify({ ...org, name: 'Våg 2', people: [] }), JSON_TYPE)).status).toBe(201);
});
afterAll(async () => api?.close());

const JSON_TYPE = { 'content-type': 'application/json' };

type Body = string | Buffer | Uint8Array | FormData;

async function send(method: string, path: string, body?: Body, headers: Record<string, string> = {}) {
  const res = await fetch(api.url + path, { method, body: body ?? null, headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any problem or import answer
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, json };
}
const reports = async (goLive = 'vag-1') =>
  (await send('GET', `/golives/${goLive}/exports/unit-reports.csv`)).bytes.toString('utf8').trim().split('\r\n').length - 1;

const CSV = [
  'Datum;Tid;Enhet;Färg;Förklaring',
  '2026-11-27;09:15;akuten;Grön;Lugnt',
  '27/11/2026;9.30;Avdelning 12;gul;Långsamt',
  '2026-11-27;10:00;okänd;blå;',
].join('\r\n');

describe('import of a status list (R3.4)', () => {
  it('a raw CSV body: good rows stored, bad rows named; the same file again stores nothing', async () => {
    const first = await send('POST', `${G}/imports/unit-reports`, CSV, { 'content-type': 'text/csv; charset=utf-8' });
    expect(first.status).toBe(200);
    expect(first.json.summary).toMatchObject({ rows: 3, created: 2, rowsWithErrors: 1, stored: 2 });
    expect(first.json.errors.map((e: { message: string }) => e.message)).toEqual([
      "Rad 4, kolumn C (Enhet): okänd enhet 'okänd' (ange enhetens id eller namn som i driftsättningen)",
      "Rad 4, kolumn D (Färg): okänd färg 'blå' (använd Grön, Gul eller Röd)",
      'Rad 4, kolumn E (Förklaring): förklaring saknas (varför har enheten den här färgen?)',
    ]);
    expect(await reports()).toBe(2);
    const again = await send('POST', `${G}/imports/unit-reports`, CSV, { 'content-type': 'text/csv' });
    expect(again.json.summary).toMatchObject({ created: 0, alreadyStored: 2, stored: 0 });
    expect(await reports()).toBe(2);
  });

  it('English on request', async () => {
    const r = await send('POST', `${G}/imports/unit-reports?dryRun=true&lang=en`, CSV, { 'content-type': 'text/csv' });
    expect(r.json.errors[1].message).toBe("Row 4, column D (Färg): unknown colour 'blå' (use Green, Yellow or Red)");
  });

  it('a dry run shows what would be stored and stores nothing', async () => {
    const body = 'Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;11:00;vc-norr;Röd;Kassan\n';
    const r = await send('POST', `${G}/imports/unit-reports?dryRun=true`, body, { 'content-type': 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      dryRun: true,
      summary: { wouldCreate: 1, stored: 0 },
      items: [{ row: 2, outcome: 'wouldCreate', report: { unitId: 'vc-norr', colour: 'red', reportedAt: '2026-11-27T10:00:00.000Z' } }],
    });
    expect(await reports()).toBe(2);
  });

  it('all-or-nothing with a bad row: 422, a problem document that is also the report, nothing stored', async () => {
    const body = CSV.replace('09:15', '09:20').replace('9.30', '9.35');
    const r = await send('POST', `${G}/imports/unit-reports?mode=all-or-nothing`, body, { 'content-type': 'text/csv' });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json).toMatchObject({ status: 422, code: 'IMPORT.ROWS_INVALID', rejected: true, summary: { stored: 0, rowsWithErrors: 1 } });
    expect(r.json.errors).toHaveLength(3);
    expect(await reports()).toBe(2);
  });

  it('multipart/form-data with one XLSX file', async () => {
    const bytes = await xlsxBytes([
      {
        name: 'Blad1',
        numFmt: { 1: 'yyyy-mm-dd', 2: 'hh:mm' },
        rows: [
          ['Datum', 'Tid', 'Enhet', 'Färg', 'Förklaring'],
          [new Date(Date.UTC(2026, 10, 27)), 13 / 24, 'akuten', 'Röd', 'Från en arbetsbok'],
        ],
      },
    ]);
    const form = new FormData();
    form.append('kommentar', 'vecka 48');
    form.append('fil', new Blob([bytes], { type: XLSX }), 'statuslista.xlsx');
    const r = await send('POST', `${G}/imports/unit-reports`, form, { 'x-dev-user': 'frida@example.org' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      file: { format: 'xlsx', sheet: 'Blad1' },
      summary: { created: 1 },
      items: [{ report: { reportedAt: '2026-11-27T12:00:00.000Z' } }],
    });
  });

  it('refuses what is not one readable file: 400 or 415 naming `file`, nothing stored', async () => {
    const two = new FormData();
    two.append('a', new Blob(['Datum;Tid\n'], { type: 'text/csv' }), 'a.csv');
    two.append('b', new Blob(['Datum;Tid\n'], { type: 'text/csv' }), 'b.csv');
    const cases: [Body | undefined, Record<string, string>, number, string][] = [
      [two, {}, 400, 'Skicka exakt en fil i formuläret (fick 2).'],
      [
        '{"colour":"red"}',
        { 'content-type': 'application/json' },
        415,
        'Skicka en CSV- eller XLSX-fil: Content-Type text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, eller multipart/form-data med en fil.',
      ],
      [
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        { 'content-type': 'application/vnd.ms-excel' },
        415,
        'Det gamla Excel-formatet (.xls) stöds inte. Spara som Excel-arbetsbok (.xlsx) eller CSV och skicka igen.',
      ],
      [Buffer.from('PK\u0003\u0004 inte en zip'), { 'content-type': XLSX }, 400, 'Filen är ingen giltig XLSX-arbetsbok.'],
      [undefined, { 'content-type': 'text/csv' }, 400, 'Filen är tom.'],
      [
        'Datum;Tid;Enhet;Färg;Förklaring\n"2026-11-27;09:00;akuten;Grön;x\n',
        { 'content-type': 'text/csv' },
        400,
        'rad 2: ett citattecken (") stängs aldrig',
      ],
    ];
    for (const [body, headers, status, detail] of cases) {
      const r = await send('POST', `${G}/imports/unit-reports`, body, headers);
      expect([r.status, r.json.detail]).toEqual([status, detail]);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.json.errors).toEqual([{ field: 'file', message: detail }]);
    }
    expect(await reports()).toBe(3);
  });

  it('takes bodies above the 64 KiB of JSON routes, and refuses over 10 MiB before the function runs', async () => {
    const rows = Array.from(
      { length: 1500 },
      (_, i) =>
        `2026-11-27;${String(6 + Math.floor(i / 150)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')};akuten;Grön;Rad ${i} ${'x'.repeat(40)}`,
    );
    const big = ['Datum;Tid;Enhet;Färg;Förklaring', ...rows].join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);
    const ok = await send('POST', `${G}/imports/unit-reports?dryRun=true`, big, { 'content-type': 'text/csv' });
    expect(ok.status).toBe(200);
    expect(ok.json.summary.rows).toBe(1500);
    const tooBig = await send('POST', `${G}/imports/unit-reports`, Buffer.alloc(10 * 1024 * 1024 + 1, 0x41), {
      'content-type': 'text/csv',
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.detail).toBe('Kroppen får vara högst 10 MiB.');
    // JSON routes keep their 64 KiB.
    expect(
      (await send('POST', `${G}/units/akuten/reports`, JSON.stringify({ colour: 'green', explanation: 'x'.repeat(70 * 1024) }), JSON_TYPE))
        .status,
    ).toBe(413);
  });

  it('a unit reporter may not import; the CSL representative may', async () => {
    const body = 'Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;14:00;akuten;Gul;Från Rut\n';
    expect(
      (await send('POST', `${G}/imports/unit-reports`, body, { 'content-type': 'text/csv', 'x-dev-user': 'rut@example.org' })).status,
    ).toBe(403);
    expect(
      (await send('POST', `${G}/imports/unit-reports`, body, { 'content-type': 'text/csv', 'x-dev-user': 'frida@example.org' })).status,
    ).toBe(200);
  });
});

describe('a CSL representative imports only their own förvaltning (issue 13 item 6)', () => {
  const body = 'Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;14:10;vc-norr;Röd;Annans\n';
  const REFUSED = 'du importerar bara för din egen förvaltning';

  it('refuses a row for another förvaltning’s unit, naming the row; nothing stored', async () => {
    const before = await reports();
    const r = await send('POST', `${G}/imports/unit-reports`, body, { 'content-type': 'text/csv', 'x-dev-user': 'frida@example.org' });
    expect(JSON.stringify(r.json)).toContain(REFUSED);
    expect(r.json.summary).toMatchObject({ created: 0 });
    expect(await reports()).toBe(before);
  });

  it('the go-live lead imports for every förvaltning', async () => {
    const headers = { 'content-type': 'text/csv', 'x-dev-user': 'lead@example.org', 'x-dev-roles': 'goLiveLead' };
    const lead = await send('POST', `${G}/imports/unit-reports?dryRun=true`, body, headers);
    expect(lead.status).toBe(200);
    expect(JSON.stringify(lead.json)).not.toContain(REFUSED);
  });
});

describe('exports (R3.4, R4)', () => {
  it('unit reports as XLSX and CSV, as attachments, that import into another go-live as the same reports', async () => {
    const x = await send('GET', `${G}/exports/unit-reports.xlsx`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toBe(XLSX);
    expect(x.headers.get('content-disposition')).toBe('attachment; filename="vag-1-enhetsrapporter.xlsx"');
    const c = await send('GET', `${G}/exports/unit-reports.csv?lang=en`);
    expect(c.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(c.headers.get('content-disposition')).toBe('attachment; filename="vag-1-unit-reports.csv"');
    expect(c.bytes.toString('utf8').split('\r\n')[0]).toBe(
      '\uFEFFId;Date;Time;Administration;Unit;Unit name;Colour;Explanation;Reporter;Reporter id;Source;Received (UTC);Recorded by',
    );

    const into = await send('POST', '/golives/vag-2/imports/unit-reports?mode=all-or-nothing', x.bytes, { 'content-type': XLSX });
    expect(into.status).toBe(200);
    const pick = (csv: Buffer) =>
      csv
        .toString('utf8')
        .split('\r\n')
        .map((line) => line.split(';').slice(0, 10).join(';'));
    const a = await send('GET', `${G}/exports/unit-reports.csv`);
    const b = await send('GET', '/golives/vag-2/exports/unit-reports.csv');
    expect(pick(b.bytes)).toEqual(pick(a.bytes));
    const back = await send('POST', `${G}/imports/unit-reports`, c.bytes, { 'content-type': 'text/csv' });
    expect(back.json.summary).toMatchObject({ rows: 4, alreadyStored: 4, stored: 0 });
  });

  it('every CSV export takes ?delimiter=comma, the decision log and the challenges too (issue 13 item 14)', async () => {
    for (const [file, first] of [
      ['decisions', 'Beslutat,Nivå,Utmaning'],
      ['challenges', 'Lyft,Färg,Utmaning'],
      ['unit-reports', 'Id,Datum,Tid'],
      ['area-reports', 'Id,Datum,Tid'],
    ]) {
      const r = await send('GET', `${G}/exports/${file}.csv?delimiter=comma`);
      expect([
        file,
        r.status,
        r.bytes
          .toString('utf8')
          .split('\r\n')[0]!
          .slice(1, first!.length + 1),
      ]).toEqual([file, 200, first]);
    }
  });

  it('filters with since, and answers 404 for a format it does not make', async () => {
    const since = await send('GET', `${G}/exports/unit-reports.csv?since=2026-11-27T11:00:00Z`);
    expect(since.bytes.toString('utf8').trim().split('\r\n')).toHaveLength(3);
    const pdf = await send('GET', `${G}/exports/unit-reports.pdf`);
    expect([pdf.status, pdf.json.code]).toEqual([404, 'EXPORT.UNKNOWN_FORMAT']);
  });

  it('area reports with a sheet of problems', async () => {
    const area = {
      summary: 'Utskrifter fungerar inte',
      problems: [
        {
          title: 'Remissutskrift',
          size: 'stor',
          situation: { facts: 'Skrivarkön fastnar' },
          actions: 'Ny drivrutin',
          obstacles: 'Beslut behövs',
        },
      ],
    };
    expect((await send('POST', `${G}/areas/teknik/reports`, JSON.stringify(area), JSON_TYPE)).status).toBe(201);
    const x = await send('GET', `${G}/exports/area-reports.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Områdesrapporter', 'Problem']);
    expect(wb.getWorksheet('Problem')!.getRow(2).values).toEqual([
      undefined,
      expect.any(String),
      expect.any(Date),
      expect.any(Date),
      'teknik',
      1,
      'Remissutskrift',
      'stor',
      'Skrivarkön fastnar',
      undefined,
      'Ny drivrutin',
      'Beslut behövs',
    ]);
    const c = await send('GET', `${G}/exports/area-reports.csv`);
    expect(c.bytes.toString('utf8')).toContain(';Teknik;Gul;Gul;;Utskrifter fungerar inte;1;Remissutskrift (stor);');
  });
});

describe('templates and the organisation', () => {
  it('serves both templates as XLSX', async () => {
    for (const name of ['unit-reports', 'organisation']) {
      const r = await send('GET', `${G}/templates/${name}.xlsx`);
      expect([r.status, r.headers.get('content-type')]).toEqual([200, XLSX]);
      expect(r.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    }
  });

  it('imports an organisation into a new go-live given its name and start date', async () => {
    const body = 'Förvaltning;Enhet\nSjukhuset;Akuten\nSjukhuset;Avdelning 3\n';
    const missing = await send('POST', '/golives/vag-3/imports/organisation', body, { 'content-type': 'text/csv' });
    expect([missing.status, missing.json.code]).toEqual([404, 'GOLIVE.NOT_FOUND']);
    const r = await send('POST', '/golives/vag-3/imports/organisation?name=V%C3%A5g%203&startDate=2027-02-05', body, {
      'content-type': 'text/csv',
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ createsGoLive: true, written: true, summary: { units: { create: 2 } } });
    expect((await send('GET', '/golives/vag-3')).json.forvaltningar).toEqual([
      {
        id: 'sjukhuset',
        name: 'Sjukhuset',
        units: [
          { id: 'akuten', name: 'Akuten' },
          { id: 'avdelning-3', name: 'Avdelning 3' },
        ],
      },
    ]);
  });

  it('refuses a personnummer in ?name= (en dash, full-width digits) and creates nothing (issue 13 item 1, R-guard)', async () => {
    const body = 'Förvaltning;Enhet\nSjukhuset;Akuten\n';
    for (const name of ['Våg 121212\u20131212', 'Våg \uFF11\uFF12\uFF11\uFF12\uFF11\uFF12-\uFF11\uFF12\uFF11\uFF12']) {
      const r = await send('POST', `/golives/vag-9/imports/organisation?name=${encodeURIComponent(name)}&startDate=2027-02-05`, body, {
        'content-type': 'text/csv',
      });
      expect([r.status, r.json.code, r.json.errors]).toEqual([
        400,
        'DATA.PERSONAL_IDENTITY_NUMBER',
        [{ field: 'name', message: expect.any(String) }],
      ]);
    }
    expect((await send('GET', '/golives/vag-9')).status).toBe(404);
  });
});
