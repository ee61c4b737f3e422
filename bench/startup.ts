import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { childEnv, DIST, MAIN, removeTmpDirs, ROOT, startFlagsOf, tmpDir } from './lib/procs';
import type { PartResult } from './lib/result';
import { runPart } from './lib/result';
import { max, median, min, ms, num } from './lib/stats';

/*
 * Part 5 — start-up. (a) From spawning `node dist/local/main.js` to its first answered request,
 * against a bare node:http server started the same way (Node's own boot). (b) In fresh
 * processes, the time to load the compiled function modules, as the Functions worker does on
 * a cold start, with and without the telemetry packages Azure loads, and (c) which packages
 * weigh most, from a require hook around Module._load.
 */

const RUNS = 5;

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Spawns, waits for the line naming the URL, then asks `probe` until it answers 200. */
async function timeToFirstAnswer(
  args: string[],
  urlPattern: RegExp,
  probe: string,
): Promise<{ listenMs: number; answerMs: number; firstRequestMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = urlPattern.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
    });
    const listenMs = performance.now() - t0;
    for (;;) {
      const t = performance.now();
      const status = await get(url + probe).catch(() => 0);
      if (status === 200) return { listenMs, answerMs: performance.now() - t0, firstRequestMs: performance.now() - t };
      if (performance.now() - t0 > 60_000) throw new Error(`${probe} never answered 200 (last ${status})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

interface ModuleLoad {
  totalMs: number;
  appMs: number;
  telemetryMs: number;
  firstRequestLazyMs: number;
  modulesLoaded: number;
  functions: number;
  byOwner: { owner: string; selfMs: number; files: number; entryMs: number; phase: string }[];
}

function moduleLoad(mode: 'plain' | 'hooked', variant: 'app' | 'app+telemetry'): Promise<ModuleLoad> {
  const out = path.join(tmpDir('modules'), 'out.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(DIST, 'bench', 'startup-modules.js'), mode, variant, '--out', out], {
      cwd: ROOT,
      env: childEnv(),
      stdio: 'inherit',
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as ModuleLoad)
        : reject(new Error(`startup-modules exited with ${code}`)),
    );
  });
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

async function main(): Promise<PartResult> {
  const bare: Awaited<ReturnType<typeof timeToFirstAnswer>>[] = [];
  const host: Awaited<ReturnType<typeof timeToFirstAnswer>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeToFirstAnswer(['-e', BARE_SERVER], /listening on (http:\/\/\S+)/, '/'));
    host.push(
      await timeToFirstAnswer(
        [...startFlagsOf(MAIN), MAIN, '--port', '0', '--data-dir', tmpDir('startup'), '--no-demo'],
        /lyssnar på (http:\/\/\S+?\/api)\s/,
        '/health',
      ),
    );
    console.log(`  run ${i + 1}: bare server answers after ${ms(bare[i]!.answerMs, 0)}, local runtime after ${ms(host[i]!.answerMs, 0)}`);
  }
  const loads: Record<'app' | 'app+telemetry', ModuleLoad[]> = { app: [], 'app+telemetry': [] };
  for (let i = 0; i < RUNS; i++)
    for (const v of ['app', 'app+telemetry'] as const) if (v === 'app' || i < 3) loads[v].push(await moduleLoad('plain', v));
  const hooked = await moduleLoad('hooked', 'app+telemetry');
  removeTmpDirs();

  const row = (label: string, xs: number[]) => [label, ms(median(xs), 0), `${ms(min(xs), 0)}–${ms(max(xs), 0)}`];
  const top = hooked.byOwner.filter((o) => o.selfMs >= 5).slice(0, 18);
  const appLoad = median(loads.app.map((l) => l.appMs));
  const telemetryLoad = median(loads['app+telemetry'].map((l) => l.telemetryMs));
  const lazy = median(loads.app.map((l) => l.firstRequestLazyMs));
  return {
    part: 'startup',
    title: '5. Start-up (local runtime, and what a cold start loads)',
    tables: [
      {
        title: `Process start to first answered request, median of ${RUNS} (fresh data folder each time)`,
        header: ['what', 'median', 'range'],
        rows: [
          row(
            "bare node:http server (`node -e`): spawn → first answer (Node's own boot)",
            bare.map((r) => r.answerMs),
          ),
          row(
            'local runtime (`node dist/local/main.js --no-demo`): spawn → "lyssnar på" line',
            host.map((r) => r.listenMs),
          ),
          row(
            'local runtime: spawn → first answered request (GET /api/health, 200)',
            host.map((r) => r.answerMs),
          ),
          row(
            '  of which the first request itself (opens the store)',
            host.map((r) => r.firstRequestMs),
          ),
        ],
      },
      {
        title:
          'Loading the compiled function modules in a fresh process (`require("dist/functions/index")` behind the core-module shim), median',
        header: ['what', 'median', 'modules loaded', 'functions registered'],
        rows: [
          [
            'app as deployed, telemetry off (no APPLICATIONINSIGHTS_CONNECTION_STRING)',
            ms(appLoad, 0),
            num(median(loads.app.map((l) => l.modulesLoaded)), 0),
            String(loads.app[0]!.functions),
          ],
          [
            '+ the telemetry packages startTelemetry() requires in Azure',
            ms(telemetryLoad, 0),
            num(median(loads['app+telemetry'].map((l) => l.modulesLoaded)) - median(loads.app.map((l) => l.modulesLoaded)), 0),
            '',
          ],
          ['+ what the first request loads lazily in Azure (Cosmos adapter and SDK, @azure/identity)', ms(lazy, 0), '', ''],
          ['= module loading a cold start pays in Azure', ms(appLoad + telemetryLoad + lazy, 0), '', ''],
        ],
      },
      {
        title:
          `Heaviest packages, app + telemetry + first request (one run with a require hook around ` +
          `Module._load, which itself adds ` +
          `${ms(hooked.totalMs - median(loads['app+telemetry'].map((l) => l.totalMs)), 0)}); "own" = its files ` +
          `alone, "to require it first" = with the dependencies it pulled in`,
        header: ['package or app folder', 'first loaded by', 'files', 'own load time', 'time to require it first (with its dependencies)'],
        rows: top.map((o) => [o.owner, o.phase, num(o.files, 0), ms(o.selfMs, 0), ms(o.entryMs, 0)]),
      },
    ],
    targets: [],
    notes: [
      'Module loading is CPU-bound and single-threaded: on a Flex Consumption instance it is paid once per ' +
        'cold start, before the first invocation; `ALWAYS_READY_INSTANCES=1` keeps one instance warm.',
      "The local runtime's start also loads its own host (HTTP, timers, durable host with its SQLite file) and opens the embedded store, which Azure does not.",
    ],
    data: { bare, host, loads, hooked: hooked.byOwner },
  };
}

runPart('startup', '5. Start-up', main);
