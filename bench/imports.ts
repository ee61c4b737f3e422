import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { configureServices, getServices } from '../shared/composition';
import { DEFAULT_AREAS } from '../shared/domain/golive';
import { startLocalRuntime } from '../local/runtime';
import { captureApp } from './lib/app';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { regionGoLive, unitId } from './lib/region';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { median, num, percentile } from './lib/stats';

/*
 * Part 7 — the organisation import at size (issue 13 item 9). The local runtime in-process
 * (embedded store, simulated clock), an organisation CSV of 2,000 / 8,000 / 20,000 people
 * posted to `POST golives/{id}/imports/organisation` while four connections keep asking for
 * other things (`GET health`, `GET golives/{id}/overview` of a 200-unit go-live), each the
 * moment its previous answer came. Per size two imports: the list into a go-live without
 * those people (every row creates), then the same list again (every row finds its person by
 * e-mail: the look-up path). Measured: the import's wall and CPU time (the process's, so the
 * other requests' CPU is in it too), the longest event-loop stall during it
 * (`perf_hooks.monitorEventLoopDelay`, 10 ms resolution), and the other requests' latency.
 *
 *   node dist/bench/imports.js [--sizes 2000,8000] [--runs 3]
 */

const NOW = new Date('2026-11-27T10:00:00Z');
const OTHER = 'bench-andra';
const CONNECTIONS = 4;

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (arg('--sizes') ?? '2000,8000,20000').split(',').map(Number);
const RUNS = Number(arg('--runs') ?? '3');

/** n people a förvaltning would list: name, e-mail, roles, a unit, an area, the förvaltning. */
function peopleCsv(n: number, units: number): string {
  const lines = ['Namn;E-post;Roller;Enheter;Områden;Förvaltning'];
  for (let i = 0; i < n; i++) {
    const unit = i % units;
    const area = DEFAULT_AREAS[i % DEFAULT_AREAS.length]!.name;
    const roles = i % 10 === 0 ? 'Kontaktperson' : 'Verksamhetens rapportör';
    lines.push(
      `Importerad ${i} Personsson;importerad.${i}@region.invalid;${roles};${unitId(unit)};${area};forvaltning-${Math.floor(unit / 100)}`,
    );
  }
  return lines.join('\r\n');
}

interface ImportRun {
  size: number;
  kind: 'create' | 'again';
  wallMs: number;
  cpuMs: number;
  stallMaxMs: number;
  stallP99Ms: number;
  others: number;
  otherP50Ms: number;
  otherP99Ms: number;
  otherMaxMs: number;
  /** Answers other than 200 (by status; `failed` for no answer), e.g. 503 when the host shed the request. */
  otherErrors: Record<string, number>;
  load: number[];
}

