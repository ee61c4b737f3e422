import type { Services } from '../composition';
import { notFound } from '../domain/errors';
import type { Overview } from '../domain/overview';
import { buildOverview } from '../domain/overview';

/** The DSL overview (R10.1) from one snapshot read: the cost grows with units, not history. */
export async function getOverview(s: Pick<Services, 'repo' | 'clock'>, goLiveId: string): Promise<Overview> {
  const snapshot = await s.repo.getStatusSnapshot(goLiveId);
  if (!snapshot) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  return buildOverview(s.clock.now(), snapshot);
}
