import { GoLive, GoLiveInput } from '../../shared/domain/golive';
import { putGoLive, requireGoLive } from '../../shared/app/golives';
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
