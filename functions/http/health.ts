import { z } from 'zod';
import { isStoreDamaged, StoreUnresponsiveError } from '../../shared/ports/repository.port';
import { APP_VERSION } from '../../shared/version';
import { HEARTBEAT_MARKER } from '../timers/heartbeat';
import { defineRoute, type RouteResult } from './route';

const Health = z.object({
  /**
   * `degraded`: the app runs, but what needs `unresolvedSettings` fails until they resolve;
   * `damaged`: the store is damaged and every request answers 503 (issue 13), see `problem`;
   * `unresponsive`: the store's file system did not answer or the store itself within `EMBEDDED_STORE_TIMEOUT_MS` (issue 13 item 9).
   */
  status: z.enum(['ok', 'degraded', 'damaged', 'unresponsive']),
  /** App settings whose Key Vault reference did not resolve (issue 18, item 6). */
  unresolvedSettings: z.array(z.string()),
  version: z.string(),
  store: z.enum(['embedded', 'cosmos']),
  now: z.string(),
  lastHeartbeat: z.string().nullable(),
  /** Why the store is damaged (status `damaged`, answered with 503). */
  problem: z.string().optional(),
});

defineRoute(
  {
    name: 'health',
    method: 'GET',
    route: 'health',
    summary: 'Lever appen och når den lagringen? Senaste timerslag. / Is the app up and its store reachable? Last timer tick.',
    tag: 'operations',
    responses: { 200: { description: 'OK', schema: Health } },
    problems: { 503: 'Lagringen svarar inte eller är skadad (status `damaged`) / the store is unavailable or damaged' },
  },
  async ({ services }): Promise<RouteResult> => {
    const unresponsive = (message: string): RouteResult => ({
      status: 503,
      json: Health.parse({
        status: 'unresponsive',
        unresolvedSettings: [...(services.config.unresolved ?? [])],
        version: APP_VERSION,
        store: 'embedded',
        now: services.clock.now().toISOString(),
        lastHeartbeat: null,
        problem: `Lagringen svarar inte / the store does not respond: ${message}`,
      }),
      headers: { 'cache-control': 'no-store', 'retry-after': '10' },
    });
    // Asked off the event loop first: a frozen file system would block the read below, and with
    // it the whole process, so then the answer is a 503 after a bounded wait (issue 13 item 9).
    if (services.storeProbe) {
      const probe = await services.storeProbe(services.config.EMBEDDED_STORE_TIMEOUT_MS);
      if (!probe.ok && probe.reason === 'timeout') return unresponsive(probe.message);
    }
    // A read proves the store answers; unavailable becomes 503 through the problem mapping,
    // a damaged store (issue 13) a 503 that says so, whatever the store.
    let beat: Awaited<ReturnType<typeof services.repo.getMarker>>;
    try {
      beat = await services.repo.getMarker(HEARTBEAT_MARKER);
    } catch (e) {
      // The store's thread did not answer within its bounded wait (the probe's file read may still have).
      if (e instanceof StoreUnresponsiveError || (e as Error)?.name === 'StoreUnresponsiveError') return unresponsive((e as Error).message);
      if (!isStoreDamaged(e)) throw e;
      return {
        status: 503,
        json: Health.parse({
          status: 'damaged',
          unresolvedSettings: [...(services.config.unresolved ?? [])],
          version: APP_VERSION,
          store: services.config.COSMOS_ENDPOINT ? 'cosmos' : 'embedded',
          now: services.clock.now().toISOString(),
          lastHeartbeat: null,
          problem: e.message,
        }),
        headers: { 'cache-control': 'no-store', 'retry-after': String(e.retryAfterSeconds) },
      };
    }
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
