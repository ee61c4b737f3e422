import fs from 'node:fs';
import os from 'node:os';
import type { LocalRuntime } from '../../local/runtime';
import { startLocalRuntime } from '../../local/runtime';
import { sampleApp, T0, tmpDir } from './durable/harness';

/*
 * Issue 13 item 7: the host APIs (Durable HTTP API, `_local/clock`) once the runtime is
 * reachable from outside loopback. Requests come from this machine's own non-loopback address,
 * so the server sees a remote peer; the app's own durable client stays on loopback.
 */

const HOST_KEY = 'drift-host-secret-0123456789';
const IMPORT_KEY = 'drift-import-secret-0123456789';

/** A non-loopback IPv4 address of this machine: requests to it arrive from it. */
const OUTSIDE = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const outsideAddress = (): string => OUTSIDE!;
// A machine with loopback only cannot be called from "outside": the test shows as skipped there.
const itFromOutside = OUTSIDE ? it : it.skip;
if (!OUTSIDE) console.warn('host-access: no non-loopback IPv4 interface here; the outside-caller test is skipped');

const app = sampleApp();
let dataDir: string;
let runtime: LocalRuntime | undefined;

beforeEach(() => {
  dataDir = tmpDir();
  app.probe.reset({ now: () => runtime!.clock.now() });
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = (settings: Record<string, string>) =>
  startLocalRuntime({
    registry: app.registry,
    clock: 'simulated',
    start: T0,
    port: 0,
    host: '0.0.0.0',
    allowRemote: true,
    dataDir,
    demo: false,
    settings: { DURABLE_TASK_HUB: 'DriftpulsTest', ...settings },
  });

describe('remote-reachable runtime (issue 13 item 7)', () => {
  itFromOutside(
    'refuses an anonymous terminate and clock from outside loopback; a host-scoped key may; loopback keeps working',
    async () => {
      runtime = await start({ MACHINE_KEYS: `ops:host:${HOST_KEY};imp:import:${IMPORT_KEY}` });
      const port = new URL(runtime.url).port;
      const local = `http://127.0.0.1:${port}`;
      const remote = `http://${outsideAddress()}:${port}`;

      // The app's own durable client (loopback) starts an instance.
      const started = await fetch(`${local}/api/approvals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ minutes: 60 }),
      });
      expect(started.status).toBe(202);
      const id = String(((await started.json()) as { id: string }).id);
      const terminate = `/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}/terminate?reason=x`;

      for (const headers of [{}, { 'x-functions-key': IMPORT_KEY }, { 'x-functions-key': 'wrong-wrong-wrong-wrong' }] as Record<
        string,
        string
      >[]) {
        const anon = await fetch(`${remote}${terminate}`, { method: 'POST', headers });
        expect(anon.status).toBe(401);
        expect(anon.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const clock = await fetch(`${remote}/api/_local/clock`, { method: 'POST', headers, body: JSON.stringify({ advanceBy: 'PT1H' }) });
        expect(clock.status).toBe(401);
        expect(clock.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
      const status = await fetch(`${local}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`);
      expect(((await status.json()) as { runtimeStatus: string }).runtimeStatus).not.toBe('Terminated');
      expect(runtime.clock.now().toISOString()).toBe(T0.toISOString());

      // Loopback as today; from outside, the host-scoped key.
      expect((await fetch(`${local}/api/_local/clock`)).status).toBe(200);
      expect((await fetch(`${remote}/api/_local/clock`, { headers: { 'x-functions-key': HOST_KEY } })).status).toBe(200);
      const ok = await fetch(`${remote}${terminate}`, { method: 'POST', headers: { 'x-functions-key': HOST_KEY } });
      expect(ok.status).toBe(202);
    },
  );

  it('refuses to start with --allow-remote in dev auth mode without machine keys, and says why', async () => {
    // A runtime that starts anyway is closed, so a failure here does not hang the run.
    const outcome = (settings: Record<string, string>) =>
      start(settings).then(
        async (rt) => (await rt.close(), 'started'),
        (e: Error) => e.message,
      );
    expect(await outcome({})).toMatch(/MACHINE_KEYS/);
    expect(await outcome({ AUTH_MODE: 'dev' })).toMatch(/--allow-remote/);
  });
});
