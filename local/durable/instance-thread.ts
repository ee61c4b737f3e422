import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import {
  DEFAULT_STORE_TIMEOUT_MS,
  reviveError,
  startModuleWorker,
  type ThreadError,
  UNRESPONSIVE_RETRY_AFTER_S,
  wallNow,
} from '../../shared/adapters/embedded/store-thread';
import type { HungDisk } from '../../shared/adapters/faults/sqlite-faults';
import { StoreUnresponsiveError } from '../../shared/ports/repository.port';
import type { InstanceQuery, InstanceRecord, InstanceStore, NewWork, WorkItem } from './instance-store';

/*
 * The durable host's store (durable.sqlite) in a worker thread, with a bounded wait on every
 * call (issue 13 item 9). The host is synchronous (each step is one transaction over several
 * calls), so each call here is a synchronous round trip: post the call, wait on a shared
 * counter with `Atomics.wait` for at most the bound, read the answer with
 * `receiveMessageOnPort`. On a frozen disk the event loop is blocked for the bound once, not
 * for as long as the disk hangs: the call throws StoreUnresponsiveError (a request answers
 * 503, the host's loop retries later), and while the worker stays stuck every further call
 * throws at once, until it answers again. A call whose deadline passed before the worker
 * started it is skipped; one already running completes when the disk answers (its step then
 * counts as done, as after a crash once it committed).
 */

export interface InstanceCall {
  id: number;
  method: string;
  args: unknown[];
  deadline: number;
}

export type InstanceReply = { id: number; value: unknown } | { id: number; error: ThreadError } | { id: number; expired: true };

export interface InstanceWorkerData {
  file: string;
  synchronous?: 'NORMAL' | 'FULL';
  port: MessagePort;
  /** [0] counts answers, [1] is 1 once the store is open. */
  signal: Int32Array;
  hang?: Int32Array;
}

export interface ThreadedInstanceStoreOptions {
  synchronous?: 'NORMAL' | 'FULL';
  timeoutMs?: number;
  /** How long the first call waits for the worker to open the store; default 30 s. */
  startTimeoutMs?: number;
  hang?: HungDisk;
}

export class ThreadedInstanceStore implements InstanceStore {
  readonly timeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal = new Int32Array(new SharedArrayBuffer(8));
  #nextId = 1;
  /** The id of a call that got no answer in time: until an answer to it (or a later one) comes, calls fail at once. */
  #stuck: number | undefined;
  #started = false;
  #open = true;
  #depth = 0;

  private constructor(file: string, opts: ThreadedInstanceStoreOptions) {
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
    this.#startTimeoutMs = opts.startTimeoutMs ?? Math.max(30_000, this.timeoutMs);
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const data: InstanceWorkerData = {
      file,
      port: port2,
      signal: this.#signal,
      ...(opts.synchronous ? { synchronous: opts.synchronous } : {}),
      ...(opts.hang ? { hang: opts.hang.signal } : {}),
    };
    this.#worker = startModuleWorker(path.join(__dirname, 'instance-worker'), data as unknown as Record<string, unknown>, [port2]);
    // Calls wait with Atomics, not on the event loop: neither the worker nor its port keeps the process alive.
    this.#worker.unref();
    this.#port.unref();
    this.#worker.on('error', (e) => console.error(`[durable] the store thread failed: ${e.message}`));
  }

  static open(file: string, opts: ThreadedInstanceStoreOptions = {}): ThreadedInstanceStore {
    return new ThreadedInstanceStore(file, opts);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  close(): void {
    if (!this.#open) return;
    try {
      this.#call('close', []);
    } catch {
      // A store that does not answer is left to the worker's end.
    }
    this.#open = false;
    void this.#worker.terminate();
    this.#port.close();
  }

  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    if (depth === 0) this.#call('begin', []);
    else this.#call('exec', [`SAVEPOINT t${depth}`]);
    this.#depth++;
    try {
      const result = fn();
      this.#call('exec', [depth === 0 ? 'COMMIT' : `RELEASE t${depth}`]);
      return result;
    } catch (e) {
      try {
        if (depth === 0) this.#call('exec', ['ROLLBACK']);
        else {
          this.#call('exec', [`ROLLBACK TO t${depth}`]);
          this.#call('exec', [`RELEASE t${depth}`]);
        }
      } catch {
        // The worker rolls an abandoned transaction back at the next begin.
      }
      throw e;
    } finally {
      this.#depth = depth;
    }
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.#call('get', [instanceId]) as InstanceRecord | undefined;
  }
  put(r: InstanceRecord): void {
    this.#call('put', [r]);
  }
  purge(instanceId: string): boolean {
    return this.#call('purge', [instanceId]) as boolean;
  }
  query(q: InstanceQuery = {}): InstanceRecord[] {
    return this.#call('query', [q]) as InstanceRecord[];
  }
  counts(): Record<string, number> {
    return this.#call('counts', []) as Record<string, number>;
  }
  addWork(w: NewWork): void {
    this.#call('addWork', [w]);
  }
  deleteWork(id: number): void {
    this.#call('deleteWork', [id]);
  }
  deleteWorkOf(instanceId: string): void {
    this.#call('deleteWorkOf', [instanceId]);
  }
  workOf(instanceId: string): WorkItem[] {
    return this.#call('workOf', [instanceId]) as WorkItem[];
  }
  nextReady(now: number): WorkItem | undefined {
    return this.#call('nextReady', [now]) as WorkItem | undefined;
  }
  nextDue(): number | undefined {
    return this.#call('nextDue', []) as number | undefined;
  }

  #unresponsive(why: string): StoreUnresponsiveError {
    return new StoreUnresponsiveError(`the durable store ${why}`, UNRESPONSIVE_RETRY_AFTER_S);
  }

  #call(method: string, args: unknown[]): unknown {
    if (!this.#open) throw new Error('The durable store is closed.');
    if (!this.#started) {
      // Once: the first call waits for the worker to open the store; later ones do not wait again.
      if (Atomics.load(this.#signal, 1) === 0) Atomics.wait(this.#signal, 1, 0, this.#startTimeoutMs);
      if (Atomics.load(this.#signal, 1) === 0) throw this.#unresponsive(`did not open within ${this.#startTimeoutMs} ms`);
      this.#started = true;
    }
    const stuck = this.#stuck;
    if (stuck !== undefined) {
      let m: { message: unknown } | undefined;
      while ((m = receiveMessageOnPort(this.#port))) if ((m.message as InstanceReply).id >= stuck) this.#stuck = undefined;
      if (this.#stuck !== undefined) throw this.#unresponsive(`has not answered for ${this.timeoutMs} ms or more`);
    }
    const id = this.#nextId++;
    const deadline = wallNow() + this.timeoutMs;
    this.#port.postMessage({ id, method, args, deadline } satisfies InstanceCall);
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      let m: { message: unknown } | undefined;
      while ((m = receiveMessageOnPort(this.#port))) {
        const r = m.message as InstanceReply;
        if (r.id !== id) continue; // the late answer of a call that timed out
        if ('expired' in r) throw this.#unresponsive(`did not answer within ${this.timeoutMs} ms`);
        if ('error' in r) throw reviveError(r.error);
        return r.value;
      }
      const left = deadline - wallNow();
      if (left <= 0) {
        this.#stuck = id;
        console.error(`[durable] the store did not answer ${method} within ${this.timeoutMs} ms: calls fail until it answers again`);
        throw this.#unresponsive(`did not answer within ${this.timeoutMs} ms`);
      }
      Atomics.wait(this.#signal, 0, seen, left);
    }
  }
}
