import { YIELD_EVERY, yieldToEventLoop } from './cooperative';
import { createHash } from 'node:crypto';
import type { Ports } from '../../ports/app.port';
import type { GoLiveStore, UnitReportStore } from '../../ports/repository.port';
import type { Actor } from '../../domain/audit';
import type { Colour } from '../../domain/colour';
import type { Texts } from '../../domain/errors';
import type { Forvaltning, GoLive, UnitRef } from '../../domain/golive';
import { Slug } from '../../domain/ids';
import type { DateCellValue, LocalTime } from '../../domain/import-cells';
import { cellText, isEmptyCell, localToInstant, parseColourCell, parseDateCell, parseTimeCell } from '../../domain/import-cells';
import type { UnitReportField } from '../../domain/import-columns';
import { columnLetter, UNIT_REPORT_COLUMNS } from '../../domain/import-columns';
import { sameName } from '../../domain/import-organisation';
import type { Reporter, UnitReport } from '../../domain/unit-report';
import { requireGoLive } from '../golives';
import { unitReportHistory } from './history';
import type { FieldCell, FoundTable, ImportMode, ImportOptions, Requirement, RowIssue } from './import-report';
import { fieldCell, forEachLimit, listLabels } from './import-report';
import type { Upload, Workbook } from './upload';
import { openWorkbook } from './upload';
import { locateTable } from './locate';

/*
 * Import of a förvaltning's status list (R3.4): the rows people type in Excel today become
 * unit reports (R3.1), as if each had been sent to the API. Each row's id is derived from
 * its content (or taken from an Id column), so the same file imported twice stores nothing
 * twice; good rows are stored even when others are bad, unless the caller asks for
 * all-or-nothing.
 */

/** The explanation in the template's example row: a row still holding it is refused, never stored. */
export const TEMPLATE_EXAMPLE_EXPLANATION: Texts = {
  sv: 'Exempel – skriv över raden med er första rapport',
  en: 'Example – overwrite this row with your first report',
};

/** Reports may be back-dated (lists are typed in later) but not dated ahead of the clock: the API's rule. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Parallel writes: units in parallel, each unit's reports in order, so status updates do not race. */
const WRITE_CONCURRENCY = 8;
/** Reports per `addUnitReports` call: one transaction in the embedded store. */
const WRITE_BATCH = 500;

const EXPLANATION_MAX = 2000;
const REPORTER_MAX = 120;

export type UnitReportOutcome = 'created' | 'wouldCreate' | 'alreadyStored' | 'duplicateInFile';

export interface UnitReportImportItem {
  row: number;
  outcome: UnitReportOutcome;
  /** For `duplicateInFile`: the row with the same report. */
  duplicateOf?: number;
  report: Pick<UnitReport, 'id' | 'unitId' | 'forvaltningId' | 'colour' | 'explanation' | 'reportedAt'> & { reporter?: Reporter };
}

export interface ImportedFile {
  format: Workbook['format'];
  sheet: string;
  headerRow: number;
  /** Which column was read for which field. */
  columns: { field: string; column: string; header: string }[];
  delimiter?: string;
  encoding?: string;
}

export interface UnitReportImportResult {
  dryRun: boolean;
  mode: ImportMode;
  /** True when all-or-nothing found errors: nothing was stored. */
  rejected: boolean;
  file: ImportedFile;
  summary: {
    /** Data rows read (empty rows not counted). */
    rows: number;
    /** Rows without errors. */
    valid: number;
    created: number;
    wouldCreate: number;
    alreadyStored: number;
    duplicateInFile: number;
    /** Rows with at least one error (each error is listed). */
    rowsWithErrors: number;
    /** Reports written by this request. */
    stored: number;
  };
  issues: RowIssue[];
  warnings: Texts[];
  items: UnitReportImportItem[];
}

interface Candidate {
  row: number;
  id: string;
  /** The id came from the file's Id column (an export of ours), not from the content. */
  explicitId: boolean;
  idCell?: FieldCell;
  ref: UnitRef;
  colour: Colour;
  explanation: string;
  reportedAt: string;
  reporter?: Reporter;
}

