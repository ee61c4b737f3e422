import { z } from 'zod';
import { addIncidentUpdate, createIncident, getIncident, listIncidents } from '../../shared/app/incidents';
import { Incident, IncidentInput, IncidentUpdateInput } from '../../shared/domain/incident';
import { GoLiveParams, IncidentParams } from './params';
import { created, defineRoute, publicView } from './route';

/** As read: `challengeIds` always a list, both directions of the links (issue 15 item 4). */
const PublicIncident = Incident.omit({ requestHash: true }).extend({ challengeIds: z.array(z.string()) });

defineRoute(
  {
    name: 'postIncident',
    method: 'POST',
    route: 'golives/{goLiveId}/incidents',
    summary: 'Registrera en incident (R9) / register an incident',
    tag: 'incidents',
    params: GoLiveParams,
    body: IncidentInput,
    idempotent: true,
    responses: { 201: { description: 'Lagrad (eller upprepad) / stored (or replayed)', schema: PublicIncident } },
  },
  async ({ params, body, idempotencyKey, services, actor }) => {
    const r = await createIncident(services, { goLiveId: params.goLiveId, input: body, idempotencyKey, actor });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/incidents/${r.value.id}`);
  },
);

defineRoute(
  {
    name: 'postIncidentUpdate',
    method: 'POST',
    route: 'golives/{goLiveId}/incidents/{incidentId}/updates',
    summary: 'IM:s statusuppdatering; status "resolved" stänger (R9.1) / IM’s status update; "resolved" closes it',
    tag: 'incidents',
    params: IncidentParams,
    body: IncidentUpdateInput,
    idempotent: true,
    responses: { 201: { description: 'Incidenten efter uppdateringen / the incident after the update', schema: PublicIncident } },
  },
  async ({ params, body, idempotencyKey, services, actor }) => {
    const r = await addIncidentUpdate(services, {
      goLiveId: params.goLiveId,
      incidentId: params.incidentId,
      input: body,
      idempotencyKey,
      actor,
    });
    return created(r.incident, r.created);
  },
);

defineRoute(
  {
    name: 'listIncidents',
    method: 'GET',
    route: 'golives/{goLiveId}/incidents',
    summary: 'Incidenter, filtrerbara på status och högsta prioritet / incidents, filterable by status and highest priority',
    tag: 'incidents',
    params: GoLiveParams,
    query: z.object({ status: z.enum(['open', 'resolved']).optional(), maxPriority: z.coerce.number().int().min(1).max(4).optional() }),
    responses: { 200: { description: 'Incidenterna / the incidents', schema: z.object({ items: z.array(PublicIncident) }) } },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { items: publicView(await listIncidents(services, params.goLiveId, query)) },
  }),
);

defineRoute(
  {
    name: 'getIncident',
    method: 'GET',
    route: 'golives/{goLiveId}/incidents/{incidentId}',
    summary: 'En incident med sina uppdateringar (R9) / one incident with its updates',
    tag: 'incidents',
    params: IncidentParams,
    responses: { 200: { description: 'Incidenten / the incident', schema: PublicIncident } },
  },
  async ({ params, services }) => ({
    status: 200,
    json: publicView(await getIncident(services, params.goLiveId, params.incidentId)),
  }),
);
