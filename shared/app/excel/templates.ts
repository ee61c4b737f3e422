import ExcelJS from 'exceljs';
import type { Ports } from '../../ports/app.port';
import type { GoLiveStore } from '../../ports/repository.port';
import { invalidField } from '../../domain/errors';
import type { Texts } from '../../domain/errors';
import type { GoLive } from '../../domain/golive';
import { ROLE_LABELS, ROLES } from '../../domain/golive';
import { wallClockToExcelSerial } from '../../domain/import-cells';
import { PEOPLE_LIST_COLUMNS, UNIT_LIST_COLUMNS, UNIT_REPORT_COLUMNS } from '../../domain/import-columns';
import { requireGoLive } from '../golives';
import type { ExportFile } from './export';
import { EXAMPLE_FORVALTNING, EXAMPLE_PERSON } from './organisation-import';
import { COLOUR_WORDS } from './report-exports';
import { TEMPLATE_EXAMPLE_EXPLANATION } from './unit-report-import';
import { CONTENT_TYPES } from './upload';

/*
 * Workbooks a förvaltning can start from (R3.4): the headers the imports read, a drop-down
 * for the colour (Grön, Gul, Röd), the go-live's own units on a second sheet, and an example
 * row. The example row is recognised by the import and refused, so a forgotten one is never
 * stored as a report.
 */

/** Rows that get the drop-downs: a förvaltning's week of reports fits many times over. */
const VALIDATED_ROWS = 5000;

const label = (l: Texts, lang: 'sv' | 'en') => l[lang];
const columnLabel = <F extends string>(specs: readonly { field: F; label: Texts }[], field: F, lang: 'sv' | 'en') =>
  label(specs.find((s) => s.field === field)!.label, lang);

function styleHeader(ws: ExcelJS.Worksheet): void {
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** `Sheet!$A$2:$A$n` for a list validation; sheet names with spaces are quoted. */
const listRange = (sheetName: string, column: string, rows: number) =>
  `'${sheetName.replace(/'/g, "''")}'!$${column}$2:$${column}$${rows + 1}`;

type ValidationHost = { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } };

async function toFile(wb: ExcelJS.Workbook, basename: string): Promise<ExportFile> {
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), contentType: CONTENT_TYPES.xlsx, filename: `${basename}.xlsx` };
}

