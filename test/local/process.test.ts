import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_GOLIVE_ID } from '../../shared/app/demo';

/*
 * `node dist/local/main.js` as a user starts it: the real shim (no jest module loader), the
 * app's real entry, the embedded store in a temporary folder. Needs a build first
 * (`npm test` builds; by hand: npx tsc -p tsconfig.build.json).
 */

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/local/main.js');

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
}

const children = new Set<ChildProcessWithoutNullStreams>();
const tmpDirs: string[] = [];

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-local-'));
  tmpDirs.push(dir);
  return dir;
}

/** The child's environment: like Azure's worker, no npm variables (npm test sets them for us). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_')) env[k] = v;
  delete env.PORT;
  delete env.HOST;
  delete env.DRIFTPULS_DATA_DIR;
  return env;
}

function run(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: childEnv() });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { child, output: () => out, exited };
}

/** Starts the runtime and waits for the line that tells where it listens. */
async function start(args: string[]): Promise<Started> {
  const { child, output, exited } = run(args);
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const m = /lyssnar på (http:\/\/\S+)/.exec(output());
      if (m) {
        child.stdout.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output()}`)));
  });
  return { child, url, output };
}

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.build.json).`);
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

it('starts on an ephemeral port, prints where, serves the app, and stops cleanly on SIGTERM', async () => {
  const { child, url, output } = await start(['--port', '0', '--data-dir', tmpDir(), '--no-demo']);
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
  expect(output()).toContain(`Driftpuls lokal körning lyssnar på ${url} (health: /api/health)`);
  expect(output()).toMatch(/health\s+\[GET\]/);
  expect(output()).toMatch(/heartbeat\s+timer/);

  const unknown = await fetch(`${url}/no-such-route`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);

  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', store: 'embedded' });

  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
});

it('seeds the demo go-live into an empty store unless --no-demo', async () => {
  const { child, url } = await start(['--port', '0', '--data-dir', tmpDir()]);
  expect((await fetch(`${url}/golives/${DEMO_GOLIVE_ID}`)).status).toBe(200);
  child.kill('SIGTERM');
});

it('runs the heartbeat on simulated time moved over HTTP', async () => {
  const { child, url } = await start(['--port', '0', '--data-dir', tmpDir(), '--no-demo', '--clock=simulated', '--start=2025-03-03T06:00:00Z']);
  const moved = await fetch(`${url}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceBy: 'PT2M' }) });
  expect(await moved.json()).toEqual({ now: '2025-03-03T06:02:00.000Z' });
  const health = await fetch(`${url}/health`);
  expect(await health.json()).toMatchObject({ now: '2025-03-03T06:02:00.000Z', lastHeartbeat: '2025-03-03T06:02:00.000Z' });
  child.kill('SIGTERM');
});

it('refuses a non-loopback address without --allow-remote and says why', async () => {
  const { exited, output } = run(['--port', '0', '--host', '0.0.0.0', '--data-dir', tmpDir(), '--no-demo']);
  expect(await exited).toBe(2);
  expect(output()).toContain('--allow-remote');
  expect(output()).not.toContain('lyssnar på');
});

it('rejects bad arguments with usage and exit code 2', async () => {
  const { exited, output } = run(['--clock', 'sundial']);
  expect(await exited).toBe(2);
  expect(output()).toContain('Användning');
});
