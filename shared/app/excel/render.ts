import { z } from 'zod';
import { COLOURS } from '../../domain/colour';
import type { RowIssue } from './import-report';
import { LIST_CAP, renderIssue } from './import-report';
import type { OrganisationImportResult } from './organisation-import';
import type { UnitReportImportResult } from './unit-report-import';

/*
 * Import results as the API answers them, in one language, with long lists cut at
 * `LIST_CAP` (the summary still counts everything). The schemas describe the answers in
 * OpenAPI and let tests parse them.
 */

export const ImportIssueAnswer = z.object({
  sheet: z.string(),
  row: z.number().int(),
  column: z.string().optional().describe('Kolumnbokstav / column letter, e.g. "D"'),
  header: z.string().optional().describe('Kolumnens rubrik i filen / the column header in the file'),
  field: z.string().describe('API-fältet / the API field, e.g. colour, reportedAt, unitId'),
  value: z.string().optional(),
  message: z.string().describe('"Rad 5, kolumn D (Färg): okänd färg …"'),
});

const FileAnswer = z.object({
  format: z.enum(['csv', 'xlsx']),
  sheet: z.string(),
  headerRow: z.number().int(),
  columns: z.array(z.object({ field: z.string(), column: z.string(), header: z.string() })),
  delimiter: z.string().optional(),
  encoding: z.string().optional(),
});

const ReportView = z.object({
  id: z.string(),
  unitId: z.string(),
  forvaltningId: z.string(),
  colour: z.enum(COLOURS),
  explanation: z.string(),
  reportedAt: z.string(),
  reporter: z.object({ personId: z.string().optional(), name: z.string().optional() }).optional(),
});

export const UnitReportImportAnswer = z.object({
  dryRun: z.boolean(),
  mode: z.enum(['best-effort', 'all-or-nothing']),
  rejected: z.boolean().describe('all-or-nothing med fel: inget sparades / all-or-nothing with errors: nothing stored'),
  file: FileAnswer,
  summary: z.object({
    rows: z.number().int(),
    valid: z.number().int(),
    created: z.number().int(),
    wouldCreate: z.number().int(),
    alreadyStored: z.number().int(),
    duplicateInFile: z.number().int(),
    rowsWithErrors: z.number().int(),
    stored: z.number().int(),
  }),
  errors: z.array(ImportIssueAnswer),
  errorsTruncated: z.boolean(),
  warnings: z.array(z.string()),
  items: z.array(
    z.object({
      row: z.number().int(),
      outcome: z.enum(['created', 'wouldCreate', 'alreadyStored', 'duplicateInFile']),
      duplicateOf: z.number().int().optional(),
      report: ReportView,
    }),
  ),
  itemsTruncated: z.boolean(),
});
export type UnitReportImportAnswer = z.infer<typeof UnitReportImportAnswer>;

const Tally = z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int() });

export const OrganisationImportAnswer = z.object({
  dryRun: z.boolean(),
  mode: z.enum(['best-effort', 'all-or-nothing']),
  rejected: z.boolean(),
  createsGoLive: z.boolean(),
  changed: z.boolean(),
  written: z.boolean(),
  files: z.array(FileAnswer.extend({ table: z.enum(['units', 'people']) })),
  summary: z.object({
    rows: z.number().int(),
    valid: z.number().int(),
    rowsWithErrors: z.number().int(),
    forvaltningar: Tally,
    units: Tally,
    people: Tally,
  }),
  errors: z.array(ImportIssueAnswer),
  errorsTruncated: z.boolean(),
  warnings: z.array(z.string()),
  changes: z.array(
    z.object({
      sheet: z.string(),
      row: z.number().int(),
      kind: z.enum(['forvaltning', 'unit', 'person']),
      id: z.string(),
      action: z.enum(['create', 'update', 'unchanged']),
    }),
  ),
  changesTruncated: z.boolean(),
});
export type OrganisationImportAnswer = z.infer<typeof OrganisationImportAnswer>;

const issues = (list: RowIssue[], lang: 'sv' | 'en') => ({
  errors: list.slice(0, LIST_CAP).map((i) => renderIssue(i, lang)),
  errorsTruncated: list.length > LIST_CAP,
});

export function renderUnitReportImport(r: UnitReportImportResult, lang: 'sv' | 'en'): UnitReportImportAnswer {
  return {
    dryRun: r.dryRun,
    mode: r.mode,
    rejected: r.rejected,
    file: r.file,
    summary: r.summary,
    ...issues(r.issues, lang),
    warnings: r.warnings.map((w) => w[lang]),
    items: r.items.slice(0, LIST_CAP),
    itemsTruncated: r.items.length > LIST_CAP,
  };
}

export function renderOrganisationImport(r: OrganisationImportResult, lang: 'sv' | 'en'): OrganisationImportAnswer {
  return {
    dryRun: r.dryRun,
    mode: r.mode,
    rejected: r.rejected,
    createsGoLive: r.createsGoLive,
    changed: r.changed,
    written: r.written,
    files: r.files,
    summary: r.summary,
    ...issues(r.issues, lang),
    warnings: r.warnings.map((w) => w[lang]),
    changes: r.changes.slice(0, LIST_CAP),
    changesTruncated: r.changes.length > LIST_CAP,
  };
}
