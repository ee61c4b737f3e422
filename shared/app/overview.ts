import type { Ports } from '../ports/app.port';
import type { MeetingStore, StatusSnapshotStore } from '../ports/repository.port';
import { overviewCalendar } from '../domain/calendar-overview';
import { escalationOverview, type EscalationOverview } from '../escalation/domain/challenge';
import { notFound } from '../domain/errors';
import type { Overview } from '../domain/overview';
import { buildOverview } from '../domain/overview';
import { nextMeetings } from './calendar/meetings';

/**
 * The DSL overview (R10.1) from one snapshot read: the cost grows with units, not history.
 * The calendar adds the next meeting of each forum and the overdue reporters (one more
 * short read, for ad-hoc meetings); the escalation adds open challenges and waiting decisions,
 * from the open challenges the snapshot holds (so in Cosmos: two single-partition queries).
 */
export async function getOverview(
  s: Ports<StatusSnapshotStore & MeetingStore, 'clock'>,
  goLiveId: string,
): Promise<Overview & EscalationOverview> {
  const snapshot = await s.repo.getStatusSnapshot(goLiveId);
  if (!snapshot) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  const now = s.clock.now();
  const calendar = overviewCalendar(snapshot.goLive, now, { ...snapshot, nextMeetings: await nextMeetings(s, snapshot.goLive, now) });
  // Open challenges and waiting decisions (R10.1), from the snapshot's open challenges.
  return { ...buildOverview(now, { ...snapshot, calendar }), ...escalationOverview(snapshot.openChallenges, now) };
}
