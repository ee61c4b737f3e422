/**
 * The organisation import looks rows up in indexes, not by scanning the organisation per row
 * (issue 13 item 9). Two kinds of test:
 * - the lookups mean what the scans meant, also after a row earlier in the same file renamed
 *   a förvaltning, unit or person, changed an e-mail or moved an Entra object id: first match
 *   wins, e-mail ignores case, names ignore case/accents/spacing, a name shared by two is not
 *   a match, and the row errors name the same row and field (these pass against the scans too);
 * - the work grows with the rows, not with rows × organisation: every element an array
 *   iteration method (find, filter, some, map, …) visits during an import is counted. The scans
 *   visited ~n²/2 people for n rows; with the indexes the count per row is a constant. No clock.
 */
import { importOrganisation } from '../../shared/app/excel/organisation-import';
import { renderOrganisationImport } from '../../shared/app/excel/render';
import type { Upload } from '../../shared/app/excel/upload';
import type { GoLive, Person } from '../../shared/domain/golive';
import { GoLiveInput } from '../../shared/domain/golive';
import { csvUpload, excelGoLive, testServices, xlsxUpload } from './support';

const NOW = '2026-11-20T09:00:00.000Z';
let s: ReturnType<typeof testServices>;
beforeEach(() => {
  s = testServices(NOW);
});
afterEach(() => s.repo.close());

const run = (upload: Upload, goLiveId = 'vag-1') =>
  importOrganisation(s, { goLiveId, upload, options: { dryRun: false, mode: 'best-effort' }, actor: { kind: 'user', id: 'admin' } });
const stored = async (id = 'vag-1') => (await s.repo.getGoLive(id))!.value;
const errors = (r: Awaited<ReturnType<typeof run>>) => renderOrganisationImport(r, 'sv').errors.map((e) => e.message);
const person = (p: Partial<Person> & { id: string; name: string }): Person => ({
  roles: ['contactPerson'],
  unitIds: [],
  areaIds: [],
  ...p,
});

async function seed(people: Person[], change?: (g: GoLive) => void): Promise<void> {
  const g = excelGoLive('vag-1');
  g.people = people;
  change?.(g);
  await s.repo.saveGoLive(g, null);
}

