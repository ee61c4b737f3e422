import fs from 'node:fs';
import path from 'node:path';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import type { LoadResult } from './lib/load';
import { runLoad } from './lib/load';
import { ROOT, removeTmpDirs, startServer, threadCpuMs, tmpDir, type ServerChild } from './lib/procs';
import { regionGoLive, unitReportRequests } from './lib/region';
import { median, ms, num, ratio } from './lib/stats';

/*
 * Issue 17 item 2: what the local runtime's invocation path costs per unit report, side by
 * side. Two builds of the local runtime (`--before <checkout>` with its own `npm run bench`
 * build in `<checkout>/dist`, and this one), each against its own three-unit go-live, loaded in
 * alternating rounds at 25 and 200 connections: req/s, p50/p99 and the server's CPU µs per
 * report. With `--profile` each server runs under `node --cpu-prof` through one extra round at
 * 200 connections, and the profile's samples are put into the steps of a unit report
 * (`bench/lib/profile-steps.ts`).
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/host-cost.js --before /path/to/main-checkout [--profile]
 *   node dist/bench/host-cost.js --units-after 2000 [--profile]   # three units against a region, this build
 *   node dist/bench/host-cost.js --before /path/to/main-checkout --units 2000   # both builds with a region
 */

const GO_LIVE_ID = 'bench';
const UNITS = 3;
const COLOURS = ['gul', 'grön', 'röd'];

interface Variant {
  name: string;
  root: string;
  /** Node flags for this variant's server (`--flags-after`): the same build with another V8 setting. */
  nodeFlags?: string[];
  /** Units of the go-live this variant's server holds (`--units-after`; default three). */
  units: number;
}

function args(): {
  variants: Variant[];
  profile: boolean;
  rounds: number;
  seconds: number;
  connections: number[];
  synchronous: string | undefined;
} {
  const argv = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const before = value('--before');
  // `--flags-after "--max-semi-space-size=32"`: this build without and with those node flags, side by side.
  const flagsAfter = value('--flags-after')?.split(' ').filter(Boolean);
  // `--units 2000`: both go-lives are a region (people 1.2× units); `--units-after 2000`: only the after variant's.
  const units = Number(value('--units') ?? UNITS);
  const unitsAfter = Number(value('--units-after') ?? units);
  const variants: Variant[] = [];
  if (before) variants.push({ name: 'before', root: path.resolve(before), units });
  else if (flagsAfter || unitsAfter !== units) variants.push({ name: 'before', root: ROOT, units });
  variants.push({
    name: before || flagsAfter || unitsAfter !== units ? 'after' : 'this build',
    root: ROOT,
    nodeFlags: flagsAfter,
    units: unitsAfter,
  });
  return {
    variants,
    profile: argv.includes('--profile'),
    rounds: Number(value('--rounds') ?? 3),
    seconds: Number(value('--seconds') ?? 4),
    connections: (value('--connections') ?? '25,200').split(',').map(Number),
    // EMBEDDED_SYNCHRONOUS for both servers: NORMAL takes the disk's fsync out of an A/B of the invocation path.
    synchronous: value('--synchronous'),
  };
}

async function seeded(name: string, units: number): Promise<string> {
  const dir = tmpDir(`host-cost-${name}`);
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  await repo.saveGoLive(regionGoLive({ id: GO_LIVE_ID, units }), null);
  await repo.close();
  return dir;
}

let synchronous: string | undefined;

function start(v: Variant, dir: string, profileFlags: string[] = []): Promise<ServerChild> {
  return startServer([path.join(v.root, 'dist', 'local', 'main.js'), '--port', '0', '--data-dir', dir, '--no-demo'], {
    env: synchronous ? { EMBEDDED_SYNCHRONOUS: synchronous } : {},
    logFile: path.join(dir, `${v.name.replace(/\W/g, '-')}.log`),
    listenPattern: /lyssnar på (http:\/\/\S+?)\/api\s/,
    nodeFlags: [...(v.nodeFlags ?? []), ...profileFlags],
  });
}

