import { z } from 'zod';
import { Actor } from './audit';
import { Instant, Slug } from './ids';
import type { Texts } from './errors';
import type { GoLive, Role } from './golive';
import { localWhen } from './local-time';
import { pages } from './pages';
import { Reporter } from './unit-report';

/**
 * Incidents follow the ordinary incident process (R9.1); Driftpuls keeps what DSL and LGV
 * need: priority, who handles it (IM), status updates, and whether it is still open.
 */
export const PRIORITIES = [1, 2, 3, 4] as const;

const Text = (max: number) => z.string().trim().min(1).max(max);
/** The id of a linked record (a challenge or an incident), as the API names it. */
export const LinkId = z.string().trim().min(1).max(80);

export const IncidentInput = z.object({
  id: Slug.optional(),
  title: Text(200),
  priority: z.coerce.number().int().min(1).max(4),
  description: Text(4000).optional(),
  /** Person id of the incident manager handling it. */
  incidentManagerId: Slug.optional(),
  /** SD+ or other service-desk case reference (R7.5). */
  sdReference: Text(40).optional(),
  areaIds: z.array(Slug).max(20).default([]),
  /** Challenges this incident causes (issue 15 item 4); each must exist in the go-live. */
  challengeIds: z.array(LinkId).max(20).optional(),
  openedAt: Instant.optional(),
  reporter: Reporter.optional(),
});
export type IncidentInput = z.infer<typeof IncidentInput>;

export const IncidentUpdateInput = z.object({
  id: Slug.optional(),
  text: Text(4000),
  /** A changed priority, if the update re-prioritises. */
  priority: z.coerce.number().int().min(1).max(4).optional(),
  /** `resolved` closes the incident. */
  status: z.enum(['open', 'resolved']).optional(),
  /** More challenges this incident causes (added to its links; issue 15 item 4). */
  challengeIds: z.array(LinkId).max(20).optional(),
  at: Instant.optional(),
  reporter: Reporter.optional(),
});
export type IncidentUpdateInput = z.infer<typeof IncidentUpdateInput>;

export const IncidentUpdate = z.object({
  id: z.string(),
  text: z.string(),
  priority: z.number().int().optional(),
  status: z.enum(['open', 'resolved']).optional(),
  challengeIds: z.array(z.string()).optional(),
  at: z.string(),
  receivedAt: z.string(),
  reporter: Reporter.optional(),
  recordedBy: Actor.optional(),
  requestHash: z.string(),
});
export type IncidentUpdate = z.infer<typeof IncidentUpdate>;

export const Incident = z.object({
  id: z.string(),
  goLiveId: z.string(),
  title: z.string(),
  priority: z.number().int().min(1).max(4),
  /** The priority it was registered with (updates may change `priority`). */
  openedPriority: z.number().int().min(1).max(4).optional(),
  description: z.string().optional(),
  incidentManagerId: z.string().optional(),
  sdReference: z.string().optional(),
  areaIds: z.array(z.string()),
  /**
   * The challenges it causes (issue 15 item 4). Stored: the ids named on the incident; read
   * through the API: those and every challenge that names this incident (`incidentWithLinks`
   * in shared/domain/links.ts), always as a list.
   */
  challengeIds: z.array(z.string()).optional(),
  status: z.enum(['open', 'resolved']),
  openedAt: z.string(),
  resolvedAt: z.string().optional(),
  lastUpdateAt: z.string(),
  updates: z.array(IncidentUpdate),
  reporter: Reporter.optional(),
  recordedBy: Actor.optional(),
  requestHash: z.string(),
});
export type Incident = z.infer<typeof Incident>;

/** `a` with the ids of `b` not already in it, in order. */
export const union = (a: readonly string[] = [], b: readonly string[] = []): string[] => [...new Set([...a, ...b])];

/** Applies an update to an incident (pure). Priority and status changes take effect. */
export function applyIncidentUpdate(incident: Incident, update: IncidentUpdate): Incident {
  const status = update.status ?? incident.status;
  return {
    ...incident,
    priority: update.priority ?? incident.priority,
    status,
    ...(incident.challengeIds || update.challengeIds ? { challengeIds: union(incident.challengeIds, update.challengeIds) } : {}),
    resolvedAt: status === 'resolved' ? (incident.resolvedAt ?? update.at) : undefined,
    lastUpdateAt: update.at > incident.lastUpdateAt ? update.at : incident.lastUpdateAt,
    updates: [...incident.updates, update],
  };
}

/** P1 and P2 are what LGV follows and what the overview shows (R9.2, R10.1). */
export const isMajor = (i: Pick<Incident, 'priority'>): boolean => i.priority <= 2;

/**
 * IM's update cadence (R9, issue 15 item 2): an open P1/P2 should have an update at least
 * this often (the go-live's `notifications.incidentUpdateMinutes`, default 60 for P1 and 120
 * for P2). Undefined for P3/P4 and closed incidents.
 */