/** The status list template (R3.1, R3.4): Datum, Tid, Enhet, Färg, Förklaring, Rapportör. */
export async function unitReportTemplate(
  s: Ports<GoLiveStore>,
  cmd: { goLiveId: string; lang: 'sv' | 'en'; forvaltningId?: string },
): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const { lang } = cmd;
  const forvaltningar = cmd.forvaltningId ? goLive.forvaltningar.filter((f) => f.id === cmd.forvaltningId) : goLive.forvaltningar;
  if (cmd.forvaltningId && !forvaltningar.length)
    throw invalidField('forvaltningId', {
      sv: `okänd förvaltning '${cmd.forvaltningId}'`,
      en: `unknown förvaltning '${cmd.forvaltningId}'`,
    });
  const units = forvaltningar.flatMap((f) => f.units.map((u) => ({ unit: u, forvaltning: f })));

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Driftpuls';
  const listName = lang === 'sv' ? 'Statuslista' : 'Status list';
  const unitsName = lang === 'sv' ? 'Enheter' : 'Units';
  const ws = wb.addWorksheet(listName);
  const col = (f: Parameters<typeof columnLabel>[1]) => columnLabel(UNIT_REPORT_COLUMNS, f as never, lang);
  ws.columns = [
    { header: col('date'), key: 'date', width: 12, style: { numFmt: 'yyyy-mm-dd' } },
    { header: col('time'), key: 'time', width: 8, style: { numFmt: 'hh:mm' } },
    { header: col('unit'), key: 'unit', width: 30 },
    { header: col('colour'), key: 'colour', width: 10 },
    { header: col('explanation'), key: 'explanation', width: 70 },
    { header: col('reporter'), key: 'reporter', width: 24 },
  ];
  styleHeader(ws);
  const [y, m, d] = goLive.startDate.split('-').map(Number) as [number, number, number];
  const example = units[0];
  ws.addRow({
    date: wallClockToExcelSerial({ year: y, month: m, day: d }, undefined),
    time: wallClockToExcelSerial(undefined, { hour: 9, minute: 0, second: 0, millisecond: 0 }),
    unit: example ? example.unit.name : lang === 'sv' ? 'Enhetens namn eller id' : "The unit's name or id",
    colour: COLOUR_WORDS.green[lang],
    explanation: TEMPLATE_EXAMPLE_EXPLANATION[lang],
  }).font = { italic: true, color: { argb: 'FF808080' } };
  const v = ws as unknown as ValidationHost;
  const colours = (['green', 'yellow', 'red'] as const).map((c) => COLOUR_WORDS[c][lang]).join(',');
  v.dataValidations.add(`D2:D${VALIDATED_ROWS + 1}`, {
    type: 'list',
    allowBlank: true,
    formulae: [`"${colours}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: lang === 'sv' ? 'Färg' : 'Colour',
    error: lang === 'sv' ? 'Välj Grön, Gul eller Röd.' : 'Choose Green, Yellow or Red.',
  });
  if (units.length)
    v.dataValidations.add(`C2:C${VALIDATED_ROWS + 1}`, {
      type: 'list',
      allowBlank: true,
      formulae: [listRange(unitsName, 'A', units.length)],
      showErrorMessage: true,
      // A warning, not a stop: the unit's id is accepted too.
      errorStyle: 'warning',
      errorTitle: lang === 'sv' ? 'Enhet' : 'Unit',
      error:
        lang === 'sv'
          ? `Enheten finns inte på bladet ${unitsName}. Ange enhetens namn eller id.`
          : `The unit is not on the sheet ${unitsName}. Give the unit's name or id.`,
    });

  const us = wb.addWorksheet(unitsName);
  us.columns = [
    { header: label(UNIT_LIST_COLUMNS[3]!.label, lang), key: 'name', width: 30 },
    { header: label(UNIT_LIST_COLUMNS[2]!.label, lang), key: 'id', width: 20 },
    { header: label(UNIT_LIST_COLUMNS[1]!.label, lang), key: 'forvaltning', width: 30 },
    { header: label(UNIT_LIST_COLUMNS[0]!.label, lang), key: 'forvaltningId', width: 20 },
  ];
  styleHeader(us);
  for (const u of units) us.addRow({ name: u.unit.name, id: u.unit.id, forvaltning: u.forvaltning.name, forvaltningId: u.forvaltning.id });

  const help = wb.addWorksheet(lang === 'sv' ? 'Instruktion' : 'Instructions');
  help.getColumn(1).width = 110;
  const lines =
    lang === 'sv'
      ? [
          `Statuslista för ${goLive.name}: en rad per rapport (R3.1).`,
          'Datum och Tid: lokal tid i driftsättningens tidszon (t.ex. 2026-11-27 och 09:15; 27/11/2026, 27.11.2026 och 27 nov 2026 går också).',
          `Enhet: enhetens namn eller id, se bladet ${unitsName}. Färg: Grön, Gul eller Röd. Förklaring: hur Cosmic påverkar enheten just nu.`,
          'Rad 2 är ett exempel: skriv över den eller ta bort den. Importen tar aldrig emot exempelraden.',
          'Skriv inga personnummer eller andra patientuppgifter.',
          `Importera: POST /api/golives/${goLive.id}/imports/unit-reports (lägg till ?dryRun=true för att först se vad som skulle sparas).`,
        ]
      : [
          `Status list for ${goLive.name}: one row per report (R3.1).`,
          'Date and Time: local time in the go-live’s time zone (e.g. 2026-11-27 and 09:15; 27/11/2026, 27.11.2026 and 27 nov 2026 work too).',
          `Unit: the unit’s name or id, see the sheet ${unitsName}. Colour: Green, Yellow or Red. Explanation: how Cosmic affects the unit right now.`,
          'Row 2 is an example: overwrite it or delete it. The import never accepts the example row.',
          'Write no personal identity numbers or other patient data.',
          `Import: POST /api/golives/${goLive.id}/imports/unit-reports (add ?dryRun=true to first see what would be stored).`,
        ];
  for (const line of lines) help.addRow([line]);

  return toFile(wb, `${goLive.id}-${lang === 'sv' ? 'statuslista-mall' : 'status-list-template'}`);
}

/**
 * The organisation template (R1, R2): the go-live's förvaltningar, units and people as they
 * are (so the file round-trips), or an example row of each when there are none yet.
 */
export async function organisationTemplate(s: Ports<GoLiveStore>, cmd: { goLiveId: string; lang: 'sv' | 'en' }): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  return toFile(await organisationWorkbook(goLive, cmd.lang), `${goLive.id}-${cmd.lang === 'sv' ? 'organisation' : 'organisation'}`);
}

