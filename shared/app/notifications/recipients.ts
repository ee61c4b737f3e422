import type { GoLive, Person, Role } from '../../domain/golive';
import type { Forum, Recipients } from '../../ports/notifier.port';
import type { Channel, Delivery, Target, Unresolved } from '../../ports/outbox.port';

/** ACS e-mail takes at most 50 recipients per mail. */
export const MAX_RECIPIENTS_PER_MAIL = 50;

/** Who gets Teams activity-feed notices ("personal notifications to coordinators"). */
export const ACTIVITY_FEED_ROLES: readonly Role[] = ['goLiveLead', 'goLiveCoordinator', 'areaCoordinator', 'incidentManager'];

export interface ResolvedRecipients {
  /** People named by id or role who have an e-mail address, once each, in go-live order. */
  people: Person[];
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
  const unresolved: Unresolved[] = [];
  const known = new Set<string>();
  for (const p of goLive.people) {
    known.add(p.id);
    if (!wantedIds.has(p.id) && !p.roles.some((r) => roles.has(r))) continue;
    if (p.email) people.push(p);
    else unresolved.push({ personId: p.id, name: p.name, reason: 'noEmail' });
  }
  for (const id of wantedIds) if (!known.has(id)) unresolved.push({ personId: id, reason: 'unknownPerson' });
  const forums = [...new Set(recipients.forums ?? [])];
  return { people, unresolved, forums };
}

/**
 * The deliveries for resolved recipients on the channels that are on: e-mail in batches of
 * 50 (one address once, however many people share it), one post per forum channel, one
 * activity notice per coordinator.
 */
export function planDeliveries(
  resolved: ResolvedRecipients,
  channels: ReadonlySet<Channel>,
  now: string,
  opts: { noEmail?: ReadonlySet<string> } = {},
): Delivery[] {
  const pending = (id: string, channel: Channel, to: Target[]): Delivery => ({
    id,
    channel,
    to,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
  });
  const deliveries: Delivery[] = [];
  if (channels.has('email')) {
    const seen = new Set<string>();
    const targets: Target[] = [];
    for (const p of resolved.people) {
      if (opts.noEmail?.has(p.id)) continue;
      const address = p.email!.toLowerCase();
      if (seen.has(address)) continue;
      seen.add(address);
      targets.push({ address: p.email!, name: p.name, personId: p.id });
    }
    for (let i = 0; i * MAX_RECIPIENTS_PER_MAIL < targets.length; i++)
      deliveries.push(pending(`email:${i + 1}`, 'email', targets.slice(i * MAX_RECIPIENTS_PER_MAIL, (i + 1) * MAX_RECIPIENTS_PER_MAIL)));
  }
  if (channels.has('teamsChannel'))
    for (const forum of resolved.forums) deliveries.push(pending(`teamsChannel:${forum}`, 'teamsChannel', [{ address: forum }]));
  if (channels.has('teamsActivity'))
    for (const p of resolved.people)
      if (p.roles.some((r) => ACTIVITY_FEED_ROLES.includes(r)))
        deliveries.push(pending(`teamsActivity:${p.id}`, 'teamsActivity', [{ address: p.email!, name: p.name, personId: p.id }]));
  return deliveries;
}
