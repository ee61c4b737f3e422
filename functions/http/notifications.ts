import { z } from 'zod';
import { listNotifications, NotificationListQuery, NotificationView } from '../../shared/app/notifications/list';
import { GoLiveParams } from './params';
import { defineRoute } from './route';

defineRoute(
  {
    name: 'listNotifications',
    method: 'GET',
    route: 'golives/{goLiveId}/notifications',
    summary:
      'Notisloggen: varje notis med leveransstatus per kanal (e-post, Teams-kanal, Teams-aktivitet), senaste först / the notification log with each channel’s delivery state',
    tag: 'notifications',
    params: GoLiveParams,
    query: NotificationListQuery,
    responses: { 200: { description: 'Notiserna / the notifications', schema: z.object({ items: z.array(NotificationView) }) } },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { items: await listNotifications({ repo: services.repo, outbox: services.notifications.outbox }, params.goLiveId, query) },
  }),
);