/** Same report content: what the derived id stands for. The reporter is not part of it. */
const sameContent = (
  a: Pick<UnitReport, 'unitId' | 'colour' | 'explanation' | 'reportedAt'>,
  b: Pick<UnitReport, 'unitId' | 'colour' | 'explanation' | 'reportedAt'>,
) => a.unitId === b.unitId && a.colour === b.colour && a.explanation === b.explanation && a.reportedAt === b.reportedAt;

/** The id of an imported row: the same row content always gives the same id, in any file. */
export function importedReportId(goLiveId: string, r: { unitId: string; reportedAt: string; colour: Colour; explanation: string }): string {
  return (
    'imp-' +
    createHash('sha256').update([goLiveId, r.unitId, r.reportedAt, r.colour, r.explanation].join('\u0000')).digest('hex').slice(0, 32)
  );
}

/** A status list names at least these columns (R3.1); the time may sit in the date column. */
const REQUIRED: readonly Requirement<UnitReportField>[] = [['date', 'dateTime'], 'unit', 'colour', 'explanation'];

/**
 * Imports a status list into the go-live's unit reports (R3.4). Idempotent: rows already
 * stored (same content, or same Id from an export) are reported as `alreadyStored`.
 */
export async function importUnitReports(
  s: Ports<GoLiveStore & UnitReportStore, 'clock'>,
  /** `forvaltningIds`: only units of these förvaltningar may be imported (issue 13 item 6); all when absent. */
  cmd: { goLiveId: string; upload: Upload; options: ImportOptions; actor?: Actor; forvaltningIds?: readonly string[] },
): Promise<UnitReportImportResult> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const workbook = await openWorkbook(cmd.upload);
  const now = s.clock.now();
  const located = await locateTable(workbook, UNIT_REPORT_COLUMNS, REQUIRED, cmd.options.sheet, {
    sv: 'Hittar ingen rubrikrad med Datum, Enhet, Färg och Förklaring',
    en: 'No header row with Date, Unit, Colour and Explanation found',
  });
  const { table } = located;

  const issues: RowIssue[] = [];
  const candidates: Candidate[] = [];
  const resolver = unitResolver(goLive);
  let rows = 0;
  const rowsWithErrors = new Set<number>();
  for await (const row of table.rows) {
    rows++;
    if (rows % YIELD_EVERY === 0) await yieldToEventLoop();
    const before = issues.length;
    const c = parseRow(table, row, { goLive, resolver, date1904: workbook.date1904(), now, issues, forvaltningIds: cmd.forvaltningIds });
    if (issues.length > before) rowsWithErrors.add(row.number);
    else if (c) candidates.push(c);
  }
  await located.drain();

  // The same report twice in the file is stored once; the same id with other content is an error.
  const items: UnitReportImportItem[] = [];
  const firstById = new Map<string, Candidate>();
  const unique: Candidate[] = [];
  for (const [n, c] of candidates.entries()) {
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const first = firstById.get(c.id);
    if (!first) {
      firstById.set(c.id, c);
      unique.push(c);
    } else if (sameContent(toFields(first), toFields(c))) {
      items.push({ row: c.row, outcome: 'duplicateInFile', duplicateOf: first.row, report: view(c) });
    } else {
      issues.push(
        idIssue(table.sheet, c, {
          sv: `samma id som rad ${first.row} men annat innehåll`,
          en: `the same id as row ${first.row} but different content`,
        }),
      );
      rowsWithErrors.add(c.row);
    }
  }

  // What is stored already: reports with these ids, read from the earliest time in the file
  // (a derived id includes the time, so an equal id cannot be earlier) or, for ids from an
  // Id column, from the start.
  const stored = new Map<string, UnitReport>();
  if (unique.length) {
    const since = unique.some((c) => c.explicitId)
      ? undefined
      : unique.reduce((min, c) => (c.reportedAt < min ? c.reportedAt : min), unique[0]!.reportedAt);
    const wanted = new Set(unique.map((c) => c.id));
    for await (const r of unitReportHistory(s.repo, goLive.id, since)) if (wanted.has(r.id)) stored.set(r.id, r);
  }
  const toWrite: Candidate[] = [];
  for (const [n, c] of unique.entries()) {
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const existing = stored.get(c.id);
    if (!existing) toWrite.push(c);
    else if (sameContent(existing, toFields(c))) items.push({ row: c.row, outcome: 'alreadyStored', report: view(c) });
    else {
      issues.push(idIssue(table.sheet, c, conflictText(existing)));
      rowsWithErrors.add(c.row);
    }
  }

  const rejected = cmd.options.mode === 'all-or-nothing' && issues.length > 0;
  let created = 0;
  if (cmd.options.dryRun || rejected) {
    if (!rejected) for (const c of toWrite) items.push({ row: c.row, outcome: 'wouldCreate', report: view(c) });
  } else {
    const receivedAt = now.toISOString();
    const byUnit = new Map<string, Candidate[]>();
    for (const c of toWrite) {
      const group = byUnit.get(c.ref.unit.id);
      if (group) group.push(c);
      else byUnit.set(c.ref.unit.id, [c]);
    }
    await forEachLimit([...byUnit.values()], WRITE_CONCURRENCY, async (group) => {
      // Newest first: older reports then find a newer status and leave it alone (one read, no write).
      group.sort((a, b) => (a.reportedAt === b.reportedAt ? (a.id < b.id ? 1 : -1) : a.reportedAt < b.reportedAt ? 1 : -1));
      for (let i = 0; i < group.length; i += WRITE_BATCH) {
        const batch = group.slice(i, i + WRITE_BATCH);
        const results = await s.repo.addUnitReports(batch.map((c) => toReport(goLive.id, c, receivedAt, cmd.actor)));
        results.forEach((result, k) => settle(batch[k]!, result));
        await yieldToEventLoop();
      }
    });
  }

  /** What the store said about one written row: new, already there (a concurrent import), or an id taken by another report. */
  function settle(c: Candidate, result: { value: UnitReport; created: boolean }): void {
    if (result.created) {
      created++;
      items.push({ row: c.row, outcome: 'created', report: view(c) });
    } else if (sameContent(result.value, toFields(c))) {
      items.push({ row: c.row, outcome: 'alreadyStored', report: view(c) });
    } else {
      issues.push(idIssue(table.sheet, c, conflictText(result.value)));
      rowsWithErrors.add(c.row);
    }
  }

  items.sort((a, b) => a.row - b.row);
  issues.sort((a, b) => a.row - b.row || (a.column ?? -1) - (b.column ?? -1));
  const count = (o: UnitReportOutcome) => items.filter((i) => i.outcome === o).length;
  return {
    dryRun: cmd.options.dryRun,
    mode: cmd.options.mode,
    rejected,
    file: describeFile(workbook, table),
    summary: {
      rows,
      valid: rows - rowsWithErrors.size,
      created: count('created'),
      wouldCreate: count('wouldCreate'),
      alreadyStored: count('alreadyStored'),
      duplicateInFile: count('duplicateInFile'),
      rowsWithErrors: rowsWithErrors.size,
      stored: created,
    },
    issues,
    warnings: located.warnings,
    items,
  };
}

