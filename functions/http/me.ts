import { z } from 'zod';
import { decisionDeadlinePreview } from '../../shared/escalation/app/challenges';
import { PAGE_ACTIONS, whoAmI } from '../../shared/app/me';
import { DECISION_LEVELS } from '../../shared/escalation/domain/challenge';
import { ROLES } from '../../shared/domain/golive';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

const WhoAmI = z.object({
  goLiveId: z.string(),
  authMode: z.enum(['appservice', 'dev']),
  person: z.object({ id: z.string(), name: z.string(), email: z.string().optional() }).nullable(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  admin: z.boolean(),
  may: z.record(z.enum(PAGE_ACTIONS), z.boolean()),
  now: z.string(),
});

defineRoute(
  {
    name: 'getMe',
    method: 'GET',
    route: 'golives/{goLiveId}/me',
    summary:
      'Vem är jag: den inloggade, rollerna i driftsättningen och vilka åtgärder sidorna visar / who am I: the signed-in person, roles and the actions offered',
    tag: 'golives',
    params: GoLiveParams,
    responses: { 200: { description: 'Den inloggade / the signed-in person', schema: WhoAmI } },
  },
  async ({ params, services, principal }) => ({
    status: 200,
    json: await whoAmI(services, params.goLiveId, principal, services.config.AUTH_MODE),
  }),
);

defineRoute(
  {
    name: 'getDecisionDeadline',
    method: 'GET',
    route: 'golives/{goLiveId}/decision-deadline',
    summary:
      'Tidsgränsen ett beslut begärt nu skulle få (R8), visad innan begäran skickas / the deadline a decision requested now would get',
    tag: 'challenges',
    params: GoLiveParams,
    query: z.object({ level: z.enum(DECISION_LEVELS) }),
    responses: {
      200: {
        description: 'Tidsgränsen / the deadline',
        schema: z.object({ level: z.enum(DECISION_LEVELS), requestedAt: z.string(), deadline: z.string() }),
      },
    },
  },
  async ({ params, query, services }) => ({ status: 200, json: await decisionDeadlinePreview(services, params.goLiveId, query.level) }),
);
