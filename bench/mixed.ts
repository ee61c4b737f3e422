import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import type { PhaseDump, PhaseRecord } from '../local/request-phases';
import type { KindResult, LoadResult } from './lib/load';
import { runLoad } from './lib/load';
import { MAIN, startServer, tmpDir } from './lib/procs';
import { LAST_DAY, localInstant, PEOPLE, regionGoLive, reporterEmail, reporterId, unitId } from './lib/region';
import { lastDslBefore, seedRegion } from './lib/seed';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { mb, ms, num, percentile } from './lib/stats';

/*
 * Part 6 — mixed load (issue 17 items 5 and 6). The local runtime with a region loaded (2,000
 * units with a day of reports, 500 challenges, 50 incidents) on the simulated clock at day 6,
 * 16:40, and 200 connections: per ten, five reporters writing unit reports, two overviews, one
 * DSL agenda, two board pages. Each variant of the server (an environment switch) runs in the
 * same minutes, alternating, so the machine's other load hits them alike. The runtime records
 * each request's phases (`DRIFTPULS_PHASES_FILE`, local/request-phases.ts): where a write waits.
 */

const GO_LIVE_ID = 'region';
const COLOURS = ['green', 'yellow', 'red'] as const;

type MixedKind = 'write' | 'overview' | 'agenda' | 'board';
/** Per ten connections: five reporters writing, two overviews, one DSL agenda, two board pages. */
const MIXED: MixedKind[] = ['write', 'write', 'write', 'write', 'write', 'overview', 'overview', 'agenda', 'board', 'board'];
const KINDS: MixedKind[] = ['board', 'overview', 'agenda', 'write'];

interface Variant {
  key: string;
  label: string;
  env: NodeJS.ProcessEnv;
}

/** The server as it is, against its earlier admission (count-bounded FIFO, no shared answers). */
const VARIANTS: Variant[] = [
  {
    key: 'fifo',
    label: 'before (DRIFTPULS_ADMISSION=fifo, SHARED_ANSWER_MS=0, EMBEDDED_STORE_THREAD=main)',
    env: { DRIFTPULS_ADMISSION: 'fifo', SHARED_ANSWER_MS: '0', EMBEDDED_STORE_THREAD: 'main' },
  },
  { key: 'main', label: 'after, store on the event loop (EMBEDDED_STORE_THREAD=main)', env: { EMBEDDED_STORE_THREAD: 'main' } },
  { key: 'now', label: 'after (the default: store in a worker thread)', env: {} },
];

const ROUNDS = Number(process.env.BENCH_MIXED_ROUNDS ?? 2);
const DURATION_MS = Number(process.env.BENCH_MIXED_SECONDS ?? 8) * 1000;

interface Seeded {
  dir: string;
  meetingId: string;
  now: Date;
}

/** One store with the region, copied for each server so every run starts from the same state. */
async function seed(): Promise<Seeded> {
  const goLive = regionGoLive({ id: GO_LIVE_ID, units: 2000 });
  const dir = tmpDir('mixed-seed');
  // Seeding is not measured: no fsync per document (the runtime opens the file with its default, FULL).
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'), { synchronous: 'NORMAL' });
  await seedRegion(repo, goLive, { challenges: 500, incidents: 50 });
  await repo.close();
  const now = localInstant(LAST_DAY, '16:40');
  return { dir, meetingId: lastDslBefore(goLive, now), now };
}

function kindOfPath(p: string): MixedKind | undefined {
  if (p.endsWith('/reports')) return 'write';
  if (p.endsWith('/overview')) return 'overview';
  if (p.endsWith('/agenda')) return 'agenda';
  if (p.includes('/board/')) return 'board';
  return undefined;
}

