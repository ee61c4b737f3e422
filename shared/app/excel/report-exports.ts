import type { Ports } from '../../ports/app.port';
import type { AreaReportStore, GoLiveStore, UnitReportStore } from '../../ports/repository.port';
import type { AreaReport, Problem } from '../../domain/area-report';
import type { Colour } from '../../domain/colour';
import type { Texts } from '../../domain/errors';
import type { GoLive } from '../../domain/golive';
import { findArea, findUnit } from '../../domain/golive';
import type { UnitReport } from '../../domain/unit-report';
import { requireGoLive } from '../golives';
import type { ExportColumn, ExportFile, ExportFormat, ExportOptions } from './export';
import { exportFile, sheet } from './export';
import { areaReportHistory, unitReportHistory } from './history';

/*
 * The report histories as files (R3.4, R3.5, R4): what förvaltningar and DSL keep in Excel
 * today, from the store. The unit report export has the columns the import reads, so an
 * exported file imported again stores nothing, and imported elsewhere gives the same reports.
 */

export const COLOUR_WORDS: Record<Colour, Texts> = {
  green: { sv: 'Grön', en: 'Green' },
  yellow: { sv: 'Gul', en: 'Yellow' },
  red: { sv: 'Röd', en: 'Red' },
};

const SIZE_WORDS: Record<Problem['size'], Texts> = {
  veryLarge: { sv: 'mycket stor', en: 'very large' },
  large: { sv: 'stor', en: 'large' },
  small: { sv: 'liten', en: 'small' },
};

const t = (sv: string, en: string): Texts => ({ sv, en });

/** Columns of the unit report history; `Datum`, `Tid`, `Enhet`, `Färg`, `Förklaring`, `Id` are what the import reads back. */
export function unitReportColumns(goLive: GoLive, lang: 'sv' | 'en'): ExportColumn<UnitReport>[] {
  return [
    { header: t('Id', 'Id'), value: (r) => r.id, width: 38 },
    { header: t('Datum', 'Date'), type: 'date', value: (r) => r.reportedAt, width: 12 },
    { header: t('Tid', 'Time'), type: 'time', value: (r) => r.reportedAt, width: 8 },
    { header: t('Förvaltning', 'Administration'), value: (r) => r.forvaltningId, width: 18 },
    { header: t('Enhet', 'Unit'), value: (r) => r.unitId, width: 18 },
    { header: t('Enhetens namn', 'Unit name'), value: (r) => findUnit(goLive, r.unitId)?.unit.name, width: 28 },
    { header: t('Färg', 'Colour'), value: (r) => COLOUR_WORDS[r.colour][lang], width: 8 },
    { header: t('Förklaring', 'Explanation'), value: (r) => r.explanation, width: 60 },
    { header: t('Rapportör', 'Reporter'), value: (r) => r.reporter?.name, width: 20 },
    { header: t('Rapportör-id', 'Reporter id'), value: (r) => r.reporter?.personId, width: 16 },
    { header: t('Källa', 'Source'), value: (r) => r.source, width: 8 },
    { header: t('Mottagen (UTC)', 'Received (UTC)'), type: 'instant', value: (r) => r.receivedAt, width: 26 },
    { header: t('Registrerad av', 'Recorded by'), value: (r) => r.recordedBy?.name ?? r.recordedBy?.id, width: 20 },
  ];
}

function problemText(p: Problem, lang: 'sv' | 'en'): string {
  return `${p.title} (${SIZE_WORDS[p.size][lang]})`;
}

export function areaReportColumns(goLive: GoLive, lang: 'sv' | 'en'): ExportColumn<AreaReport>[] {
  return [
    { header: t('Id', 'Id'), value: (r) => r.id, width: 38 },
    { header: t('Datum', 'Date'), type: 'date', value: (r) => r.reportedAt, width: 12 },
    { header: t('Tid', 'Time'), type: 'time', value: (r) => r.reportedAt, width: 8 },
    { header: t('Område', 'Area'), value: (r) => r.areaId, width: 18 },
    { header: t('Områdets namn', 'Area name'), value: (r) => findArea(goLive, r.areaId)?.name, width: 24 },
    { header: t('Färg', 'Colour'), value: (r) => COLOUR_WORDS[r.colour][lang], width: 8 },
    { header: t('Föreslagen färg', 'Suggested colour'), value: (r) => COLOUR_WORDS[r.suggestedColour][lang], width: 10 },
    { header: t('Motivering för avvikelse', 'Override reason'), value: (r) => r.overrideReason, width: 30 },
    { header: t('Sammanfattning', 'Summary'), value: (r) => r.summary, width: 60 },
    { header: t('Antal problem', 'Problems'), type: 'number', value: (r) => r.problems.length, width: 10 },
    { header: t('Problem', 'Problem list'), value: (r) => r.problems.map((p) => problemText(p, lang)).join('; '), width: 40 },
    { header: t('Rapportör', 'Reporter'), value: (r) => r.reporter?.name, width: 20 },
    { header: t('Rapportör-id', 'Reporter id'), value: (r) => r.reporter?.personId, width: 16 },
    { header: t('Mottagen (UTC)', 'Received (UTC)'), type: 'instant', value: (r) => r.receivedAt, width: 26 },
    { header: t('Registrerad av', 'Recorded by'), value: (r) => r.recordedBy?.name ?? r.recordedBy?.id, width: 20 },
  ];
}

