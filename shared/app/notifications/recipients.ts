import type { GoLive, Person, Role } from '../../domain/golive';
import type { Forum, Recipients } from '../../ports/notifier.port';
import type { NotificationChannel } from '../../ports/notification-channel.port';
import type { Delivery, Unresolved } from '../../ports/outbox.port';

/** ACS e-mail takes at most 50 recipients per mail. */
export const MAX_RECIPIENTS_PER_MAIL = 50;

/** Who gets Teams activity-feed notices ("personal notifications to coordinators"). */
export const ACTIVITY_FEED_ROLES: readonly Role[] = ['goLiveLead', 'goLiveCoordinator', 'areaCoordinator', 'incidentManager'];

export interface ResolvedRecipients {
  /** People named by id or role who have an e-mail address, once each, in go-live order. */
  people: Person[];
  /** Everyone named by id or role, with or without an e-mail address (a channel such as SMS reaches the others). */
  named: Person[];
  unresolved: Unresolved[];
  forums: Forum[];
}

/**
 * Resolves a request's recipients against the go-live's people and roles (R1) as they are
 * now. The outbox stores the result, so a later change to the organisation does not change
 * who a notification went to.
 */
export function resolveRecipients(goLive: GoLive, recipients: Recipients): ResolvedRecipients {
  const wantedIds = new Set(recipients.personIds ?? []);
  const roles = new Set(recipients.roles ?? []);
  const people: Person[] = [];
  const named: Person[] = [];
  const unresolved: Unresolved[] = [];
  const known = new Set<string>();
  for (const p of goLive.people) {
    known.add(p.id);
    if (!wantedIds.has(p.id) && !p.roles.some((r) => roles.has(r))) continue;
    named.push(p);
    if (p.email) people.push(p);
    else unresolved.push({ personId: p.id, name: p.name, reason: 'noEmail' });
  }
  for (const id of wantedIds) if (!known.has(id)) unresolved.push({ personId: id, reason: 'unknownPerson' });
  const forums = [...new Set(recipients.forums ?? [])];
  return { people, named, unresolved, forums };
}

/**
 * The deliveries for resolved recipients on the channels that are on, in the channels' order:
 * each channel plans its own (e-mail in batches of 50, one post per forum channel, one
 * activity notice per coordinator, …), all pending from `now`.
 */
export function planDeliveries(
  resolved: ResolvedRecipients,
  channels: readonly NotificationChannel[],
  now: string,
  opts: { noEmail?: ReadonlySet<string> } = {},
): Delivery[] {
  const audience = { people: resolved.named, forums: resolved.forums, noEmail: opts.noEmail ?? new Set<string>() };
  return channels.flatMap((channel) =>
    channel
      .plan(audience)
      .map((d): Delivery => ({ id: d.id, channel: channel.kind, to: d.to, status: 'pending', attempts: 0, nextAttemptAt: now })),
  );
}
