import { z } from 'zod';
import type { Services } from '../../shared/composition';
import type { ExportFile, ExportFormat } from '../../shared/app/excel/export';
import { exportChallenges, exportDecisions } from '../../shared/app/excel/escalation-exports';
import { exportAreaReports, exportUnitReports } from '../../shared/app/excel/report-exports';
import { CONTENT_TYPES } from '../../shared/app/excel/upload';
import { Instant } from '../../shared/domain/ids';
import type { Lang } from '../../shared/http/problem';
import { GoLiveParams } from './params';
import type { RouteResult } from './route';
import { defineRoute } from './route';

/*
 * Exports as files (R3.4, R8.5): `GET /api/golives/{goLiveId}/exports/<name>.xlsx|.csv`.
 * Adding one is a use case that answers an `ExportFile` (shared/app/excel/export.ts), a
 * `defineExport` call below, and an entry in ACCESS_MATRIX.
 */

const ExportQuery = z.object({
  since: Instant.optional().describe('Bara rader från denna tidpunkt (ISO 8601) / only rows from this instant'),
  delimiter: z.enum(['semicolon', 'comma']).optional().describe('CSV: semikolon (standard, svensk Excel) eller komma / CSV delimiter'),
});
export type ExportQuery = z.output<typeof ExportQuery>;

export interface ExportRequest {
  services: Services;
  goLiveId: string;
  format: ExportFormat;
  lang: Lang;
  query: ExportQuery;
}

/** The answer for a file: its bytes, type, a download name, and no caching (the data changes). */
export function fileResult(file: ExportFile): RouteResult {
  return {
    status: 200,
    bytes: file.bytes,
    contentType: file.contentType,
    headers: { 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
  };
}

const FORMATS: readonly string[] = ['xlsx', 'csv'] satisfies ExportFormat[];

/**
 * Registers `GET golives/{goLiveId}/exports/{name}.{format}` for XLSX and CSV. The format is
 * checked here rather than by the params schema, so an unknown one answers 404 after the
 * access check, as an unknown file would.
 */
export function defineExport(opts: {
  name: string;
  file: string;
  summary: string;
  build: (req: ExportRequest) => Promise<ExportFile>;
}): void {
  defineRoute(
    {
      name: opts.name,
      method: 'GET',
      route: `golives/{goLiveId}/exports/${opts.file}.{format}`,
      summary: opts.summary,
      tag: 'excel',
      params: GoLiveParams.extend({ format: z.string().describe('xlsx | csv') }),
      query: ExportQuery,
      responses: { 200: { description: 'XLSX (eller CSV med .csv) / XLSX (or CSV for .csv)', contentType: CONTENT_TYPES.xlsx } },
    },
    async ({ params, query, lang, services, request }) => {
      const format = params.format.toLowerCase();
      if (!FORMATS.includes(format)) {
        const detail =
          lang === 'sv'
            ? `Exporten finns som .xlsx och .csv, inte .${params.format}.`
            : `The export exists as .xlsx and .csv, not .${params.format}.`;
        return {
          status: 404,
          json: {
            type: 'urn:driftpuls:problem:export.unknown_format',
            title: lang === 'sv' ? 'Hittades inte' : 'Not found',
            status: 404,
            detail,
            instance: new URL(request.url).pathname,
            code: 'EXPORT.UNKNOWN_FORMAT',
          },
          headers: { 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang },
        };
      }
      return fileResult(await opts.build({ services, goLiveId: params.goLiveId, format: format as ExportFormat, lang, query }));
    },
  );
}

const delimiterOf = (q: ExportQuery) => (q.delimiter === 'comma' ? ',' : q.delimiter === 'semicolon' ? ';' : undefined);

defineExport({
  name: 'exportUnitReports',
  file: 'unit-reports',
  summary:
    'Enhetsrapporternas historik som XLSX eller CSV, äldst först; kan importeras igen (R3.4) / the unit report history; imports back',
  build: ({ services, goLiveId, format, lang, query }) =>
    exportUnitReports(services, {
      goLiveId,
      format,
      lang,
      ...(query.since ? { since: query.since } : {}),
      ...(delimiterOf(query) ? { delimiter: delimiterOf(query)! } : {}),
    }),
});

defineExport({
  name: 'exportAreaReports',
  file: 'area-reports',
  summary: 'Leveransområdenas rapporter som XLSX (med ett blad för problemen) eller CSV (R4) / the area report history',
  build: ({ services, goLiveId, format, lang, query }) =>
    exportAreaReports(services, {
      goLiveId,
      format,
      lang,
      ...(query.since ? { since: query.since } : {}),
      ...(delimiterOf(query) ? { delimiter: delimiterOf(query)! } : {}),
    }),
});

defineExport({
  name: 'exportDecisions',
  file: 'decisions',
  summary: 'Beslutsloggen (R8.5) som XLSX eller CSV / the decision log',
  build: ({ services, goLiveId, format, lang, query }) =>
    exportDecisions(services, { goLiveId, format, lang, ...(delimiterOf(query) ? { delimiter: delimiterOf(query)! } : {}) }),
});

defineExport({
  name: 'exportChallenges',
  file: 'challenges',
  summary: 'Utmaningarna med tidslinjer som XLSX (två blad) eller CSV (R7) / the challenges with their timelines',
  build: ({ services, goLiveId, format, lang, query }) =>
    exportChallenges(services, { goLiveId, format, lang, ...(delimiterOf(query) ? { delimiter: delimiterOf(query)! } : {}) }),
});