/** One row per problem of an area report, with the three preparation questions (R4.5). */
type ProblemRow = { report: AreaReport; problem: Problem; index: number };

export function problemColumns(lang: 'sv' | 'en'): ExportColumn<ProblemRow>[] {
  return [
    { header: t('Rapport-id', 'Report id'), value: (r) => r.report.id, width: 38 },
    { header: t('Datum', 'Date'), type: 'date', value: (r) => r.report.reportedAt, width: 12 },
    { header: t('Tid', 'Time'), type: 'time', value: (r) => r.report.reportedAt, width: 8 },
    { header: t('Område', 'Area'), value: (r) => r.report.areaId, width: 18 },
    { header: t('Nr', 'No'), type: 'number', value: (r) => r.index + 1, width: 5 },
    { header: t('Problem', 'Problem'), value: (r) => r.problem.title, width: 30 },
    { header: t('Storlek', 'Size'), value: (r) => SIZE_WORDS[r.problem.size][lang], width: 12 },
    { header: t('Hur är läget? Fakta', 'Situation: facts'), value: (r) => r.problem.situation?.facts, width: 40 },
    { header: t('Hur är läget? Antaganden', 'Situation: assumptions'), value: (r) => r.problem.situation?.assumptions, width: 40 },
    { header: t('På gång?', 'Actions'), value: (r) => r.problem.actions, width: 40 },
    { header: t('Hinder på vägen?', 'Obstacles'), value: (r) => r.problem.obstacles, width: 40 },
    { header: t('SD+', 'SD+'), value: (r) => r.problem.sdReferences?.join(', '), width: 16 },
  ];
}

export interface HistoryExportCommand {
  goLiveId: string;
  format: ExportFormat;
  lang: 'sv' | 'en';
  /** Only reports from this instant (ISO). */
  since?: string;
  delimiter?: ExportOptions['delimiter'];
}

/** The unit report history of a go-live, oldest first, read page by page from the store. */
export async function exportUnitReports(s: Ports<GoLiveStore & UnitReportStore>, cmd: HistoryExportCommand): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const rows = unitReportHistory(s.repo, goLive.id, cmd.since);
  return exportFile(
    cmd.format,
    `${goLive.id}-${cmd.lang === 'sv' ? 'enhetsrapporter' : 'unit-reports'}`,
    [sheet({ name: t('Enhetsrapporter', 'Unit reports'), columns: unitReportColumns(goLive, cmd.lang), rows })],
    {
      lang: cmd.lang,
      timeZone: goLive.timeZone,
      ...(cmd.delimiter ? { delimiter: cmd.delimiter } : {}),
    },
  );
}

/** The area report history (R4), with a second XLSX sheet of every problem and its three questions. */
export async function exportAreaReports(s: Ports<GoLiveStore & AreaReportStore>, cmd: HistoryExportCommand): Promise<ExportFile> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  // Area reports are few (an area reports before each DSL meeting): both sheets read one list.
  const reports: AreaReport[] = [];
  for await (const r of areaReportHistory(s.repo, goLive.id, cmd.since)) reports.push(r);
  const problems: ProblemRow[] = reports.flatMap((report) => report.problems.map((problem, index) => ({ report, problem, index })));
  return exportFile(
    cmd.format,
    `${goLive.id}-${cmd.lang === 'sv' ? 'omradesrapporter' : 'area-reports'}`,
    [
      sheet({ name: t('Områdesrapporter', 'Area reports'), columns: areaReportColumns(goLive, cmd.lang), rows: reports }),
      sheet({ name: t('Problem', 'Problems'), columns: problemColumns(cmd.lang), rows: problems }),
    ],
    { lang: cmd.lang, timeZone: goLive.timeZone, ...(cmd.delimiter ? { delimiter: cmd.delimiter } : {}) },
  );
}
