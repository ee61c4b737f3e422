import type { Forum } from '../../ports/notifier.port';
import type { ChannelAudience, NotificationChannel, PlannedDelivery } from '../../ports/notification-channel.port';
import type {
  ActivityNotice,
  ActivityTransport,
  ChannelPost,
  ChannelTransport,
  EmailTransport,
  OutgoingEmail,
  Target,
} from '../../ports/outbox.port';
import { chainIdOf, uuidFrom } from './ids';
import { ACTIVITY_FEED_ROLES, MAX_RECIPIENTS_PER_MAIL } from './recipients';

/*
 * The three channels built in, each over its transport adapter (shared/adapters/email,
 * teams, graph, or the embedded files of outbox/). Each plans, renders and delivers through
 * the one NotificationChannel interface (shared/ports/notification-channel.port.ts).
 */

/** E-mail: everyone named who has an address, in batches of 50, one address once however many share it. */
export function emailChannel(transport: EmailTransport): NotificationChannel<OutgoingEmail> {
  return {
    kind: 'email',
    plan: (a: ChannelAudience): PlannedDelivery[] => {
      const seen = new Set<string>();
      const targets: Target[] = [];
      for (const p of a.people) {
        if (!p.email || a.noEmail.has(p.id)) continue;
        const address = p.email.toLowerCase();
        if (seen.has(address)) continue;
        seen.add(address);
        targets.push({ address: p.email, name: p.name, personId: p.id });
      }
      const batches: PlannedDelivery[] = [];
      for (let i = 0; i * MAX_RECIPIENTS_PER_MAIL < targets.length; i++)
        batches.push({ id: `email:${i + 1}`, to: targets.slice(i * MAX_RECIPIENTS_PER_MAIL, (i + 1) * MAX_RECIPIENTS_PER_MAIL) });
      return batches;
    },
    render: (n, d, ctx) => ({
      deliveryKey: ctx.deliveryKey,
      // One Operation-Id per delivery, whatever the attempt (issue 18 item 9, docs/notifications.md).
      operationId: uuidFrom(`${n.id}|${d.id}|operation`),
      to: d.to,
      date: ctx.now,
      ...ctx.templates.email(),
    }),
    deliver: (mail, attempt) => transport.send(mail, attempt),
  };
}

/** A forum's Teams channel: one post (an Adaptive Card) per forum named. */
export function teamsChannelChannel(transport: ChannelTransport): NotificationChannel<ChannelPost> {
  return {
    kind: 'teamsChannel',
    plan: (a) => a.forums.map((forum) => ({ id: `teamsChannel:${forum}`, to: [{ address: forum }] })),
    render: (_n, d, ctx) => ({ deliveryKey: ctx.deliveryKey, forum: d.to[0]!.address as Forum, card: ctx.templates.card() }),
    deliver: (post, attempt) => transport.post(post, attempt),
  };
}

/** The Teams activity feed: one notice per coordinator named (ACTIVITY_FEED_ROLES) who has an address. */
export function teamsActivityChannel(transport: ActivityTransport): NotificationChannel<ActivityNotice> {
  return {
    kind: 'teamsActivity',
    plan: (a) =>
      a.people
        .filter((p) => p.email && p.roles.some((r) => ACTIVITY_FEED_ROLES.includes(r)))
        .map((p) => ({ id: `teamsActivity:${p.id}`, to: [{ address: p.email!, name: p.name, personId: p.id }] })),
    render: (n, d, ctx) => ({
      deliveryKey: ctx.deliveryKey,
      user: d.to[0]!.address,
      link: n.link,
      chainId: chainIdOf(n.id),
      ...ctx.templates.activity(),
    }),
    deliver: (notice, attempt) => transport.notify(notice, attempt),
  };
}

/** The built-in channels over the transports that are on, in the order their deliveries are planned. */
export function channelsOf(t: { email?: EmailTransport; teamsChannel?: ChannelTransport; teamsActivity?: ActivityTransport }) {
  const channels: NotificationChannel[] = [];
  if (t.email) channels.push(emailChannel(t.email));
  if (t.teamsChannel) channels.push(teamsChannelChannel(t.teamsChannel));
  if (t.teamsActivity) channels.push(teamsActivityChannel(t.teamsActivity));
  return channels;
}
