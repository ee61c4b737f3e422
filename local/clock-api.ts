import { Duration } from 'luxon';
import { z } from 'zod';
import type { SimulatedClock } from './clock';
import { ClockBackwardsError } from './clock';
import type { HostRoute } from './http-host';
import { HostHttpError } from './http-host';

/*
 * `GET|POST {prefix}/_local/clock`: lets a rehearsal move simulated time. Only mounted when
 * the runtime runs on the simulated clock, so a real deployment shape never has it.
 */

const AdvanceSchema = z.union([
  z.strictObject({ advanceTo: z.iso.datetime({ offset: true }) }),
  z.strictObject({ advanceBy: z.union([z.string().min(1), z.number().finite()]) }),
]);

const badRequest = (sv: string, en: string): HostHttpError => new HostHttpError(400, 'VALIDATION.FAILED', { sv, en });

/** `PT15M` (ISO 8601 duration) or a number of minutes, in milliseconds. */
export function parseAdvanceBy(value: string | number): number {
  if (typeof value === 'number') return value * 60_000;
  const d = Duration.fromISO(value);
  if (!d.isValid)
    throw badRequest(`"${value}" är ingen ISO 8601-varaktighet (t.ex. PT15M).`, `"${value}" is not an ISO 8601 duration (e.g. PT15M).`);
  return d.as('milliseconds');
}

export function clockRoutes(clock: SimulatedClock): HostRoute[] {
  return [
    {
      path: '_local/clock',
      handlers: {
        GET: async () => ({ status: 200, json: { now: clock.now().toISOString(), mode: clock.mode } }),
        POST: async ({ body }) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            throw badRequest('Kroppen är inte JSON.', 'The body is not JSON.');
          }
          const result = AdvanceSchema.safeParse(parsed);
          if (!result.success) {
            throw badRequest(
              'Skicka {"advanceTo": "<ISO-tid med zon>"} eller {"advanceBy": "PT15M" | minuter}.',
              'Send {"advanceTo": "<ISO time with offset>"} or {"advanceBy": "PT15M" | minutes}.',
            );
          }
          try {
            // Due timers run inside the advance, so the answer comes after they have fired.
            const now =
              'advanceTo' in result.data
                ? await clock.advanceTo(new Date(result.data.advanceTo))
                : await clock.advanceBy(parseAdvanceBy(result.data.advanceBy));
            return { status: 200, json: { now: now.toISOString() } };
          } catch (e) {
            if (e instanceof ClockBackwardsError)
              throw new HostHttpError(409, 'CLOCK.BACKWARDS', {
                sv: `Klockan kan inte gå bakåt: den står på ${clock.now().toISOString()}.`,
                en: e.message,
              });
            throw e;
          }
        },
      },
    },
  ];
}
