import type { AreaStatus } from '../../domain/area-report';
import type { Challenge } from '../../escalation/domain/challenge';
import type { GoLive } from '../../domain/golive';
import type { Incident } from '../../domain/incident';
import type { UnitStatus } from '../../domain/unit-report';

/**
 * Everything the overview needs, read in one go: one single-partition query in Cosmos, plus
 * the go-live itself, which adapters keep parsed by version and only revalidate (issue 17).
 */
export interface StatusSnapshot {
  goLive: GoLive;
  unitStatuses: UnitStatus[];
  areaStatuses: AreaStatus[];
  openIncidents: Incident[];
  /** Challenges still open (raised or triaged, R7), in no particular order: the overview's escalation summary. */
  openChallenges: Challenge[];
}

/**
 * The read model behind the overview (R10): the current status of every unit and area with
 * what is open, across aggregates, in one read. The statuses are written by the report stores.
 */
export interface StatusSnapshotStore {
  /** The go-live, every unit and area status, open incidents and open challenges; undefined if no go-live. */
  getStatusSnapshot(goLiveId: string): Promise<StatusSnapshot | undefined>;
}