async function main(): Promise<PartResult> {
  Object.assign(process.env, { AUTH_MODE: 'dev', COSMOS_ENDPOINT: '', COSMOS_KEY: '' });
  const loadBefore = os.loadavg().map((l) => num(l, 2));
  const dataDir = tmpDir('imports');
  const registry = captureApp();
  configureServices({ notifications: { log: () => undefined } });
  const yearly = '0 0 0 1 1 *';
  const settings = { ...process.env, HEARTBEAT_SCHEDULE: yearly, SCHEDULE_TICK: yearly, NOTIFY_SCHEDULE: yearly };
  const rt = await startLocalRuntime({
    port: 0,
    clock: 'simulated',
    start: NOW,
    demo: false,
    dataDir,
    registry,
    settings,
    log: () => undefined,
  });
  const { repo } = await getServices();
  const UNITS = 200;
  await repo.saveGoLive(regionGoLive({ id: OTHER, units: UNITS }), null);

  const runs: ImportRun[] = [];
  try {
    for (const size of SIZES) {
      const csv = Buffer.from(peopleCsv(size, UNITS), 'utf8');
      for (let r = 0; r < RUNS; r++) {
        const id = `import-${size}-${r}`;
        // The go-live the list goes into: the region's 200 units, no people yet (a go-live holds 20,000 at most).
        await repo.saveGoLive({ ...regionGoLive({ id, units: UNITS }), people: [] }, null);
        for (const kind of ['create', 'again'] as const) {
          const run = await measure(rt.url, id, csv, size, kind);
          runs.push(run);
          console.log(
            `  ${num(size)} people, ${kind}: ${num(run.wallMs / 1000, 2)} s wall, ${num(run.cpuMs / 1000, 2)} s CPU, ` +
              `longest stall ${num(run.stallMaxMs, 0)} ms; other requests ${run.others}, p99 ${num(run.otherP99Ms, 0)} ms, ` +
              `max ${num(run.otherMaxMs, 0)} ms; load ${run.load.join(' ')}`,
          );
        }
      }
    }
  } finally {
    await rt.close();
    removeTmpDirs();
  }

  const rows: string[][] = [];
  const summary: Record<string, { wall: number; cpu: number; stall: number; otherMax: number }> = {};
  for (const size of SIZES)
    for (const kind of ['create', 'again'] as const) {
      const of = runs.filter((x) => x.size === size && x.kind === kind);
      const m = (f: (x: ImportRun) => number) => median(of.map(f));
      summary[`${size}/${kind}`] = {
        wall: m((x) => x.wallMs),
        cpu: m((x) => x.cpuMs),
        stall: m((x) => x.stallMaxMs),
        otherMax: m((x) => x.otherMaxMs),
      };
      rows.push([
        num(size),
        kind === 'create' ? 'new people' : 'same list again',
        `${num(m((x) => x.wallMs) / 1000, 2)} s`,
        `${num(m((x) => x.cpuMs) / 1000, 2)} s`,
        `${num((m((x) => x.wallMs) / size / 1000) * 1e6, 0)} µs`,
        `${num(
          m((x) => x.stallMaxMs),
          0,
        )} ms (p99 ${num(
          m((x) => x.stallP99Ms),
          0,
        )})`,
        `${num(
          m((x) => x.others),
          0,
        )}, p50 ${num(
          m((x) => x.otherP50Ms),
          0,
        )} / p99 ${num(
          m((x) => x.otherP99Ms),
          0,
        )} / max ${num(
          m((x) => x.otherMaxMs),
          0,
        )} ms${notOk(of)}`,
        of.map((x) => x.load[0]).join(', '),
      ]);
    }
  const largest = Math.max(...SIZES);
  const smallest = Math.min(...SIZES);
  const growth = (kind: 'create' | 'again') =>
    summary[`${largest}/${kind}`]!.cpu / largest / (summary[`${smallest}/${kind}`]!.cpu / smallest);
  const targets: TargetCheck[] = [
    {
      name: `organisation import, CPU per person, ${num(largest)} ÷ ${num(smallest)} people (same list again)`,
      target: '≤ 2× (linear work)',
      measured: `${num(growth('again'), 2)}× (new people: ${num(growth('create'), 2)}×)`,
      met: growth('again') <= 2,
    },
    {
      name: `organisation import of ${num(largest)} people: longest event-loop stall`,
      target: '< 1 s',
      measured: `${num(Math.max(summary[`${largest}/create`]!.stall, summary[`${largest}/again`]!.stall), 0)} ms`,
      met: Math.max(summary[`${largest}/create`]!.stall, summary[`${largest}/again`]!.stall) < 1000,
    },
  ];
  return {
    part: 'imports',
    title: 'Organisation import at size (issue 13 item 9)',
    tables: [
      {
        title: `POST golives/{id}/imports/organisation (CSV) with ${CONNECTIONS} connections asking for health and an overview meanwhile; median of ${RUNS}`,
        header: [
          'people',
          'list',
          'wall',
          'CPU (process)',
          'wall per person',
          'longest event-loop stall',
          'other requests during it',
          'load average (1 min)',
        ],
        rows,
      },
    ],
    targets,
    notes: [
      'Each import runs in the local runtime in-process against the embedded store, the other requests on the same event loop: a stall of the loop is a stall of every request.',
      'CPU is the whole process over the import: the other requests and the HTTP client are in it.',
      `Load average (1, 5, 15 min) before the part: ${loadBefore.join(', ')}; after: ${os
        .loadavg()
        .map((l) => num(l, 2))
        .join(', ')}.`,
    ],
    data: runs,
  };
}

/** "; not 200: 6 × 503" over the runs, or nothing. */
function notOk(runs: ImportRun[]): string {
  const total: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.otherErrors)) total[k] = (total[k] ?? 0) + v;
  const parts = Object.entries(total).map(([k, v]) => `${v} × ${k}`);
  return parts.length ? `; not 200: ${parts.join(', ')}` : '';
}

async function measure(base: string, id: string, csv: Buffer, size: number, kind: 'create' | 'again'): Promise<ImportRun> {
  const load = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const latencies: number[] = [];
  const otherErrors: Record<string, number> = {};
  let done = false;
  const other = async (conn: number) => {
    while (!done) {
      const t = performance.now();
      try {
        const res = await fetch(conn % 2 === 0 ? `${base}/health` : `${base}/golives/${OTHER}/overview`);
        await res.arrayBuffer();
        if (res.status !== 200) otherErrors[res.status] = (otherErrors[res.status] ?? 0) + 1;
      } catch {
        otherErrors.failed = (otherErrors.failed ?? 0) + 1;
      }
      if (!done) latencies.push(performance.now() - t);
    }
  };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const others = Array.from({ length: CONNECTIONS }, (_, c) => other(c));
  histogram.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await fetch(`${base}/golives/${id}/imports/organisation`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const body = (await res.json()) as { summary?: { people?: Record<string, number> }; errors?: unknown[] };
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  histogram.disable();
  done = true;
  await Promise.all(others);
  const expected = kind === 'create' ? { create: size } : { unchanged: size };
  const people = body.summary?.people ?? {};
  if (res.status !== 200 || Object.entries(expected).some(([k, v]) => people[k] !== v))
    throw new Error(`import ${id} (${kind}): ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    size,
    kind,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    stallMaxMs: histogram.max / 1e6,
    stallP99Ms: histogram.percentile(99) / 1e6,
    others: sorted.length,
    otherP50Ms: sorted.length ? percentile(sorted, 50) : 0,
    otherP99Ms: sorted.length ? percentile(sorted, 99) : 0,
    otherMaxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
    otherErrors,
    load,
  };
}

runPart('imports', 'Organisation import at size (issue 13 item 9)', main);