export function updateDueAt(
  goLive: Partial<Pick<GoLive, 'notifications'>>,
  i: Pick<Incident, 'priority' | 'status' | 'lastUpdateAt'>,
): string | undefined {
  if (i.status !== 'open' || !isMajor(i)) return undefined;
  const c = goLive.notifications?.incidentUpdateMinutes ?? { p1: 60, p2: 120 };
  return new Date(Date.parse(i.lastUpdateAt) + (i.priority === 1 ? c.p1 : c.p2) * 60_000).toISOString();
}

/** "ingen uppdatering sedan 21:40" when an open P1/P2 is past its cadence at `now`, else undefined. */
export function noUpdateSince(
  goLive: Pick<GoLive, 'timeZone'> & Partial<Pick<GoLive, 'notifications'>>,
  i: Pick<Incident, 'priority' | 'status' | 'lastUpdateAt'>,
  now: string,
): Texts | undefined {
  const due = updateDueAt(goLive, i);
  if (!due || due > now) return undefined;
  const when = localWhen(goLive.timeZone, i.lastUpdateAt, now);
  return { sv: `ingen uppdatering sedan ${when.sv}`, en: `no update since ${when.en}` };
}

/** What an incident announcement asks the notifier for (the port's request minus go-live id and time). */
export interface IncidentNotice {
  kind: 'incidentOpened' | 'incidentRaised' | 'incidentClosed';
  dedupeKey: string;
  recipients: { personIds?: string[]; roles?: Role[]; forums?: ('DSL' | 'LGV')[] };
  subject: Texts;
  text: Texts;
  link: string;
  about: { type: 'incident'; id: string };
  data: Record<string, unknown>;
  urgent: true;
}

/**
 * R9, issue 15 item 1: a P1/P2 registered, an incident raised to P1/P2 (or from P2 to P1),
 * and a P1/P2 closed are announced at once, day or night, to its IM (every IM when none is
 * named), the go-live lead and coordinator (e-mail and Teams activity) and the DSL channel,
 * the LGV channel too for a P1. `before` is the incident before the change (undefined when
 * it is new). Nothing for P3/P4 or an update that changes neither priority nor status.
 */
export function incidentNotice(
  goLive: Pick<GoLive, 'timeZone'>,
  before: Incident | undefined,
  after: Incident,
  updateId: string | undefined,
  now: string,
): IncidentNotice | undefined {
  let kind: IncidentNotice['kind'];
  let key: string;
  if (!before) {
    if (!isMajor(after)) return undefined;
    kind = 'incidentOpened';
    key = `incidentOpened:${after.id}`;
  } else if (before.status === 'open' && after.status === 'resolved') {
    if (!isMajor(before) && !isMajor(after)) return undefined;
    kind = 'incidentClosed';
    key = `incidentClosed:${after.id}:${updateId}`;
  } else if (after.status === 'open' && isMajor(after) && (after.priority < before.priority || before.status === 'resolved')) {
    kind = 'incidentRaised';
    key = `incidentRaised:${after.id}:${updateId}`;
  } else return undefined;
  const p = kind === 'incidentClosed' ? Math.min(before?.priority ?? after.priority, after.priority) : after.priority;
  const forums: ('DSL' | 'LGV')[] = p === 1 ? ['DSL', 'LGV'] : ['DSL'];
  const opened = localWhen(goLive.timeZone, after.openedAt, now);
  const sd = after.sdReference ? ` (${after.sdReference})` : '';
  const last = after.updates.at(-1);
  const sv =
    kind === 'incidentOpened'
      ? `P${p}-incident registrerad ${opened.sv}${sd}.${after.description ? `\n\n${after.description}` : ''}`
      : kind === 'incidentRaised'
        ? `Incidenten${sd} har nu prioritet ${p}${before && before.status === 'open' ? ` (var ${before.priority})` : ' och är öppen igen'}.${last ? `\n\n${last.text}` : ''}`
        : `Incidenten${sd} är löst.${last ? `\n\n${last.text}` : ''}`;
  const en =
    kind === 'incidentOpened'
      ? `P${p} incident registered ${opened.en}${sd}.${after.description ? `\n\n${after.description}` : ''}`
      : kind === 'incidentRaised'
        ? `The incident${sd} is now priority ${p}${before && before.status === 'open' ? ` (was ${before.priority})` : ' and open again'}.${last ? `\n\n${last.text}` : ''}`
        : `The incident${sd} is resolved.${last ? `\n\n${last.text}` : ''}`;
  return {
    kind,
    dedupeKey: key,
    recipients: {
      ...(after.incidentManagerId ? { personIds: [after.incidentManagerId] } : { roles: ['incidentManager'] }),
      roles: [...(after.incidentManagerId ? [] : (['incidentManager'] as Role[])), 'goLiveLead', 'goLiveCoordinator'],
      forums,
    },
    subject: { sv: `P${p} ${after.title}`, en: `P${p} ${after.title}` },
    text: { sv, en },
    link: pages.incident(after.goLiveId, after.id),
    about: { type: 'incident', id: after.id },
    data: {
      incidentId: after.id,
      priority: p,
      facts: [
        { label: { sv: 'Öppnad', en: 'Opened' }, value: opened },
        ...(after.sdReference ? [{ label: 'SD+', value: after.sdReference }] : []),
      ],
    },
    urgent: true,
  };
}
