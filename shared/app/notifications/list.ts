import { z } from 'zod';
import { notFound } from '../../domain/errors';
import type { Channel, NotificationFilter, OutboxNotification, OutboxStore } from '../../ports/outbox.port';
import { ChannelName, Delivery, NotificationStatus, OutboxNotification as OutboxNotificationSchema } from '../../ports/outbox.port';
import type { GoLiveStore } from '../../ports/repository.port';

/** Per channel: `pending` while any of its deliveries is, else `failed` if any failed, else `sent`. */
export const ChannelState = z.object({ status: z.enum(['pending', 'sent', 'failed']), deliveries: z.number().int() });

/** A notification as the log shows it: content summary, recipients, each delivery's state. */
export const NotificationView = OutboxNotificationSchema.pick({
  id: true,
  goLiveId: true,
  kind: true,
  dedupeKey: true,
  status: true,
  subject: true,
  link: true,
  about: true,
  createdAt: true,
  enqueuedAt: true,
  requested: true,
  unresolved: true,
  urgent: true,
  heldUntil: true,
  digestFor: true,
  toldByChannel: true,
}).extend({
  channels: z.record(ChannelName, ChannelState),
  deliveries: z.array(Delivery.omit({ inFlight: true })),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const NotificationListQuery = z.object({
  kind: OutboxNotificationSchema.shape.kind.optional(),
  status: NotificationStatus.optional(),
  since: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s).toISOString())
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function toView(n: OutboxNotification): NotificationView {
  const channels: Record<Channel, z.infer<typeof ChannelState>> = {};
  for (const c of new Set(n.deliveries.map((d) => d.channel))) {
    const ds = n.deliveries.filter((d) => d.channel === c);
    if (!ds.length) continue;
    const status = ds.some((d) => d.status === 'pending') ? 'pending' : ds.some((d) => d.status === 'failed') ? 'failed' : 'sent';
    channels[c] = { status, deliveries: ds.length };
  }
  return {
    id: n.id,
    goLiveId: n.goLiveId,
    kind: n.kind,
    dedupeKey: n.dedupeKey,
    status: n.status,
    subject: n.subject,
    link: n.link,
    ...(n.about ? { about: n.about } : {}),
    createdAt: n.createdAt,
    enqueuedAt: n.enqueuedAt,
    requested: n.requested,
    unresolved: n.unresolved,
    ...(n.urgent ? { urgent: true } : {}),
    ...(n.heldUntil ? { heldUntil: n.heldUntil } : {}),
    ...(n.digestFor ? { digestFor: n.digestFor } : {}),
    ...(n.toldByChannel ? { toldByChannel: n.toldByChannel } : {}),
    channels,
    deliveries: n.deliveries.map(({ inFlight: _inFlight, ...d }) => d),
  };
}

/** The notification log of a go-live, newest first, filterable by kind, status and time. */
export async function listNotifications(
  s: { repo: Pick<GoLiveStore, 'getGoLive'>; outbox: OutboxStore },
  goLiveId: string,
  filter: NotificationFilter,
): Promise<NotificationView[]> {
  if (!(await s.repo.getGoLive(goLiveId))) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  return (await s.outbox.list(goLiveId, filter)).map(toView);
}
