import { z } from 'zod';
import { APP_VERSION } from '../../shared/version';
import { HEARTBEAT_MARKER } from '../timers/heartbeat';
import { defineRoute } from './route';

const Health = z.object({
  /** `degraded`: the app runs, but what needs `unresolvedSettings` fails until they resolve. */
  status: z.enum(['ok', 'degraded']),
  /** App settings whose Key Vault reference did not resolve (issue 18, item 6). */
  unresolvedSettings: z.array(z.string()),
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
    const unresolved = [...(services.config.unresolved ?? [])];
    return {
      status: 200,
      json: Health.parse({
        status: unresolved.length ? 'degraded' : 'ok',
        unresolvedSettings: unresolved,
        version: APP_VERSION,
        store: services.config.COSMOS_ENDPOINT ? 'cosmos' : 'embedded',
        now: services.clock.now().toISOString(),
        lastHeartbeat: beat?.at ?? null,
      }),
      headers: { 'cache-control': 'no-store' },
    };
  },
);
