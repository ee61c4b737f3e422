import { z } from 'zod';
import { searchBySdReference } from '../../shared/app/incidents';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

/** One hit of the SD+ search (`SdHit` in shared/domain/links.ts). */
const SdHitSchema = z.object({
  type: z.enum(['challenge', 'incident']),
  id: z.string(),
  title: z.string(),
  state: z.string(),
  at: z.string(),
  match: z.enum(['exact', 'prefix']),
  references: z.array(z.string()),
  link: z.string(),
});

defineRoute(
  {
    name: 'searchSdReferences',
    method: 'GET',
    route: 'golives/{goLiveId}/search',
    summary:
      'Utmaningar och incidenter efter SD+-ärende, exakt eller början (R7.5) / challenges and incidents by SD+ reference, exact or prefix',
    tag: 'incidents',
    params: GoLiveParams,
    query: z.object({ sdplus: z.string().trim().min(1).max(40) }),
    responses: {
      200: {
        description: 'Träffarna, exakta först / the hits, exact ones first',
        schema: z.object({ sdplus: z.string(), items: z.array(SdHitSchema) }),
      },
    },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { sdplus: query.sdplus, items: await searchBySdReference(services, params.goLiveId, query.sdplus) },
  }),
);
