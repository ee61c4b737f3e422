import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import { openThreadedRepository } from '../shared/adapters/embedded/store-thread';
import type { UnitReport } from '../shared/domain/unit-report';
import type { Repository } from '../shared/ports/repository.port';
import { machineInfo } from './lib/machine';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { regionGoLive, storeReport } from './lib/region';
import { median, num, table } from './lib/stats';

/*
 * Issue 13 item 9 — what the store thread costs: the embedded repository on the event loop
 * (EMBEDDED_STORE_THREAD=main, `SqliteRepository`) against the same in a worker thread
 * (`openThreadedRepository`, EMBEDDED_STORE_THREAD=worker), side by side in one run, alternating rounds. Each
 * round is what the unit-report route asks of the store: 200 reporters at once, each reading
 * the go-live (a 2,000-unit region, kept parsed by version) and adding a report, 20 times; with
 * FULL (the default), so concurrent reports share a group commit. Figures per report: process
 * CPU of all threads (`process.cpuUsage`), the main thread's busy time (event-loop utilisation ×
 * wall), and reports a second. Alone: `npx tsc -p bench/tsconfig.json && node dist/bench/store-thread.js`.
 */

const GO_LIVE_ID = 'bench';
const UNITS = 2_000;
const REPORTERS = 200;
const PER_REPORTER = 20;
type Mode = 'main' | 'worker';
const MODES: Mode[] = ['main', 'worker'];

const report = (i: number): UnitReport => storeReport(GO_LIVE_ID, UNITS, i);

async function open(mode: Mode): Promise<Repository> {
  const file = path.join(tmpDir(`store-thread-${mode}`), 'driftpuls.sqlite');
  const repo = mode === 'main' ? SqliteRepository.open(file) : openThreadedRepository(file);
  await repo.saveGoLive(regionGoLive({ id: GO_LIVE_ID, units: UNITS }), null);
  await repo.getGoLive(GO_LIVE_ID);
  return repo;
}

interface Round {
  wallMs: number;
  cpuMicros: number;
  mainMicros: number;
}

async function round(repo: Repository, seq: { n: number }): Promise<Round> {
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: REPORTERS }, async () => {
      for (let i = 0; i < PER_REPORTER; i++) {
        await repo.getGoLive(GO_LIVE_ID);
        await repo.addUnitReport(report(seq.n++));
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const n = REPORTERS * PER_REPORTER;
  return { wallMs, cpuMicros: (cpu.user + cpu.system) / n, mainMicros: (elu.active * 1000) / n };
}

async function main(rounds = 7): Promise<void> {
  const load0 = machineInfo().loadAverage;
  const repos = { main: await open('main'), worker: await open('worker') };
  const results: Record<Mode, Round[]> = { main: [], worker: [] };
  const seq = { n: 0 };
  try {
    await round(repos.main, seq);
    await round(repos.worker, seq);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? MODES : [...MODES].reverse();
      for (const mode of order) results[mode].push(await round(repos[mode], seq));
    }
  } finally {
    await repos.main.close();
    await repos.worker.close();
    removeTmpDirs();
  }
  const load1 = machineInfo().loadAverage;
  const n = REPORTERS * PER_REPORTER;
  const row = (mode: Mode) => {
    const rs = results[mode];
    return {
      perSecond: median(rs.map((x) => (n / x.wallMs) * 1000)),
      cpu: median(rs.map((x) => x.cpuMicros)),
      mainThread: median(rs.map((x) => x.mainMicros)),
    };
  };
  const m = row('main');
  const w = row('worker');
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `Store thread (issue 13 item 9): ${rounds} alternating rounds of ${REPORTERS} reporters × ${PER_REPORTER} ` +
      `(getGoLive + addUnitReport, FULL, ${UNITS}-unit region); load average ${loads(load0)} before, ${loads(load1)} after\n`,
  );
  console.log(
    table(
      ['store', 'reports/s (median)', 'process CPU µs/report (all threads)', 'main-thread busy µs/report'],
      [
        ['event loop (`main`)', num(m.perSecond, 0), num(m.cpu, 1), num(m.mainThread, 1)],
        ['worker thread (`worker`)', num(w.perSecond, 0), num(w.cpu, 1), num(w.mainThread, 1)],
        ['worker ÷ main', `${num(w.perSecond / m.perSecond, 2)}×`, `${num(w.cpu / m.cpu, 2)}×`, `${num(w.mainThread / m.mainThread, 2)}×`],
      ],
    ),
  );
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
