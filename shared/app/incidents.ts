import type { AppPorts, Ports } from '../ports/app.port';
import type { ChallengeStore, GoLiveStore, IncidentStore } from '../ports/repository.port';
import { DomainError, invalidField, notFound } from '../domain/errors';
import type { Incident, IncidentInput, IncidentUpdate, IncidentUpdateInput } from '../domain/incident';
import { applyIncidentUpdate, incidentNotice } from '../domain/incident';
import type { Actor } from '../domain/audit';
import type { GoLive } from '../domain/golive';
import { incidentWithLinks, searchSdReferences, type SdHit } from '../domain/links';
import { requireGoLive } from './golives';
import { assertSameRequest, recordId, requestHash } from './idempotency';
import type { WriteResult } from './reports';
import { retryOnConflict } from './retry-on-conflict';

type S = Ports<GoLiveStore & IncidentStore & ChallengeStore, 'clock'> & Partial<Pick<AppPorts, 'notifier'>>;

/** Announces what `incidentNotice` says (P1/P2 opened, raised to P1/P2, closed): at once, day or night (R9, issue 15 item 1). */
async function announce(
  s: S,
  goLive: GoLive,
  before: Incident | undefined,
  after: Incident,
  updateId: string | undefined,
  now: string,
): Promise<void> {
  if (!s.notifier) return;
  const n = incidentNotice(goLive, before, after, updateId, now);
  if (n) await s.notifier.enqueue({ ...n, goLiveId: goLive.id, createdAt: now });
}

/**
 * Registers an incident that DSL/LGV follow (R9). Idempotent by id / Idempotency-Key. A
 * P1/P2 is announced at once; a replay announces again under the same dedupe key, so a
 * crash between storing and announcing loses nothing and sends nothing twice.
 */
export async function createIncident(
  s: S,
  cmd: { goLiveId: string; input: IncidentInput; idempotencyKey?: string; actor?: Actor },
): Promise<WriteResult<Incident>> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const areaIds = new Set(goLive.areas.map((a) => a.id));
  cmd.input.areaIds.forEach((a, i) => {
    if (!areaIds.has(a)) throw invalidField(`areaIds.${i}`, { sv: `okänt område '${a}'`, en: `unknown area '${a}'` });
  });
  if (cmd.input.incidentManagerId && !goLive.people.some((p) => p.id === cmd.input.incidentManagerId))
    throw invalidField('incidentManagerId', { sv: 'okänd person', en: 'unknown person' });
  await requireChallenges(s, goLive.id, cmd.input.challengeIds);
  const now = s.clock.now().toISOString();
  const hash = requestHash(cmd.input);
  const openedAt = cmd.input.openedAt ?? now;
  const incident: Incident = {
    id: recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: 'incident' }),
    goLiveId: goLive.id,
    title: cmd.input.title,
    priority: cmd.input.priority,
    ...(cmd.input.description ? { description: cmd.input.description } : {}),
    ...(cmd.input.incidentManagerId ? { incidentManagerId: cmd.input.incidentManagerId } : {}),
    ...(cmd.input.sdReference ? { sdReference: cmd.input.sdReference } : {}),
    areaIds: cmd.input.areaIds,
    challengeIds: [...new Set(cmd.input.challengeIds ?? [])],
    openedPriority: cmd.input.priority,
    status: 'open',
    openedAt,
    lastUpdateAt: openedAt,
    updates: [],
    ...(cmd.input.reporter ? { reporter: cmd.input.reporter } : {}),
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    requestHash: hash,
  };
  const result = await s.repo.createIncident(incident);
  if (!result.created) assertSameRequest(result.value, hash);
  await announce(s, goLive, undefined, result.value, undefined, now);
  return result;
}

/**
 * IM's status update on an incident (R9.1). Replays (same update id) change nothing; a
 * concurrent update makes us re-read and apply on top, never overwrite.
 */
