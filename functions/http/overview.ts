import { getOverview } from '../../shared/app/overview';
import { SharedAnswers } from '../../shared/app/shared-answers';
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
  async ({ params, services }) => ({
    status: 200,
    // One computation and one rendering per state of the store, shared by every caller (issue 17 item 5).
    bytes: await overviews.get(services, services.config.SHARED_ANSWER_MS, params.goLiveId, async () =>
      Buffer.from(JSON.stringify(await getOverview(services, params.goLiveId))),
    ),
    contentType: 'application/json; charset=utf-8',
  }),
);

/** The overview's rendered answers, per go-live and state version (shared/app/shared-answers.ts). */
export const overviews = new SharedAnswers();