/** The phases of a request, as durations (ms) between the instants it passed. */
const PHASES: { name: string; from: keyof PhaseRecord; to: keyof PhaseRecord; kinds?: MixedKind[] }[] = [
  { name: 'admission queue (accept → admitted)', from: 'accept', to: 'admitted' },
  { name: 'body read (admitted → body)', from: 'admitted', to: 'bodyRead' },
  { name: 'programming model in (body → handler start)', from: 'bodyRead', to: 'handlerStart' },
  {
    name: 'handler before the store write (authorisation, go-live read, validation)',
    from: 'handlerStart',
    to: 'storeCall',
    kinds: ['write'],
  },
  { name: 'waiting for the group commit (store call → commit starts)', from: 'storeCall', to: 'commitStart', kinds: ['write'] },
  { name: 'group commit (one transaction, WAL sync)', from: 'commitStart', to: 'commitEnd', kinds: ['write'] },
  { name: 'commit done → handler resumes', from: 'commitEnd', to: 'storeDone', kinds: ['write'] },
  { name: 'handler after the store', from: 'storeDone', to: 'handlerEnd', kinds: ['write'] },
  { name: 'handler (whole)', from: 'handlerStart', to: 'handlerEnd' },
  { name: 'programming model out (handler end → response)', from: 'handlerEnd', to: 'invoked' },
  { name: 'writing the answer (response → sent)', from: 'invoked', to: 'sent' },
  { name: 'inside the server (accept → sent)', from: 'accept', to: 'sent' },
];

interface PhaseSummary {
  /** Per phase name, per kind: [p50, p99, n]. */
  phases: Record<string, Partial<Record<MixedKind, [number, number, number]>>>;
  loopDelay: { meanOfMeans: number; p99OfP99s: number; max: number; samples: number };
  commits: { count: number; perSecond: number; medianSize: number; medianMs: number; p99Ms: number };
  statuses: Record<string, number>;
}

function summarise(dump: PhaseDump, from: number, to: number): PhaseSummary {
  const inWindow = dump.records.filter((r) => r.accept >= from && r.accept <= to);
  const statuses: Record<string, number> = {};
  for (const r of inWindow) statuses[String(r.status ?? '?')] = (statuses[String(r.status ?? '?')] ?? 0) + 1;
  const phases: PhaseSummary['phases'] = {};
  for (const ph of PHASES) {
    const row: Partial<Record<MixedKind, [number, number, number]>> = {};
    for (const kind of ph.kinds ?? KINDS) {
      const d = Float64Array.from(
        inWindow
          .filter((r) => kindOfPath(r.path) === kind && r[ph.from] !== undefined && r[ph.to] !== undefined)
          .map((r) => (r[ph.to] as number) - (r[ph.from] as number)),
      ).sort();
      if (d.length) row[kind] = [percentile(d, 50), percentile(d, 99), d.length];
    }
    phases[ph.name] = row;
  }
  const loop = dump.loopDelay.filter((s) => s.at >= from && s.at <= to + 250);
  const commits = dump.commits.filter((c) => c.start >= from && c.start <= to);
  const sizes = Float64Array.from(commits.map((c) => c.size)).sort();
  const durations = Float64Array.from(commits.map((c) => c.end - c.start)).sort();
  return {
    phases,
    loopDelay: {
      meanOfMeans: loop.reduce((a, s) => a + s.mean, 0) / Math.max(1, loop.length),
      p99OfP99s: percentile(Float64Array.from(loop.map((s) => s.p99)).sort(), 99),
      max: Math.max(0, ...loop.map((s) => s.max)),
      samples: loop.length,
    },
    commits: {
      count: commits.length,
      perSecond: (commits.length / (to - from)) * 1000,
      medianSize: percentile(sizes, 50),
      medianMs: percentile(durations, 50),
      p99Ms: percentile(durations, 99),
    },
    statuses,
  };
}

