import { z } from 'zod';
import { DomainError, notFound } from '../../domain/errors';
import { ROLES } from '../../domain/golive';
import { Instant, Slug } from '../../domain/ids';
import type { Clock } from '../../ports/clock.port';
import type { EnqueueResult, NotificationRequest, Notifier } from '../../ports/notifier.port';
import type { Channel, OutboxNotification, OutboxStore } from '../../ports/outbox.port';
import { CHANNELS, FORUMS, NOTIFICATION_KINDS } from '../../ports/outbox.port';
import type { Repository } from '../../ports/repository.port';
import type { Dispatcher } from './dispatcher';
import { settle } from './dispatcher';
import { notificationId } from './ids';
import { planDeliveries, resolveRecipients } from './recipients';

const Texts = (max: number) => z.object({ sv: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) });

/** What a sender may ask for: checked before anything is stored. */
export const NotificationRequestSchema = z
  .object({
    goLiveId: Slug,
    kind: z.enum(NOTIFICATION_KINDS),
    dedupeKey: z.string().min(1).max(500),
    recipients: z.object({
      personIds: z.array(z.string().min(1)).max(20_000).optional(),
      roles: z.array(z.enum(ROLES)).optional(),
      forums: z.array(z.enum(FORUMS)).optional(),
    }),
    subject: Texts(300),
    text: Texts(20_000),
    html: z.object({ sv: z.string().max(200_000), en: z.string().max(200_000) }).optional(),
    /** A path under PUBLIC_BASE_URL: `/golives/vag-1/decisions/d-7`. */
    link: z
      .string()
      .max(2000)
      .regex(/^\/(?!\/)[^\s\\]*$/, { message: 'a path under PUBLIC_BASE_URL, starting with one /' })
      .optional(),
    about: z.object({ type: z.string().min(1).max(50), id: z.string().min(1).max(200) }).optional(),
    data: z
      .record(z.string(), z.unknown())
      .refine((d) => JSON.stringify(d).length <= 256 * 1024, { message: 'data is larger than 256 KiB' })
      .optional(),
    createdAt: Instant,
    channels: z.array(z.enum(CHANNELS)).optional(),
  })
  .refine((r) => (r.recipients.personIds?.length ?? 0) + (r.recipients.roles?.length ?? 0) + (r.recipients.forums?.length ?? 0) > 0, {
    message: 'no recipients: name people, roles or forums',
    path: ['recipients'],
  });

/** The absolute link people click: the sender's path under the public base URL, or the go-live's overview. */
export function absoluteLink(publicBaseUrl: string, goLiveId: string, link: string | undefined): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}${link ?? `/api/golives/${encodeURIComponent(goLiveId)}/overview`}`;
}

/**
 * The notifier every sender uses: validates, resolves recipients from the go-live (R1) as
 * they are now, stores the notification in the outbox (create-if-absent by dedupe key) and
 * only then starts delivery, without waiting for it. A second request with the same dedupe
 * key returns the first notification (`created: false`) and sends nothing again, even if
 * its content differs.
 */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly deps: {
      repo: Pick<Repository, 'getGoLive'>;
      outbox: OutboxStore;
      clock: Clock;
      publicBaseUrl: string;
      dispatcher: Dispatcher;
    },
  ) {}

  async enqueue(request: NotificationRequest): Promise<EnqueueResult> {
    const parsed = NotificationRequestSchema.safeParse(request);
    if (!parsed.success)
      throw new DomainError('VALIDATION.FAILED', { sv: 'Ogiltig notis.', en: 'Invalid notification.' }, { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'notification', message: i.message })) });
    const r = parsed.data;
    const found = await this.deps.repo.getGoLive(r.goLiveId);
    if (!found) throw notFound('GOLIVE.NOT_FOUND', r.goLiveId);
    const goLive = found.value;
    const id = notificationId(goLive.id, r.dedupeKey);
    const now = this.deps.clock.now().toISOString();

    const resolved = resolveRecipients(goLive, r.recipients);
    const on = this.deps.dispatcher.channels;
    const channels = new Set<Channel>(r.channels ? r.channels.filter((c) => on.has(c)) : on);
    const notification: OutboxNotification = settle({
      id,
      goLiveId: goLive.id,
      goLiveName: goLive.name,
      kind: r.kind,
      dedupeKey: r.dedupeKey,
      subject: r.subject,
      text: r.text,
      ...(r.html ? { html: r.html } : {}),
      link: absoluteLink(this.deps.publicBaseUrl, goLive.id, r.link),
      ...(r.about ? { about: r.about } : {}),
      ...(r.data ? { data: r.data } : {}),
      requested: {
        ...(r.recipients.personIds ? { personIds: r.recipients.personIds } : {}),
        ...(r.recipients.roles ? { roles: r.recipients.roles } : {}),
        ...(r.recipients.forums ? { forums: r.recipients.forums } : {}),
      },
      unresolved: resolved.unresolved,
      deliveries: planDeliveries(resolved, channels, now),
      status: 'pending',
      createdAt: r.createdAt,
      enqueuedAt: now,
    });

    const { value: stored, created } = await this.deps.outbox.add(notification);
    // Also for a replay: if the first enqueue's delivery never started (the process died), this starts it.
    if (stored.value.status === 'pending') this.deps.dispatcher.kick(goLive.id, id);
    return { id, created, unresolved: stored.value.unresolved.map((u) => ({ personId: u.personId, reason: u.reason })) };
  }
}
