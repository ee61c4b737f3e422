import fs from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import { retrying } from '../shared/adapters/resilience/retrying.repository';
import { getAgenda } from '../shared/app/calendar/agenda';
import { escalationAgendaSources } from '../shared/escalation/app/challenges';
import { getOverview } from '../shared/app/overview';
import { buildOverview } from '../shared/domain/overview';
import type { GoLive } from '../shared/domain/golive';
import { meetingsBetween } from '../shared/domain/meetings';
import type { Repository } from '../shared/ports/repository.port';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { areaReportsOfDay, challenges, FIRST_DAY, incidents, LAST_DAY, localInstant, regionGoLive, unitReportsOfDay } from './lib/region';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { kb, mb, median, ms, num, percentile, ratio } from './lib/stats';

/*
 * Part 2 — region scale, from the embedded store. A go-live of 500 and of 2,000 units with a
 * quarter as many challenges and a fortieth as many incidents (2,000 units: 500 challenges,
 * 50 incidents), the seven delivery areas, six reports a day per unit and area. Each size is
 * measured with one day of history, then again after the other seven days are loaded (day −1
 * to day 6): the same current state, eight times the history. The use cases are the app's own
 * (`getOverview`, `getAgenda` with the escalation's agenda sources), timed as medians.
 *
 * Run with --expose-gc and a 64 MB young generation (the runner does), so the heap grown
 * during one call is what that call allocated.
 */

const RUNS = 11;
const WARMUP = 3;
const GO_LIVE_ID = 'region';
/** Day 6 (the last of the week) at 16:40 local: inside the reporting day, after the last reports. */
const NOW = localInstant(LAST_DAY, '16:40');

type Kind = 'snapshot' | 'overview' | 'agenda' | 'build' | 'challenges';

interface Measure {
  wall: number[];
  cpu: number[];
  allocatedBytes: number;
  gcDuringAllocation: boolean;
  resultBytes: number;
}

interface Row {
  units: number;
  days: number;
  reports: number;
  challenges: number;
  incidents: number;
  storeBytes: number;
  loadSeconds: number;
  m: Record<Kind, Measure>;
  meetingId: string;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

let gcCount = 0;
new PerformanceObserver((list) => (gcCount += list.getEntries().length)).observe({ entryTypes: ['gc'] });

async function timed(fn: () => Promise<unknown>, into: Measure): Promise<void> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  into.wall.push(performance.now() - t);
  const d = process.cpuUsage(c);
  into.cpu.push((d.user + d.system) / 1000);
}

/**
 * One more call for memory: after a full collection, the heap grown during the call is what
 * it allocated (the young generation is large enough to hold it without a scavenge).
 */
async function allocation(fn: () => Promise<unknown>, into: Measure): Promise<void> {
  gc();
  // Let the observer deliver the entry of that collection before counting.
  await new Promise((r) => setTimeout(r, 20));
  const gcsBefore = gcCount;
  const before = process.memoryUsage().heapUsed;
  const result = await fn();
  into.allocatedBytes = process.memoryUsage().heapUsed - before;
  await new Promise((r) => setTimeout(r, 20));
  into.gcDuringAllocation = gcCount !== gcsBefore;
  into.resultBytes = Buffer.byteLength(JSON.stringify(result) ?? '');
}

/** A DSL meeting on the last day that has a previous DSL (so the agenda reads the areas' history for trends). */
function dslMeeting(goLive: GoLive): string {
  const meetings = meetingsBetween(goLive, localInstant(LAST_DAY - 1, '00:00'), localInstant(LAST_DAY + 1, '00:00'), { forum: 'DSL' });
  const before = meetings.filter((m) => m.start <= NOW.toISOString());
  const chosen = before.length >= 2 ? before[before.length - 1] : meetings[1];
  if (!chosen) throw new Error(`no DSL meeting around ${NOW.toISOString()} in the default schedule`);
  return chosen.id;
}

