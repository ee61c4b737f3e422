/**
 * A frozen file system under the running app (issue 13 item 9). With EMBEDDED_STORE_THREAD=worker
 * the embedded store calls SQLite in a worker thread, each call with a bounded wait
 * (EMBEDDED_STORE_TIMEOUT_MS, here 1 s): with
 * the disk hung (`HungDisk` blocks the store's threads where SQLite's call would), a unit report,
 * the overview, a challenge raise and /api/health answer 503 with Retry-After within the bound,
 * a page that needs no store answers 200, and once the disk answers again everything does,
 * with nothing acknowledged lost. With the store on the event loop (`main`, before) the first
 * store call blocks the event loop, and every request, for as long as the disk hangs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workerStoreProbe } from '../../shared/adapters/embedded/store-probe';
import { HungDisk } from '../../shared/adapters/faults/sqlite-faults';
import { startApi, type Api, type Reply } from './harness';

const G = '/golives/fryst';
const BOUND_MS = 1_000;
const ORG = {
  name: 'Fryst',
  startDate: '2026-11-27',
  forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
  people: [{ id: 'karl', name: 'Karl', email: 'karl@example.org', roles: ['goLiveCoordinator'] }],
};
const RAISE = { title: 'Behörigheter saknas', colour: 'gul', areaId: 'behorigheter', needFromOthers: 'Hjälp från Teknik' };

let api: Api;
let disk: HungDisk;
let dataDir: string;
const saved = { timeout: process.env.EMBEDDED_STORE_TIMEOUT_MS, thread: process.env.EMBEDDED_STORE_THREAD };

beforeAll(async () => {
  process.env.EMBEDDED_STORE_TIMEOUT_MS = String(BOUND_MS);
  process.env.EMBEDDED_STORE_THREAD = 'worker';
  disk = new HungDisk();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-frozen-'));
  api = await startApi({
    start: '2026-11-28T07:10:00Z',
    dataDir,
    storeHang: disk,
    storeProbe: workerStoreProbe(path.join(dataDir, 'driftpuls.sqlite'), { faults: disk }),
  });
  expect((await api.put(G, ORG)).status).toBe(201);
}, 60_000);
afterAll(async () => {
  disk?.release();
  await api?.close();
  for (const [name, value] of [
    ['EMBEDDED_STORE_TIMEOUT_MS', saved.timeout],
    ['EMBEDDED_STORE_THREAD', saved.thread],
  ] as const)
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const timed = async (p: Promise<Reply>) => {
  const t0 = Date.now();
  const reply = await p;
  return { reply, ms: Date.now() - t0 };
};

function expect503(r: { reply: Reply; ms: number }, problemJson = true): void {
  expect(r.reply.status).toBe(503);
  expect(r.reply.headers.get('retry-after')).toBe('10');
  if (problemJson) {
    expect(r.reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.reply.json.code).toBe('STORE.UNAVAILABLE');
  }
  // Within the bound (and the slack of a loaded test machine), not for as long as the disk hangs.
  expect(r.ms).toBeLessThan(BOUND_MS + 4_000);
}

it('answers 503 + Retry-After within the bound while the disk hangs, serves pages meanwhile, and loses nothing acknowledged', async () => {
  const acknowledged: string[] = [];
  for (const colour of ['grön', 'gul', 'röd']) {
    const r = await api.post(`${G}/units/u/reports`, { colour, explanation: `Före frysningen: ${colour}` });
    expect(r.status).toBe(201);
    acknowledged.push(r.json.id as string);
  }
  expect((await api.get('/health')).status).toBe(200);

  disk.hang();
  const blocked = disk.blocked();
  const frozen = { colour: 'röd', explanation: 'Under frysningen' };
  const report = timed(api.post(`${G}/units/u/reports`, frozen, { 'idempotency-key': 'frusen' }));
  await blocked;
  const [overview, raise, health] = await Promise.all([
    timed(api.get(`${G}/overview`)),
    timed(api.post(`${G}/challenges`, RAISE, { 'idempotency-key': 'frusen-utmaning' })),
    timed(api.get('/health')),
  ]);
  // A page that needs no store is served while the store's thread is stuck.
  const page = await timed(api.get(`/board/fryst/challenges`));
  expect(page.reply.status).toBe(200);
  expect(page.reply.headers.get('content-type')).toMatch(/text\/html/);
  expect(page.ms).toBeLessThan(BOUND_MS);

  expect503(await report);
  expect503(overview);
  expect503(raise);
  expect503(health, false);
  expect(health.reply.json.status).toBe('unresponsive');
  expect(health.reply.json.problem).toMatch(/svarar inte/);

  disk.release();
  let ok: Reply | undefined;
  for (let i = 0; i < 200 && ok?.status !== 200; i++) {
    ok = await api.get('/health');
    if (ok.status !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  expect(ok?.status).toBe(200);

  // Nothing acknowledged is lost; the report that was running when the disk froze may have
  // completed, and a retry with its Idempotency-Key is then a replay, not a second report.
  const retry = await api.post(`${G}/units/u/reports`, frozen, { 'idempotency-key': 'frusen' });
  expect([200, 201]).toContain(retry.status);
  const list = await api.get(`${G}/units/u/reports`);
  expect(list.status).toBe(200);
  const body = list.json as { id: string }[] | { items: { id: string }[] };
  const stored = (Array.isArray(body) ? body : body.items).map((r) => r.id);
  for (const id of acknowledged) expect(stored).toContain(id);
  expect(stored.filter((id) => id === retry.json.id)).toHaveLength(1);
  expect((await api.get(`${G}/overview`)).status).toBe(200);
  expect((await api.post(`${G}/challenges`, RAISE, { 'idempotency-key': 'frusen-utmaning' })).status).toBe(202);
}, 60_000);
