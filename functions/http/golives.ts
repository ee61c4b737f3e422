import { z } from 'zod';
import { EntraObjectId, GoLive, GoLiveInput } from '../../shared/domain/golive';
import { Slug } from '../../shared/domain/ids';
import { bindEntraObjectId, putGoLive, requireGoLive } from '../../shared/app/golives';
import { defineRoute } from './route';
import { GoLiveParams } from './params';

defineRoute(
  {
    name: 'putGoLive',
    method: 'PUT',
    route: 'golives/{goLiveId}',
    summary: 'Skapa eller ersätt en driftsättning med dess organisation (R2) / create or replace a go-live and its organisation',
    tag: 'golives',
    params: GoLiveParams,
    body: GoLiveInput,
    responses: { 200: { description: 'Ersatt / replaced', schema: GoLive }, 201: { description: 'Skapad / created', schema: GoLive } },
  },
  async ({ params, body, services, actor }) => {
    const { goLive, created } = await putGoLive(services, params.goLiveId, body, actor);
    return { status: created ? 201 : 200, json: goLive, headers: created ? { location: `/api/golives/${goLive.id}` } : undefined };
  },
);

defineRoute(
  {
    name: 'getGoLive',
    method: 'GET',
    route: 'golives/{goLiveId}',
    summary: 'Läs en driftsättning / read a go-live',
    tag: 'golives',
    params: GoLiveParams,
    responses: { 200: { description: 'Driftsättningen / the go-live', schema: GoLive } },
  },
  async ({ params, services }) => ({ status: 200, json: await requireGoLive(services, params.goLiveId) }),
);

defineRoute(
  {
    name: 'bindPersonObjectId',
    method: 'PUT',
    route: 'golives/{goLiveId}/people/{personId}/entra-object-id',
    summary:
      'Koppla en person till sitt Entra-objekt-id, t.ex. vid första inloggningen (R1) / bind a person to their Entra object id, e.g. at first sign-in',
    tag: 'golives',
    params: GoLiveParams.extend({ personId: Slug }),
    body: z.strictObject({ entraObjectId: EntraObjectId }),
    responses: { 200: { description: 'Kopplad / bound', schema: GoLive } },
  },
  async ({ params, body, services, actor }) => {
    const { goLive } = await bindEntraObjectId(services, params.goLiveId, params.personId, body.entraObjectId, actor);
    return { status: 200, json: goLive };
  },
);