export function describeFile<F extends string>(workbook: Workbook, table: FoundTable<F>): ImportedFile {
  return {
    format: workbook.format,
    sheet: table.sheet,
    headerRow: table.headerRow,
    columns: Object.entries(table.match.columns as Record<string, number>)
      .sort(([, a], [, b]) => a - b)
      .map(([field, index]) => ({ field, column: columnLetter(index), header: table.headers[index] ?? '' })),
    ...(workbook.csv ? { delimiter: workbook.csv.delimiter, encoding: workbook.csv.encoding } : {}),
  };
}

const toFields = (c: Candidate) => ({ unitId: c.ref.unit.id, colour: c.colour, explanation: c.explanation, reportedAt: c.reportedAt });

const view = (c: Candidate): UnitReportImportItem['report'] => ({
  id: c.id,
  unitId: c.ref.unit.id,
  forvaltningId: c.ref.forvaltning.id,
  colour: c.colour,
  explanation: c.explanation,
  reportedAt: c.reportedAt,
  ...(c.reporter ? { reporter: c.reporter } : {}),
});

function toReport(goLiveId: string, c: Candidate, receivedAt: string, actor: Actor | undefined): UnitReport {
  const input = {
    id: c.id,
    colour: c.colour,
    explanation: c.explanation,
    reportedAt: c.reportedAt,
    ...(c.reporter ? { reporter: c.reporter } : {}),
  };
  return {
    id: c.id,
    goLiveId,
    unitId: c.ref.unit.id,
    forvaltningId: c.ref.forvaltning.id,
    colour: c.colour,
    explanation: c.explanation,
    reportedAt: c.reportedAt,
    receivedAt,
    ...(c.reporter ? { reporter: c.reporter } : {}),
    source: 'import',
    ...(actor ? { recordedBy: actor } : {}),
    requestHash: importRequestHash(c.ref.unit.id, input),
  };
}

