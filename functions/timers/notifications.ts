import { app } from '@azure/functions';
import { getServices } from '../../shared/composition';

/**
 * Delivers what the outbox holds and is due: new notifications whose prompt delivery did not
 * happen, and retries whose backoff has passed. Each run asks "what is due now?" of the
 * injected clock, so a late or repeated tick does nothing twice.
 */
app.timer('deliverNotifications', {
  schedule: '%NOTIFY_SCHEDULE%',
  handler: async (_timer, context) => {
    const { notifications, clock } = await getServices();
    const run = await notifications.dispatcher.deliverDue(clock.now(), (level, message, detail) => {
      if (level === 'error') context.error(message, detail ?? '');
      else if (level === 'warn') context.warn(message, detail ?? '');
      else context.log(message);
    });
    if (run.examined) context.log(`notifications: ${JSON.stringify(run)}`);
  },
});
