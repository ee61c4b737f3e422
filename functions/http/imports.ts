import { ACCESS_MATRIX } from '../../shared/domain/access';
import { forvaltningScope } from '../../shared/domain/principal';
import { z } from 'zod';
import type { ImportOptions } from '../../shared/app/excel/import-report';
import { importOrganisation } from '../../shared/app/excel/organisation-import';
import {
  OrganisationImportAnswer,
  renderOrganisationImport,
  renderUnitReportImport,
  UnitReportImportAnswer,
} from '../../shared/app/excel/render';
import { importUnitReports } from '../../shared/app/excel/unit-report-import';
import type { Upload } from '../../shared/app/excel/upload';
import { readUpload, UNSUPPORTED as UNSUPPORTED_UPLOAD, UPLOAD_CONTENT_TYPES, UploadError } from '../../shared/app/excel/upload';
import type { Texts } from '../../shared/domain/errors';
import type { Lang } from '../../shared/http/problem';
import { problem } from '../../shared/http/problem';
import { GoLiveParams } from './params';
import type { RawBody, RouteResult } from './route';
import { defineRoute } from './route';

/**
 * What an import accepts: 10 MiB of CSV or XLSX (a 5.9 MB workbook of 170 000 rows imported in
 * 66 s on the embedded store of a loaded 2-vCPU test machine; README "Excel in, Excel out").
 * Azure's own limit is 100 MB; this one keeps a request near the HTTP timeout (230 s) and
 * inside an instance's memory.
 */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

const Flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const ImportQuery = z.object({
  dryRun: Flag.describe(
    'true: kontrollera och visa vad som skulle sparas, spara inget / check and show what would be stored, store nothing',
  ),
  mode: z
    .enum(['best-effort', 'all-or-nothing'])
    .default('best-effort')
    .describe(
      'best-effort: bra rader sparas, dåliga rapporteras; all-or-nothing: inget sparas om någon rad har fel / good rows stored, bad reported; or nothing stored if any row is bad',
    ),
  sheet: z
    .string()
    .trim()
    .min(1)
    .max(31)
    .optional()
    .describe('XLSX: bladet att läsa; standard är det första med rubrikrad / the sheet to read'),
});

const OrganisationQuery = ImportQuery.extend({
  name: z.string().trim().min(1).max(200).optional().describe('Skapar driftsättningen om den inte finns / creates the go-live if missing'),
  startDate: z.iso.date().optional(),
  timeZone: z.string().trim().min(1).max(64).optional(),
});

const options = (q: z.output<typeof ImportQuery>): ImportOptions => ({
  dryRun: q.dryRun,
  mode: q.mode,
  ...(q.sheet ? { sheet: q.sheet } : {}),
});

/** A file that cannot be read at all: 415 for a type we do not read, else 400, naming `file`. */
function uploadProblem(e: UploadError, lang: Lang, instance: string): RouteResult {
  const p = problem(e.status === 415 ? 'HTTP.UNSUPPORTED_MEDIA' : 'VALIDATION.FAILED', e.texts, lang, {
    instance,
    issues: [{ field: 'file', message: e.texts }],
  });
  return { status: p.status, text: p.body, contentType: p.headers['content-type'], headers: p.headers };
}

/** all-or-nothing with bad rows: 422, an RFC 9457 problem that is also the whole import report. */
function rejected(answer: object, lang: Lang, instance: string): RouteResult {
  const texts: Texts = {
    sv: 'Filen har rader med fel och importen gjordes med mode=all-or-nothing: inget sparades.',
    en: 'The file has rows with errors and the import was all-or-nothing: nothing was stored.',
  };
  return {
    status: 422,
    json: {
      type: 'urn:driftpuls:problem:import.rows_invalid',
      title: lang === 'sv' ? 'Kan inte behandlas' : 'Unprocessable content',
      status: 422,
      detail: texts[lang],
      instance,
      code: 'IMPORT.ROWS_INVALID',
      ...answer,
    },
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang },
  };
}

