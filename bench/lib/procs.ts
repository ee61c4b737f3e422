import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (bench scripts run from dist/bench/…). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(ROOT, 'dist');
export const MAIN = path.join(DIST, 'local', 'main.js');

/**
 * The node flags `npm start` gives the local runtime (the `start` script of the package.json
 * of the checkout `main` belongs to), so a bench server runs as a user's does: `--max-semi-space-size=32`
 * since issue 17's fourth round. A checkout without flags in its script gets none.
 */
export function startFlagsOf(main: string): string[] {
  const pkg = path.resolve(main, '..', '..', '..', 'package.json');
  if (!fs.existsSync(pkg)) return [];
  const start = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  const words = start.split(/\s+/);
  if (words[0] !== 'node') return [];
  return words.slice(1).filter((w, i, all) => w.startsWith('--') && all.slice(0, i).every((x) => x.startsWith('--')));
}

const tmpDirs: string[] = [];

export function tmpDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `driftpuls-bench-${prefix}-`));
  tmpDirs.push(dir);
  return dir;
}

export function removeTmpDirs(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

// Also when a part fails half-way: its temporary stores go with the process.
process.on('exit', removeTmpDirs);

/**
 * A child's environment as Azure's worker would see it: no npm variables, no store or port
 * from the caller's shell, no telemetry, and settings that a developer's local.settings.json
 * might otherwise supply pinned to the embedded store and dev sign-in.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_')) env[k] = v;
  for (const k of ['PORT', 'HOST', 'DRIFTPULS_DATA_DIR', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'MACHINE_KEYS', 'NODE_OPTIONS'])
    delete env[k];
  return { ...env, COSMOS_ENDPOINT: '', COSMOS_KEY: '', AUTH_MODE: 'dev', ...extra };
}

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts a server process whose output goes to a file (not a pipe: neither process should
 * spend time on the other's log lines) and waits for the line that says where it listens.
 */
export async function startServer(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; logFile: string; listenPattern: RegExp; timeoutMs?: number; nodeFlags?: string[] },
): Promise<ServerChild> {
  const fd = fs.openSync(opts.logFile, 'w');
  // The local runtime starts with `npm start`'s node flags; bench servers of their own with none.
  const startFlags =
    args[0] && path.basename(args[0]) === 'main.js' && path.basename(path.dirname(args[0])) === 'local' ? startFlagsOf(args[0]) : [];
  const child = spawn(process.execPath, [...startFlags, ...(opts.nodeFlags ?? []), ...args], {
    cwd: ROOT,
    env: childEnv(opts.env),
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let url: string | undefined;
  while (!url) {
    const text = fs.readFileSync(opts.logFile, 'utf8');
    const m = opts.listenPattern.exec(text);
    if (m) url = m[1]!;
    else if (exited !== undefined) throw new Error(`${args.join(' ')} exited with ${exited} before listening:\n${text}`);
    else if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not listen within ${opts.timeoutMs ?? 30_000} ms:\n${text}`);
    } else await new Promise((r) => setTimeout(r, 20));
  }
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  return { child, pid: child.pid!, url, logFile: opts.logFile, stop };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) in a /proc `stat` file, in milliseconds; undefined where there is none. */
function statCpuMs(file: string): number | undefined {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) / CLOCK_TICKS_PER_SECOND) * 1000;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, from /proc; undefined where there is none. */
export function processCpuMs(pid: number): number | undefined {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** CPU time each thread of a process has used so far (ms), by thread id; the main thread's id is the pid. */
export function threadCpuMs(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const cpu = statCpuMs(`/proc/${pid}/task/${tid}/stat`);
    if (cpu !== undefined) threads.set(Number(tid), cpu);
  }
  return threads;
}

/** This process's CPU time so far, in milliseconds. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
