/**
 * Through the running app (local runtime, simulated clock, embedded store): the
 * notification log route with its filters, and the delivery timer retrying what failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FunctionRegistry } from '../../local/core-shim';
import type * as Runtime from '../../local/runtime';
import type * as Composition from '../../shared/composition';
import { FakeEmail, unavailable } from './support/fake-transports';
import { request } from './support/fixtures';

const START = '2026-11-27T07:00:00.000Z';
const G = 'notis';

let rt: Runtime.LocalRuntime;
let composition: typeof Composition;
let dataDir: string;
const email = new FakeEmail();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-notify-api-'));
  const registry = new FunctionRegistry({ log: () => undefined });
  let runtime!: typeof Runtime;
  jest.isolateModules(() => {
    jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true });
    require('../../functions/index');
    runtime = require('../../local/runtime') as typeof Runtime;
    composition = require('../../shared/composition') as typeof Composition;
    // E-mail through a recording transport; Teams channels stay embedded (files).
    composition.configureServices({ notifications: { transports: { email }, log: () => undefined } });
  });
  rt = await runtime.startLocalRuntime({ port: 0, clock: 'simulated', start: new Date(START), demo: false, dataDir, registry });
});
afterAll(async () => {
  await rt?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const get = async (p: string) => {
  const res = await fetch(rt.url + p);
  return { status: res.status, json: (await res.json()) as { items: Record<string, unknown>[] } & Record<string, unknown> };
};
const advance = async (by: string) => {
  const res = await fetch(`${rt.url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceBy: by }),
  });
  expect(res.status).toBe(200);
};

it('registers the delivery timer on NOTIFY_SCHEDULE (every minute by default)', () => {
  expect(rt.timers.list().find((t) => t.name === 'deliverNotifications')).toMatchObject({
    schedule: '%NOTIFY_SCHEDULE%',
    expression: '0 */1 * * * *',
  });
});

it('shows each notification with its per-channel delivery state; the timer retries until sent', async () => {
  const put = await fetch(`${rt.url}/golives/${G}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Notiser',
      startDate: '2026-11-27',
      people: [
        { id: 'karl', name: 'Karl Koordinator', email: 'karl@example.org', roles: ['goLiveCoordinator'] },
        { id: 'nils', name: 'Nils Utan Post', roles: ['goLiveLead'] },
      ],
    }),
  });
  expect(put.status).toBe(201);

  email.script.push(unavailable());
  const services = await composition.getServices();
  const now = services.clock.now().toISOString();
  const overdue = await services.notifier.enqueue(request(G, { createdAt: now, dedupeKey: 'decisionOverdue:d-1:1' }));
  await services.notifier.enqueue(
    request(G, { kind: 'agenda', createdAt: now, dedupeKey: 'agenda:dsl-0800', recipients: { forums: ['DSL'] } }),
  );
  await services.notifications.idle();

  let log = await get(`/golives/${G}/notifications`);
  expect(log.status).toBe(200);
  expect(log.json.items.map((n) => n.kind).sort()).toEqual(['agenda', 'decisionOverdue']);
  const first = log.json.items.find((n) => n.id === overdue.id)!;
  expect(first).toMatchObject({
    kind: 'decisionOverdue',
    dedupeKey: 'decisionOverdue:d-1:1',
    status: 'pending',
    channels: {
      email: { status: 'pending', deliveries: 1 },
      teamsChannel: { status: 'sent', deliveries: 1 },
      teamsActivity: { status: 'sent', deliveries: 1 },
    },
    unresolved: [{ personId: 'nils', name: 'Nils Utan Post', reason: 'noEmail' }],
  });
  const mail = (first.deliveries as Record<string, unknown>[]).find((d) => d.channel === 'email')!;
  expect(mail).toMatchObject({
    status: 'pending',
    attempts: 1,
    lastError: 'ACS: 503 Service Unavailable',
    nextAttemptAt: '2026-11-27T07:00:30.000Z',
    to: [{ address: 'karl@example.org' }],
  });
  expect(mail).not.toHaveProperty('inFlight');

  // The timer runs every minute of (simulated) time and finds the retry due.
  await advance('PT1M');
  log = await get(`/golives/${G}/notifications?status=sent`);
  expect(log.json.items.map((n) => n.id)).toContain(overdue.id);
  expect(email.calls).toHaveLength(2);

  // The embedded Teams channel wrote its card where a newcomer can look.
  expect(fs.readdirSync(path.join(dataDir, 'outbox', 'teams')).length).toBe(2);
});

it('filters by kind, status and since, and says 404 / 400 plainly', async () => {
  expect((await get(`/golives/${G}/notifications?kind=agenda`)).json.items.map((n) => n.kind)).toEqual(['agenda']);
  expect((await get(`/golives/${G}/notifications?status=failed`)).json.items).toEqual([]);
  expect((await get(`/golives/${G}/notifications?since=2026-11-27T07:00:00Z`)).json.items).toHaveLength(2);
  expect((await get(`/golives/${G}/notifications?since=2026-11-28T00:00:00%2B01:00`)).json.items).toHaveLength(0);
  expect((await get(`/golives/${G}/notifications?limit=1`)).json.items).toHaveLength(1);
  const bad = await get(`/golives/${G}/notifications?status=lost&since=igår`);
  expect(bad.status).toBe(400);
  expect(((bad.json.errors ?? []) as { field: string }[]).map((e) => e.field).sort()).toEqual(['since', 'status']);
  expect((await get('/golives/finns-inte/notifications')).status).toBe(404);
});
