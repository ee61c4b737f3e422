import path from 'node:path';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import type { UnitReport } from '../shared/domain/unit-report';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { regionGoLive, storeReport } from './lib/region';
import type { PartResult } from './lib/result';
import { median, num } from './lib/stats';

/*
 * Part 1, store level — what EMBEDDED_SYNCHRONOUS=FULL (the default since issue 13) costs at
 * intake against NORMAL, side by side in one run: the same SqliteRepository, the same
 * reports, alternating rounds so drift in the machine hits both alike. Wall time, not CPU:
 * FULL's cost is the fsync of the WAL at each commit, which is waiting, not computing.
 * Kept apart from intake.ts's HTTP scenarios (one table, one note).
 */

const GO_LIVE_ID = 'bench';
const UNITS = 200;
type Mode = 'NORMAL' | 'FULL';
const MODES: Mode[] = ['NORMAL', 'FULL'];

const report = (i: number): UnitReport => storeReport(GO_LIVE_ID, UNITS, i);

async function open(mode: Mode): Promise<SqliteRepository> {
  const repo = SqliteRepository.open(path.join(tmpDir(`sync-${mode}`), 'driftpuls.sqlite'), { synchronous: mode });
  await repo.saveGoLive(regionGoLive({ id: GO_LIVE_ID, units: UNITS }), null);
  return repo;
}

/** Microseconds of wall time per call of `fn`, over `n` calls one after another. */
async function wallMicros(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

export async function synchronousCost(rounds = 5): Promise<{ table: PartResult['tables'][number]; note: string; data: unknown }> {
  const single: Record<Mode, number[]> = { NORMAL: [], FULL: [] };
  const batch: Record<Mode, number[]> = { NORMAL: [], FULL: [] };
  const repos = { NORMAL: await open('NORMAL'), FULL: await open('FULL') };
  let seq = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? MODES : [...MODES].reverse();
      for (const mode of order) {
        // One report per commit, as a reporter's POST stores it.
        single[mode].push(await wallMicros(500, () => repos[mode].addUnitReport(report(seq++))));
        // 1,000 reports in one commit, as an import stores a page of rows.
        batch[mode].push((await wallMicros(5, () => repos[mode].addUnitReports(Array.from({ length: 1000 }, () => report(seq++))))) / 1000);
      }
    }
  } finally {
    await repos.NORMAL.close();
    await repos.FULL.close();
  }
  const m = (xs: number[]) => median(xs);
  const rows = MODES.map((mode) => [
    mode === 'FULL' ? 'FULL (default)' : 'NORMAL',
    num(m(single[mode]), 0),
    num(1e6 / m(single[mode]), 0),
    num(m(batch[mode]), 1),
    num(1e6 / m(batch[mode]), 0),
  ]);
  rows.push(['FULL ÷ NORMAL', `${num(m(single.FULL) / m(single.NORMAL), 2)}×`, '', `${num(m(batch.FULL) / m(batch.NORMAL), 2)}×`, '']);
  return {
    table: {
      title: `EMBEDDED_SYNCHRONOUS at intake, store level: SqliteRepository on a go-live of ${UNITS} units, median of ${rounds} alternating rounds (wall time, one process)`,
      header: [
        'synchronous',
        'addUnitReport µs (1 per commit)',
        'reports/s',
        'addUnitReports µs per report (1,000 per commit)',
        'reports/s',
      ],
      rows,
    },
    note:
      `FULL syncs the WAL at every commit: ${num(m(single.FULL) - m(single.NORMAL), 0)} µs more per single ` +
      `report (${num(m(single.FULL) / m(single.NORMAL), 2)}× NORMAL) on this machine's disk; an import's ` +
      `page of 1,000 reports shares one sync, so there the difference is ` +
      `${num(m(batch.FULL) / m(batch.NORMAL), 2)}×. What FULL buys: with NORMAL, 70 of 1,045 acknowledged ` +
      `writes were lost when the file system went read-only (issue 13); with FULL, 0.`,
    data: { single, batch },
  };
}

if (require.main === module) {
  void synchronousCost().then((r) => {
    console.log(`**${r.table.title}**\n`);
    console.log(`| ${r.table.header.join(' | ')} |`);
    console.log(`|${r.table.header.map(() => '---').join('|')}|`);
    for (const row of r.table.rows) console.log(`| ${row.join(' | ')} |`);
    console.log(`\n${r.note}`);
    removeTmpDirs();
  });
}
