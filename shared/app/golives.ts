import type { Actor } from '../domain/audit';
import type { GoLive, GoLiveInput } from '../domain/golive';
import { DomainError, notFound } from '../domain/errors';
import { nextScheduleHistory } from '../domain/schedule';
import type { AppPorts } from '../ports/app.port';
import { retryOnConflict } from './retry-on-conflict';

/** Reads a go-live or throws GOLIVE.NOT_FOUND. */
export async function requireGoLive(s: Pick<AppPorts, 'repo'>, goLiveId: string): Promise<GoLive> {
  const found = await s.repo.getGoLive(goLiveId);
  if (!found) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  return found.value;
}

/**
 * Creates or replaces a go-live and its organisation (R2). PUT is idempotent by nature;
 * `createdAt` survives replacement. A concurrent writer between our read and write makes us
 * read again rather than overwrite blindly.
 */
export async function putGoLive(
  s: Pick<AppPorts, 'repo' | 'clock'>,
  goLiveId: string,
  input: GoLiveInput,
  actor?: Actor,
): Promise<{ goLive: GoLive; created: boolean }> {
  return retryOnConflict(5, { sv: 'Driftsättningen ändrades samtidigt av någon annan. Försök igen.', en: 'The go-live was changed concurrently. Try again.', }, async () => {
    const existing = await s.repo.getGoLive(goLiveId);
    const now = s.clock.now().toISOString();
    const goLive: GoLive = {
      id: goLiveId,
      ...input,
      // R5.2: a changed schedule becomes a new version in force from now; started meetings keep theirs.
      scheduleHistory: nextScheduleHistory(existing?.value, input.schedules, now),
      createdAt: existing?.value.createdAt ?? now,
      updatedAt: now,
      ...(actor ? { updatedBy: actor } : {}),
    };
    const saved = await s.repo.saveGoLive(goLive, existing ? existing.etag : null);
    return { goLive: saved.value, created: !existing };
  });
}

/**
 * Binds a person of the go-live to their Entra object id (R1, issue 13): what an
 * administrator does when someone signs in for the first time and is not yet matched. The
 * same id on the same person again changes nothing; an id another person holds is refused.
 */
export async function bindEntraObjectId(
  s: Pick<AppPorts, 'repo' | 'clock'>,
  goLiveId: string,
  personId: string,
  entraObjectId: string,
  actor?: Actor,
): Promise<{ goLive: GoLive; changed: boolean }> {
  return retryOnConflict(5, { sv: 'Driftsättningen ändrades samtidigt av någon annan. Försök igen.', en: 'The go-live was changed concurrently. Try again.' }, async () => {
    const existing = await s.repo.getGoLive(goLiveId);
    if (!existing) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
    const goLive = existing.value;
    const person = goLive.people.find((p) => p.id === personId);
    if (!person) throw notFound('PERSON.NOT_FOUND', personId);
    const holder = goLive.people.find((p) => p.entraObjectId === entraObjectId);
    if (holder && holder.id !== personId)
      throw new DomainError('PERSON.OBJECT_ID_TAKEN', {
        sv: `Entra-objekt-id ${entraObjectId} hör redan till ${holder.name} (${holder.id}).`,
        en: `Entra object id ${entraObjectId} already belongs to ${holder.name} (${holder.id}).`,
      });
    if (person.entraObjectId === entraObjectId) return { goLive, changed: false };
    const updated: GoLive = {
      ...goLive,
      people: goLive.people.map((p) => (p.id === personId ? { ...p, entraObjectId } : p)),
      updatedAt: s.clock.now().toISOString(),
      ...(actor ? { updatedBy: actor } : {}),
    };
    const saved = await s.repo.saveGoLive(updated, existing.etag);
    return { goLive: saved.value, changed: true };
  });
}