async function loadDays(repo: Repository, goLive: GoLive, days: number[]): Promise<number> {
  let n = 0;
  for (const day of days) {
    for (const r of unitReportsOfDay(goLive, day)) {
      await repo.addUnitReport(r);
      n++;
    }
    for (const r of areaReportsOfDay(goLive, day)) await repo.addAreaReport(r);
  }
  return n;
}

const storeBytes = (file: string): number => fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

/**
 * Two stores of one size with the same current state: one holding day 6, one holding all
 * eight days (a copy of the first, then days −1 to 5, which are older and leave every current
 * status as it was). Both are measured in alternation, so a busy machine slows both alike.
 */
async function size(units: number): Promise<Row[]> {
  const dir = tmpDir(`region-${units}`);
  const oneDayFile = path.join(dir, 'one-day.sqlite');
  const weekFile = path.join(dir, 'week.sqlite');
  const goLive = regionGoLive({ id: GO_LIVE_ID, units });
  const cs = challenges(goLive, Math.round(units / 4));
  const is = incidents(goLive, Math.round(units / 40));

  let t = performance.now();
  // Loading is not measured: NORMAL spares it an fsync per report (with FULL, the default, 96,000 single commits take ~12 minutes).
  const first = SqliteRepository.open(oneDayFile, { synchronous: 'NORMAL' });
  await first.saveGoLive(goLive, null);
  for (const c of cs) await first.createChallenge(c);
  for (const i of is) await first.createIncident(i);
  const dayReports = await loadDays(first, goLive, [LAST_DAY]);
  await first.close();
  const oneDaySeconds = (performance.now() - t) / 1000;
  fs.copyFileSync(oneDayFile, weekFile);
  t = performance.now();
  const week = SqliteRepository.open(weekFile, { synchronous: 'NORMAL' });
  const olderReports = await loadDays(
    week,
    goLive,
    Array.from({ length: LAST_DAY - FIRST_DAY }, (_, i) => FIRST_DAY + i),
  );
  await week.close();
  const weekSeconds = (performance.now() - t) / 1000;
  console.log(
    `  ${units} units: ${num(dayReports, 0)} + ${num(olderReports, 0)} unit reports loaded in ${num(oneDaySeconds, 1)} + ${num(weekSeconds, 1)} s; measuring…`,
  );

  const meetingId = dslMeeting(goLive);
  const stores = [
    { days: 1, file: oneDayFile, reports: dayReports, loadSeconds: oneDaySeconds },
    { days: LAST_DAY - FIRST_DAY + 1, file: weekFile, reports: dayReports + olderReports, loadSeconds: oneDaySeconds + weekSeconds },
  ].map((st) => {
    // As the app wires it: every store call through the retry layer.
    const repo = retrying(SqliteRepository.open(st.file));
    const services = { repo, clock: { now: () => NOW } };
    const sources = escalationAgendaSources({ repo });
    const ops: Record<Kind, () => Promise<unknown>> = {
      snapshot: () => repo.getStatusSnapshot(GO_LIVE_ID),
      overview: () => getOverview(services, GO_LIVE_ID),
      agenda: () => getAgenda(services, GO_LIVE_ID, meetingId, 'sv', sources),
      // Pieces, to say where the time goes: the overview's pure roll-up without the calendar; one challenge list.
      build: async () => buildOverview(NOW, (await repo.getStatusSnapshot(GO_LIVE_ID))!),
      challenges: () => repo.listChallenges(GO_LIVE_ID),
    };
    const empty = (): Measure => ({ wall: [], cpu: [], allocatedBytes: 0, gcDuringAllocation: false, resultBytes: 0 });
    const m: Record<Kind, Measure> = { snapshot: empty(), overview: empty(), agenda: empty(), build: empty(), challenges: empty() };
    return { ...st, repo, ops, m };
  });
  const kinds: Kind[] = ['snapshot', 'overview', 'agenda', 'build', 'challenges'];
  for (const st of stores) for (const k of kinds) for (let i = 0; i < WARMUP; i++) await st.ops[k]();
  for (let i = 0; i < RUNS; i++) for (const k of kinds) for (const st of stores) await timed(st.ops[k], st.m[k]);
  for (const st of stores) for (const k of kinds) await allocation(st.ops[k], st.m[k]);

  const rows: Row[] = [];
  for (const st of stores) {
    await st.repo.close();
    rows.push({
      units,
      days: st.days,
      reports: st.reports,
      challenges: cs.length,
      incidents: is.length,
      storeBytes: storeBytes(st.file),
      loadSeconds: st.loadSeconds,
      m: st.m,
      meetingId,
    });
    console.log(
      `    ${st.days} day(s): overview ${ms(median(st.m.overview.wall), 1)}, DSL agenda ${ms(median(st.m.agenda.wall), 1)} (median of ${RUNS})`,
    );
  }
  return rows;
}