export async function addIncidentUpdate(
  s: S,
  cmd: { goLiveId: string; incidentId: string; input: IncidentUpdateInput; idempotencyKey?: string; actor?: Actor },
): Promise<WriteResult<IncidentUpdate> & { incident: Incident }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  await requireChallenges(s, goLive.id, cmd.input.challengeIds);
  const hash = requestHash(cmd.input);
  const id = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: `incident-update/${cmd.incidentId}` });
  const result = await retryOnConflict(
    10,
    { sv: 'Incidenten uppdaterades samtidigt av andra. Försök igen.', en: 'The incident was updated concurrently. Try again.' },
    async () => {
      const found = await s.repo.getIncident(cmd.goLiveId, cmd.incidentId);
      if (!found) throw notFound('INCIDENT.NOT_FOUND', cmd.incidentId);
      const existing = found.value.updates.find((u) => u.id === id);
      if (existing) {
        assertSameRequest(existing, hash);
        return { value: existing, created: false, incident: found.value };
      }
      if (found.value.status === 'resolved' && cmd.input.status !== 'open')
        throw new DomainError('INCIDENT.CLOSED', {
          sv: 'Incidenten är redan löst. Skicka status "open" för att öppna den igen.',
          en: 'The incident is already resolved. Send status "open" to reopen it.',
        });
      const now = s.clock.now().toISOString();
      const update: IncidentUpdate = {
        id,
        text: cmd.input.text,
        ...(cmd.input.priority !== undefined ? { priority: cmd.input.priority } : {}),
        ...(cmd.input.status ? { status: cmd.input.status } : {}),
        ...(cmd.input.challengeIds ? { challengeIds: cmd.input.challengeIds } : {}),
        at: cmd.input.at ?? now,
        receivedAt: now,
        ...(cmd.input.reporter ? { reporter: cmd.input.reporter } : {}),
        ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
        requestHash: hash,
      };
      const saved = await s.repo.replaceIncident(applyIncidentUpdate(found.value, update), found.etag);
      return { value: update, created: true, incident: saved.value };
    },
  );
  // The state before this update, rebuilt from the stored updates in order: a replay announces the same.
  const all = result.incident.updates;
  const at = all.findIndex((u) => u.id === id);
  const opened: Incident = {
    ...result.incident,
    priority: result.incident.openedPriority ?? result.incident.priority,
    status: 'open',
    updates: [],
  };
  delete opened.resolvedAt;
  const before = all.slice(0, at < 0 ? all.length : at).reduce(applyIncidentUpdate, opened);
  await announce(s, goLive, before, applyIncidentUpdate(before, result.value), id, s.clock.now().toISOString());
  return result;
}

/** Every id named must be a challenge of the go-live (issue 15 item 4): 400 naming the field otherwise. */
async function requireChallenges(s: Ports<ChallengeStore>, goLiveId: string, ids: readonly string[] | undefined): Promise<void> {
  for (const [i, id] of (ids ?? []).entries())
    if (!(await s.repo.getChallenge(goLiveId, id)))
      throw invalidField(`challengeIds.${i}`, { sv: `okänd utmaning '${id}'`, en: `unknown challenge '${id}'` });
}

/** The go-live's incidents, each with the challenges it causes in both directions (`incidentWithLinks`). */
export async function listIncidents(
  s: Ports<GoLiveStore & IncidentStore & ChallengeStore>,
  goLiveId: string,
  filter: { status?: 'open' | 'resolved'; maxPriority?: number },
): Promise<Incident[]> {
  await requireGoLive(s, goLiveId);
  const [all, challenges] = await Promise.all([s.repo.listIncidents(goLiveId), s.repo.listChallenges(goLiveId)]);
  return all
    .filter((i) => (!filter.status || i.status === filter.status) && (!filter.maxPriority || i.priority <= filter.maxPriority))
    .map((i) => incidentWithLinks(i, challenges));
}

/**
 * Challenges and incidents by SD+ reference (R7.5, issue 15 item 4): exact matches first, then
 * those whose reference starts with the query; case, spaces and hyphens do not matter.
 */
export async function searchBySdReference(
  s: Ports<GoLiveStore & IncidentStore & ChallengeStore>,
  goLiveId: string,
  query: string,
): Promise<SdHit[]> {
  await requireGoLive(s, goLiveId);
  const [challenges, incidents] = await Promise.all([s.repo.listChallenges(goLiveId), s.repo.listIncidents(goLiveId)]);
  return searchSdReferences(goLiveId, challenges, incidents, query);
}

/**
 * One incident of a go-live (R9): a point read, not the incident list (issue 16), with the
 * challenges it causes in both directions (issue 15 item 4: the challenges are read for the
 * links named on them); INCIDENT.NOT_FOUND otherwise.
 */
export async function getIncident(
  s: Ports<GoLiveStore & IncidentStore & ChallengeStore>,
  goLiveId: string,
  incidentId: string,
): Promise<Incident> {
  await requireGoLive(s, goLiveId);
  const [found, challenges] = await Promise.all([s.repo.getIncident(goLiveId, incidentId), s.repo.listChallenges(goLiveId)]);
  if (!found) throw notFound('INCIDENT.NOT_FOUND', incidentId);
  return incidentWithLinks(found.value, challenges);
}
