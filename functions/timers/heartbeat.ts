import { app } from '@azure/functions';
import { getServices } from '../../shared/composition';
import { emitHeartbeat } from '../../shared/observability';

export const HEARTBEAT_MARKER = 'heartbeat';

/**
 * Records that the timer host is alive; /api/health shows it, so an operator sees at once
 * whether scheduled work runs. Later schedule ticks (reminders, agendas) follow this pattern.
 */
app.timer('heartbeat', {
  schedule: '%HEARTBEAT_SCHEDULE%',
  handler: async (timer, context) => {
    const { repo, clock } = await getServices();
    const at = clock.now().toISOString();
    await repo.putMarker({ name: HEARTBEAT_MARKER, at, detail: { isPastDue: timer.isPastDue, invocationId: context.invocationId } });
    // Only after the marker is stored: the alert's "no heartbeat" means no successful one.
    emitHeartbeat({ invocationId: context.invocationId, isPastDue: timer.isPastDue, at });
  },
});
