import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Starting `node dist/local/main.js` as a user does: the real shim (no jest module loader),
 * the app's real entry, the embedded store in a temporary folder. Needs a build first
 * (`npm test` builds; by hand: npx tsc -p tsconfig.build.json).
 */

export const ROOT = path.resolve(__dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/local/main.js');

export interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
}

const children = new Set<ChildProcessWithoutNullStreams>();
const tmpDirs: string[] = [];

export function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-local-'));
  tmpDirs.push(dir);
  return dir;
}

/** The child's environment: like Azure's worker, no npm variables (npm test sets them for us). */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_')) env[k] = v;
  delete env.PORT;
  delete env.HOST;
  delete env.DRIFTPULS_DATA_DIR;
  return { ...env, ...extra };
}

export function run(
  args: string[],
  env?: NodeJS.ProcessEnv,
): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: childEnv(env) });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { child, output: () => out, exited };
}

/** Starts the runtime and waits for the line that tells where it listens. */
export async function start(args: string[], env?: NodeJS.ProcessEnv): Promise<Started> {
  const { child, output, exited } = run(args, env);
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

/** Kills every child still running and removes the temporary folders (afterAll). */
export function cleanUp(): void {
  for (const c of children) c.kill('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
}

/** Fails fast with a clear message when the build is missing. */
export function requireBuild(): void {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.build.json).`);
}