describe('the indexes answer as the scans did, also after earlier rows changed things (issue 13 item 9)', () => {
  it('a changed e-mail is found by its new address (any case) in a later row; the old address no longer matches', async () => {
    await seed([person({ id: 'rut', name: 'Rut', email: 'rut@example.org' })]);
    const r = await run(
      csvUpload(
        ['Person-id;Namn;E-post;Roller', 'rut;;ruth@example.org;', ';Ruth R;RUTH@EXAMPLE.ORG;', ';Ny Rut;rut@example.org;IM'].join('\n'),
      ),
    );
    expect(errors(r)).toEqual([]);
    expect(r.changes.map((c) => [c.row, c.id, c.action])).toEqual([
      [2, 'rut', 'update'],
      [4, 'ny-rut', 'create'],
    ]);
    expect((await stored()).people.map((p) => [p.id, p.name, p.email])).toEqual([
      ['rut', 'Ruth R', 'RUTH@EXAMPLE.ORG'],
      ['ny-rut', 'Ny Rut', 'rut@example.org'],
    ]);
  });

  it('two people with one e-mail: the first in the organisation is the one matched', async () => {
    await seed([
      person({ id: 'a', name: 'Anna', email: 'Delad@example.org' }),
      person({ id: 'b', name: 'Berit', email: 'delad@example.org' }),
    ]);
    const r = await run(csvUpload('Namn;E-post;Roller\n;delad@EXAMPLE.org;IM\n'));
    expect(r.changes).toEqual([{ sheet: 'CSV', row: 2, kind: 'person', id: 'a', action: 'update' }]);
    expect((await stored()).people.map((p) => p.roles)).toEqual([['incidentManager'], ['contactPerson']]);
  });

  it('by name only when exactly one person has it; a renamed person is found by the new name, not the old', async () => {
    await seed([person({ id: 'ola-1', name: 'Ola' }), person({ id: 'ola-2', name: 'OLA' }), person({ id: 'per', name: 'Per' })]);
    const r = await run(
      csvUpload(
        [
          'Person-id;Namn;E-post;Roller',
          ';Ola;;IM', // two people named Ola: no match, a new person
          'per;Pär Persson;;', // renamed
          ';pär  persson;;Kontaktperson, IM', // the new name, folded: matches
          ';Per;;IM', // the old name matches nobody now: a new person
        ].join('\n'),
      ),
    );
    expect(errors(r)).toEqual([]);
    expect(r.changes.map((c) => [c.row, c.id, c.action])).toEqual([
      [2, 'ola', 'create'],
      [3, 'per', 'update'],
      [5, 'per-2', 'create'],
    ]);
    const g = await stored();
    expect(g.people.map((p) => [p.id, p.name, p.roles.join(',')])).toEqual([
      ['ola-1', 'Ola', 'contactPerson'],
      ['ola-2', 'OLA', 'contactPerson'],
      ['per', 'pär  persson', 'contactPerson,incidentManager'],
      ['ola', 'Ola', 'incidentManager'],
      ['per-2', 'Per', 'incidentManager'],
    ]);
  });

  it('an id made from a name skips ids taken by the organisation and by earlier rows', async () => {
    await seed([person({ id: 'eva', name: 'Eva Ek' })]);
    const r = await run(
      csvUpload('Person-id;Namn;E-post;Roller\n;Eva;eva1@example.org;IM\n;Eva;eva2@example.org;IM\n;Eva;eva3@example.org;IM\n'),
    );
    expect(errors(r)).toEqual([]);
    expect((await stored()).people.map((p) => p.id)).toEqual(['eva', 'eva-2', 'eva-3', 'eva-4']);
  });

  it('an Entra object id moved in the file: free for a later row once its holder took another; a holder is named', async () => {
    const X = '0f6c0000-0000-4000-8000-00000000000a';
    const Y = '0f6c0000-0000-4000-8000-00000000000b';
    await seed([person({ id: 'a', name: 'Anna', entraObjectId: X })]);
    const r = await run(
      csvUpload(
        [
          'Person-id;Namn;Roller;Entra-objekt-id',
          `a;;;${Y.toUpperCase()}`,
          `b;Berit;IM;${X}`,
          `c;Cesar;IM;${Y}`,
          `a;;;${Y}`, // the holder itself: no conflict
        ].join('\n'),
      ),
    );
    expect(errors(r)).toEqual(['Rad 4, kolumn D (Entra-objekt-id): hör redan till Anna (a)']);
    expect((await stored()).people.map((p) => [p.id, p.entraObjectId])).toEqual([
      ['a', Y],
      ['b', X],
    ]);
  });

  it('renamed units and förvaltningar are found by their new names in later rows and sheets', async () => {
    await seed([]);
    const units = [
      ['Förvaltnings-id', 'Förvaltning', 'Enhets-id', 'Enhet'],
      ['kirurgi', 'Kirurgiska kliniken', 'avd-12', 'Ortopeden'],
      ['', 'kirurgiska KLINIKEN', '', 'Avdelning 18'],
      ['primarvarden', 'Närvården', '', ''],
      ['', 'Primärvården', '', 'Avdelning 19'], // the old name: a new förvaltning
      ['medicin', '', 'med-orto', 'ortopeden'], // a unit name is looked up in its own förvaltning only
    ];
    const people = [
      ['Namn', 'Roller', 'Enheter', 'Förvaltning'],
      ['Rut', 'Verksamhetens rapportör', 'Avdelning 18, avd-14', 'Kirurgiska kliniken'],
      ['Rolf', 'Verksamhetens rapportör', 'Avdelning 12', ''], // renamed away: unknown
      ['Rita', 'Verksamhetens rapportör', 'Ortopeden', ''], // now in two förvaltningar: ambiguous
      ['Ragnar', 'Verksamhetens rapportör', 'Avdelning 19', 'Primärvården'],
    ];
    const r = await run(
      await xlsxUpload([
        { name: 'Personer', rows: people },
        { name: 'Enheter', rows: units },
      ]),
    );
    expect(errors(r)).toEqual([
      "Rad 3, kolumn C (Enheter): okänd eller tvetydig enhet 'Avdelning 12' (ange enhetens id)",
      "Rad 4, kolumn C (Enheter): okänd eller tvetydig enhet 'Ortopeden' (ange enhetens id)",
    ]);
    const g = await stored();
    expect(g.forvaltningar.map((f) => [f.id, f.name, f.units.map((u) => u.id).join(',')])).toEqual([
      ['kirurgi', 'Kirurgiska kliniken', 'avd-12,avd-14,kir-mott,avdelning-18'],
      ['medicin', 'Medicin', 'akuten,med-mott,med-orto'],
      ['primarvarden', 'Närvården', 'vc-norr'],
      ['primarvarden-2', 'Primärvården', 'avdelning-19'],
    ]);
    expect(g.people.map((p) => [p.id, p.unitIds.join(','), p.forvaltningId])).toEqual([
      ['rut', 'avdelning-18,avd-14', 'kirurgi'],
      ['ragnar', 'avdelning-19', 'primarvarden-2'],
    ]);
  });

  it('two förvaltningar with one name: the first is the one a name finds', async () => {
    await seed([], (g) => {
      g.forvaltningar[1]!.name = 'Kirurgi';
    });
    const r = await run(csvUpload('Förvaltning;Enhet\nKIRURGI;Avdelning 30\n'));
    expect(errors(r)).toEqual([]);
    const g = await stored();
    expect(g.forvaltningar[0]!.units.at(-1)).toEqual({ id: 'avdelning-30', name: 'Avdelning 30' });
    expect(g.forvaltningar[1]!.units.map((u) => u.id)).toEqual(['akuten', 'med-mott']);
  });

  it('a unit id belongs to one förvaltning, also one created earlier in the file', async () => {
    await seed([]);
    const r = await run(
      csvUpload('Förvaltnings-id;Förvaltning;Enhets-id;Enhet\nny;Ny;ny-enhet;Ny enhet\nmedicin;;ny-enhet;\nmedicin;;avd-12;\n'),
    );
    expect(errors(r)).toEqual([
      "Rad 3, kolumn C (Enhets-id): enheten 'ny-enhet' hör redan till förvaltningen Ny",
      "Rad 4, kolumn C (Enhets-id): enheten 'avd-12' hör redan till förvaltningen Kirurgi",
    ]);
  });

  it('the FVIS lead: Ja on one row, Nej on a later row takes it from every förvaltning that named the person', async () => {
    await seed([person({ id: 'fia', name: 'Fia', roles: ['cslRepresentative'], forvaltningId: 'kirurgi' })]);
    const on = await run(csvUpload('Person-id;Namn;Roller;Förvaltning;FVIS-projektledare\nfia;;;;Ja\n'));
    expect(errors(on)).toEqual([]);
    expect((await stored()).forvaltningar.map((f) => f.fvisLeadId)).toEqual(['fia', undefined, undefined]);
    const two = await run(csvUpload('Person-id;Namn;Roller;Förvaltning;FVIS-projektledare\nolle;Olle;IM;Kirurgi;Ja\nfia;;IM;;Nej\n'));
    expect(errors(two)).toEqual([]);
    const g = await stored();
    expect(g.forvaltningar.map((f) => f.fvisLeadId)).toEqual(['olle', undefined, undefined]);
    expect(g.people.find((p) => p.id === 'fia')!.roles).toEqual(['incidentManager']);
  });
});

