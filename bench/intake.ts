import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import type { GoLive } from '../shared/domain/golive';
import { UnitReportInput } from '../shared/domain/unit-report';
import type { LoadResult } from './lib/load';
import { runLoad } from './lib/load';
import { DIST, MAIN, removeTmpDirs, startServer, tmpDir, type ServerChild } from './lib/procs';
import { regionGoLive, reporterEmail, reporterId, unitId, unitReportRequests } from './lib/region';
import { GoLive as GoLiveSchema } from '../shared/domain/golive';
import { authorize } from '../shared/domain/principal';
import { ACCESS_MATRIX } from '../shared/domain/access';
import { publicView } from '../functions/http/route';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { cpuMicrosPerCall, max, median, min, ms, num, ratio } from './lib/stats';
import { synchronousCost } from './synchronous';

/*
 * Part 1 — status intake. 200 reporters post unit reports at once, each for its own unit and
 * signed in as itself, through three servers in child processes, one at a time, the load
 * generator in this process:
 *   host   — the local runtime as `npm start` runs it (HTTP host, worker-style invocation,
 *            validation, authorisation with the go-live read, use case, embedded store);
 *   direct — the same registered handler called with new HttpRequest/new InvocationContext;
 *   bare   — node:http + JSON + zod + the same SqliteRepository.addUnitReport;
 *   host with node:http client — the first again, a server of its own, loaded through Node's
 *            `http.request` instead of the lean client (`lib/raw-client.ts`): what the
 *            instrument changed, side by side.
 * Rounds alternate the servers so drift in the machine hits all three alike; figures are
 * medians over rounds.
 */

/** `hostNodeHttp`: the same local runtime loaded through Node's http.request, the generator of runs before issue 17's fourth round. */
type PathName = 'host' | 'direct' | 'bare' | 'hostNodeHttp';

interface Scenario {
  key: string;
  title: string;
  units: number;
  connections: number;
  rounds: number;
  warmupMs: number;
  /** The window opens once every connection has had an answer, but no later than this. */
  maxWarmupMs: number;
  durationMs: number;
  maxRequests: number;
  paths: PathName[];
}

const SCENARIOS: Scenario[] = [
  {
    key: 'small',
    title: '200 connections',
    units: 200,
    connections: 200,
    rounds: 3,
    warmupMs: 1500,
    maxWarmupMs: 12_000,
    durationMs: 4000,
    maxRequests: 60_000,
    paths: ['host', 'direct', 'bare', 'hostNodeHttp'],
  },
  // The same load against an organisation of three units: what the host itself costs when the domain is cheap.
  {
    key: 'tiny',
    title: "200 connections (the host's own cost, with little domain work)",
    units: 3,
    connections: 200,
    rounds: 3,
    warmupMs: 1500,
    maxWarmupMs: 12_000,
    durationMs: 4000,
    maxRequests: 60_000,
    paths: ['host', 'direct', 'bare', 'hostNodeHttp'],
  },
  // 25 connections: at about ten answers a second, 200 would each wait longer than the window, so no steady state is measured.
  {
    key: 'region',
    title: 'region-sized, 25 connections',
    units: 2000,
    connections: 25,
    rounds: 1,
    warmupMs: 3000,
    maxWarmupMs: 12_000,
    durationMs: 6000,
    maxRequests: 20_000,
    paths: ['host', 'direct'],
  },
];

const GO_LIVE_ID = 'bench';
const COLOURS = ['gul', 'grön', 'röd'];

async function seededDataDir(goLive: GoLive, name: string): Promise<string> {
  const dir = tmpDir(`intake-${name}`);
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  await repo.saveGoLive(goLive, null);
  await repo.close();
  return dir;
}

function startPath(p: PathName, dataDir: string): Promise<ServerChild> {
  const logFile = path.join(dataDir, `${p}.log`);
  if (p === 'host' || p === 'hostNodeHttp')
    return startServer([MAIN, '--port', '0', '--data-dir', dataDir, '--no-demo'], {
      logFile,
      listenPattern: /lyssnar på (http:\/\/\S+?)\/api\s/,
    });
  return startServer([path.join(DIST, 'bench', 'servers', `${p}.js`), '--port', '0', '--data-dir', dataDir], {
    logFile,
    listenPattern: /listening on (http:\/\/\S+)/,
  });
}

