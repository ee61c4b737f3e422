import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machineInfo } from './lib/machine';
import { DIST, ROOT } from './lib/procs';
import type { PartResult } from './lib/result';
import { renderPart } from './lib/result';
import { num, table } from './lib/stats';

/*
 * `npm run bench`: the parts, each in its own process (so no part inherits another's
 * JIT, heap or module state), one after the other. Each prints its figures as it goes; at
 * the end this prints the whole report in Markdown (as pasted into bench/README.md) and
 * writes it to dist/bench/last-run.md, the raw figures to dist/bench/last-run.json.
 *
 *   npm run bench                      all parts
 *   npm run bench -- intake region     some of them
 */

interface Part {
  key: string;
  script: string;
  nodeFlags?: string[];
  timeoutSeconds: number;
}

const PARTS: Part[] = [
  { key: 'startup', script: 'startup.js', timeoutSeconds: 240 },
  { key: 'intake', script: 'intake.js', timeoutSeconds: 900 },
  // A 64 MB young generation, so one call's allocation is visible as heap growth.
  {
    key: 'region',
    script: 'region.js',
    nodeFlags: ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'],
    timeoutSeconds: 420,
  },
  { key: 'orchestrations', script: 'orchestrations.js', timeoutSeconds: 360 },
  { key: 'cosmos', script: 'cosmos.js', timeoutSeconds: 240 },
  { key: 'mixed', script: 'mixed.js', timeoutSeconds: 600 },
  { key: 'imports', script: 'imports.js', timeoutSeconds: 600 },
];

const ORDER = ['intake', 'mixed', 'region', 'orchestrations', 'cosmos', 'startup', 'imports'];

function runOne(part: Part, outFile: string): Promise<PartResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(part.nodeFlags ?? []), path.join(DIST, 'bench', part.script), '--out', outFile], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), part.timeoutSeconds * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (fs.existsSync(outFile)) {
        const r = JSON.parse(fs.readFileSync(outFile, 'utf8')) as PartResult;
        resolve({ ...r, wallSeconds: seconds });
        return;
      }
      const why =
        signal === 'SIGKILL' ? `did not finish within ${part.timeoutSeconds} s` : `exited with ${code ?? signal} without a result`;
      resolve({
        part: part.key,
        title: part.key,
        tables: [],
        targets: [{ name: `${part.key} ran`, target: 'completes', measured: why, met: false }],
        notes: [],
        wallSeconds: seconds,
      });
    });
  });
}

/** The commit measured, and whether the working tree differed from it. */
function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return `${head}${dirty ? ` with uncommitted changes (${dirty.split('\n').length} files)` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !PARTS.some((p) => p.key === w));
  if (unknown.length) {
    console.error(`Unknown part(s): ${unknown.join(', ')}. Parts: ${PARTS.map((p) => p.key).join(', ')}`);
    process.exit(2);
  }
  const parts = PARTS.filter((p) => wanted.length === 0 || wanted.includes(p.key)).sort(
    (a, b) => ORDER.indexOf(a.key) - ORDER.indexOf(b.key),
  );
  const machine = machineInfo();
  const startedAt = new Date();
  const rev = revision();
  const t0 = performance.now();
  console.log(`Driftpuls benchmarks: ${parts.map((p) => p.key).join(', ')}`);
  console.log(
    `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; load average ${machine.loadAverage.join(' ')}`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-bench-run-'));
  const results: PartResult[] = [];
  for (const part of parts) {
    console.log(`\n=== ${part.key} ===`);
    results.push(await runOne(part, path.join(dir, `${part.key}.json`)));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const totalSeconds = (performance.now() - t0) / 1000;
  const loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);

  const targets = results.flatMap((r) => r.targets.map((t) => ({ ...t, part: r.part })));
  const report = [
    `# Benchmark run, ${startedAt.toISOString()}`,
    '',
    table(
      ['machine', ''],
      [
        ['code', rev],
        ['CPUs (nproc)', String(machine.cpus)],
        ['CPU model', machine.cpuModel],
        ['memory', `${machine.memoryGiB} GiB`],
        ['Node', machine.node],
        ['OS', machine.os],
        ['load average (1, 5, 15 min) before / after', `${machine.loadAverage.join(', ')} / ${loadAfter.join(', ')}`],
        [
          'wall time of the run',
          `${num(totalSeconds / 60, 1)} min (${results.map((r) => `${r.part} ${num(r.wallSeconds ?? 0, 0)} s`).join(', ')})`,
        ],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['part', 'target', 'wanted', 'measured', 'met'],
      targets.map((t) => [t.part, t.name, t.target, t.measured, t.met ? 'yes' : '**NO**']),
    ),
    '',
    ...results.map(renderPart),
  ].join('\n');
  console.log(`\n\n${report}`);
  fs.mkdirSync(path.join(DIST, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(DIST, 'bench', 'last-run.md'), report);
  fs.writeFileSync(
    path.join(DIST, 'bench', 'last-run.json'),
    JSON.stringify({ machine, revision: rev, startedAt, totalSeconds, loadAfter, results }, null, 2),
  );
  console.log(
    `\nWritten to ${path.relative(ROOT, path.join(DIST, 'bench', 'last-run.md'))} (and last-run.json). ${targets.filter((t) => !t.met).length} of ${targets.length} targets missed.`,
  );
  // Targets are reported, not asserted: a missed target is a finding, not a failed run. A part that crashed is.
  process.exit(results.some((r) => r.targets.some((t) => t.name.endsWith(' ran') && !t.met)) ? 1 : 0);
}

void main();