/**
 * Counts every element that Array.prototype's iteration methods hand to a callback while `fn`
 * runs: a scan of the organisation per row shows up here as visits growing with rows ×
 * organisation. Loops (`for … of`) and Map/Set look-ups are not counted.
 */
async function arrayVisits<T>(fn: () => Promise<T>): Promise<{ result: T; visits: number }> {
  const methods = ['find', 'findIndex', 'findLast', 'filter', 'some', 'every', 'map', 'forEach', 'flatMap'] as const;
  let visits = 0;
  type Callback = (this: unknown, ...a: unknown[]) => unknown;
  type Method = (this: unknown, cb: Callback, thisArg?: unknown) => unknown;
  // Jest's realm and Node's own (structuredClone makes arrays of the latter): both are counted.
  const protos = [...new Set([Array.prototype, Object.getPrototypeOf(structuredClone([])) as unknown[]])] as unknown as Record<
    string,
    Method
  >[];
  const originals = protos.flatMap((proto) => methods.map((m) => [proto, m, proto[m]!] as const));
  for (const [proto, m, original] of originals)
    proto[m] = function (this: unknown, cb: Callback, thisArg?: unknown) {
      return original.call(
        this,
        function (this: unknown, ...args: unknown[]) {
          visits++;
          return cb.apply(this, args);
        },
        thisArg,
      );
    };
  try {
    const result = await fn();
    return { result, visits };
  } finally {
    for (const [proto, m, original] of originals) proto[m] = original;
  }
}

