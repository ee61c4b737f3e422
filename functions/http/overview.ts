import { getOverview } from '../../shared/app/overview';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

defineRoute(
  {
    name: 'getOverview',
    method: 'GET',
    route: 'golives/{goLiveId}/overview',
    summary:
      'Lägesbilden för DSL (R10.1): områdenas färg och trend, enheter per förvaltning med inaktuella (R3.3), öppna P1/P2 / the DSL overview',
    tag: 'overview',
    params: GoLiveParams,
    responses: { 200: { description: 'Lägesbilden / the overview', contentType: 'application/json' } },
  },
  async ({ params, services }) => ({ status: 200, json: await getOverview(services, params.goLiveId) }),
);
