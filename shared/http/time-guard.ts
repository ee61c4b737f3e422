import type { FieldIssue } from '../domain/errors';
import type { GoLive } from '../domain/golive';
import { instantsIn, instantsOutsideWindow } from '../domain/time-window';
import type { Versioned } from '../ports/repository.port';

/**
 * The instants of a JSON body outside its go-live's window (shared/domain/time-window.ts).
 * The window's start is the body's own `startDate` when it names one (a go-live being
 * written), else the stored go-live's; the go-live is read only when the body has an instant.
 */
export async function instantsOutsideGoLive(
  body: unknown,
  goLiveId: unknown,
  repo: { getGoLive(id: string): Promise<Versioned<GoLive> | undefined> },
): Promise<FieldIssue[]> {
  const instants = instantsIn(body);
  if (!instants.length) return [];
  const own =
    body && typeof body === 'object' && typeof (body as { startDate?: unknown }).startDate === 'string'
      ? (body as { startDate: string }).startDate
      : undefined;
  const startDate = own ?? (typeof goLiveId === 'string' ? (await repo.getGoLive(goLiveId))?.value.startDate : undefined);
  return startDate ? instantsOutsideWindow(instants, startDate) : [];
}