export async function organisationWorkbook(goLive: GoLive, lang: 'sv' | 'en'): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Driftpuls';
  const names = {
    units: lang === 'sv' ? 'Enheter' : 'Units',
    people: lang === 'sv' ? 'Personer' : 'People',
    roles: lang === 'sv' ? 'Roller' : 'Roles',
    areas: lang === 'sv' ? 'Områden' : 'Areas',
  };
  const u = (f: (typeof UNIT_LIST_COLUMNS)[number]['field']) => columnLabel(UNIT_LIST_COLUMNS, f, lang);
  const p = (f: (typeof PEOPLE_LIST_COLUMNS)[number]['field']) => columnLabel(PEOPLE_LIST_COLUMNS, f, lang);

  const us = wb.addWorksheet(names.units);
  us.columns = [
    { header: u('forvaltningId'), key: 'forvaltningId', width: 20 },
    { header: u('forvaltning'), key: 'forvaltning', width: 30 },
    { header: u('unitId'), key: 'unitId', width: 20 },
    { header: u('unit'), key: 'unit', width: 30 },
  ];
  styleHeader(us);
  const unitRows = goLive.forvaltningar.flatMap((f) =>
    (f.units.length ? f.units : [undefined]).map((unit) => ({
      forvaltningId: f.id,
      forvaltning: f.name,
      unitId: unit?.id ?? '',
      unit: unit?.name ?? '',
    })),
  );
  if (unitRows.length) for (const r of unitRows) us.addRow(r);
  else
    us.addRow({
      forvaltningId: EXAMPLE_FORVALTNING.id,
      forvaltning: EXAMPLE_FORVALTNING.name[lang],
      unitId: 'exempel-enhet',
      unit: lang === 'sv' ? 'Exempelenheten' : 'Example unit',
    }).font = { italic: true, color: { argb: 'FF808080' } };

  const ps = wb.addWorksheet(names.people);
  ps.columns = [
    { header: p('personId'), key: 'id', width: 18 },
    { header: p('name'), key: 'name', width: 26 },
    { header: p('email'), key: 'email', width: 30 },
    { header: p('roles'), key: 'roles', width: 40 },
    { header: p('units'), key: 'units', width: 30 },
    { header: p('areas'), key: 'areas', width: 30 },
    { header: p('forvaltning'), key: 'forvaltning', width: 20 },
    { header: p('fvisLead'), key: 'fvis', width: 18 },
    // Last, so the columns people already know keep their letters.
    { header: p('entraObjectId'), key: 'oid', width: 38 },
  ];
  styleHeader(ps);
  const yes = lang === 'sv' ? 'Ja' : 'Yes';
  const no = lang === 'sv' ? 'Nej' : 'No';
  for (const person of goLive.people)
    ps.addRow({
      id: person.id,
      name: person.name,
      email: person.email ?? '',
      roles: person.roles.map((r) => ROLE_LABELS[r][lang]).join(', '),
      units: person.unitIds.join(', '),
      areas: person.areaIds.join(', '),
      forvaltning: person.forvaltningId ?? '',
      fvis: goLive.forvaltningar.some((f) => f.fvisLeadId === person.id) ? yes : no,
      oid: person.entraObjectId ?? '',
    });
  if (!goLive.people.length)
    ps.addRow({
      id: '',
      name: EXAMPLE_PERSON[lang],
      email: '',
      roles: ROLE_LABELS.unitReporter[lang],
      units: '',
      areas: '',
      forvaltning: '',
      fvis: no,
    }).font = { italic: true, color: { argb: 'FF808080' } };
  const v = ps as unknown as ValidationHost;
  v.dataValidations.add(`D2:D${VALIDATED_ROWS + 1}`, {
    type: 'list',
    allowBlank: true,
    formulae: [listRange(names.roles, 'A', ROLES.length)],
    showErrorMessage: true,
    // Information only: a cell may hold several roles, "Kontaktperson, Områdessamordnare".
    errorStyle: 'information',
    errorTitle: p('roles'),
    error:
      lang === 'sv'
        ? `Roller från bladet ${names.roles}, flera åtskilda med kommatecken.`
        : `Roles from the sheet ${names.roles}, several separated by commas.`,
  });
  v.dataValidations.add(`H2:H${VALIDATED_ROWS + 1}`, {
    type: 'list',
    allowBlank: true,
    formulae: [`"${yes},${no}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
  });

  const rs = wb.addWorksheet(names.roles);
  rs.columns = [
    { header: lang === 'sv' ? 'Rollnamn' : 'Role name', key: 'label', width: 34 },
    { header: lang === 'sv' ? 'Roll-id' : 'Role id', key: 'id', width: 22 },
    { header: lang === 'sv' ? 'På engelska' : 'In Swedish', key: 'other', width: 34 },
  ];
  styleHeader(rs);
  for (const role of ROLES) rs.addRow({ label: ROLE_LABELS[role][lang], id: role, other: ROLE_LABELS[role][lang === 'sv' ? 'en' : 'sv'] });

  const as = wb.addWorksheet(names.areas);
  as.columns = [
    { header: lang === 'sv' ? 'Områdesnamn' : 'Area name', key: 'name', width: 30 },
    { header: lang === 'sv' ? 'Områdes-id' : 'Area id', key: 'id', width: 24 },
  ];
  styleHeader(as);
  for (const area of goLive.areas) as.addRow({ name: area.name, id: area.id });
  return wb;
}