/**
 * The fingerprint the API gives the same request (`requestHash({ unitId, ...input })`), so a
 * later API call with this id and body is a replay. Built with its keys already in sorted
 * order, which is what `canonicalJson` would make of it, at a fraction of the cost per row.
 */
export function importRequestHash(
  unitId: string,
  input: { id: string; colour: Colour; explanation: string; reportedAt: string; reporter?: Reporter },
): string {
  const reporter = input.reporter && {
    ...(input.reporter.name !== undefined ? { name: input.reporter.name } : {}),
    ...(input.reporter.personId !== undefined ? { personId: input.reporter.personId } : {}),
  };
  const sorted = {
    colour: input.colour,
    explanation: input.explanation,
    id: input.id,
    reportedAt: input.reportedAt,
    ...(reporter ? { reporter } : {}),
    unitId,
  };
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 32);
}

function idIssue(sheet: string, c: Candidate, problem: Texts): RowIssue {
  return {
    sheet,
    row: c.row,
    ...(c.idCell?.column !== undefined ? { column: c.idCell.column, header: c.idCell.header } : {}),
    field: 'id',
    value: c.id,
    problem,
  };
}

const conflictText = (existing: UnitReport): Texts => ({
  sv: `id '${existing.id}' finns redan för en annan rapport (${existing.unitId}, ${existing.reportedAt})`,
  en: `id '${existing.id}' already belongs to another report (${existing.unitId}, ${existing.reportedAt})`,
});

// --- one row -------------------------------------------------------------------------------

interface RowContext {
  goLive: GoLive;
  resolver: ReturnType<typeof unitResolver>;
  date1904: boolean;
  now: Date;
  issues: RowIssue[];
  forvaltningIds: readonly string[] | undefined;
}

