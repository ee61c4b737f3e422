import { z } from 'zod';
import { APP_VERSION } from '../../shared/version';
import { HEARTBEAT_MARKER } from '../timers/heartbeat';
import { defineRoute } from './route';

const Health = z.object({
  status: z.enum(['ok']),
  version: z.string(),
  store: z.enum(['embedded', 'cosmos']),
  now: z.string(),
  lastHeartbeat: z.string().nullable(),
});

defineRoute(
  {
    name: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Lever appen och når den lagringen? Senaste timerslag. / Is the app up and its store reachable? Last timer tick.',
    tag: 'operations',
    responses: { 200: { description: 'OK', schema: Health } },
  },
  async ({ services }) => {
    // A read proves the store answers; a failure becomes 503 through the problem mapping.
    const beat = await services.repo.getMarker(HEARTBEAT_MARKER);
    return {
      status: 200,
      json: Health.parse({
        status: 'ok',
        version: APP_VERSION,
        store: services.config.COSMOS_ENDPOINT ? 'cosmos' : 'embedded',
        now: services.clock.now().toISOString(),
        lastHeartbeat: beat?.at ?? null,
      }),
      headers: { 'cache-control': 'no-store' },
    };
  },
);
