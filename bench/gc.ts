import fs from 'node:fs';
import path from 'node:path';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import { runLoad } from './lib/load';
import { MAIN, removeTmpDirs, startServer, tmpDir } from './lib/procs';
import { regionGoLive, unitReportRequests } from './lib/region';
import { num } from './lib/stats';

/*
 * Issue 17, fourth round: what V8's collector does in the local runtime under the intake load.
 * The runtime (with `npm start`'s flags, plus any given here) runs under `--trace-gc-nvp`; unit
 * reports from 25 and from 200 connections against a three-unit go-live; for the second half of
 * the run's scavenges: what was allocated, what survived a scavenge, what was promoted, the
 * longest pause, and the full (mark-compact) collections and their pauses.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/gc.js [--flags "--max-semi-space-size=16"] [--seconds 5] [--units 2000]
 */

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const flags = (value('--flags') ?? '').split(' ').filter(Boolean);
const seconds = Number(value('--seconds') ?? 5);
// `--units 2000`: a region (people 1.2× units) instead of three units.
const UNITS = Number(value('--units') ?? 3);

interface Gc {
  kind: string;
  pause: number;
  fields: Record<string, number>;
}

/** The collections of the isolate with the most of them (the main thread's; each worker's isolate prints its own lines). */
function parseNvp(log: string): Gc[] {
  const byIsolate = new Map<string, Gc[]>();
  for (const line of log.split('\n')) {
    const kind = /\bgc=(\w+)/.exec(line)?.[1];
    if (!kind) continue;
    const isolate = /^\[\d+:(0x[0-9a-f]+)\]/.exec(line)?.[1] ?? '';
    const fields: Record<string, number> = {};
    for (const m of line.matchAll(/\b(\w+)=([\d.]+)/g)) fields[m[1]!] = Number(m[2]);
    byIsolate.set(isolate, [...(byIsolate.get(isolate) ?? []), { kind, pause: fields.pause ?? 0, fields }]);
  }
  return [...byIsolate.values()].sort((a, b) => b.length - a.length)[0] ?? [];
}

async function measure(connections: number): Promise<void> {
  const dir = tmpDir('gc');
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  await repo.saveGoLive(regionGoLive({ id: 'bench', units: UNITS }), null);
  await repo.close();
  const logFile = path.join(dir, 'server.log');
  const server = await startServer([MAIN, '--port', '0', '--data-dir', dir, '--no-demo'], {
    logFile,
    listenPattern: /lyssnar på (http:\/\/\S+?)\/api\s/,
    nodeFlags: ['--trace-gc-nvp', ...flags],
  });
  let r;
  try {
    r = await runLoad({
      origin: new URL(server.url).origin,
      connections,
      warmupMs: 1500,
      maxWarmupMs: 12_000,
      durationMs: seconds * 1000,
      maxRequests: 200_000,
      expectStatus: 201,
      serverPid: server.pid,
      request: unitReportRequests({ goLiveId: 'bench', units: UNITS, connections }),
    });
  } finally {
    await server.stop();
  }
  // Start-up left out: the second half of the scavenges.
  const all = parseNvp(fs.readFileSync(logFile, 'utf8'));
  const scavenges = all.filter((g) => g.kind === 's');
  const steady = scavenges.slice(Math.floor(scavenges.length / 2));
  const sum = (k: string) => steady.reduce((n, g) => n + (g.fields[k] ?? 0), 0);
  const allocated = sum('allocated');
  const survived = sum('new_space_survived');
  const promoted = sum('promoted');
  const marks = all.filter((g) => g.kind === 'mc');
  const mb = (b: number) => `${num(b / 1e6, 0)} MB`;
  console.log(
    `${String(connections).padStart(3)} connections: ${num(r.rps, 0)} req/s, p50 ${num(r.p50, 1)} ms, p99 ${num(r.p99, 1)} ms, ` +
      `server ${num(r.serverCpuUsPerRequest ?? NaN, 0)} µs/report | steady scavenges ${steady.length}: allocated ${mb(allocated)}, ` +
      `survived ${mb(survived)}, promoted ${mb(promoted)} (${num((promoted / allocated) * 100, 1)} % of allocated), ` +
      `longest pause ${num(Math.max(...steady.map((g) => g.pause)), 1)} ms | mark-compacts over the whole run ${marks.length} ` +
      `(pauses ${marks.map((g) => num(g.pause, 1)).join(', ')} ms; heap after ${marks.map((g) => num((g.fields.total_size_after ?? NaN) / 1e6, 0)).join(', ')} MB)`,
  );
}

async function main(): Promise<void> {
  console.log(`node flags: ${flags.join(' ') || "(npm start's only)"}; ${UNITS} units; ${seconds} s of load after 1.5 s of warm-up`);
  for (const connections of [25, 200]) await measure(connections);
  removeTmpDirs();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
