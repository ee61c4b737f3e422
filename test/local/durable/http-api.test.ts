import fs from 'node:fs';
import type { SimulatedClock } from '../../../local/clock';
import type { LocalRuntime } from '../../../local/runtime';
import { startLocalRuntime } from '../../../local/runtime';
import { MINUTE, sampleApp, T0, tmpDir } from './harness';
import { EVENTS } from './samples';

/*
 * The durable client end to end: the app's own HTTP and timer functions call
 * `df.getClient(context)` unchanged, and every client call travels as HTTP to the Durable API
 * the local runtime serves under /runtime/webhooks/durabletask.
 */

const app = sampleApp();
let dataDir: string;
let runtime: LocalRuntime;

async function start(): Promise<LocalRuntime> {
  runtime = await startLocalRuntime({
    registry: app.registry,
    clock: 'simulated',
    start: T0,
    port: 0,
    dataDir,
    demo: false,
    settings: { DURABLE_TASK_HUB: 'DriftpulsTest' },
  });
  return runtime;
}

beforeEach(() => {
  dataDir = tmpDir();
  app.probe.reset({ now: () => runtime.clock.now() });
});

afterEach(async () => {
  await runtime?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const json = async (res: Response): Promise<Record<string, unknown>> => (await res.json()) as Record<string, unknown>;
const post = (url: string, body?: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the durable client in HTTP functions', () => {
  it('starts an instance (202 with status URLs), reports its status and takes an event through the HTTP API', async () => {
    const rt = await start();
    const origin = new URL(rt.url).origin;

    const started = await post(`${rt.url}/approvals`, { minutes: 60 });
    expect(started.status).toBe(202);
    const links = await json(started);
    const id = String(links.id);
    const base = `${origin}/runtime/webhooks/durabletask/instances/${id}`;
    expect(links).toMatchObject({
      statusQueryGetUri: `${base}?taskHub=DriftpulsTest&connection=Storage`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?taskHub=DriftpulsTest&connection=Storage`,
      terminatePostUri: `${base}/terminate?reason={text}&taskHub=DriftpulsTest&connection=Storage`,
      purgeHistoryDeleteUri: `${base}?taskHub=DriftpulsTest&connection=Storage`,
    });
    expect(started.headers.get('location')).toBe(links.statusQueryGetUri);
    await rt.durable!.settle();

    const running = await fetch(String(links.statusQueryGetUri));
    expect(running.status).toBe(202);
    expect(await json(running)).toMatchObject({
      name: 'approval',
      instanceId: id,
      runtimeStatus: 'Running',
      input: { minutes: 60 },
      customStatus: { state: 'väntar' },
      output: null,
      createdTime: T0.toISOString(),
    });

    await (rt.clock as SimulatedClock).advanceBy(5 * MINUTE);
    const raised = await post(String(links.sendEventPostUri).replace('{eventName}', EVENTS.approval), { by: 'rut' });
    expect(raised.status).toBe(202);
    await rt.durable!.settle();

    const done = await fetch(String(links.statusQueryGetUri));
    expect(done.status).toBe(200);
    expect(await json(done)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { approved: true, decision: { by: 'rut' }, at: new Date(T0.getTime() + 5 * MINUTE).toISOString() },
    });

    // Raising to a finished instance is 410 Gone (the client accepts it silently), an unknown one 404.
    expect((await post(String(links.sendEventPostUri).replace('{eventName}', EVENTS.approval), {})).status).toBe(410);
    expect((await fetch(`${origin}/runtime/webhooks/durabletask/instances/finns-inte`)).status).toBe(404);
  });

  it('raises events, reads status with history and terminates through df.getClient(context) in app.http functions', async () => {
    const rt = await start();
    const id = String((await json(await post(`${rt.url}/approvals`, { minutes: 60, id: 'beslut-1' }))).id);
    expect(id).toBe('beslut-1');
    await rt.durable!.settle();

    const decided = await post(`${rt.url}/approvals/${id}/decision`, { by: 'omar' });
    expect(decided.status).toBe(202);
    expect(await json(decided)).toMatchObject({ instanceId: id });
    await rt.durable!.settle();

    const status = await json(await fetch(`${rt.url}/approvals/${id}`));
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, decision: { by: 'omar' } } });
    // As in Azure: the API sends `historyEvents`, the library reads `history` (azure-functions-durable-js #620).
    expect(status.history).toBeUndefined();
    const api = `${new URL(rt.url).origin}/runtime/webhooks/durabletask`;
    const raw = await json(await fetch(`${api}/instances/${id}?showHistory=true&showHistoryOutput=true`));
    const events = raw.historyEvents as { EventType: string; Name?: string; FunctionName?: string; Result?: unknown }[];
    expect(events.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TimerCreated',
      'EventRaised',
      'TaskScheduled',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(events.find((e) => e.EventType === 'TaskCompleted')).toMatchObject({ FunctionName: 'recordDecision', Result: { by: 'omar' } });
    expect(events.find((e) => e.EventType === 'EventRaised')).toMatchObject({ Name: EVENTS.approval });

    const missing = await fetch(`${rt.url}/approvals/finns-inte`);
    expect(missing.status).toBe(404);
    expect(String((await json(missing)).message)).toMatch(/404/);

    const other = String((await json(await post(`${rt.url}/approvals`, { minutes: 60 }))).id);
    await rt.durable!.settle();
    expect((await fetch(`${rt.url}/approvals/${other}`, { method: 'DELETE' })).status).toBe(202);
    await rt.durable!.settle();
    expect(rt.durable!.getStatus(other)).toMatchObject({ runtimeStatus: 'Terminated', output: 'återkallad' });
  });

  it('gives a timer function its durable client: the nightly start runs when the simulated clock passes 02:00', async () => {
    const rt = await start();
    await (rt.clock as SimulatedClock).advanceTo(new Date('2026-11-28T02:00:00Z'));
    // The advance waited for the timer function, its HTTP call to the Durable API, and the instance.
    expect(rt.durable!.getStatus('nightly-2026-11-28')).toMatchObject({ runtimeStatus: 'Completed', output: ['Hej natten!'] });
  });
});

describe('the Durable HTTP API', () => {
  it('starts by name, lists, purges, and refuses what it cannot do', async () => {
    const rt = await start();
    const api = `${new URL(rt.url).origin}/runtime/webhooks/durabletask`;

    const created = await post(`${api}/orchestrators/helloSequence/hej-1`, ['Åsa']);
    expect(created.status).toBe(202);
    expect(await json(created)).toMatchObject({ id: 'hej-1' });
    expect((await post(`${api}/orchestrators/finnsInte`)).status).toBe(400);
    expect((await post(`${api}/orchestrators/approval/vänta-1`, { minutes: 5 })).status).toBe(202);
    await rt.durable!.settle();
    // Still waiting: the id is taken.
    expect((await post(`${api}/orchestrators/approval/vänta-1`, { minutes: 5 })).status).toBe(409);

    const listed = await fetch(`${api}/instances?runtimeStatus=Completed&showInput=false`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([
      expect.objectContaining({ instanceId: 'hej-1', runtimeStatus: 'Completed', input: null, output: ['Hej Åsa!'] }),
    ]);
    expect((await fetch(`${api}/instances?runtimeStatus=Sleeping`)).status).toBe(400);

    expect((await post(`${api}/instances/hej-1/rewind?reason=x`)).status).toBe(501);
    expect((await fetch(`${api}/entities/counter/x`)).status).toBe(404);

    const purged = await fetch(`${api}/instances/hej-1`, { method: 'DELETE' });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(`${api}/instances/hej-1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('lists orchestrations and activities at start-up, and where the durable store lives', async () => {
    const rt = await start();
    const lines = rt.describe().join('\n');
    expect(lines).toMatch(/approval\s+orkestrering/);
    expect(lines).toMatch(/sayHello\s+aktivitet/);
    expect(lines).toContain(`Durable Functions: ${new URL(rt.url).origin}/runtime/webhooks/durabletask (task hub DriftpulsTest`);
    expect(lines).toContain('entiteter stöds inte');
    expect(fs.existsSync(`${dataDir}/durable.sqlite`)).toBe(true);
  });

  it('survives a restart of the whole runtime: the instance waits on, and the event completes it', async () => {
    const first = await start();
    const id = String((await json(await post(`${first.url}/approvals`, { minutes: 60 }))).id);
    await first.durable!.settle();
    await first.close();

    const second = await start();
    expect(second.durable!.getStatus(id)?.runtimeStatus).toBe('Running');
    expect((await post(`${second.url}/approvals/${id}/decision`, { by: 'efter omstart' })).status).toBe(202);
    await second.durable!.settle();
    expect(second.durable!.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true } });
    expect(app.probe.calls.recordDecision).toBe(1);
  });
});
