import ExcelJS from 'exceljs';
import { importOrganisation } from '../../shared/app/excel/organisation-import';
import { renderOrganisationImport } from '../../shared/app/excel/render';
import { organisationWorkbook } from '../../shared/app/excel/templates';
import type { Upload } from '../../shared/app/excel/upload';
import { DomainError } from '../../shared/domain/errors';
import { linkFvisLeads } from '../../shared/domain/golive';
import { csvUpload, excelGoLive, testServices, xlsxUpload } from './support';

const NOW = '2026-11-20T09:00:00.000Z';
let s: ReturnType<typeof testServices>;
beforeEach(() => {
  s = testServices(NOW);
});
afterEach(() => s.repo.close());

const run = (
  goLiveId: string,
  upload: Upload,
  opts: Partial<{ dryRun: boolean; mode: 'best-effort' | 'all-or-nothing' }> = {},
  create?: { name?: string; startDate?: string },
) =>
  importOrganisation(s, {
    goLiveId,
    upload,
    options: { dryRun: false, mode: 'best-effort', ...opts },
    actor: { kind: 'user', id: 'admin' },
    ...(create ? { create } : {}),
  });
const goLive = async (id: string) => (await s.repo.getGoLive(id))!.value;
// The role names a person may have, as the import lists them in a refusal (docs/glossary.md).
const ROLES = `(roller: ${[
  'Driftsättningsledare',
  'Driftsättningskoordinator',
  'Programledare',
  'Områdessamordnare',
  'Kontaktperson',
  'CSL förvaltningsrepresentant',
  'Ordförande i CSL',
  'FVIS-projektledare',
  'Regional chefsläkare',
  'LGV-representant',
  'IM (Incident Manager)',
  'ITD:s chef',
  'Verksamhetens rapportör',
].join(', ')})`;

const UNITS = [
  ['Förvaltning', 'Enhet'],
  ['Sjukhusförvaltningen', 'Akutmottagningen'],
  ['Sjukhusförvaltningen', 'Avdelning 12'],
  ['Primärvården', 'Vårdcentralen Norr'],
];
const PEOPLE = [
  ['Namn', 'E-post', 'Roller', 'Enheter', 'Områden', 'Förvaltning', 'FVIS-projektledare'],
  ['Rut Rapportör', 'rut@example.org', 'Verksamhetens rapportör', 'Akutmottagningen, avdelning-12', '', '', ''],
  ['Omar Samordnare', 'omar@example.org', 'Områdessamordnare; Kontaktperson', '', 'Teknik, support', '', 'Nej'],
  ['Frida FVIS', 'frida@example.org', 'CSL förvaltningsrepresentant', '', '', 'Sjukhusförvaltningen', 'Ja'],
  ['Ivan IM', '', 'IM', '', '', '', ''],
];

