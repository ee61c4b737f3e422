import type { Challenge } from '../escalation/domain/challenge';
import type { Incident } from './incident';
import { union } from './incident';
import { pages } from './pages';

/**
 * Incidents and the challenges they cause (issue 15 item 4, R7.5, R9). A link is stored on
 * the side it was named on — `incidentIds` on a challenge (raised or updated naming them),
 * `challengeIds` on an incident (registered or updated naming them) — and read in both
 * directions: each side shows its own ids and every record of the other side that names it.
 * One write per link, so the two directions can never disagree.
 */
type C = Pick<Challenge, 'id' | 'incidentIds'>;
type I = Pick<Incident, 'id' | 'challengeIds'>;

/** The challenge with `incidentIds` = its own and every incident's that names it. */
export function challengeWithLinks<T extends C>(c: T, incidents: readonly I[]): T {
  return {
    ...c,
    incidentIds: union(
      c.incidentIds,
      incidents.filter((i) => i.challengeIds?.includes(c.id)).map((i) => i.id),
    ),
  };
}

/** The incident with `challengeIds` = its own and every challenge's that names it (always a list). */
export function incidentWithLinks<T extends I>(i: T, challenges: readonly C[]): T & { challengeIds: string[] } {
  return {
    ...i,
    challengeIds: union(
      i.challengeIds,
      challenges.filter((c) => c.incidentIds.includes(i.id)).map((c) => c.id),
    ),
  };
}

/**
 * SD+ references (R7.5) compared as people type them: case, spaces and hyphens do not
 * matter ("sd 1042" finds "SD-1042").
 */
export const sdKey = (ref: string): string => ref.toUpperCase().replace(/[\s-]+/g, '');

export type SdMatch = 'exact' | 'prefix';

/** How `refs` match `query`: `exact` if one equals it, `prefix` if one starts with it, else undefined. */
export function sdMatch(refs: readonly string[], query: string): { match: SdMatch; references: string[] } | undefined {
  const q = sdKey(query);
  if (!q) return undefined;
  const exact = refs.filter((r) => sdKey(r) === q);
  if (exact.length) return { match: 'exact', references: exact };
  const prefix = refs.filter((r) => sdKey(r).startsWith(q));
  return prefix.length ? { match: 'prefix', references: prefix } : undefined;
}

export interface SdHit {
  type: 'challenge' | 'incident';
  id: string;
  title: string;
  /** The challenge's state or the incident's status. */
  state: string;
  /** When it was raised / opened. */
  at: string;
  match: SdMatch;
  /** The record's SD+ references that matched. */
  references: string[];
  /** Its page (shared/domain/pages.ts). */
  link: string;
}

/** Challenges and incidents whose SD+ references match `query`: exact matches first, then newest first. */
export function searchSdReferences(
  goLiveId: string,
  challenges: readonly Pick<Challenge, 'id' | 'title' | 'state' | 'raisedAt' | 'sdReferences'>[],
  incidents: readonly Pick<Incident, 'id' | 'title' | 'status' | 'openedAt' | 'sdReference'>[],
  query: string,
): SdHit[] {
  const hits: SdHit[] = [];
  for (const c of challenges) {
    const m = sdMatch(c.sdReferences, query);
    if (m)
      hits.push({
        type: 'challenge',
        id: c.id,
        title: c.title,
        state: c.state,
        at: c.raisedAt,
        ...m,
        link: pages.challenge(goLiveId, c.id),
      });
  }
  for (const i of incidents) {
    const m = sdMatch(i.sdReference ? [i.sdReference] : [], query);
    if (m)
      hits.push({
        type: 'incident',
        id: i.id,
        title: i.title,
        state: i.status,
        at: i.openedAt,
        ...m,
        link: pages.incident(goLiveId, i.id),
      });
  }
  const rank = (h: SdHit) => (h.match === 'exact' ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
}
