import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { hangHook } from '../../shared/adapters/faults/sqlite-faults';
import { serializeError } from '../../shared/adapters/embedded/store-thread';
import { SqliteInstanceStore } from './instance-store';
import type { InstanceCall, InstanceReply, InstanceWorkerData } from './instance-thread';

/*
 * The durable host's store in a worker thread (issue 13 item 9): runs each call the main thread
 * posts on `port`, answers on it, then counts the answer in `signal[0]` and wakes the main
 * thread, which waits there with a bounded `Atomics.wait` (instance-thread.ts). A call whose
 * deadline passed before it started is skipped: its caller was already told the store is away.
 */

const data = workerData as InstanceWorkerData;
const port: MessagePort = data.port;
const signal = data.signal;
const faults = data.hang ? hangHook(data.hang, () => undefined) : undefined;

let store: SqliteInstanceStore | undefined;
let openError: ReturnType<typeof serializeError> | undefined;
try {
  store = SqliteInstanceStore.open(data.file, { synchronous: data.synchronous });
} catch (e) {
  openError = serializeError(e);
}

function reply(r: InstanceReply): void {
  port.postMessage(r);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on('message', (c: InstanceCall) => {
  if (openError) return reply({ id: c.id, error: openError });
  if (Date.now() > c.deadline) return reply({ id: c.id, expired: true });
  try {
    faults?.(c.method);
    const fn = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[c.method];
    if (typeof fn !== 'function') throw new TypeError(`the durable store has no method '${c.method}'`);
    const value = fn.apply(store, c.args);
    reply({ id: c.id, value });
  } catch (e) {
    reply({ id: c.id, error: serializeError(e) });
  }
});

// Opened (or not): the main thread may call.
Atomics.store(signal, 1, 1);
Atomics.notify(signal, 1);
