/**
 * A store that does not answer gets a 503 after a bounded wait, not a hung process (issue 13
 * item 9). better-sqlite3 is synchronous, so the probe reads the store's file in a worker
 * thread; `HungDisk` blocks that thread where the read would block on a frozen mount. Timers are
 * fired by hand: no test waits on the wall clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { workerStoreProbe, type SetTimer } from '../../shared/adapters/embedded/store-probe';
import { HungDisk } from '../../shared/adapters/faults/sqlite-faults';
import { startApi } from '../http/harness';

function manualTimers() {
  const due: (() => void)[] = [];
  const setTimer: SetTimer = (fn) => {
    let live = true;
    due.push(() => live && fn());
    return { cancel: () => (live = false) };
  };
  return { setTimer, fire: () => due.splice(0).forEach((f) => f()) };
}

/** Event-loop turns other work gets until `p` settles: an answer that needs the loop. */
async function turnsUntil<T>(p: Promise<T>): Promise<{ value: T; turns: number }> {
  let done = false;
  let turns = 0;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await p.finally(() => (done = true));
  return { value, turns };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-probe-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('answers ok for a store that answers, timeout for a hung one while the event loop runs on; one stuck probe, not more', async () => {
  const file = path.join(dir, 'driftpuls.sqlite');
  const repo = SqliteRepository.open(file);
  try {
    const disk = new HungDisk();
    const timers = manualTimers();
    const probe = workerStoreProbe(file, { faults: disk, setTimer: timers.setTimer });
    expect(await probe(2_000)).toEqual({ ok: true });

    disk.hang();
    const hung = probe(2_000);
    await disk.blocked();
    // The worker is blocked in its "read": the app's event loop is not.
    const turns = await turnsUntil(new Promise((r) => setTimeout(r, 0)));
    expect(turns.turns).toBeGreaterThan(0);
    timers.fire(); // the bounded wait is over
    expect(await hung).toMatchObject({ ok: false, reason: 'timeout' });
    // While that worker is stuck, a probe answers at once and starts no new thread.
    expect(await probe(2_000)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Atomics.load(disk.signal, 1)).toBe(1);

    disk.release();
    let again = await probe(2_000);
    // The stuck thread ends once its read returns; until then probes answer timeout at once.
    for (let i = 0; i < 3_000 && !again.ok; i++) {
      await new Promise((r) => setTimeout(r, 10));
      again = await probe(2_000);
    }
    expect(again).toEqual({ ok: true });
  } finally {
    await repo.close();
  }
}, 60_000);

it('a file that is not a database, or is missing, is an error, not a timeout', async () => {
  const bad = path.join(dir, 'not.sqlite');
  fs.writeFileSync(bad, 'hello, not a database'.repeat(10));
  expect(await workerStoreProbe(bad)(10_000)).toMatchObject({ ok: false, reason: 'error' });
  expect(await workerStoreProbe(path.join(dir, 'missing.sqlite'))(10_000)).toMatchObject({ ok: false, reason: 'error' });
}, 60_000);

it('/api/health answers 503 "unresponsive" after the bounded wait while the store hangs; other requests are served meanwhile', async () => {
  const disk = new HungDisk();
  const timers = manualTimers();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-api-'));
  const api = await startApi({
    start: '2026-11-27T10:00:00Z',
    dataDir,
    storeProbe: workerStoreProbe(path.join(dataDir, 'driftpuls.sqlite'), { faults: disk, setTimer: timers.setTimer }),
  });
  try {
    const ok = await api.get('/health');
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('ok');

    disk.hang();
    const health = api.get('/health');
    await disk.blocked();
    // Health waits on the probe; another request is answered meanwhile.
    expect((await api.get('/openapi.json')).status).toBe(200);
    timers.fire();
    const answer = await health;
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ status: 'unresponsive', store: 'embedded' });
    expect(answer.json.problem).toMatch(/svarar inte/);
    expect(answer.headers.get('retry-after')).toBe('10');
    disk.release();
  } finally {
    disk.release();
    await api.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