describe('organisation import (R1, R2)', () => {
  it('creates the go-live from name and start date, with förvaltningar, units and people from two sheets', async () => {
    const upload = await xlsxUpload([
      { name: 'Personer', rows: PEOPLE },
      { name: 'Enheter', rows: UNITS },
    ]);
    const r = await run('vag-2', upload, {}, { name: 'Våg 2', startDate: '2027-01-15' });
    expect(r).toMatchObject({ createsGoLive: true, changed: true, written: true, issues: [] });
    expect(r.summary).toMatchObject({
      rows: 7,
      rowsWithErrors: 0,
      forvaltningar: { create: 2 },
      units: { create: 3 },
      people: { create: 4 },
    });
    const g = await goLive('vag-2');
    expect(g).toMatchObject({
      name: 'Våg 2',
      startDate: '2027-01-15',
      timeZone: 'Europe/Stockholm',
      updatedBy: { kind: 'user', id: 'admin' },
    });
    expect(g.forvaltningar).toEqual([
      {
        id: 'sjukhusforvaltningen',
        name: 'Sjukhusförvaltningen',
        fvisLeadId: 'frida-fvis',
        units: [
          { id: 'akutmottagningen', name: 'Akutmottagningen' },
          { id: 'avdelning-12', name: 'Avdelning 12' },
        ],
      },
      { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vardcentralen-norr', name: 'Vårdcentralen Norr' }] },
    ]);
    expect(g.people).toEqual([
      {
        id: 'rut-rapportor',
        name: 'Rut Rapportör',
        email: 'rut@example.org',
        roles: ['unitReporter'],
        unitIds: ['akutmottagningen', 'avdelning-12'],
        areaIds: [],
      },
      {
        id: 'omar-samordnare',
        name: 'Omar Samordnare',
        email: 'omar@example.org',
        roles: ['areaCoordinator', 'contactPerson'],
        unitIds: [],
        areaIds: ['teknik', 'support'],
      },
      {
        id: 'frida-fvis',
        name: 'Frida FVIS',
        email: 'frida@example.org',
        // "Ja" in the FVIS column: the förvaltning names her and she holds the role (R11.8).
        roles: ['cslRepresentative', 'fvisLead'],
        unitIds: [],
        areaIds: [],
        forvaltningId: 'sjukhusforvaltningen',
      },
      { id: 'ivan-im', name: 'Ivan IM', roles: ['incidentManager'], unitIds: [], areaIds: [] },
    ]);
  });

  it('takes the FVIS project lead as a role in the Roles column too, and Nej in the FVIS column takes it away (R11.8)', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const forv = (await goLive('vag-1')).forvaltningar[0]!;
    const byRole = await run('vag-1', csvUpload(`Namn;Roller;Förvaltning\nFia FVIS;FVIS-projektledare;${forv.name}\n`));
    expect(byRole.issues).toEqual([]);
    let g = await goLive('vag-1');
    expect(g.people.find((p) => p.name === 'Fia FVIS')).toMatchObject({ roles: ['fvisLead'], forvaltningId: forv.id });
    expect(g.forvaltningar[0]!.fvisLeadId).toBe(g.people.find((p) => p.name === 'Fia FVIS')!.id);

    const off = await run(
      'vag-1',
      csvUpload(`Namn;Roller;Förvaltning;FVIS-projektledare\nFia FVIS;FVIS-projektledare, IM;${forv.name};Nej\n`),
    );
    expect(off.issues).toEqual([]);
    g = await goLive('vag-1');
    expect(g.people.find((p) => p.name === 'Fia FVIS')!.roles).toEqual(['incidentManager']);
    expect(g.forvaltningar[0]!.fvisLeadId).toBeUndefined();

    const none = await run('vag-1', csvUpload('Namn;Roller\nGun Utan;FVIS-projektledare\n'));
    expect(none.written).toBe(false);
    expect(JSON.stringify(none.issues)).toContain('forvaltningId');
  });

  it('importing the same lists again changes nothing and writes nothing', async () => {
    const upload = await xlsxUpload([
      { name: 'Enheter', rows: UNITS },
      { name: 'Personer', rows: PEOPLE },
    ]);
    await run('vag-2', upload, {}, { name: 'Våg 2', startDate: '2027-01-15' });
    const before = await s.repo.getGoLive('vag-2');
    s.setNow('2026-11-21T09:00:00.000Z');
    const again = await run('vag-2', upload);
    expect(again).toMatchObject({ createsGoLive: false, changed: false, written: false });
    expect(again.summary).toMatchObject({
      forvaltningar: { create: 0, update: 0, unchanged: 2 },
      units: { unchanged: 3 },
      people: { unchanged: 4 },
    });
    expect(await s.repo.getGoLive('vag-2')).toEqual(before);
  });

  it('merges into an existing go-live: named things are added or updated, the rest is kept; an empty cell keeps the value', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const units = csvUpload(
      'Förvaltnings-id;Förvaltning;Enhets-id;Enhet\nkirurgi;Kirurgi;avd-12;Avdelning 12 (ortopedi)\nkirurgi;;;Avdelning 16\nmedicin;;;Mottagningen\n',
    );
    const r = await run('vag-1', units);
    expect(r.summary).toMatchObject({ forvaltningar: { unchanged: 2 }, units: { create: 1, update: 1, unchanged: 1 } });
    const g = await goLive('vag-1');
    expect(g.forvaltningar.find((f) => f.id === 'kirurgi')!.units).toEqual([
      { id: 'avd-12', name: 'Avdelning 12 (ortopedi)' },
      { id: 'avd-14', name: 'Avdelning 14' },
      { id: 'kir-mott', name: 'Mottagningen' },
      { id: 'avdelning-16', name: 'Avdelning 16' },
    ]);
    expect(g.forvaltningar.map((f) => f.id)).toEqual(['kirurgi', 'medicin', 'primarvarden']);
  });

  it('a new unit whose name-id is taken in another förvaltning gets the förvaltning as prefix', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    await run('vag-1', csvUpload('Förvaltning;Enhet\nKirurgi;Jourmottagning\nMedicin;Jourmottagning\n'));
    const g = await goLive('vag-1');
    expect(g.forvaltningar.find((f) => f.id === 'kirurgi')!.units.at(-1)).toEqual({ id: 'jourmottagning', name: 'Jourmottagning' });
    expect(g.forvaltningar.find((f) => f.id === 'medicin')!.units.at(-1)).toEqual({ id: 'medicin-jourmottagning', name: 'Jourmottagning' });
  });

  it('finds people by id, then e-mail, then name; replaces roles given, keeps what is empty', async () => {
    const base = excelGoLive('vag-1');
    base.people = [{ id: 'rut', name: 'Rut R', email: 'rut@example.org', roles: ['unitReporter'], unitIds: ['avd-12'], areaIds: [] }];
    await s.repo.saveGoLive(base, null);
    const r = await run('vag-1', csvUpload('Namn;E-post;Roller;Enheter\nRut Rapportör;RUT@example.org;Driftsättningskoordinator;\n'));
    expect(r.changes).toEqual([{ sheet: 'CSV', row: 2, kind: 'person', id: 'rut', action: 'update' }]);
    expect((await goLive('vag-1')).people).toEqual([
      { id: 'rut', name: 'Rut Rapportör', email: 'RUT@example.org', roles: ['goLiveCoordinator'], unitIds: ['avd-12'], areaIds: [] },
    ]);
  });

  it('imports Entra object ids (issue 13): a GUID, lower case, one person each', async () => {
    const base = excelGoLive('vag-1');
    base.people = [
      {
        id: 'rut',
        name: 'Rut R',
        email: 'rut@example.org',
        roles: ['unitReporter'],
        unitIds: [],
        areaIds: [],
        entraObjectId: '0f6c0000-0000-4000-8000-000000000001',
      },
    ];
    await s.repo.saveGoLive(base, null);
    const r = await run(
      'vag-1',
      csvUpload(
        [
          'Person-id;Namn;Roller;Entra-objekt-id',
          'omar;Omar;Kontaktperson;0F6C0000-0000-4000-8000-0000000000AA',
          'ivan;Ivan;IM;inte-ett-guid',
          'ida;Ida;IM;0f6c0000-0000-4000-8000-000000000001',
        ].join('\n'),
      ),
    );
    expect(renderOrganisationImport(r, 'sv').errors.map((e) => e.message)).toEqual([
      'Rad 3, kolumn D (Entra-objekt-id): ett Entra-objekt-id är ett GUID (36 tecken)',
      'Rad 4, kolumn D (Entra-objekt-id): hör redan till Rut R (rut)',
    ]);
    expect((await goLive('vag-1')).people.map((p) => [p.id, p.entraObjectId])).toEqual([
      ['rut', '0f6c0000-0000-4000-8000-000000000001'],
      ['omar', '0f6c0000-0000-4000-8000-0000000000aa'],
    ]);
  });

  it('gives exact row errors, stores the good rows, and nothing with all-or-nothing', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const people = csvUpload(
      [
        'Person-id;Namn;E-post;Roller;Enheter;Områden;Förvaltning;FVIS-projektledare',
        ';Bra Person;bra@example.org;Kontaktperson;;Teknik;;',
        ';Ny Person;inte-en-adress;Chef, Kontaktperson;avd-99;Månen;Tandvården;kanske',
        'Fel Id;Tredje;;Kontaktperson;;;;',
        ';Fjärde;;;;;;',
        ';Exempel Exempelsson;;Verksamhetens rapportör;;;;',
        ';Femte;;Kontaktperson;Mottagningen;;;',
      ].join('\n'),
    );
    const strict = await run('vag-1', people, { mode: 'all-or-nothing' });
    expect(strict).toMatchObject({ rejected: true, written: false });
    expect((await goLive('vag-1')).people).toEqual([]);
    const r = renderOrganisationImport(await run('vag-1', people), 'sv');
    expect(r.errors.map((e) => e.message)).toEqual([
      'Rad 3, kolumn C (E-post): ogiltig e-postadress',
      `Rad 3, kolumn D (Roller): okänd roll 'Chef' ${ROLES}`,
      "Rad 3, kolumn E (Enheter): okänd eller tvetydig enhet 'avd-99' (ange enhetens id)",
      "Rad 3, kolumn F (Områden): okänt område 'Månen' (områden: Verksamhetens införande, Cosmic, Cosmic konfiguration, Support, Cambio, Behörigheter, Teknik)",
      "Rad 3, kolumn G (Förvaltning): okänd förvaltning 'Tandvården'",
      'Rad 3, kolumn H (FVIS-projektledare): skriv Ja eller Nej',
      'Rad 4, kolumn A (Person-id): ett id har bara a–z, 0–9 och bindestreck (högst 64 tecken)',
      `Rad 5, kolumn D (Roller): roll saknas ${ROLES}`,
      'Rad 6, kolumn B (Namn): exempelraden från mallen: skriv över den eller ta bort den',
      "Rad 7, kolumn E (Enheter): okänd eller tvetydig enhet 'Mottagningen' (ange enhetens id)",
    ]);
    expect(r.summary).toMatchObject({ rows: 6, valid: 1, rowsWithErrors: 5, people: { create: 1 } });
    expect((await goLive('vag-1')).people.map((p) => p.id)).toEqual(['bra-person']);
  });

  it('a dry run reports the changes and writes nothing', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const r = await run('vag-1', csvUpload('Förvaltning;Enhet\nTandvården;Tandkliniken\n'), { dryRun: true });
    expect(r).toMatchObject({
      changed: true,
      written: false,
      changes: [
        { kind: 'forvaltning', id: 'tandvarden', action: 'create' },
        { kind: 'unit', id: 'tandkliniken', action: 'create' },
      ],
    });
    expect((await goLive('vag-1')).forvaltningar).toHaveLength(3);
  });

  it('refuses a go-live that does not exist without name and start date', async () => {
    const err = await run('finns-inte', csvUpload('Förvaltning;Enhet\nA;B\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('GOLIVE.NOT_FOUND');
    expect(await s.repo.getGoLive('finns-inte')).toBeUndefined();
  });

  it('the organisation template of a go-live imports back as no change', async () => {
    const base = excelGoLive('vag-1');
    base.people = [
      {
        id: 'rut',
        name: 'Rut',
        email: 'rut@example.org',
        roles: ['unitReporter', 'contactPerson'],
        unitIds: ['avd-12', 'akuten'],
        areaIds: ['teknik'],
        forvaltningId: 'kirurgi',
      },
      {
        id: 'frida',
        name: 'Frida',
        roles: ['cslRepresentative'],
        unitIds: [],
        areaIds: [],
        forvaltningId: 'medicin',
        entraObjectId: '0f6c0000-0000-4000-8000-000000000002',
      },
    ];
    base.forvaltningar[1]!.fvisLeadId = 'frida';
    // As the go-live is saved (R11.8): the förvaltning's FVIS lead holds the role.
    await s.repo.saveGoLive(linkFvisLeads(base), null);
    for (const lang of ['sv', 'en'] as const) {
      const wb = await organisationWorkbook(await goLive('vag-1'), lang);
      const r = await run('vag-1', { format: 'xlsx', bytes: Buffer.from(await (wb as ExcelJS.Workbook).xlsx.writeBuffer()) });
      expect(r.issues).toEqual([]);
      expect(r).toMatchObject({ changed: false, written: false });
      expect(r.files.map((f) => [f.sheet, f.table])).toEqual(
        lang === 'sv'
          ? [
              ['Enheter', 'units'],
              ['Personer', 'people'],
            ]
          : [
              ['Units', 'units'],
              ['People', 'people'],
            ],
      );
    }
  });
});