interface MixedRun {
  variant: string;
  round: number;
  result: LoadResult;
  phases: PhaseSummary;
  rssStartedMb: number;
  rssIdleMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  loadAverage: number[];
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function runOnce(seeded: Seeded, variant: Variant, round: number): Promise<MixedRun> {
  const dir = tmpDir(`mixed-${variant.key}`);
  for (const f of fs.readdirSync(seeded.dir)) fs.copyFileSync(path.join(seeded.dir, f), path.join(dir, f));
  const phasesFile = path.join(dir, 'phases.json');
  const server = await startServer(
    [MAIN, '--port', '0', '--data-dir', dir, '--no-demo', '--clock', 'simulated', '--start', seeded.now.toISOString()],
    {
      env: { ...variant.env, DRIFTPULS_PHASES_FILE: phasesFile },
      logFile: path.join(dir, 'mixed.log'),
      listenPattern: /lyssnar på (http:\/\/\S+?)\/api\s/,
    },
  );
  const origin = new URL(server.url).origin;
  const rssStarted = rssOf(server.pid);
  const lead = { 'x-dev-user': PEOPLE.lead.email };
  const body = (c: number) =>
    Buffer.from(
      JSON.stringify({
        colour: COLOURS[c % 3],
        explanation: 'Läkemedelslistan laddar långsamt.',
        reporter: { personId: reporterId(c % 2000) },
      }),
    );
  const request = (c: number) => {
    switch (MIXED[c % MIXED.length]!) {
      case 'write':
        return {
          method: 'POST',
          path: `/api/golives/${GO_LIVE_ID}/units/${unitId(c % 2000)}/reports`,
          headers: { 'content-type': 'application/json', 'x-dev-user': reporterEmail(c % 2000) },
          body: body(c),
        };
      case 'overview':
        return { method: 'GET', path: `/api/golives/${GO_LIVE_ID}/overview`, headers: lead };
      case 'agenda':
        return { method: 'GET', path: `/api/golives/${GO_LIVE_ID}/meetings/${encodeURIComponent(seeded.meetingId)}/agenda`, headers: lead };
      case 'board':
        return { method: 'GET', path: `/api/board/${GO_LIVE_ID}`, headers: lead };
    }
  };
  try {
    // Warm up every kind once, then let it settle: the idle figure.
    for (let c = 0; c < MIXED.length; c++) {
      const r = request(c);
      const res = await fetch(origin + r.path, { method: r.method, headers: r.headers, body: r.body });
      if (res.status >= 400) throw new Error(`${MIXED[c]}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      await res.arrayBuffer().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const rssIdle = rssOf(server.pid);
    let peak = rssIdle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server.pid) || 0)), 100);
    const result = await runLoad({
      origin,
      connections: 200,
      warmupMs: 2000,
      maxWarmupMs: 15_000,
      durationMs: DURATION_MS,
      maxRequests: 200_000,
      expectStatus: 200,
      expectStatusOf: (c) => (MIXED[c % MIXED.length] === 'write' ? 201 : 200),
      shedStatus: 503,
      kindOf: (c) => MIXED[c % MIXED.length]!,
      serverPid: server.pid,
      request,
    });
    clearInterval(sampler);
    const rssAfter = rssOf(server.pid);
    await server.stop();
    const dump = JSON.parse(fs.readFileSync(phasesFile, 'utf8')) as PhaseDump;
    // Keep the raw records for a closer look (`BENCH_MIXED_KEEP=<folder>`).
    if (process.env.BENCH_MIXED_KEEP)
      fs.writeFileSync(
        path.join(process.env.BENCH_MIXED_KEEP, `phases-${variant.key}-${round + 1}.json`),
        JSON.stringify({ ...dump, result }),
      );
    const phases = summarise(dump, result.windowStartEpoch, result.windowEndEpoch);
    const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
    const k = result.byKind ?? {};
    console.log(
      `  [mixed ${variant.key} round ${round + 1}] ${num(result.rps, 0)} req/s p99 ${ms(result.p99, 0)} shed ${result.shed} errors ${result.errors}` +
        ` | ${KINDS.map((n) => `${n} p50 ${ms(k[n]?.p50 ?? NaN, 0)} p99 ${ms(k[n]?.p99 ?? NaN, 0)} shed ${k[n]?.shed ?? 0}`).join('; ')}` +
        ` | loop delay p99 ${ms(phases.loopDelay.p99OfP99s, 0)} | load ${loadAverage.join(' ')}`,
    );
    return {
      variant: variant.key,
      round,
      result,
      phases,
      rssStartedMb: rssStarted / 2 ** 20,
      rssIdleMb: rssIdle / 2 ** 20,
      rssPeakMb: peak / 2 ** 20,
      rssAfterMb: rssAfter / 2 ** 20,
      loadAverage,
    };
  } finally {
    await server.stop();
  }
}

const cell = (v: [number, number, number] | undefined): string => (v ? `${ms(v[0], 1)} / ${ms(v[1], 1)}` : '');

async function main(): Promise<PartResult> {
  const seeded = await seed();
  const runs: MixedRun[] = [];
  for (let round = 0; round < ROUNDS; round++) for (const v of VARIANTS) runs.push(await runOnce(seeded, v, round));

  const tables: PartResult['tables'] = [];
  const targets: TargetCheck[] = [];
  const notes: string[] = [];
  for (const v of VARIANTS) {
    for (const run of runs.filter((r) => r.variant === v.key)) {
      const m = run.result;
      const kinds = KINDS.map((n) => [n, m.byKind?.[n]] as const).filter((x): x is [MixedKind, KindResult] => x[1] !== undefined);
      tables.push({
        title: `Mixed load, ${v.label}, round ${run.round + 1}: 200 connections, ${DURATION_MS / 1000} s window (load average after: ${run.loadAverage.join(', ')})`,
        header: ['request', 'answers in window', '503 (shed)', 'errors', 'p50', 'p99', 'max'],
        rows: [
          ...kinds.map(([name, k]) => [
            name,
            num(k.requests, 0),
            num(k.shed, 0),
            num(k.errors, 0),
            ms(k.p50, 1),
            ms(k.p99, 1),
            ms(k.max, 1),
          ]),
          [
            'all',
            `${num(m.requests, 0)} (${num(m.rps, 0)} req/s)`,
            num(m.shed, 0),
            num(m.errors, 0),
            ms(m.p50, 1),
            ms(m.p99, 1),
            ms(m.max, 1),
          ],
        ],
      });
    }
  }
  // Where the time goes: the phases of the first round of each variant.
  for (const v of VARIANTS) {
    const run = runs.find((r) => r.variant === v.key)!;
    const p = run.phases;
    tables.push({
      title: `Where a request waits, ${v.label} (round 1): p50 / p99 of each phase inside the server, per request class`,
      header: ['phase', ...KINDS],
      rows: [
        ...Object.entries(p.phases).map(([name, row]) => [name, ...KINDS.map((k) => cell(row[k]))]),
        [
          'client-side latency (sent → answer read)',
          ...KINDS.map((k) => cell(run.result.byKind?.[k] && [run.result.byKind[k].p50, run.result.byKind[k].p99, 0])),
        ],
      ],
    });
    const loop = p.loopDelay;
    const c = p.commits;
    notes.push(
      [
        `${v.label}: event-loop delay (monitorEventLoopDelay, 10 ms resolution, 250 ms samples) mean ${ms(loop.meanOfMeans, 1)},`,
        `p99 of the samples' p99 ${ms(loop.p99OfP99s, 1)}, max ${ms(loop.max, 1)} (${loop.samples} samples in the window);`,
        `group commits ${num(c.count, 0)} (${num(c.perSecond, 1)}/s), median ${num(c.medianSize, 0)} reports each,`,
        `${ms(c.medianMs, 2)} (p99 ${ms(c.p99Ms, 2)}); server statuses ${JSON.stringify(p.statuses)}.`,
      ].join(' '),
    );
  }
  const last = VARIANTS[VARIANTS.length - 1]!;
  const lastRuns = runs.filter((r) => r.variant === last.key);
  const worst = Math.max(...lastRuns.flatMap((r) => KINDS.map((k) => r.result.byKind?.[k]?.p99 ?? 0)));
  targets.push({
    name: `mixed load, 200 connections: p99 of every request class (${last.label}, worst round)`,
    target: '≤ 2 s',
    measured: `${ms(worst, 0)} (${lastRuns.map((r) => num(r.result.shed, 0)).join(' / ')} shed with 503 + Retry-After)`,
    met: worst <= 2000,
  });
  const mem = lastRuns[0]!;
  tables.push({
    title: `Memory of the local runtime (resident set size, /proc/<pid>/status VmRSS), ${last.label}`,
    header: ['moment', 'RSS'],
    rows: [
      ['started, region in the store, nothing read yet', `${num(mem.rssStartedMb, 0)} MB`],
      ['idle, after every kind of request once (go-live kept parsed)', `${num(mem.rssIdleMb, 0)} MB`],
      ['peak under the mixed load (sampled every 100 ms)', `${num(mem.rssPeakMb, 0)} MB`],
      ['right after the mixed load', `${num(mem.rssAfterMb, 0)} MB`],
    ],
  });
  notes.push(
    'The load generator is closed-loop: each connection sends its next request as soon as the answer is read, also after a 503 ' +
      '(it does not wait out Retry-After), so a shed request counts as a fast answer and is followed at once by another.',
    'Client-side latency includes the time before the server starts on a request (kernel queues, the event loop busy with other work) ' +
      'and the client waiting for a core; "inside the server" starts at the `request` event.',
  );
  return {
    part: 'mixed',
    title: '6. Mixed load at 200 connections (board, overview, DSL agenda, writes) with a region loaded',
    tables,
    targets,
    notes,
    data: { runs, rss: mb(mem.rssPeakMb * 2 ** 20) },
  };
}

runPart('mixed', '6. Mixed load', main);
