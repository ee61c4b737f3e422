import fs from 'node:fs';
import path from 'node:path';
import { SqliteRepository } from '../shared/adapters/embedded/sqlite.repository';
import { runLoad } from './lib/load';
import { DIST, MAIN, removeTmpDirs, startServer, tmpDir } from './lib/procs';
import { regionGoLive, unitReportRequests } from './lib/region';
import { num } from './lib/stats';

/*
 * Issue 17, fifth round: where the objects that outlive a scavenge are allocated. What survives
 * a scavenge is copied, and what survives two is promoted to the old generation, whose full
 * collections decide the intake bench's p99 (bench/README.md). V8's sampling heap profiler runs
 * in the runtime (bench/lib/heap-sampler.ts) under the intake load, first keeping every sample
 * ("allocated"), then only the samples that no scavenge collected ("survived"); both per unit
 * report, by allocation site: the allocating frame and the nearest frame of our own code.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/survivors.js [--connections 200] [--seconds 3] [--top 25] [--by own] [--flags "..."]
 *
 * The profiles are kept in the printed directory; Chrome's DevTools open them (Memory tab, Load).
 */

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const connections = Number(value('--connections') ?? 200);
const seconds = Number(value('--seconds') ?? 3);
const top = Number(value('--top') ?? 25);
const flags = (value('--flags') ?? '').split(' ').filter(Boolean);
// `--by own`: group by the nearest frame of ours only, with each one's share of what survived.
const byOwn = value('--by') === 'own';
const UNITS = 3;

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const OWN = `${path.sep}dist${path.sep}`;
const frameName = (f: Node['callFrame']): string => {
  const file = f.url.replace(/^file:\/\//, '');
  const short = file.includes(OWN) ? file.slice(file.indexOf(OWN) + OWN.length) : file.replace(/.*node_modules\//, '');
  return `${f.functionName || '(anonymous)'} ${short || '(native)'}:${f.lineNumber + 1}`;
};
const isOwn = (f: Node['callFrame']): boolean => f.url.includes(OWN) && !f.url.includes('node_modules') && !f.url.includes(`${OWN}bench`);

/**
 * Bytes by "allocating frame ← nearest own frame", or with `byOwn` by the nearest own frame
 * alone (a function of ours and everything it allocated through the library or Node).
 */
function bySite(head: Node, byOwn: boolean): Map<string, number> {
  const sites = new Map<string, number>();
  const walk = (n: Node, own: string | undefined): void => {
    const name = frameName(n.callFrame);
    const here = isOwn(n.callFrame) ? name : own;
    if (n.selfSize > 0) {
      const key = byOwn ? (here ?? '(no frame of ours)') : here && here !== name ? `${name}  ← ${here}` : name;
      sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, here);
  };
  walk(head, undefined);
  return sites;
}

async function waitFor(file: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const dir = tmpDir('survivors');
  const out = fs.mkdtempSync(path.join(path.dirname(dir), 'driftpuls-survivors-'));
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  await repo.saveGoLive(regionGoLive({ id: 'bench', units: UNITS }), null);
  await repo.close();
  const server = await startServer([MAIN, '--port', '0', '--data-dir', dir, '--no-demo'], {
    logFile: path.join(dir, 'server.log'),
    listenPattern: /lyssnar på (http:\/\/\S+?)\/api\s/,
    nodeFlags: ['--expose-gc', '--require', path.join(DIST, 'bench', 'lib', 'heap-sampler.js'), ...flags],
    env: { DRIFTPULS_HEAP_SAMPLE_DIR: out },
  });
  const request = unitReportRequests({ goLiveId: 'bench', units: UNITS, connections });
  const load = (warmupMs: number, durationMs: number) =>
    runLoad({
      origin: new URL(server.url).origin,
      connections,
      warmupMs,
      warmupMinCompletions: 0,
      maxWarmupMs: 12_000,
      durationMs,
      maxRequests: 200_000,
      expectStatus: 201,
      serverPid: server.pid,
      request,
    });
  const reports: Record<string, number> = {};
  try {
    await load(1500, 2000);
    for (const phase of ['allocated', 'survived']) {
      process.kill(server.pid, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 100));
      const r = await load(0, seconds * 1000);
      reports[phase] = r.okTotal;
      console.log(`${phase}: ${r.okTotal} reports, ${num(r.rps, 0)} req/s, p99 ${num(r.p99, 1)} ms`);
    }
    await new Promise((r) => setTimeout(r, 300));
    process.kill(server.pid, 'SIGUSR2');
    await waitFor(path.join(out, 'survived.done'));
  } finally {
    await server.stop();
  }
  const sites = Object.fromEntries(
    ['allocated', 'survived'].map((p) => {
      const profile = JSON.parse(fs.readFileSync(path.join(out, `${p}.heapprofile`), 'utf8')) as { head: Node };
      return [p, bySite(profile.head, byOwn)];
    }),
  ) as Record<'allocated' | 'survived', Map<string, number>>;
  const per = (p: 'allocated' | 'survived', bytes: number) => bytes / reports[p]!;
  const total = (p: 'allocated' | 'survived') =>
    per(
      p,
      [...sites[p].values()].reduce((a, b) => a + b, 0),
    );
  console.log(
    `\n${connections} connections, sampled every 2 KB: allocated ${num(total('allocated') / 1024, 1)} KB/report, ` +
      `survived a scavenge ${num(total('survived') / 1024, 1)} KB/report (${num((total('survived') / total('allocated')) * 100, 1)} %)`,
  );
  console.log(`profiles: ${out}\n`);
  console.log(
    `survived B/report | share of survived | allocated B/report | ${byOwn ? 'nearest frame of ours' : 'site (allocating frame ← nearest frame of ours)'}`,
  );
  const rows = [...sites.survived].map(([k, b]) => [k, per('survived', b), per('allocated', sites.allocated.get(k) ?? 0)] as const);
  for (const [k, s, a] of rows.sort((x, y) => y[1] - x[1]).slice(0, top))
    console.log(`${num(s, 0).padStart(8)} | ${num((s / total('survived')) * 100, 1).padStart(5)} % | ${num(a, 0).padStart(8)} | ${k}`);
  removeTmpDirs();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