function storedReports(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'driftpuls.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM docs WHERE type = 'unitReport'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function runScenario(
  s: Scenario,
): Promise<{ s: Scenario; results: Record<PathName, LoadResult[]>; lost: Record<PathName, number>; organisation: string }> {
  const goLive = regionGoLive({ id: GO_LIVE_ID, units: s.units });
  const organisation = `go-live of ${num(s.units, 0)} units and ${num(goLive.people.length, 0)} people (${num(Buffer.byteLength(JSON.stringify(goLive)) / 1024, 0)} KB)`;
  const dirs = {} as Record<PathName, string>;
  const servers = {} as Record<PathName, ServerChild>;
  for (const p of s.paths) {
    dirs[p] = await seededDataDir(goLive, `${s.key}-${p}`);
    servers[p] = await startPath(p, dirs[p]);
  }
  const request = unitReportRequests({
    goLiveId: GO_LIVE_ID,
    units: s.units,
    connections: s.connections,
    colourOf: (c) => COLOURS[c % 3]!,
    explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.',
  });
  const results = Object.fromEntries(s.paths.map((p) => [p, [] as LoadResult[]])) as Record<PathName, LoadResult[]>;
  const acknowledged = Object.fromEntries(s.paths.map((p) => [p, 0])) as Record<PathName, number>;
  try {
    for (let round = 0; round < s.rounds; round++) {
      // Rotate the order, so no server always runs first (or last) in a round.
      const order = s.paths.map((_, i) => s.paths[(i + round) % s.paths.length]!);
      for (const p of order) {
        const origin = new URL(servers[p].url).origin;
        const r = await runLoad({
          origin,
          connections: s.connections,
          warmupMs: s.warmupMs,
          maxWarmupMs: s.maxWarmupMs,
          durationMs: s.durationMs,
          maxRequests: s.maxRequests,
          expectStatus: 201,
          serverPid: servers[p].pid,
          client: p === 'hostNodeHttp' ? 'node-http' : 'raw',
          request,
        });
        results[p].push(r);
        acknowledged[p] += r.okTotal;
        console.log(
          `  [${s.key}] round ${round + 1} ${p.padEnd(12)} ${num(r.rps, 0).padStart(6)} req/s  ` +
            `p50 ${ms(r.p50, 1)}  p99 ${ms(r.p99, 1)}  server ${num(r.serverCpuUsPerRequest ?? NaN, 0)} µs/req  ` +
            `client ${num(r.clientCpuUsPerRequest, 0)} µs/req  errors ` +
            `${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 120)})` : ''}; window opened after ` +
            `${num(r.warmupMs / 1000, 1)} s${r.steady ? '' : ' (first burst not yet drained)'}`,
        );
      }
    }
  } finally {
    for (const p of s.paths) await servers[p].stop();
  }
  const lost = Object.fromEntries(s.paths.map((p) => [p, acknowledged[p] - storedReports(dirs[p])])) as Record<PathName, number>;
  return { s, results, lost, organisation };
}

const LABEL: Record<PathName, string> = {
  host: 'local runtime (`node dist/local/main.js`)',
  direct: 'handler called directly (HttpRequest + InvocationContext)',
  bare: 'bare node:http + zod + addUnitReport',
  hostNodeHttp: "local runtime, loaded through Node's http.request (the client before 2026-12-05 15:00)",
};

/**
 * Where a unit report's time goes, piece by piece, in this process (CPU per call): the reads
 * and writes the route and use case make, against the same kind of store.
 */
async function attribution(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const units of [200, 2000]) {
    const goLive = regionGoLive({ id: GO_LIVE_ID, units });
    const dir = tmpDir(`attribution-${units}`);
    const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
    await repo.saveGoLive(goLive, null);
    const body = JSON.stringify(goLive);
    const n = units === 200 ? 300 : 30;
    const parse = await cpuMicrosPerCall(() => GoLiveSchema.parse(JSON.parse(body)), n);
    const parseOnly = await cpuMicrosPerCall(() => JSON.parse(body), n);
    await repo.getGoLive(GO_LIVE_ID);
    const keptRead = await cpuMicrosPerCall(() => repo.getGoLive(GO_LIVE_ID), 3000);
    rows.push([
      `getGoLive, ${units} units (${num(body.length / 1024, 0)} KB), unchanged: SELECT etag, the kept value`,
      num(keptRead, 1),
      '1 (authorisation; the use case gets the same read)',
    ]);
    rows.push([
      `  the same after a change: SELECT + JSON.parse + zod (before issue 17: every read)`,
      num(parse, 0),
      '0 (once per change per instance)',
    ]);
    rows.push([`    of which JSON.parse alone`, num(parseOnly, 0), '']);
    const principal = { kind: 'user' as const, id: reporterId(units - 1), email: reporterEmail(units - 1), appRoles: [] };
    const kept = (await repo.getGoLive(GO_LIVE_ID))!.value;
    const access = ACCESS_MATRIX.postUnitReport!;
    rows.push([
      `  authorize(): the reporter among ${num(kept.people.length, 0)} people (last in the list; an index lookup, a scan before issue 17)`,
      num(await cpuMicrosPerCall(() => authorize(access, principal, kept, { unitId: unitId(units - 1) }), 3000), 1),
      '1',
    ]);
    if (units === 200) {
      const input = JSON.stringify({
        colour: 'gul',
        explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.',
        reporter: { personId: reporterId(1) },
      });
      rows.push([
        'JSON.parse + UnitReportInput (zod) of the body',
        num(await cpuMicrosPerCall(() => UnitReportInput.parse(JSON.parse(input)), 3000), 1),
        '1 per report',
      ]);
      let i = 0;
      const write = await cpuMicrosPerCall(() => {
        const now = new Date().toISOString();
        return repo.addUnitReport({
          id: randomUUID(),
          goLiveId: GO_LIVE_ID,
          unitId: unitId(i++ % units),
          forvaltningId: 'forvaltning-0',
          colour: 'yellow',
          explanation: 'x',
          reportedAt: now,
          receivedAt: now,
          source: 'api',
          requestHash: 'h',
        });
      }, 3000);
      rows.push(['SqliteRepository.addUnitReport (report + status, one transaction)', num(write, 0), '1 per report']);
      const stored = {
        id: randomUUID(),
        goLiveId: GO_LIVE_ID,
        unitId: unitId(1),
        forvaltningId: 'forvaltning-0',
        colour: 'yellow',
        explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.',
        reportedAt: new Date().toISOString(),
        receivedAt: new Date().toISOString(),
        source: 'api',
        requestHash: 'h',
      };
      rows.push([
        'response body: publicView + JSON.stringify of the report',
        num(await cpuMicrosPerCall(() => JSON.stringify(publicView(stored)), 3000), 1),
        '1 per report',
      ]);
      const entry = {
        event: 'http',
        route: 'postUnitReport',
        method: 'POST',
        status: 201,
        durationMs: 1.2,
        invocationId: randomUUID(),
        goLiveId: GO_LIVE_ID,
        principal: 'user',
      };
      rows.push([
        'request log line: JSON.stringify of the entry (context.info then formats it)',
        num(await cpuMicrosPerCall(() => JSON.stringify(entry), 3000), 1),
        '1 per request',
      ]);
    }
    await repo.close();
  }
  return rows;
}

interface SideBySide {
  connections: number;
  results: Record<'tiny' | 'region', LoadResult[]>;
}

/**
 * Issue 17, item 2: the same host against a three-unit go-live and a region (2,000 units,
 * 2,400 people), alternating round by round in one run, at 25 and at 200 connections.
 */
async function sideBySide(): Promise<{ runs: SideBySide[]; organisations: Record<'tiny' | 'region', string> }> {
  const sizes = { tiny: 3, region: 2000 } as const;
  const goLives = {
    tiny: regionGoLive({ id: GO_LIVE_ID, units: sizes.tiny }),
    region: regionGoLive({ id: GO_LIVE_ID, units: sizes.region }),
  };
  const organisations = Object.fromEntries(
    (['tiny', 'region'] as const).map((k) => [
      k,
      `${num(sizes[k], 0)} units, ${num(goLives[k].people.length, 0)} people (${num(Buffer.byteLength(JSON.stringify(goLives[k])) / 1024, 0)} KB)`,
    ]),
  ) as Record<'tiny' | 'region', string>;
  const servers = {} as Record<'tiny' | 'region', ServerChild>;
  for (const k of ['tiny', 'region'] as const) servers[k] = await startPath('host', await seededDataDir(goLives[k], `pair-${k}`));
  const runs: SideBySide[] = [];
  try {
    for (const connections of [25, 200]) {
      const run: SideBySide = { connections, results: { tiny: [], region: [] } };
      for (let round = 0; round < 2; round++) {
        const order = round % 2 === 0 ? (['tiny', 'region'] as const) : (['region', 'tiny'] as const);
        for (const k of order) {
          const request = unitReportRequests({
            goLiveId: GO_LIVE_ID,
            units: sizes[k],
            connections,
            colourOf: (c) => COLOURS[c % 3]!,
            explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.',
          });
          const r = await runLoad({
            origin: new URL(servers[k].url).origin,
            connections,
            warmupMs: 1500,
            maxWarmupMs: 12_000,
            durationMs: 4000,
            maxRequests: 60_000,
            expectStatus: 201,
            serverPid: servers[k].pid,
            request,
          });
          run.results[k].push(r);
          console.log(
            `  [side by side, ${connections} conn] round ${round + 1} ${k.padEnd(6)} ` +
              `${num(r.rps, 0).padStart(6)} req/s  p50 ${ms(r.p50, 1)}  p99 ${ms(r.p99, 1)}  server ` +
              `${num(r.serverCpuUsPerRequest ?? NaN, 0)} µs/req  errors ${r.errors}`,
          );
        }
      }
      runs.push(run);
    }
  } finally {
    for (const k of ['tiny', 'region'] as const) await servers[k].stop();
  }
  return { runs, organisations };
}

async function main(): Promise<PartResult> {
  const parts = await attribution();
  const runs = [];
  for (const s of SCENARIOS) runs.push(await runScenario(s));
  const pair = await sideBySide();
  removeTmpDirs();

  const tables: PartResult['tables'] = [];
  const targets: TargetCheck[] = [];
  const notes: string[] = [];
  const med = (rs: LoadResult[], f: (r: LoadResult) => number) => median(rs.map(f));
  for (const { s, results, lost, organisation } of runs) {
    const rps = (p: PathName) => med(results[p], (r) => r.rps);
    const rows = s.paths.map((p) => {
      const rs = results[p];
      const spread = rs.length > 1 ? ` (${num(min(rs.map((r) => r.rps)), 0)}–${num(max(rs.map((r) => r.rps)), 0)})` : '';
      return [
        LABEL[p],
        `${num(rps(p), 0)}${spread}`,
        ms(
          med(rs, (r) => r.p50),
          1,
        ) + (rs.some((r) => !r.steady) ? ' †' : ''),
        ms(
          med(rs, (r) => r.p99),
          1,
        ) + (rs.some((r) => !r.steady) ? ' †' : ''),
        num(
          med(rs, (r) => r.serverCpuUsPerRequest ?? NaN),
          0,
        ),
        num(
          med(rs, (r) => r.clientCpuUsPerRequest),
          0,
        ),
        p === 'host' ? '1.00×' : ratio(rps(p) / rps('host')),
        `${rs.reduce((n, r) => n + r.errors, 0)} / ${lost[p]}`,
      ];
    });
    tables.push({
      title:
        `Status intake, ${organisation}, ${s.title}; ` +
        `${s.rounds > 1 ? `median of ${s.rounds} rounds of` : 'one round of'} ${s.durationMs / 1000} s, ` +
        `after a warm-up of at least ${s.warmupMs / 1000} s and one answer per connection`,
      header: [
        'server',
        'req/s (range)',
        'p50',
        'p99',
        'server CPU µs/req',
        'client CPU µs/req',
        'req/s vs host',
        'errors / acknowledged but not stored',
      ],
      rows,
    });
    if (s.key === 'region')
      notes.push(
        `Region-sized organisation: at ${num(rps('host'), 0)} req/s, 200 reporters sending at once would ` +
          `each wait about 200 ÷ ${num(rps('host'), 0)} ≈ ${num(200 / rps('host'), 0)} s for an answer ` +
          `(Little's law); the time goes to reading the go-live document twice per report (last table).`,
      );
    if (s.key === 'tiny') {
      const extra = med(results.host, (r) => r.serverCpuUsPerRequest ?? NaN) - med(results.direct, (r) => r.serverCpuUsPerRequest ?? NaN);
      notes.push(
        `Three-unit organisation: the host adds about ${num(extra, 0)} µs of CPU per request over calling ` +
          `the handler directly (${ratio(rps('direct') / rps('host'))} in req/s) — the worker-style invocation ` +
          `(getInvocationModel → getArguments → invokeFunction → getResponse), the RPC conversions and ` +
          `HttpResponse, route matching; at 3,300 req/s on two cores shared with the client, the whole budget ` +
          `is about 300 µs per request.`,
      );
    }
    if (s.key === 'small') {
      const host = results.host;
      const hostRps = rps('host');
      const p99 = med(host, (r) => r.p99);
      const vsDirect = rps('direct') / hostRps;
      const cpuVsDirect = med(host, (r) => r.serverCpuUsPerRequest ?? NaN) / med(results.direct, (r) => r.serverCpuUsPerRequest ?? NaN);
      targets.push(
        {
          name: 'intake throughput, local runtime, 200 connections',
          target: '≥ 3,300 req/s',
          measured: `${num(hostRps, 0)} req/s`,
          met: hostRps >= 3300,
        },
        { name: 'intake p99, local runtime, 200 connections', target: '< 100 ms', measured: ms(p99, 1), met: p99 < 100 },
        {
          name: 'local runtime vs direct invocation',
          target: '≤ 1.25× (direct req/s ÷ host req/s)',
          measured: `${ratio(vsDirect)} throughput, ${ratio(cpuVsDirect)} server CPU per request`,
          met: vsDirect <= 1.25,
        },
      );
    }
  }
  // Issue 17, item 2: region against three units, side by side.
  const medRps = (rs: LoadResult[]) => median(rs.map((r) => r.rps));
  tables.push({
    title: `Region (${pair.organisations.region}) against three units (${pair.organisations.tiny}), the same local runtime, alternating round by round in one run (median of 2 rounds of 4 s)`,
    header: ['connections', 'go-live', 'req/s', 'p50', 'p99', 'server CPU µs/req', 'region ÷ three units (req/s)'],
    rows: pair.runs.flatMap((r) =>
      (['tiny', 'region'] as const).map((k) => [
        String(r.connections),
        k === 'tiny' ? '3 units' : '2,000 units',
        num(medRps(r.results[k]), 0),
        ms(
          med(r.results[k], (x) => x.p50),
          1,
        ),
        ms(
          med(r.results[k], (x) => x.p99),
          1,
        ),
        num(
          med(r.results[k], (x) => x.serverCpuUsPerRequest ?? NaN),
          0,
        ),
        k === 'region' ? ratio(medRps(r.results.region) / medRps(r.results.tiny)) : '',
      ]),
    ),
  });
  for (const r of pair.runs) {
    const q = medRps(r.results.region) / medRps(r.results.tiny);
    targets.push({
      name: `intake at region scale vs three units, ${r.connections} connections`,
      target: '≥ 0.7×',
      measured: ratio(q),
      met: q >= 0.7,
    });
  }
  const tiny200 = pair.runs.find((r) => r.connections === 200)!.results.tiny;
  targets.push(
    {
      name: 'intake throughput, three units, 200 connections (side by side run)',
      target: '≥ 3,300 req/s',
      measured: `${num(medRps(tiny200), 0)} req/s`,
      met: medRps(tiny200) >= 3300,
    },
    {
      name: 'intake p99, three units, 200 connections (side by side run)',
      target: '< 100 ms',
      measured: ms(
        med(tiny200, (x) => x.p99),
        1,
      ),
      met: med(tiny200, (x) => x.p99) < 100,
    },
  );

  tables.push({
    title: 'Where the time goes: CPU per call, measured in this process on the same machine',
    header: ['step', 'CPU µs per call', 'calls per unit report'],
    rows: parts,
  });
  // --- EMBEDDED_SYNCHRONOUS NORMAL vs FULL (issue 13 item 8): bench/synchronous.ts, one table and one note ---
  const synchronous = await synchronousCost();
  tables.push(synchronous.table);
  notes.push(synchronous.note);
  // --- end EMBEDDED_SYNCHRONOUS ---
  return {
    part: 'intake',
    title: '1. Status intake (200 concurrent reporters)',
    tables,
    targets,
    notes: [
      ...notes,
      'Each connection is one reporter (`x-dev-user: <their e-mail>`, role unitReporter) posting for their ' +
        'own unit, so every request is authorised against the go-live; no Idempotency-Key, so every 201 is a ' +
        'new report.',
      'Server and load generator run in separate processes on the same 2 cores: the client competes for ' +
        'CPU (its CPU µs per request is shown), so req/s is a lower bound of what the server alone could do; ' +
        "server CPU µs per request is the figure least disturbed by that. Since issue 17's fourth round the " +
        'generator writes each request as one buffer on a keep-alive socket (`bench/lib/raw-client.ts`); the ' +
        'row "loaded through Node\'s http.request" is the same local runtime under the generator of earlier ' +
        'runs, in the same rounds, so the two instruments can be compared.',
      '† the window opened (after the longest warm-up allowed) before every connection had been answered once: those latencies are lower than steady state would give.',
      '"acknowledged but not stored" compares every 201 (warm-up included) with the reports in the store afterwards; it should be 0.',
    ],
    data: {
      scenarios: runs.map(({ s, results, lost, organisation }) => ({ scenario: s.key, organisation, results, lost })),
      sideBySide: pair,
    },
  };
}

runPart('intake', '1. Status intake', main);
