import { z } from 'zod';
import { organisationTemplate, unitReportTemplate } from '../../shared/app/excel/templates';
import { CONTENT_TYPES } from '../../shared/app/excel/upload';
import { Slug } from '../../shared/domain/ids';
import { fileResult } from './exports';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

defineRoute(
  {
    name: 'getUnitReportsTemplate',
    method: 'GET',
    route: 'golives/{goLiveId}/templates/unit-reports.xlsx',
    summary:
      'Mall för statuslistan: Datum, Tid, Enhet, Färg (rullista Grön, Gul, Röd), Förklaring, med driftsättningens enheter och en exempelrad (R3.4) / status list template',
    tag: 'excel',
    params: GoLiveParams,
    query: z.object({ forvaltningId: Slug.optional().describe('Bara den förvaltningens enheter / only this förvaltning’s units') }),
    responses: { 200: { description: 'XLSX', contentType: CONTENT_TYPES.xlsx } },
  },
  async ({ params, query, lang, services }) =>
    fileResult(
      await unitReportTemplate(services, {
        goLiveId: params.goLiveId,
        lang,
        ...(query.forvaltningId ? { forvaltningId: query.forvaltningId } : {}),
      }),
    ),
);

defineRoute(
  {
    name: 'getOrganisationTemplate',
    method: 'GET',
    route: 'golives/{goLiveId}/templates/organisation.xlsx',
    summary:
      'Mall för organisationen: blad Enheter och Personer med driftsättningens nuvarande innehåll, Roller och Områden att välja bland (R1, R2) / organisation template',
    tag: 'excel',
    params: GoLiveParams,
    responses: { 200: { description: 'XLSX', contentType: CONTENT_TYPES.xlsx } },
  },
  async ({ params, lang, services }) => fileResult(await organisationTemplate(services, { goLiveId: params.goLiveId, lang })),
);