/**
 * CPU per answer of the server's main thread, of its busiest other thread (the embedded store's
 * worker under this load) and of the rest (V8's GC helpers, the outbox worker, libuv): over the
 * whole round, warm-up included, divided by every answer of the round.
 */
interface ThreadCpu {
  main: number;
  busiestOther: number;
  rest: number;
}

async function load(
  server: ServerChild,
  units: number,
  connections: number,
  seconds: number,
): Promise<LoadResult & { threads: ThreadCpu }> {
  const before = threadCpuMs(server.pid);
  const r = await runRound(server, units, connections, seconds);
  const used = [...threadCpuMs(server.pid)].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const perAnswer = (ms: number) => (ms * 1000) / Math.max(1, r.okTotal);
  const main = used.find(([tid]) => tid === server.pid)?.[1] ?? NaN;
  const others = used.filter(([tid]) => tid !== server.pid).map(([, ms]) => ms);
  const busiest = Math.max(0, ...others);
  const rest = others.reduce((a, b) => a + b, 0) - busiest;
  return { ...r, threads: { main: perAnswer(main), busiestOther: perAnswer(busiest), rest: perAnswer(rest) } };
}

function runRound(server: ServerChild, units: number, connections: number, seconds: number): Promise<LoadResult> {
  return runLoad({
    origin: new URL(server.url).origin,
    connections,
    warmupMs: 1500,
    maxWarmupMs: 12_000,
    durationMs: seconds * 1000,
    maxRequests: 100_000,
    expectStatus: 201,
    serverPid: server.pid,
    request: unitReportRequests({
      goLiveId: GO_LIVE_ID,
      units,
      connections,
      colourOf: (c) => COLOURS[c % 3]!,
      explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.',
    }),
  });
}

const loadAverage = (): string => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ');