function parseRow(table: FoundTable<UnitReportField>, row: Parameters<typeof fieldCell>[1], ctx: RowContext): Candidate | undefined {
  const cell = (f: UnitReportField) => fieldCell(table, row, f);
  let failed = false;
  const issue = (fc: FieldCell, field: string, problem: Texts, showValue = true) => {
    failed = true;
    ctx.issues.push({
      sheet: table.sheet,
      row: row.number,
      ...(fc.column !== undefined ? { column: fc.column, header: fc.header } : {}),
      field,
      ...(showValue && !isEmptyCell(fc.cell) ? { value: cellText(fc.cell) } : {}),
      problem,
    });
  };
  const readable = (fc: FieldCell, field: string) => {
    if (!fc.unreadable) return true;
    issue(fc, field, fc.unreadable, false);
    return false;
  };

  // When (R3.1): a date-and-time column, or a date column with a time in it or beside it.
  let reportedAt: string | undefined;
  const dateTime = cell('dateTime');
  const date = cell('date');
  const time = cell('time');
  const dateSource = dateTime.column !== undefined && !isEmptyCell(dateTime.cell) ? dateTime : date.column !== undefined ? date : dateTime;
  if (readable(dateSource, 'reportedAt') && readable(time, 'reportedAt')) {
    const d = parseDateCell(dateSource.cell, { date1904: ctx.date1904 });
    let parsed: DateCellValue | undefined;
    if (!d.ok) issue(dateSource, 'reportedAt', d.problem);
    else parsed = d.value;
    let t: LocalTime | undefined = parsed?.time;
    if (time.column !== undefined && !isEmptyCell(time.cell)) {
      const tp = parseTimeCell(time.cell, { date1904: ctx.date1904 });
      if (!tp.ok) issue(time, 'reportedAt', tp.problem);
      else t = tp.value;
    }
    if (parsed && !t && !failed)
      issue(time.column !== undefined ? time : dateSource, 'reportedAt', {
        sv: time.column !== undefined ? 'tid saknas' : 'tid saknas (datumet har ingen tid, och det finns ingen Tid-kolumn)',
        en: time.column !== undefined ? 'time is missing' : 'time is missing (the date has no time, and there is no Time column)',
      });
    if (parsed && t && !failed) {
      const instant = localToInstant(parsed.date, t, ctx.goLive.timeZone, parsed.offset);
      if (!instant.ok) issue(time.column !== undefined && !isEmptyCell(time.cell) ? time : dateSource, 'reportedAt', instant.problem);
      else if (Date.parse(instant.value) > ctx.now.getTime() + FUTURE_TOLERANCE_MS)
        issue(time.column !== undefined && !isEmptyCell(time.cell) ? time : dateSource, 'reportedAt', {
          sv: `tidpunkten ${instant.value} ligger i framtiden`,
          en: `the time ${instant.value} is in the future`,
        });
      else reportedAt = instant.value;
    }
  }

  // Which unit: id or name, narrowed by a Förvaltning column when there is one.
  let ref: UnitRef | undefined;
  const unit = cell('unit');
  const forv = cell('forvaltning');
  if (readable(unit, 'unitId') && readable(forv, 'forvaltningId')) {
    const unitText = cellText(unit.cell);
    const forvText = cellText(forv.cell);
    let forvaltning: Forvaltning | undefined;
    if (forvText) {
      forvaltning = ctx.resolver.forvaltning(forvText);
      if (!forvaltning) issue(forv, 'forvaltningId', { sv: `okänd förvaltning '${forvText}'`, en: `unknown förvaltning '${forvText}'` });
    }
    if (!unitText) issue(unit, 'unitId', { sv: 'enhet saknas', en: 'unit is missing' });
    else if (!forvText || forvaltning) {
      const r = ctx.resolver.unit(unitText, forvaltning);
      if (!('ref' in r)) issue(unit, 'unitId', r.problem);
      else if (ctx.forvaltningIds && !ctx.forvaltningIds.includes(r.ref.forvaltning.id))
        issue(unit, 'unitId', {
          sv: `enheten '${unitText}' hör till förvaltningen ${r.ref.forvaltning.name}: du importerar bara för din egen förvaltning`,
          en: `the unit '${unitText}' belongs to ${r.ref.forvaltning.name}: you import only for your own förvaltning`,
        });
      else ref = r.ref;
    }
  }

  let colour: Colour | undefined;
  const colourCell = cell('colour');
  if (readable(colourCell, 'colour')) {
    const c = parseColourCell(colourCell.cell);
    if (c.ok) colour = c.value;
    else issue(colourCell, 'colour', c.problem);
  }

  let explanation: string | undefined;
  const expl = cell('explanation');
  if (readable(expl, 'explanation')) {
    const text = cellText(expl.cell);
    if (!text)
      issue(expl, 'explanation', {
        sv: 'förklaring saknas (varför har enheten den här färgen?)',
        en: 'explanation is missing (why does the unit have this colour?)',
      });
    else if (text.length > EXPLANATION_MAX)
      issue(
        expl,
        'explanation',
        {
          sv: `förklaringen är ${text.length} tecken, högst ${EXPLANATION_MAX}`,
          en: `the explanation is ${text.length} characters, at most ${EXPLANATION_MAX}`,
        },
        false,
      );
    else if (text === TEMPLATE_EXAMPLE_EXPLANATION.sv || text === TEMPLATE_EXAMPLE_EXPLANATION.en)
      issue(
        expl,
        'explanation',
        {
          sv: 'exempelraden från mallen: skriv över den eller ta bort den',
          en: 'the example row from the template: overwrite it or delete it',
        },
        false,
      );
    else explanation = text; // identity numbers and control characters: refused by fieldCell
  }

  let reporter: Reporter | undefined;
  const who = cell('reporter');
  const whoId = cell('reporterId');
  if (readable(who, 'reporter.name') && readable(whoId, 'reporter.personId')) {
    const name = cellText(who.cell);
    const personId = cellText(whoId.cell);
    if (name.length > REPORTER_MAX)
      issue(who, 'reporter.name', { sv: `högst ${REPORTER_MAX} tecken`, en: `at most ${REPORTER_MAX} characters` }, false);
    if (personId && !Slug.safeParse(personId).success)
      issue(whoId, 'reporter.personId', {
        sv: 'ett person-id har bara a–z, 0–9 och bindestreck',
        en: 'a person id has only a–z, 0–9 and hyphens',
      });
    if (!failed && (name || personId)) reporter = { ...(personId ? { personId } : {}), ...(name ? { name } : {}) };
  }

  const idCell = cell('id');
  let explicitId: string | undefined;
  if (readable(idCell, 'id')) {
    const text = cellText(idCell.cell);
    if (text) {
      if (Slug.safeParse(text).success) explicitId = text;
      else
        issue(idCell, 'id', {
          sv: 'ett id har bara a–z, 0–9 och bindestreck (högst 64 tecken)',
          en: 'an id has only a–z, 0–9 and hyphens (at most 64 characters)',
        });
    }
  }

  if (failed || !reportedAt || !ref || !colour || !explanation) return undefined;
  const fields = { unitId: ref.unit.id, reportedAt, colour, explanation };
  return {
    row: row.number,
    id: explicitId ?? importedReportId(ctx.goLive.id, fields),
    explicitId: explicitId !== undefined,
    ...(explicitId ? { idCell } : {}),
    ref,
    colour,
    explanation,
    reportedAt,
    ...(reporter ? { reporter } : {}),
  };
}

