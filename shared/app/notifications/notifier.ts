import { z } from 'zod';
import { DomainError, notFound } from '../../domain/errors';
import type { NotificationSettings } from '../../domain/golive';
import { DEFAULT_NOTIFICATION_SETTINGS, ROLES } from '../../domain/golive';
import { pages } from '../../domain/pages';
import { quietNightAt } from '../../domain/quiet-night';
import { Instant, Slug } from '../../domain/ids';
import type { Clock } from '../../ports/clock.port';
import type { DigestGroup, EnqueueResult, NotificationKind, NotificationRequest, Notifier } from '../../ports/notifier.port';
import type { Channel, OutboxNotification, OutboxStore } from '../../ports/outbox.port';
import { ChannelName, FORUMS, NOTIFICATION_KINDS } from '../../ports/outbox.port';
import type { GoLiveStore } from '../../ports/repository.port';
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
    channels: z.array(ChannelName).optional(),
    urgent: z.boolean().optional(),
    repeat: z.boolean().optional(),
  })
  .refine((r) => (r.recipients.personIds?.length ?? 0) + (r.recipients.roles?.length ?? 0) + (r.recipients.forums?.length ?? 0) > 0, {
    message: 'no recipients: name people, roles or forums',
    path: ['recipients'],
  });

/** The absolute link people click: the sender's page path under the public base URL, or the go-live's board (issue 15 item 11). */
export function absoluteLink(publicBaseUrl: string, goLiveId: string, link: string | undefined): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return `${base}${link ?? pages.board(goLiveId)}`;
}

/** Kinds a person who chose a digest gets in it instead of one mail each (issue 15 item 7). */
const NOT_DIGESTED: ReadonlySet<NotificationKind> = new Set([
  'agenda',
  'digest',
  'meetingCalled',
  'incidentOpened',
  'incidentRaised',
  'incidentClosed',
]);

/**
 * Who is not e-mailed this notice, and why (issue 15 item 7): people who follow a forum
 * channel it is posted to (`toldByChannel`), and people who chose a digest per forum cycle
 * (`digestFor`). Urgent notices (P1/P2) are e-mailed to everyone named.
 */
export function emailChoices(
  settings: NotificationSettings,
  people: readonly { id: string }[],
  r: { kind: NotificationKind; urgent?: boolean },
  postedTo: readonly string[],
): { toldByChannel: string[]; digestFor: string[] } {
  const toldByChannel: string[] = [];
  const digestFor: string[] = [];
  if (r.urgent) return { toldByChannel, digestFor };
  const prefs = new Map(settings.people.map((p) => [p.personId, p]));
  for (const person of people) {
    const pref = prefs.get(person.id);
    if (!pref) continue;
    if (pref.readsChannels.some((f) => postedTo.includes(f))) toldByChannel.push(person.id);
    else if (pref.email === 'digest' && !NOT_DIGESTED.has(r.kind)) digestFor.push(person.id);
  }
  return { toldByChannel, digestFor };
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
      repo: Pick<GoLiveStore, 'getGoLive'>;
      outbox: OutboxStore;
      clock: Clock;
      publicBaseUrl: string;
      dispatcher: Dispatcher;
    },
  ) {}

  async digestItems(goLiveId: string, since: string, until: string): Promise<DigestGroup[]> {
    const groups = new Map<string, DigestGroup>();
    const made = (await this.deps.outbox.list(goLiveId, { since, limit: 1000 })).filter((n) => n.createdAt < until && n.digestFor?.length);
    for (const n of made.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)))
      for (const personId of n.digestFor!) {
        const g = groups.get(personId) ?? { personId, items: [] };
        g.items.push({ id: n.id, kind: n.kind, subject: n.subject, link: n.link, createdAt: n.createdAt });
        groups.set(personId, g);
      }
    return [...groups.values()];
  }

  async enqueue(request: NotificationRequest): Promise<EnqueueResult> {
    const parsed = NotificationRequestSchema.safeParse(request);
    if (!parsed.success)
      throw new DomainError(
        'VALIDATION.FAILED',
        { sv: 'Ogiltig notis.', en: 'Invalid notification.' },
        { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'notification', message: i.message })) },
      );
    const r = parsed.data;
    const found = await this.deps.repo.getGoLive(r.goLiveId);
    if (!found) throw notFound('GOLIVE.NOT_FOUND', r.goLiveId);
    const goLive = found.value;
    const nowDate = this.deps.clock.now();
    const now = nowDate.toISOString();
    // Issue 15 item 6: a repeated reminder in the quiet night waits for the morning, and all
    // of one thing's night reminders become one (one dedupe key per thing and night).
    const night = r.repeat && !r.urgent ? quietNightAt(goLive, nowDate) : undefined;
    const dedupeKey = night ? `quiet:${night.until}:${r.kind}:${r.about ? `${r.about.type}:${r.about.id}` : r.dedupeKey}` : r.dedupeKey;
    const id = notificationId(goLive.id, dedupeKey);

    const resolved = resolveRecipients(goLive, r.recipients);
    const on = this.deps.dispatcher.registered;
    const channels = r.channels ? on.filter((c) => r.channels!.includes(c.kind)) : on;
    const kinds = new Set<Channel>(channels.map((c) => c.kind));
    const choices = emailChoices(
      goLive.notifications ?? DEFAULT_NOTIFICATION_SETTINGS,
      resolved.people,
      r,
      kinds.has('teamsChannel') ? resolved.forums : [],
    );
    const noEmail = new Set([...choices.toldByChannel, ...choices.digestFor]);
    const deliveries = planDeliveries(resolved, channels, night ? night.until : now, { noEmail });
    const notification: OutboxNotification = settle({
      id,
      goLiveId: goLive.id,
      goLiveName: goLive.name,
      kind: r.kind,
      dedupeKey,
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
      deliveries,
      status: 'pending',
      createdAt: r.createdAt,
      enqueuedAt: now,
      ...(r.urgent ? { urgent: true } : {}),
      ...(night ? { heldUntil: night.until } : {}),
      ...(choices.digestFor.length ? { digestFor: choices.digestFor } : {}),
      ...(choices.toldByChannel.length ? { toldByChannel: choices.toldByChannel } : {}),
    });

    const { value: stored, created } = await this.deps.outbox.add(notification);
    // Also for a replay: if the first enqueue's delivery never started (the process died), this starts it.
    if (stored.value.status === 'pending') this.deps.dispatcher.kick(goLive.id, id);
    return { id, created, unresolved: stored.value.unresolved.map((u) => ({ personId: u.personId, reason: u.reason })) };
  }
}
