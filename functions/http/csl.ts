import { z } from 'zod';
import { CslAssessmentInput, CslAssessmentRecord, listCslAssessments, recordCslAssessment } from '../../shared/app/csl';
import { markCommunicated } from '../../shared/escalation/app/challenges';
import { Slug } from '../../shared/domain/ids';
import { GoLiveParams } from './params';
import { created, defineRoute } from './route';

const ForvaltningParams = GoLiveParams.extend({ forvaltningId: Slug });

defineRoute(
  {
    name: 'postCslAssessment',
    method: 'POST',
    route: 'golives/{goLiveId}/forvaltningar/{forvaltningId}/assessments',
    summary:
      'CSL:s kvalitativa bedömning av en förvaltning, förankrad med dess införandeorganisation (R11.1) / CSL assessment of a förvaltning',
    tag: 'csl',
    params: ForvaltningParams,
    body: CslAssessmentInput,
    idempotent: true,
    responses: { 201: { description: 'Bedömningen, med vem och när / the assessment with who and when', schema: CslAssessmentRecord } },
  },
  async ({ params, body, idempotencyKey, services, actor }) => {
    const r = await recordCslAssessment(services, {
      goLiveId: params.goLiveId,
      forvaltningId: params.forvaltningId,
      input: body,
      idempotencyKey,
      actor,
    });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/csl/assessments`);
  },
);

defineRoute(
  {
    name: 'listCslAssessments',
    method: 'GET',
    route: 'golives/{goLiveId}/csl/assessments',
    summary: 'CSL:s bedömningar per förvaltning, äldst först (R11.1) / CSL assessments',
    tag: 'csl',
    params: GoLiveParams,
    responses: { 200: { description: 'Bedömningarna / the assessments', schema: z.object({ items: z.array(CslAssessmentRecord) }) } },
  },
  async ({ params, services }) => ({ status: 200, json: { items: await listCslAssessments(services, params.goLiveId) } }),
);

defineRoute(
  {
    name: 'markCommunicated',
    method: 'POST',
    route: 'golives/{goLiveId}/decisions/{decisionId}/communicated',
    summary:
      'CSL-representanten har kommunicerat det ändrade arbetssättet i förvaltningen (R11.4) / a changed work practice communicated in a förvaltning',
    tag: 'csl',
    params: GoLiveParams.extend({ decisionId: z.string().min(1).max(120) }),
    body: z.object({ forvaltningId: Slug }),
    idempotent: true,
    responses: { 201: { description: 'Markerat / marked', schema: z.object({ decisionId: z.string(), forvaltningId: z.string() }) } },
  },
  async ({ params, body, services, actor }) => {
    const r = await markCommunicated(services, {
      goLiveId: params.goLiveId,
      decisionId: params.decisionId,
      forvaltningId: body.forvaltningId,
      actor,
    });
    return created({ decisionId: params.decisionId, forvaltningId: body.forvaltningId }, r.created);
  },
);