async function main(): Promise<PartResult> {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('Run with --expose-gc for memory figures (the runner does).');
  const rows = [...(await size(500)), ...(await size(2000))];
  removeTmpDirs();

  const wall = (m: Measure) => median(m.wall);
  const cpu = (m: Measure) => median(m.cpu);
  const cell = (m: Measure) =>
    `${ms(wall(m), 1)} (p90 ${ms(
      percentile(
        [...m.wall].sort((a, b) => a - b),
        90,
      ),
      1,
    )})`;
  const alloc = (m: Measure) => `${mb(m.allocatedBytes)}${m.gcDuringAllocation ? '*' : ''}`;
  const find = (units: number, days: number) => rows.find((r) => r.units === units && r.days === days)!;
  const big = find(2000, 8).m;
  const bigOneDay = find(2000, 1).m;
  const small = find(500, 8).m;
  const smallOneDay = find(500, 1).m;
  const grow = (a: Record<Kind, Measure>, b: Record<Kind, Measure>, k: Kind) => ratio(cpu(a[k]) / cpu(b[k]));
  const historyRatio = Math.max(cpu(big.overview) / cpu(bigOneDay.overview), cpu(big.agenda) / cpu(bigOneDay.agenda));

  const targets: TargetCheck[] = [
    {
      name: 'overview, 2,000 units, 8 days, embedded store',
      target: '< 50 ms',
      measured: `${ms(wall(big.overview), 1)} (CPU ${ms(cpu(big.overview), 1)})`,
      met: wall(big.overview) < 50,
    },
    {
      name: 'DSL agenda, 2,000 units, 8 days, embedded store',
      target: '< 100 ms',
      measured: `${ms(wall(big.agenda), 1)} (CPU ${ms(cpu(big.agenda), 1)})`,
      met: wall(big.agenda) < 100,
    },
    {
      name: 'cost does not grow with history (8 days ÷ 1 day, 2,000 units)',
      target: '≤ 1.25× CPU',
      measured: `overview ${grow(big, bigOneDay, 'overview')}, agenda ${grow(big, bigOneDay, 'agenda')}`,
      met: historyRatio <= 1.25,
    },
  ];
  const b = find(2000, 8);
  return {
    part: 'region',
    title: '2. Region scale (overview and DSL agenda from the embedded store)',
    tables: [
      {
        title: `Median wall time of ${RUNS} runs after ${WARMUP} warm-up runs (p90 in brackets); CPU = this process's CPU time per call; allocated = heap grown during one call`,
        header: [
          'units',
          'history',
          'unit reports stored',
          'challenges / incidents',
          'store',
          'status snapshot read',
          'overview (getOverview)',
          'overview CPU',
          'overview allocated',
          'DSL agenda (getAgenda)',
          'agenda CPU',
          'agenda allocated',
          'agenda JSON',
        ],
        rows: rows.map((r) => [
          num(r.units, 0),
          `${r.days} day${r.days > 1 ? 's' : ''}`,
          num(r.reports, 0),
          `${r.challenges} / ${r.incidents}`,
          mb(r.storeBytes),
          ms(wall(r.m.snapshot), 1),
          cell(r.m.overview),
          ms(cpu(r.m.overview), 1),
          alloc(r.m.overview),
          cell(r.m.agenda),
          ms(cpu(r.m.agenda), 1),
          alloc(r.m.agenda),
          kb(r.m.agenda.resultBytes),
        ]),
      },
      {
        title: 'How the cost grows (ratios of median CPU time per call; both stores of a size measured in alternation)',
        header: ['comparison', 'overview', 'DSL agenda', 'status snapshot read'],
        rows: [
          [
            '8 days ÷ 1 day of history, 2,000 units',
            grow(big, bigOneDay, 'overview'),
            grow(big, bigOneDay, 'agenda'),
            grow(big, bigOneDay, 'snapshot'),
          ],
          [
            '8 days ÷ 1 day of history, 500 units',
            grow(small, smallOneDay, 'overview'),
            grow(small, smallOneDay, 'agenda'),
            grow(small, smallOneDay, 'snapshot'),
          ],
          [
            '2,000 ÷ 500 units (and 4× the open items), 8 days',
            grow(big, small, 'overview'),
            grow(big, small, 'agenda'),
            grow(big, small, 'snapshot'),
          ],
        ],
      },
      {
        title: 'Where the time goes, 2,000 units, 8 days (median CPU per call)',
        header: ['piece', 'CPU', 'share'],
        rows: [
          ['getOverview, whole use case', ms(cpu(big.overview), 1), '100 %'],
          [
            '  status snapshot read (go-live version check + 2,000 unit statuses + areas + open incidents and challenges, zod-parsed)',
            ms(cpu(big.snapshot), 1),
            `${num((100 * cpu(big.snapshot)) / cpu(big.overview), 0)} %`,
          ],
          [
            '  buildOverview without the calendar (roll-up; staleness is one instant per call)',
            ms(cpu(big.build) - cpu(big.snapshot), 1),
            `${num((100 * (cpu(big.build) - cpu(big.snapshot))) / cpu(big.overview), 0)} %`,
          ],
          [
            '  the rest: what getOverview adds around the roll-up (calendar: next meetings, overdue reporters; escalation: open challenges)',
            ms(cpu(big.overview) - cpu(big.build), 1),
            `${num((100 * (cpu(big.overview) - cpu(big.build))) / cpu(big.overview), 0)} %`,
          ],
          ['getAgenda (DSL), whole use case', ms(cpu(big.agenda), 1), '100 %'],
          ['  status snapshot read', ms(cpu(big.snapshot), 1), `${num((100 * cpu(big.snapshot)) / cpu(big.agenda), 0)} %`],
          [
            '  listChallenges (500 challenges, zod-parsed), twice: challenge and decision sections',
            ms(2 * cpu(big.challenges), 1),
            `${num((200 * cpu(big.challenges)) / cpu(big.agenda), 0)} %`,
          ],
          [
            '  the rest: meetings, area histories, building the sections',
            ms(cpu(big.agenda) - cpu(big.snapshot) - 2 * cpu(big.challenges), 1),
            `${num((100 * (cpu(big.agenda) - cpu(big.snapshot) - 2 * cpu(big.challenges))) / cpu(big.agenda), 0)} %`,
          ],
        ],
      },
    ],
    targets,
    notes: [
      `Agenda: the DSL meeting ${b.meetingId} at ${NOW.toISOString()} (day 6, 16:40 local), with its ` +
        `previous DSL, so it reads each area's last 50 reports for the trend, and the challenges twice ` +
        `(challenge and decision sections).`,
      `Data is loaded straight through SqliteRepository (addUnitReport per report, so every current status ` +
        `is written as the API writes it): ${num(b.reports, 0)} unit reports took ${num(b.loadSeconds, 0)} s. ` +
        `The use cases run through the retrying repository as in the app.`,
      '"*" after an allocation: a garbage collection ran during that call, so the figure is a lower bound.',
      "Wall time includes waiting for a core when other processes run; CPU time is this process's own work. On an idle machine wall ≈ CPU.",
    ],
    data: rows,
  };
}

runPart('region', '2. Region scale', main);