async function main(): Promise<void> {
  const opts = args();
  synchronous = opts.synchronous;
  const loadBefore = loadAverage();
  const results = new Map<string, (LoadResult & { threads: ThreadCpu })[]>();
  const servers = new Map<string, ServerChild>();
  for (const v of opts.variants) servers.set(v.name, await start(v, await seeded(v.name, v.units)));
  try {
    for (const connections of opts.connections)
      for (let round = 0; round < opts.rounds; round++) {
        // Alternate the order round by round, so drift in the machine hits both alike.
        const order = round % 2 === 0 ? opts.variants : [...opts.variants].reverse();
        for (const v of order) {
          const r = await load(servers.get(v.name)!, v.units, connections, opts.seconds);
          const key = `${v.name}|${connections}`;
          results.set(key, [...(results.get(key) ?? []), r]);
          const cpu = `server ${num(r.serverCpuUsPerRequest ?? NaN, 0)} µs/req  client ${num(r.clientCpuUsPerRequest, 0)} µs/req`;
          const errors = `errors ${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 160)})` : ''}`;
          const round1 = `${String(connections).padStart(3)} conn, round ${round + 1}, ${v.name.padEnd(10)}`;
          const threads = `threads ${num(r.threads.main, 0)} / ${num(r.threads.busiestOther, 0)} / ${num(r.threads.rest, 0)} µs/answer`;
          console.log(
            `  ${round1} ${num(r.rps, 0).padStart(6)} req/s  p50 ${ms(r.p50, 1)}  p99 ${ms(r.p99, 1)}  ${cpu}  ${threads}  ${errors}`,
          );
        }
      }
  } finally {
    for (const s of servers.values()) await s.stop();
  }
  const loadAfter = loadAverage();

  const rows: string[][] = [];
  const med = (rs: LoadResult[], f: (r: LoadResult) => number) => median(rs.map(f));
  for (const connections of opts.connections) {
    const first = results.get(`${opts.variants[0]!.name}|${connections}`)!;
    for (const v of opts.variants) {
      const rs = results.get(`${v.name}|${connections}`)!;
      const cpu = med(rs, (r) => r.serverCpuUsPerRequest ?? NaN);
      rows.push([
        String(connections),
        v.name,
        `${num(
          med(rs, (r) => r.rps),
          0,
        )} (${rs.map((r) => num(r.rps, 0)).join(', ')})`,
        ms(
          med(rs, (r) => r.p50),
          1,
        ),
        ms(
          med(rs, (r) => r.p99),
          1,
        ),
        num(cpu, 0),
        num(
          med(rs, (r) => r.clientCpuUsPerRequest),
          0,
        ),
        v === opts.variants[0]
          ? ''
          : `${ratio(med(rs, (r) => r.rps) / med(first, (r) => r.rps))} req/s, ${ratio(cpu / med(first, (r) => r.serverCpuUsPerRequest ?? NaN))} CPU`,
        String(rs.reduce((n, r) => n + r.errors, 0)),
      ]);
    }
  }
  console.log(`\nload average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}`);
  console.log(`EMBEDDED_SYNCHRONOUS: ${opts.synchronous ?? 'FULL (the default)'}`);
  console.log(`rounds of ${opts.seconds} s after a warm-up of ≥ 1.5 s and one answer per connection; medians of ${opts.rounds}\n`);
  const header = [
    'connections',
    'build',
    'req/s (rounds)',
    'p50',
    'p99',
    'server CPU µs/report',
    'client CPU µs/req',
    'vs before',
    'errors',
  ];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);

  console.log(
    '\nCPU per answer by thread (µs; whole rounds, warm-up included, ÷ every answer; medians): main thread / busiest other thread (the store worker) / the rest\n',
  );
  console.log('| connections | build | main | busiest other | rest |\n|---|---|---|---|---|');
  for (const connections of opts.connections)
    for (const v of opts.variants) {
      const rs = results.get(`${v.name}|${connections}`)!;
      const t = (f: (x: ThreadCpu) => number) => num(median(rs.map((r) => f(r.threads))), 0);
      console.log(`| ${connections} | ${v.name} | ${t((x) => x.main)} | ${t((x) => x.busiestOther)} | ${t((x) => x.rest)} |`);
    }

  if (opts.profile) {
    const { stepsOfProfile, STEP_ORDER } = await import('./lib/profile-steps');
    const tables: Record<string, { step: string; share: number }[]> = {};
    const cpuOf: Record<string, number> = {};
    for (const v of opts.variants) {
      const dir = await seeded(`${v.name}-profile`, v.units);
      const profDir = path.join(dir, 'prof');
      const server = await start(v, dir, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '250']);
      let r: LoadResult;
      const now = () => Number(process.hrtime.bigint() / 1000n);
      let window: { from: number; to: number };
      try {
        // Past start-up, JIT warm-up and the first burst: only the steady state is counted.
        const from = now() + 2_500_000;
        r = await load(server, v.units, 200, opts.seconds + 2);
        window = { from, to: now() };
      } finally {
        await server.stop();
      }
      cpuOf[v.name] = r.serverCpuUsPerRequest ?? NaN;
      const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no profile in ${profDir}`);
      const keep = path.join(ROOT, 'dist', 'bench', `host-cost-${v.name.replace(/\W/g, '-')}.cpuprofile`);
      fs.copyFileSync(path.join(profDir, file), keep);
      fs.writeFileSync(`${keep}.window.json`, JSON.stringify(window));
      tables[v.name] = stepsOfProfile(JSON.parse(fs.readFileSync(keep, 'utf8')), window);
      console.log(`\nprofile of ${v.name}: ${keep} (${num(r.rps, 0)} req/s under the profiler, ${num(cpuOf[v.name]!, 0)} µs/report)`);
    }
    const names = opts.variants.map((v) => v.name);
    const head = ['step', ...names.flatMap((n) => [`${n}: share`, `${n}: µs/report`])];
    console.log(`\n| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
    for (const step of STEP_ORDER) {
      const cells = names.flatMap((n) => {
        const share = tables[n]!.find((s) => s.step === step)?.share ?? 0;
        return [`${num(share * 100, 1)} %`, num(share * cpuOf[n]!, 0)];
      });
      console.log(`| ${step} | ${cells.join(' | ')} |`);
    }
    console.log(`| total (server CPU µs/report under the profiler) | ${names.flatMap((n) => ['100 %', num(cpuOf[n]!, 0)]).join(' | ')} |`);
  }
  removeTmpDirs();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