/** Finds units by id or name (R2), and förvaltningar for narrowing names that occur in several. */
function unitResolver(goLive: GoLive) {
  const refs: UnitRef[] = goLive.forvaltningar.flatMap((forvaltning) => forvaltning.units.map((unit) => ({ unit, forvaltning })));
  const byId = new Map(refs.map((r) => [r.unit.id.toLowerCase(), r]));
  const forvById = new Map(goLive.forvaltningar.map((f) => [f.id.toLowerCase(), f]));
  return {
    forvaltning(text: string): Forvaltning | undefined {
      return forvById.get(text.toLowerCase()) ?? goLive.forvaltningar.find((f) => sameName(f.name, text));
    },
    unit(text: string, within: Forvaltning | undefined): { ref: UnitRef } | { problem: Texts } {
      const hit = byId.get(text.toLowerCase());
      if (hit) {
        if (within && hit.forvaltning.id !== within.id)
          return {
            problem: {
              sv: `enheten '${text}' hör till förvaltningen ${hit.forvaltning.name}, inte ${within.name}`,
              en: `the unit '${text}' belongs to ${hit.forvaltning.name}, not ${within.name}`,
            },
          };
        return { ref: hit };
      }
      const named = refs.filter((r) => sameName(r.unit.name, text) && (!within || r.forvaltning.id === within.id));
      if (named.length === 1) return { ref: named[0]! };
      if (named.length > 1) {
        const where = listLabels(named.map((r) => ({ sv: r.forvaltning.name, en: r.forvaltning.name })));
        return {
          problem: {
            sv: `enheten '${text}' finns i flera förvaltningar (${where.sv}): ange enhetens id, eller lägg till kolumnen Förvaltning`,
            en: `the unit '${text}' exists in several förvaltningar (${where.en}): give the unit's id, or add a Förvaltning column`,
          },
        };
      }
      return {
        problem: {
          sv: `okänd enhet '${text}' (ange enhetens id eller namn som i driftsättningen)`,
          en: `unknown unit '${text}' (give the unit's id or name as in the go-live)`,
        },
      };
    },
  };
}
