import { z } from 'zod';
import { getDayPicture } from '../../shared/app/day-picture';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

const WindowCounts = z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int(), missing: z.number().int() });

const DayPictureSchema = z.object({
  goLiveId: z.string(),
  date: z.iso.date(),
  timeZone: z.string(),
  generatedAt: z.string(),
  totalUnits: z.number().int(),
  windows: z.array(
    z.object({
      checkpoint: z.string(),
      from: z.string(),
      to: z.string(),
      state: z.enum(['closed', 'open', 'upcoming']),
      counts: WindowCounts.nullable(),
      missingUnitIds: z.array(z.string()),
    }),
  ),
});

defineRoute(
  {
    name: 'getDayPicture',
    method: 'GET',
    route: 'golives/{goLiveId}/day',
    summary:
      'Dagens bild (R3.3): per kontrollpunkt hur många enheter var gröna, gula, röda eller saknades / the day in reporting windows: units green, yellow, red or missing per check point',
    tag: 'overview',
    params: GoLiveParams,
    query: z.object({ date: z.iso.date().optional() }),
    responses: { 200: { description: 'Dagens bild / the day picture', schema: DayPictureSchema } },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: await getDayPicture(services, params.goLiveId, query.date),
    headers: { 'cache-control': 'no-store' },
  }),
);
