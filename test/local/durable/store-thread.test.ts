/**
 * The durable host's store in a worker thread (issue 13 item 9): a request that starts or
 * signals an orchestration while the disk under durable.sqlite is frozen blocks the event loop
 * for the bounded wait once, then fails with StoreUnresponsiveError (the Durable HTTP API
 * answers 503), and every further call fails at once while the worker is stuck; when the disk
 * answers again, nothing queued before is lost and the instance runs on. `HungDisk` blocks the
 * worker where its SQLite call would.
 */
import path from 'node:path';
import fs from 'node:fs';
import { DurableHost } from '../../../local/durable/durable-host';
import { durableHttpApi } from '../../../local/durable/http-api';
import { SimulatedClock } from '../../../local/clock';
import { HungDisk } from '../../../shared/adapters/faults/sqlite-faults';
import { EVENTS } from './samples';
import { sampleApp, T0, tmpDir } from './harness';

const app = sampleApp();
const BOUND_MS = 300;

it('a frozen disk: 503 after the bounded wait, at once while stuck, and the instance runs on afterwards', async () => {
  const dir = tmpDir();
  const disk = new HungDisk();
  const clock = new SimulatedClock(T0);
  app.probe.reset(clock);
  const host = new DurableHost({
    registry: app.registry,
    clock,
    file: path.join(dir, 'durable.sqlite'),
    storeThread: 'worker',
    storeTimeoutMs: BOUND_MS,
    storeHang: disk,
  });
  try {
    host.start();
    const id = host.startNew('approval', { instanceId: 'fryst', input: { minutes: 60 } });
    await host.settle();
    expect(host.getStatus(id)?.runtimeStatus).toBe('Running');

    disk.hang();
    const api = durableHttpApi(host);
    const url = new URL(`http://127.0.0.1/runtime/webhooks/durabletask/instances/${id}/raiseEvent/${EVENTS.approval}`);
    let t0 = Date.now();
    const first = await api.handle({ method: 'POST', url, body: JSON.stringify({ by: 'anna' }) } as never);
    const blockedFor = Date.now() - t0;
    expect(first.status).toBe(503);
    expect(first.headers?.['retry-after']).toBe('10');
    // The event loop waited for the bound, not for as long as the disk hangs.
    expect(blockedFor).toBeGreaterThanOrEqual(BOUND_MS - 10);
    expect(blockedFor).toBeLessThan(BOUND_MS + 3_000);
    // While the worker is stuck, the next call does not wait again.
    t0 = Date.now();
    expect(() => host.startNew('approval', { instanceId: 'annan', input: { minutes: 60 } })).toThrow(/durable store/);
    expect(Date.now() - t0).toBeLessThan(100);

    disk.release();
    let raised = false;
    for (let i = 0; i < 200 && !raised; i++) {
      try {
        host.raiseEvent(id, EVENTS.approval, { by: 'anna' });
        raised = true;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(raised).toBe(true);
    await host.settle();
    expect(host.getStatus(id)?.runtimeStatus).toBe('Completed');
    // The start refused while stuck was never applied.
    expect(host.getStatus('annan')).toBeUndefined();
  } finally {
    disk.release();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