async function withUpload(
  raw: RawBody | undefined,
  lang: Lang,
  instance: string,
  run: (upload: Upload) => Promise<RouteResult>,
): Promise<RouteResult> {
  try {
    return await run(await readUpload(raw?.bytes ?? Buffer.alloc(0), raw?.contentType));
  } catch (e) {
    if (e instanceof UploadError) return uploadProblem(e, lang, instance);
    throw e;
  }
}

defineRoute(
  {
    name: 'importUnitReports',
    method: 'POST',
    route: 'golives/{goLiveId}/imports/unit-reports',
    summary:
      'Importera en förvaltnings statuslista (CSV eller XLSX, rå kropp eller multipart/form-data med en fil) ' +
      'som enhetsrapporter (R3.4); samma fil två gånger sparar inget två gånger' +
      ' / import a status list as unit reports; idempotent',
    tag: 'excel',
    params: GoLiveParams,
    query: ImportQuery,
    rawBody: { maxBytes: IMPORT_MAX_BYTES, contentTypes: UPLOAD_CONTENT_TYPES, unsupported: UNSUPPORTED_UPLOAD },
    responses: {
      200: {
        description: 'Importrapport: sammanfattning, radfel, vad som sparades (eller skulle sparas) / import report',
        schema: UnitReportImportAnswer,
      },
      422: {
        description: 'all-or-nothing och rader med fel: inget sparades (problem + importrapport) / nothing stored',
        contentType: 'application/problem+json',
      },
    },
  },
  async ({ params, query, raw, lang, actor, services, request, principal }) => {
    const instance = new URL(request.url).pathname;
    // A CSL representative imports only their own förvaltning's units (issue 13 item 6).
    const forvaltningIds = forvaltningScope(
      ACCESS_MATRIX.importUnitReports!,
      principal,
      principal.kind === 'user' ? (await services.repo.getGoLive(params.goLiveId))?.value : undefined,
    );
    return withUpload(raw, lang, instance, async (upload) => {
      const result = await importUnitReports(services, {
        goLiveId: params.goLiveId,
        upload,
        options: options(query),
        ...(forvaltningIds ? { forvaltningIds } : {}),
        ...(actor ? { actor } : {}),
      });
      const answer = renderUnitReportImport(result, lang);
      return result.rejected ? rejected(answer, lang, instance) : { status: 200, json: answer };
    });
  },
);

defineRoute(
  {
    name: 'importOrganisation',
    method: 'POST',
    route: 'golives/{goLiveId}/imports/organisation',
    summary:
      'Importera organisationen (förvaltningar, enheter, personer med roller och e-post) ur CSV eller XLSX ' +
      'och slå ihop den med driftsättningen (R1, R2); finns driftsättningen inte skapas den med ?name=&startDate=' +
      ' / import and merge the organisation',
    tag: 'excel',
    params: GoLiveParams,
    query: OrganisationQuery,
    rawBody: { maxBytes: IMPORT_MAX_BYTES, contentTypes: UPLOAD_CONTENT_TYPES, unsupported: UNSUPPORTED_UPLOAD },
    responses: {
      200: { description: 'Importrapport: ändringar, radfel / import report', schema: OrganisationImportAnswer },
      422: { description: 'all-or-nothing och rader med fel: inget sparades / nothing stored', contentType: 'application/problem+json' },
    },
  },
  async ({ params, query, raw, lang, actor, services, request }) => {
    const instance = new URL(request.url).pathname;
    return withUpload(raw, lang, instance, async (upload) => {
      const create = {
        ...(query.name ? { name: query.name } : {}),
        ...(query.startDate ? { startDate: query.startDate } : {}),
        ...(query.timeZone ? { timeZone: query.timeZone } : {}),
      };
      const result = await importOrganisation(services, {
        goLiveId: params.goLiveId,
        upload,
        options: options(query),
        create,
        ...(actor ? { actor } : {}),
      });
      const answer = renderOrganisationImport(result, lang);
      return result.rejected ? rejected(answer, lang, instance) : { status: 200, json: answer };
    });
  },
);
