import { z } from 'zod';
import { Actor } from './audit';
import { Instant, Slug } from './ids';
import { Reporter } from './unit-report';

/**
 * Incidents follow the ordinary incident process (R9.1); Driftpuls keeps what DSL and LGV
 * need: priority, who handles it (IM), status updates, and whether it is still open.
 */
export const PRIORITIES = [1, 2, 3, 4] as const;

const Text = (max: number) => z.string().trim().min(1).max(max);

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
  at: Instant.optional(),
  reporter: Reporter.optional(),
});
export type IncidentUpdateInput = z.infer<typeof IncidentUpdateInput>;

export const IncidentUpdate = z.object({
  id: z.string(),
  text: z.string(),
  priority: z.number().int().optional(),
  status: z.enum(['open', 'resolved']).optional(),
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
  description: z.string().optional(),
  incidentManagerId: z.string().optional(),
  sdReference: z.string().optional(),
  areaIds: z.array(z.string()),
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

/** Applies an update to an incident (pure). Priority and status changes take effect. */
export function applyIncidentUpdate(incident: Incident, update: IncidentUpdate): Incident {
  const status = update.status ?? incident.status;
  return {
    ...incident,
    priority: update.priority ?? incident.priority,
    status,
    resolvedAt: status === 'resolved' ? (incident.resolvedAt ?? update.at) : undefined,
    lastUpdateAt: update.at > incident.lastUpdateAt ? update.at : incident.lastUpdateAt,
    updates: [...incident.updates, update],
  };
}

/** P1 and P2 are what LGV follows and what the overview shows (R9.2, R10.1). */
export const isMajor = (i: Pick<Incident, 'priority'>): boolean => i.priority <= 2;