describe('no patient data and no hidden characters in the organisation (issue 13 items 1 and 14, R-guard)', () => {
  it('refuses identity numbers in person ids, names and e-mails, and control characters, naming the field, never the value', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const people = [
      ['Person-id', 'Namn', 'E-post', 'Roller'],
      ['19121212-1212', 'Id Personnummer', '', 'IM'],
      ['', 'Namn 121212\u20131212', '', 'IM'],
      ['', 'E-post Personnummer', '191212121212@example.org', 'IM'],
      ['', 'Dold\u202Etext', '', 'IM'],
      ['', 'Bra Person', 'bra@example.org', 'IM'],
    ];
    const r = await run('vag-1', await xlsxUpload([{ name: 'Personer', rows: people }]));
    expect(r.issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [2, 'people.id', undefined],
      [3, 'people.name', undefined],
      [4, 'people.email', undefined],
      [5, 'people.name', undefined],
    ]);
    expect(r.issues.map((i) => i.problem.en.split(' – ')[0])).toEqual([
      'contains a personal identity or coordination number',
      'contains a personal identity or coordination number',
      'contains a personal identity or coordination number',
      'contains control characters (e.g. NUL or characters that reverse the writing direction)',
    ]);
    const stored = JSON.stringify(await goLive('vag-1'));
    expect(stored).not.toMatch(/1212|\u202E/);
    expect((await goLive('vag-1')).people.map((p) => p.name)).toEqual(['Bra Person']);
  });

  it('refuses them in förvaltning and unit names of a CSV too', async () => {
    await s.repo.saveGoLive(excelGoLive('vag-1'), null);
    const r = await run('vag-1', csvUpload('Förvaltning;Enhet\nKirurgi;Avd 121212 1212\nKirurgi\u0000;Avd 2\n'));
    expect(r.issues.map((i) => [i.row, i.field, i.value])).toEqual([
      [2, 'units.name', undefined],
      [3, 'forvaltningar.name', undefined],
    ]);
    expect(JSON.stringify(await goLive('vag-1'))).not.toMatch(/1212|\u0000/);
  });
});
