import { app } from '@azure/functions';
import { runCalendarTick } from '../../shared/app/calendar/tick';
import { getServices } from '../../shared/composition';

export const CALENDAR_TICK_MARKER = 'calendarTick';

/**
 * The calendar's one UTC tick (R3.3, R4.4, R6.5, R9.1): timers run in UTC on Flex
 * Consumption, so the go-live's local schedule is computed in code and each due action is
 * claimed once in the store — a late, repeated or doubled tick sends nothing twice.
 */
app.timer('calendarTick', {
  schedule: '%SCHEDULE_TICK%',
  handler: async (timer, context) => {
    const services = await getServices();
    const results = await runCalendarTick(services, {
      instance: context.invocationId,
      log: (level, message) =>
        level === 'error' ? context.error(message) : level === 'warn' ? context.warn(message) : context.log(message),
    });
    const sum = (k: 'ran' | 'skipped' | 'failed') => results.reduce((n, r) => n + r[k].length, 0);
    await services.repo.putMarker({
      name: CALENDAR_TICK_MARKER,
      at: services.clock.now().toISOString(),
      detail: { isPastDue: timer.isPastDue, goLives: results.length, ran: sum('ran'), skipped: sum('skipped'), failed: sum('failed') },
    });
  },
});
