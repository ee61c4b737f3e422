import type { AreaReport } from '../../shared/domain/area-report';
import type { Challenge } from '../../shared/escalation/domain/challenge';
import type { GoLive } from '../../shared/domain/golive';
import type { Incident } from '../../shared/domain/incident';
import { meetingsBetween } from '../../shared/domain/meetings';
import type { UnitReport } from '../../shared/domain/unit-report';
import { areaReportsOfDay, challenges, incidents, LAST_DAY, localInstant, unitReportsOfDay } from './region';

/*
 * One region in a store, as the benchmarks that need a loaded store set it up (cosmos.ts,
 * intake.ts): the organisation, the last day's reports, open challenges and incidents, and the
 * DSL meeting whose agenda they read.
 */

/** What seeding writes through: the embedded or the Cosmos repository. */
export interface RegionStore {
  saveGoLive(goLive: GoLive, etag: null): Promise<unknown>;
  addUnitReport(report: UnitReport): Promise<unknown>;
  addUnitReports?(reports: UnitReport[]): Promise<unknown>;
  addAreaReport(report: AreaReport): Promise<unknown>;
  createChallenge(challenge: Challenge): Promise<unknown>;
  createIncident(incident: Incident): Promise<unknown>;
}

/** Calls `fn` for every item, at most `limit` at once. */
export async function mapLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
    }),
  );
}

/**
 * Writes `goLive` and its last day (day 6): every unit's and area's reports of the day, or with
 * `latestOnly` each one's last report (every sixth: six report times a day), then `challenges`
 * challenges and `incidents` incidents. With `parallel` the writes go that many at once (a store
 * over the network); without, the unit reports go in one batch where the store has one.
 */
export async function seedRegion(
  store: RegionStore,
  goLive: GoLive,
  opts: { challenges: number; incidents: number; latestOnly?: boolean; parallel?: number },
): Promise<void> {
  const keep = <T>(items: T[]) => (opts.latestOnly ? items.filter((_, i) => i % 6 === 5) : items);
  const each = <T>(items: readonly T[], fn: (t: T) => Promise<unknown>) => mapLimited(items, opts.parallel ?? 1, fn);
  await store.saveGoLive(goLive, null);
  const unitReports = keep(unitReportsOfDay(goLive, LAST_DAY));
  if (store.addUnitReports && !opts.parallel) await store.addUnitReports(unitReports);
  else await each(unitReports, (r) => store.addUnitReport(r));
  for (const r of keep(areaReportsOfDay(goLive, LAST_DAY))) await store.addAreaReport(r);
  await each(challenges(goLive, opts.challenges), (c) => store.createChallenge(c));
  await each(incidents(goLive, opts.incidents), (i) => store.createIncident(i));
}

/** The last DSL meeting of the last day that has started by `now`. */
export function lastDslBefore(goLive: GoLive, now: Date): string {
  const dsl = meetingsBetween(goLive, localInstant(LAST_DAY, '00:00'), localInstant(LAST_DAY + 1, '00:00'), { forum: 'DSL' });
  const id = dsl.filter((m) => m.start <= now.toISOString()).at(-1)?.id;
  if (!id) throw new Error(`no DSL meeting on day ${LAST_DAY} before ${now.toISOString()}`);
  return id;
}
