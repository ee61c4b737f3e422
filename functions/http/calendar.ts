import { z } from 'zod';
import { calendarFeed } from '../../shared/app/calendar/ics';
import { requireGoLive } from '../../shared/app/golives';
import { Instant } from '../../shared/domain/ids';
import { FORUMS } from '../../shared/domain/schedule';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

defineRoute(
  {
    name: 'getCalendar',
    method: 'GET',
    route: 'golives/{goLiveId}/calendar.ics',
    summary:
      'iCalendar-flöde med driftsättningens möten för Outlook (R5), med tidszonsdata; `?forum=DSL` för ett forum / an iCalendar feed of the meetings for Outlook to subscribe to',
    tag: 'calendar',
    params: GoLiveParams,
    query: z.object({ forum: z.enum(FORUMS).optional() }),
    responses: { 200: { description: 'text/calendar (RFC 5545)', contentType: 'text/calendar' } },
  },
  async ({ params, query, services, request }) => {
    const feed = await calendarFeed(services, params.goLiveId, query.forum);
    const headers = {
      etag: feed.etag,
      'cache-control': 'private, max-age=300',
      'content-disposition': `inline; filename="${params.goLiveId}${query.forum ? `-${query.forum.toLowerCase()}` : ''}.ics"`,
    };
    if (request.headers.get('if-none-match') === feed.etag) return { status: 304, headers };
    return { status: 200, text: feed.body, contentType: 'text/calendar; charset=utf-8', headers };
  },
);

defineRoute(
  {
    name: 'listDispatches',
    method: 'GET',
    route: 'golives/{goLiveId}/calendar/dispatches',
    summary:
      'Kalenderns utskick: varje påminnelse och dagordning som gått ut, ' +
      'och varje som hoppats över efter ett uppehåll (R3.3, R4.4, R6.5, R9.1)' +
      ' / what the calendar tick sent, and what it skipped after a pause',
    tag: 'calendar',
    params: GoLiveParams,
    query: z.object({ from: Instant.optional(), to: Instant.optional(), state: z.enum(['claimed', 'done', 'skipped']).optional() }),
    responses: { 200: { description: 'Utskicken, äldst först / the dispatches, oldest first', contentType: 'application/json' } },
  },
  async ({ params, query, services }) => {
    await requireGoLive(services, params.goLiveId);
    const to = query.to ?? new Date(services.clock.now().getTime() + 24 * 3600_000).toISOString();
    const from = query.from ?? new Date(Date.parse(to) - 8 * 24 * 3600_000).toISOString();
    const items = (await services.repo.listDispatches(params.goLiveId, { from, to })).filter(
      (d) => !query.state || d.state === query.state,
    );
    return { status: 200, json: { from, to, items } };
  },
);