/** n people on n rows, each with an e-mail, a unit and an area, into a go-live that holds n people already. */
function peopleCsv(n: number): string {
  const lines = ['Namn;E-post;Roller;Enheter;Områden;Förvaltning'];
  for (let i = 0; i < n; i++) lines.push(`Person ${i};person.${i}@example.org;IM;avd-12;Teknik;Kirurgi`);
  return lines.join('\n');
}

describe('the work grows with the rows, not with rows × organisation (issue 13 item 9)', () => {
  async function visitsPerRow(n: number): Promise<number> {
    const id = `vag-${n}`;
    const g = excelGoLive(id);
    // Stored people the file does not name: a scan of the organisation visits them on every row.
    g.people = Array.from({ length: n }, (_, i) => person({ id: `stored-${i}`, name: `Stored ${i}`, email: `stored.${i}@example.org` }));
    await s.repo.saveGoLive(g, null);
    const upload = csvUpload(peopleCsv(n));
    const { result, visits } = await arrayVisits(() => run(upload, id));
    expect(result.summary.people).toMatchObject({ create: n });
    expect(result.issues).toEqual([]);
    return visits / n;
  }

  it('element visits per row stay flat from 500 to 2,000 rows (the scans: 4× more per row at 4× the rows)', async () => {
    const small = await visitsPerRow(500);
    const large = await visitsPerRow(2_000);
    console.log(`array element visits per row: ${small.toFixed(1)} at 500 rows, ${large.toFixed(1)} at 2,000 rows`);
    // Before (scans by id, e-mail and free id over every person): ~1,500 per row at 500, ~6,000 at 2,000.
    expect(large / small).toBeLessThan(1.5);
    expect(large).toBeLessThan(200);
  });

  it('unit rows and unit references: visits per row stay flat from 500 to 2,000 units', async () => {
    const visitsPerRow = async (n: number) => {
      const id = `enheter-${n}`;
      const g = excelGoLive(id);
      // Stored units the file does not name, in another förvaltning.
      g.forvaltningar[1]!.units.push(...Array.from({ length: n }, (_, i) => ({ id: `lagrad-${i}`, name: `Lagrad ${i}` })));
      await s.repo.saveGoLive(g, null);
      const units = [['Förvaltning', 'Enhet'], ...Array.from({ length: n }, (_, i) => ['Kirurgi', `Enhet ${i}`])];
      const people = [['Namn', 'Roller', 'Enheter'], ...Array.from({ length: n }, (_, i) => [`Person ${i}`, 'Rapportör', `Enhet ${i}`])];
      const upload = await xlsxUpload([
        { name: 'Enheter', rows: units },
        { name: 'Personer', rows: people },
      ]);
      const { result, visits } = await arrayVisits(() => run(upload, id));
      expect(result.issues).toEqual([]);
      expect(result.summary).toMatchObject({ units: { create: n }, people: { create: n } });
      return visits / (2 * n);
    };
    const small = await visitsPerRow(500);
    const large = await visitsPerRow(2_000);
    console.log(`units, array element visits per row: ${small.toFixed(1)} at 500 units, ${large.toFixed(1)} at 2,000 units`);
    expect(large / small).toBeLessThan(1.5);
    expect(large).toBeLessThan(200);
  });

  it('the go-live check visits each förvaltning and person a bounded number of times (FVIS leads by id, not by scan)', () => {
    const visitsFor = async (people: number) => {
      const forvaltningar = Array.from({ length: 200 }, (_, i) => ({
        id: `f-${i}`,
        name: `F ${i}`,
        units: [],
        fvisLeadId: `p-${people - 1 - i}`,
      }));
      const list = Array.from({ length: people }, (_, i) =>
        person({
          id: `p-${i}`,
          name: `P ${i}`,
          ...(i >= people - 200 ? { roles: ['fvisLead'], forvaltningId: `f-${people - 1 - i}` } : {}),
        }),
      );
      const { result, visits } = await arrayVisits(async () =>
        GoLiveInput.safeParse({ name: 'Våg', startDate: '2026-11-27', forvaltningar, people: list }),
      );
      expect(result.success).toBe(true);
      return visits / (people + 200);
    };
    return (async () => {
      const small = await visitsFor(2_000);
      const large = await visitsFor(8_000);
      console.log(`go-live check, array element visits per person: ${small.toFixed(1)} at 2,000, ${large.toFixed(1)} at 8,000`);
      // Before: each of 200 förvaltningar looked its lead up with people.find (~200 per person here).
      expect(large / small).toBeLessThan(1.5);
      expect(small).toBeLessThan(50);
      expect(large).toBeLessThan(50);
    })();
  });
});
