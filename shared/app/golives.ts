import { z } from 'zod';
import type { Actor } from '../domain/audit';
import { DomainError, notFound, type FieldIssue } from '../domain/errors';
import { GoLiveInput, goLiveInputOf, linkFvisLeads, organisationDrop, type GoLive } from '../domain/golive';
import { applyMergePatch } from '../domain/merge-patch';
import { nextScheduleHistory } from '../domain/schedule';
import type { Ports } from '../ports/app.port';
import type { GoLiveStore } from '../ports/repository.port';
import type { Versioned } from '../ports/repository.port';
import { retryOnConflict } from './retry-on-conflict';

/** Reads a go-live or throws GOLIVE.NOT_FOUND. */
export async function requireGoLive(s: Ports<GoLiveStore>, goLiveId: string): Promise<GoLive> {
  const found = await s.repo.getGoLive(goLiveId);
  if (!found) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  return found.value;
}

const CONCURRENT = {
  sv: 'Driftsättningen ändrades samtidigt av någon annan. Försök igen.',
  en: 'The go-live was changed concurrently. Try again.',
};

/** Writes `input` over `existing` (or creates it): `createdAt` survives, the schedule history grows (R5.2). */
async function save(
  s: Ports<GoLiveStore, 'clock'>,
  goLiveId: string,
  existing: Versioned<GoLive> | undefined,
  input: GoLiveInput,
  actor?: Actor,
) {
  const now = s.clock.now().toISOString();
  const goLive: GoLive = {
    id: goLiveId,
    // The FVIS project lead both ways: named on the förvaltning and holding the role (R11.8).
    ...linkFvisLeads(input),
    // R5.2: a changed schedule becomes a new version in force from now; started meetings keep theirs.
    scheduleHistory: nextScheduleHistory(existing?.value, input.schedules, now),
    createdAt: existing?.value.createdAt ?? now,
    updatedAt: now,
    ...(actor ? { updatedBy: actor } : {}),
  };
  const saved = await s.repo.saveGoLive(goLive, existing ? existing.etag : null);
  return { goLive: saved.value, created: !existing };
}

const listed = (ids: string[]) => (ids.length > 5 ? `${ids.slice(0, 5).join(', ')} … (${ids.length})` : ids.join(', '));

/**
 * Creates or replaces a go-live and its organisation (R2). PUT is idempotent by nature;
 * `createdAt` survives replacement. A concurrent writer between our read and write makes us
 * read again rather than overwrite blindly. A replacement that would drop existing
 * förvaltningar, care units or people is refused (409, the dropped ids named) unless the
 * caller says `replaceOrganisation` (`?replace=organisation`): a PUT with only a schedule
 * must not empty the organisation (issue 13); partial changes are PATCH.
 */
export async function putGoLive(
  s: Ports<GoLiveStore, 'clock'>,
  goLiveId: string,
  input: GoLiveInput,
  actor?: Actor,
  opts: { replaceOrganisation?: boolean } = {},
): Promise<{ goLive: GoLive; created: boolean }> {
  return retryOnConflict(5, CONCURRENT, async () => {
    const existing = await s.repo.getGoLive(goLiveId);
    if (existing && !opts.replaceOrganisation) {
      const drop = organisationDrop(existing.value, input);
      const issues: FieldIssue[] = [];
      // "förvaltningar: a, b; enheter: c", naming units in the reader's language.
      const dropped = (units: string) =>
        [
          drop.forvaltningar.length ? `förvaltningar: ${listed(drop.forvaltningar)}` : '',
          drop.units.length ? `${units}: ${listed(drop.units)}` : '',
        ]
          .filter(Boolean)
          .join('; ');
      if (drop.forvaltningar.length || drop.units.length)
        issues.push({
          field: 'forvaltningar',
          message: { sv: `skulle ta bort ${dropped('enheter')}`, en: `would remove ${dropped('units')}` },
        });
      if (drop.people.length)
        issues.push({
          field: 'people',
          message: { sv: `skulle ta bort personer: ${listed(drop.people)}`, en: `would remove people: ${listed(drop.people)}` },
        });
      if (issues.length)
        throw new DomainError(
          'GOLIVE.WOULD_DROP_ORGANISATION',
          {
            sv:
              'PUT ersätter hela driftsättningen och skulle ta bort delar av organisationen som finns. ' +
              'Skicka hela organisationen, ändra bara det du vill med PATCH (application/merge-patch+json), ' +
              'eller ange ?replace=organisation om de ska tas bort.',
            en:
              'PUT replaces the whole go-live and would remove parts of the existing organisation. ' +
              'Send the whole organisation, change only what you mean with PATCH (application/merge-patch+json), ' +
              'or add ?replace=organisation if they are to go.',
          },
          { issues },
        );
    }
    return save(s, goLiveId, existing, input, actor);
  });
}

const sv = z.locales.sv().localeError;
const en = z.locales.en().localeError;

/**
 * Changes part of a go-live with a JSON Merge Patch (RFC 7396): members the patch names are
 * replaced (arrays whole), `null` removes an optional member (its default applies), members
 * it does not name stay as stored. The result must be a valid go-live (400 naming the field).
 */
export async function patchGoLive(
  s: Ports<GoLiveStore, 'clock'>,
  goLiveId: string,
  patch: Record<string, unknown>,
  actor?: Actor,
): Promise<GoLive> {
  return retryOnConflict(5, CONCURRENT, async () => {
    const existing = await s.repo.getGoLive(goLiveId);
    if (!existing) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
    const merged = applyMergePatch(goLiveInputOf(existing.value), patch);
    const inSv = GoLiveInput.safeParse(merged, { error: sv });
    if (!inSv.success) {
      const inEn = GoLiveInput.safeParse(merged, { error: en });
      const enIssues = inEn.success ? [] : inEn.error.issues;
      throw new DomainError(
        'VALIDATION.FAILED',
        { sv: 'Begäran innehåller ogiltiga fält.', en: 'The request has invalid fields.' },
        {
          issues: inSv.error.issues.map((i, n) => ({
            field: i.path.map(String).join('.') || 'body',
            message: { sv: i.message, en: enIssues[n]?.message ?? i.message },
          })),
        },
      );
    }
    return (await save(s, goLiveId, existing, inSv.data, actor)).goLive;
  });
}

/**
 * Binds a person of the go-live to their Entra object id (R1, issue 13): what an
 * administrator does when someone signs in for the first time and is not yet matched. The
 * same id on the same person again changes nothing; an id another person holds is refused.
 */
export async function bindEntraObjectId(
  s: Ports<GoLiveStore, 'clock'>,
  goLiveId: string,
  personId: string,
  entraObjectId: string,
  actor?: Actor,
): Promise<{ goLive: GoLive; changed: boolean }> {
  return retryOnConflict(
    5,
    { sv: 'Driftsättningen ändrades samtidigt av någon annan. Försök igen.', en: 'The go-live was changed concurrently. Try again.' },
    async () => {
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
    },
  );
}
