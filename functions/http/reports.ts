import { z } from 'zod';
import { areaSuggestion, listAreaReports, listUnitReports, submitAreaReport, submitUnitReport } from '../../shared/app/reports';
import { AreaReport, AreaReportInput } from '../../shared/domain/area-report';
import { COLOURS } from '../../shared/domain/colour';
import { UnitReport, UnitReportInput } from '../../shared/domain/unit-report';
import { AreaParams, LimitQuery, UnitParams } from './params';
import { created, defineRoute, publicView } from './route';

defineRoute(
  {
    name: 'postUnitReport',
    method: 'POST',
    route: 'golives/{goLiveId}/units/{unitId}/reports',
    summary: 'Vårdenhetens statusrapport: färg och varför (R3.1–R3.2) / a care unit reports its colour and why',
    tag: 'reports',
    params: UnitParams,
    body: UnitReportInput,
    idempotent: true,
    // A unit reporter reports in their own name only (issue 13 item 6).
    target: async ({ body }) => ({ reporterPersonId: body.reporter?.personId }),
    responses: { 201: { description: 'Lagrad (eller upprepad) / stored (or replayed)', schema: UnitReport.omit({ requestHash: true }) } },
  },
  async ({ params, body, idempotencyKey, services, actor }) => {
    const r = await submitUnitReport(services, { goLiveId: params.goLiveId, unitId: params.unitId, input: body, idempotencyKey, actor });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/units/${params.unitId}/reports/${r.value.id}`);
  },
);

defineRoute(
  {
    name: 'listUnitReports',
    method: 'GET',
    route: 'golives/{goLiveId}/units/{unitId}/reports',
    summary: 'En enhets rapporter, senaste först / a unit’s reports, newest first',
    tag: 'reports',
    params: UnitParams,
    query: LimitQuery,
    responses: {
      200: { description: 'Rapporterna / the reports', schema: z.object({ items: z.array(UnitReport.omit({ requestHash: true })) }) },
    },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { items: publicView(await listUnitReports(services, params.goLiveId, params.unitId, query.limit)) },
  }),
);

defineRoute(
  {
    name: 'postAreaReport',
    method: 'POST',
    route: 'golives/{goLiveId}/areas/{areaId}/reports',
    summary:
      'Leveransområdets status inför DSL med problem och föreslagen färg (R4) / a delivery area’s status with problems and suggested colour',
    tag: 'reports',
    params: AreaParams,
    body: AreaReportInput,
    idempotent: true,
    responses: { 201: { description: 'Lagrad (eller upprepad) / stored (or replayed)', schema: AreaReport.omit({ requestHash: true }) } },
  },
  async ({ params, body, idempotencyKey, services, actor }) => {
    const r = await submitAreaReport(services, { goLiveId: params.goLiveId, areaId: params.areaId, input: body, idempotencyKey, actor });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/areas/${params.areaId}/reports/${r.value.id}`);
  },
);

defineRoute(
  {
    name: 'listAreaReports',
    method: 'GET',
    route: 'golives/{goLiveId}/areas/{areaId}/reports',
    summary: 'Ett områdes rapporter, senaste först / an area’s reports, newest first',
    tag: 'reports',
    params: AreaParams,
    query: LimitQuery,
    responses: {
      200: { description: 'Rapporterna / the reports', schema: z.object({ items: z.array(AreaReport.omit({ requestHash: true })) }) },
    },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { items: publicView(await listAreaReports(services, params.goLiveId, params.areaId, query.limit)) },
  }),
);

const UnitCounts = z.object({ forvaltningId: z.string(), green: z.number().int(), yellow: z.number().int(), red: z.number().int() });

defineRoute(
  {
    name: 'getAreaSuggestion',
    method: 'GET',
    route: 'golives/{goLiveId}/areas/{areaId}/suggestion',
    summary:
      'Vad områdets färg föreslås ur (R4.3, R3.5): Verksamhetens införande ur enheternas senaste färger, övriga ur rapportens problem / what the area’s colour is suggested from',
    tag: 'reports',
    params: AreaParams,
    responses: {
      200: {
        description: 'Förslaget / the suggestion',
        schema: z.discriminatedUnion('source', [
          z.object({ areaId: z.string(), source: z.literal('units'), colour: z.enum(COLOURS), byForvaltning: z.array(UnitCounts) }),
          z.object({ areaId: z.string(), source: z.literal('problems') }),
        ]),
      },
    },
  },
  async ({ params, services }) => ({ status: 200, json: await areaSuggestion(services, params.goLiveId, params.areaId) }),
);
