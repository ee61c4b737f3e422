import path from 'node:path';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { GoLive } from '../../domain/golive';
import type { OutboxStore } from '../../ports/outbox.port';
import type { Repository, StatusSnapshot, Versioned } from '../../ports/repository.port';
import { StoreConflictError, StoreDamagedError, StoreUnavailableError, StoreUnresponsiveError } from '../../ports/repository.port';
import type { HungDisk } from '../faults/sqlite-faults';
import { deepFreeze, VersionCache } from '../version-cache';
import type { SnapshotDoc } from './sqlite.repository';
import { assembleSnapshot } from './sqlite.repository';

/*
 * The embedded store in a worker thread (issue 13 item 9). better-sqlite3 is synchronous: on
 * the event loop, a file system that freezes blocks every request at the next store call. Here
 * the SQLite connection lives in a worker (`store-worker.ts`) and every call waits a bounded
 * time (`timeoutMs`, EMBEDDED_STORE_TIMEOUT_MS): past it the caller gets StoreUnavailableError,
 * which HTTP answers as 503 problem+json with Retry-After, while requests that do not need the
 * store go on being served.
 *
 * - Calls made in one turn of the event loop go to the worker as one message, and its answers
 *   come back batched the same way: under load a message carries many calls, not one each.
 * - Each call carries its deadline; the worker skips a call whose deadline passed before it
 *   started, so a call answered 503 is not applied later. A call already running when the
 *   disk froze (and every report in its group commit) completes once the disk answers: its
 *   client saw a 503, and a retry with the same id / Idempotency-Key finds it stored (replay).
 * - While a call is overdue the thread is "stuck": new calls fail at once instead of queueing
 *   behind it, until the worker answers anything again.
 * - The parsed go-live (553 KB for a large region) and the status snapshot's documents stay on
 *   this side, by version: the worker sends a document only when its version changed since it
 *   last sent it, so a read costs an etag check, not a copy of the organisation.
 * - The store's errors (conflict, unavailable, damaged) are recreated here as the same classes.
 */

/**
 * The wall clock and timers as they were when this module loaded: the bounded wait is real
 * time, shared with the worker, and must not follow a test's fake timers.
 */
export const wallNow: () => number = Date.now.bind(Date);
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

/** How long a store call waits for the worker before it answers StoreUnavailableError. */
export const DEFAULT_STORE_TIMEOUT_MS = 5_000;
/** Retry-After of a store that did not answer in time (as /api/health's 503). */
export const UNRESPONSIVE_RETRY_AFTER_S = 10;

export interface Call {
  id: number;
  method: string;
  args: unknown[];
  /** wallNow() after which the worker must not start it. */
  deadline: number;
}

export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  retryAfterSeconds?: number;
  stack?: string;
}

export type Reply = { id: number; value: unknown } | { id: number; error: ThreadError } | { id: number; expired: true };
export type ToWorker = { calls: Call[] } | { close: true };
export type ToMain = { ready: true } | { replies: Reply[] } | { blocked: true } | { closed: true };

export interface StoreWorkerData {
  kind: 'repository' | 'outbox';
  entry: string;
  file: string;
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
  /** A `HungDisk`'s signal (tests). */
  hang?: Int32Array;
}

export interface StoreThreadOptions {
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
  /** The bounded wait of every call; default `DEFAULT_STORE_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** How long calls made before the worker has opened the store may wait; default 30 s. */
  startTimeoutMs?: number;
  /** Tests: a simulated frozen file system (shared/adapters/faults/sqlite-faults.ts). */
  hang?: HungDisk;
}

/*
 * The worker runs the adapters' own modules: compiled JavaScript next to this file (dist), or
 * the TypeScript sources under jest, compiled on load with SWC (a dev dependency, as jest's;
 * kept by content hash in the temp folder, so the next worker loads them at once).
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
const Module = require('node:module');
const entry = workerData.entry;
const req = Module.createRequire(entry);
if (entry.endsWith('.ts') && !Module._extensions['.ts']) {
  const fs = require('node:fs');
  const path = require('node:path');
  const crypto = require('node:crypto');
  const cache = path.join(require('node:os').tmpdir(), 'driftpuls-store-thread-swc');
  let swc;
  Module._extensions['.ts'] = (m, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(cache, crypto.createHash('sha1').update(filename + '\\0' + source).digest('hex') + '.js');
    let code;
    try {
      code = fs.readFileSync(cached, 'utf8');
    } catch {
      swc ??= req('@swc/core');
      code = swc.transformSync(source, {
        filename,
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
      }).code;
      try {
        fs.mkdirSync(cache, { recursive: true });
        fs.writeFileSync(cached + '.' + process.pid, code);
        fs.renameSync(cached + '.' + process.pid, cached);
      } catch {}
    }
    m._compile(code, filename);
  };
}
req(entry);
`;

const WORKER_ENTRY = path.join(__dirname, `store-worker${path.extname(__filename)}`);

/**
 * Starts a worker running `entry`, a module given without extension: the compiled `.js` when
 * this file runs compiled, the `.ts` source under jest. `entry` gets `workerData` as given.
 */
export function startModuleWorker(entry: string, workerData: Record<string, unknown>, transferList?: TransferListItem[]): Worker {
  return new Worker(BOOT, {
    eval: true,
    workerData: { ...workerData, entry: `${entry}${path.extname(__filename)}` },
    ...(transferList ? { transferList } : {}),
  });
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  /** Runs when the answer arrives, even after the caller was answered 503 (it keeps the caches right). */
  decode?: (v: unknown) => unknown;
  settled: boolean;
}

function reviveError(e: ThreadError): Error {
  let err: Error;
  switch (e.name) {
    case 'StoreConflictError':
      err = new StoreConflictError(e.message);
      break;
    case 'StoreUnavailableError':
      err = new StoreUnavailableError(e.message, e.retryAfterSeconds);
      break;
    case 'StoreUnresponsiveError':
      err = new StoreUnresponsiveError(e.message, e.retryAfterSeconds);
      break;
    case 'StoreDamagedError':
      err = new StoreDamagedError(e.message, e.retryAfterSeconds);
      break;
    default:
      err = new Error(e.message);
      err.name = e.name;
      if (e.code !== undefined) (err as Error & { code?: string }).code = e.code;
  }
  if (e.stack) err.stack = `${err.name}: ${e.message}\n    (in the store thread)\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/** The RPC to one store worker: batched calls with deadlines, batched answers. */
export class StoreThread {
  readonly timeoutMs: number;
  readonly #data: Omit<StoreWorkerData, 'entry'>;
  readonly #startTimeoutMs: number;
  readonly #hang: HungDisk | undefined;
  #worker: Worker | undefined;
  #ready = false;
  #queue: { id: number; method: string; args: unknown[] }[] = [];
  #flushScheduled = false;
  readonly #pending = new Map<number, Pending>();
  #live = 0;
  #nextId = 1;
  /** Why new calls fail at once: a call is overdue (or the worker did not start). */
  #stuck: string | undefined;
  #closed = false;
  #onClosed: (() => void) | undefined;
  #readyWaiters: (() => void)[] = [];
  /** Called when a new worker replaces one that stopped (its memory of what it sent is gone). */
  onRestart: (() => void) | undefined;

  constructor(kind: StoreWorkerData['kind'], file: string, opts: StoreThreadOptions = {}) {
    this.timeoutMs = Math.max(1, opts.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
    this.#startTimeoutMs = opts.startTimeoutMs ?? Math.max(30_000, this.timeoutMs);
    this.#hang = opts.hang;
    this.#data = {
      kind,
      file,
      ...(opts.synchronous ? { synchronous: opts.synchronous } : {}),
      ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
      ...(opts.hang ? { hang: opts.hang.signal } : {}),
    };
    this.#spawn();
  }

  /** Resolves once the worker has opened the store (or found it damaged). */
  ready(): Promise<void> {
    if (this.#ready || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  call<T>(method: string, args: unknown[], decode?: (v: unknown) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the embedded store is closed'));
    if (this.#stuck) return Promise.reject(this.#unavailable(this.#stuck));
    if (!this.#worker) {
      this.#spawn();
      this.onRestart?.();
    }
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(decode ? { decode } : {}), settled: false });
      if (this.#live++ === 0) this.#worker?.ref();
      this.#queue.push({ id, method, args });
      this.#scheduleFlush();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    const w = this.#worker;
    if (w && this.#ready) {
      w.ref();
      const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
      w.postMessage({ close: true } satisfies ToWorker);
      await Promise.race([closed, delay(Math.max(this.timeoutMs, 1_000))]);
    }
    this.#worker = undefined;
    if (w) await Promise.race([w.terminate(), delay(1_000)]);
    this.#failAll(new StoreUnavailableError('the embedded store was closed', 1));
    for (const r of this.#readyWaiters.splice(0)) r();
  }

  #spawn(): void {
    this.#ready = false;
    const w = startModuleWorker(WORKER_ENTRY.slice(0, -path.extname(WORKER_ENTRY).length), this.#data);
    this.#worker = w;
    if (this.#live === 0) w.unref();
    const start = realSetTimeout(() => {
      if (this.#ready || this.#worker !== w) return;
      this.#stuck = `the store thread did not open the store within ${this.#startTimeoutMs} ms`;
      this.#failAll(this.#unavailable(this.#stuck));
    }, this.#startTimeoutMs);
    start.unref();
    w.on('message', (m: ToMain) => {
      if ('replies' in m) return this.#answer(m.replies);
      if ('blocked' in m) return this.#hang?.noteBlocked();
      if ('ready' in m) {
        realClearTimeout(start);
        this.#ready = true;
        this.#stuck = undefined;
        for (const r of this.#readyWaiters.splice(0)) r();
        return this.#scheduleFlush();
      }
      if ('closed' in m) this.#onClosed?.();
    });
    const gone = (why: string) => {
      realClearTimeout(start);
      if (this.#worker !== w) return;
      this.#worker = undefined;
      this.#ready = false;
      this.#stuck = undefined;
      console.error(`[store] the store thread stopped: ${why}; the next call starts a new one`);
      this.#failAll(new StoreUnavailableError(`the store thread stopped: ${why}`, 1));
    };
    w.on('error', (e) => gone(e.message));
    w.on('exit', (code) => gone(`exit code ${code}`));
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || !this.#ready || !this.#queue.length) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /** Posts the calls of this turn as one message, with one timer for all of them. */
  #flush(): void {
    this.#flushScheduled = false;
    if (!this.#ready || !this.#worker || !this.#queue.length) return;
    const deadline = wallNow() + this.timeoutMs;
    const calls: Call[] = this.#queue.map((c) => ({ ...c, deadline }));
    this.#queue = [];
    this.#worker.postMessage({ calls } satisfies ToWorker);
    // The timer keeps the ids only: holding the calls (their arguments, a unit report each) for
    // the whole bound kept every write's arguments alive for 5 s, long enough to be promoted to
    // the old generation (issue 17, fourth round: the sampled live heap under the intake load
    // went from 10.3 to 4.5 MB).
    const ids = calls.map((c) => c.id);
    const timer = realSetTimeout(() => this.#expire(ids), this.timeoutMs);
    timer.unref();
  }

  #expire(ids: readonly number[]): void {
    let overdue = 0;
    for (const id of ids) {
      const p = this.#pending.get(id);
      if (!p || p.settled) continue;
      overdue++;
      this.#settle(p);
      p.reject(this.#unavailable(`the embedded store did not answer within ${this.timeoutMs} ms`));
    }
    if (overdue) {
      this.#stuck = `the embedded store has not answered a call for ${this.timeoutMs} ms or more`;
      console.error(`[store] ${overdue} call(s) got no answer within ${this.timeoutMs} ms: answering 503 until the store answers again`);
    }
  }

  #answer(replies: Reply[]): void {
    this.#stuck = undefined;
    for (const r of replies) {
      const p = this.#pending.get(r.id);
      if (!p) continue;
      this.#pending.delete(r.id);
      if ('expired' in r) {
        if (!p.settled) {
          this.#settle(p);
          p.reject(this.#unavailable(`the embedded store did not answer within ${this.timeoutMs} ms`));
        }
        continue;
      }
      if ('error' in r) {
        if (!p.settled) {
          this.#settle(p);
          p.reject(reviveError(r.error));
        }
        continue;
      }
      let value: unknown;
      try {
        value = p.decode ? p.decode(r.value) : r.value;
      } catch (e) {
        if (!p.settled) {
          this.#settle(p);
          p.reject(e);
        }
        continue;
      }
      if (!p.settled) {
        this.#settle(p);
        p.resolve(value);
      }
    }
  }

  #settle(p: Pending): void {
    p.settled = true;
    if (--this.#live === 0) this.#worker?.unref();
  }

  #failAll(e: Error): void {
    this.#queue = [];
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      if (p.settled) continue;
      this.#settle(p);
      p.reject(e);
    }
  }

  #unavailable(message: string): StoreUnresponsiveError {
    return new StoreUnresponsiveError(message, UNRESPONSIVE_RETRY_AFTER_S);
  }
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    realSetTimeout(resolve, ms).unref();
  });

/** The answer is not usable: the main side no longer holds the version the worker assumed. */
const MISSING = Symbol('missing');

type GoLiveAnswer = { etag: string; value?: GoLive } | null;
type SnapshotAnswer = { goLive: { etag: string; value?: GoLive }; docs: (Omit<SnapshotDoc, 'value'> & { value?: unknown })[] } | null;

/** Methods that go to the worker as they are; the others are below. Every port method must be named (a missing one fails to compile). */
type Passed = Exclude<keyof Repository, 'getGoLive' | 'saveGoLive' | 'getStatusSnapshot' | 'close'>;
const PASSED: Record<Passed, true> = {
  listGoLives: true,
  addUnitReport: true,
  addUnitReports: true,
  listUnitReports: true,
  listUnitReportsByGoLive: true,
  addAreaReport: true,
  getAreaReport: true,
  listAreaReports: true,
  listAreaReportsByGoLive: true,
  createIncident: true,
  getIncident: true,
  replaceIncident: true,
  listIncidents: true,
  createChallenge: true,
  getChallenge: true,
  replaceChallenge: true,
  listChallenges: true,
  createNote: true,
  getNote: true,
  replaceNote: true,
  listNotes: true,
  createMeeting: true,
  getMeeting: true,
  listMeetings: true,
  getTickCursor: true,
  saveTickCursor: true,
  claimDispatch: true,
  updateDispatch: true,
  listDispatches: true,
  putMarker: true,
  getMarker: true,
  // Issue 17 item 5: answered in the worker in order with the calls before it, so a write that has
  // answered is always in the version read after it.
  stateVersion: true,
};

export interface ThreadedStore {
  /** Resolves once the worker has opened the store. */
  ready(): Promise<void>;
  /** The bounded wait of every call, ms. */
  readonly timeoutMs: number;
}

/** A store error as the worker sends it. */
export function serializeError(e: unknown): ThreadError {
  if (e instanceof Error) {
    const extra = e as Error & { code?: unknown; retryAfterSeconds?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
      ...(typeof extra.retryAfterSeconds === 'number' ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

export { reviveError };

/** The embedded repository (`SqliteRepository`) run in a worker thread, every call with a bounded wait. */
export function openThreadedRepository(file: string, opts: StoreThreadOptions = {}): Repository & ThreadedStore {
  const thread = new StoreThread('repository', file, opts);
  const goLives = new VersionCache<GoLive>();
  const snapshotDocs = new Map<string, Map<string, { etag: string; value: unknown }>>();
  thread.onRestart = () => snapshotDocs.clear();

  const goLiveOf = (id: string, a: GoLiveAnswer): Versioned<GoLive> | undefined | typeof MISSING => {
    if (!a) {
      goLives.delete(id);
      return undefined;
    }
    if (a.value !== undefined) return { value: goLives.set(id, a.etag, a.value), etag: a.etag };
    const kept = goLives.get(id, a.etag);
    return kept ? { value: kept, etag: a.etag } : MISSING;
  };

  const snapshotOf = (id: string, a: SnapshotAnswer): StatusSnapshot | undefined | typeof MISSING => {
    if (!a) {
      snapshotDocs.delete(id);
      goLives.delete(id);
      return undefined;
    }
    const goLive = goLiveOf(id, a.goLive);
    if (!goLive || goLive === MISSING) return MISSING;
    const kept = snapshotDocs.get(id);
    const seen = new Map<string, { etag: string; value: unknown }>();
    const docs: { type: SnapshotDoc['type']; value: unknown }[] = [];
    for (const d of a.docs) {
      let doc: { etag: string; value: unknown } | undefined;
      if ('value' in d) doc = { etag: d.etag, value: deepFreeze(d.value) };
      else {
        doc = kept?.get(d.id);
        if (!doc || doc.etag !== d.etag) return MISSING;
      }
      seen.set(d.id, doc);
      docs.push({ type: d.type, value: doc.value });
    }
    snapshotDocs.set(id, seen);
    return assembleSnapshot(goLive.value, docs);
  };

  /** Asks again with `full` when this side no longer holds what the worker assumed (after a restart). */
  const versioned = async <T>(method: string, id: string, decode: (a: unknown) => T | typeof MISSING): Promise<T> => {
    const first = await thread.call(method, [id, false], decode);
    if (first !== MISSING) return first;
    const again = await thread.call(method, [id, true], decode);
    if (again === MISSING) throw new Error(`the store thread's answer to ${method}('${id}') is incomplete`);
    return again;
  };

  const passed = Object.fromEntries(Object.keys(PASSED).map((m) => [m, (...args: unknown[]) => thread.call(m, args)])) as unknown as Pick<
    Repository,
    Passed
  >;

  return {
    ...passed,
    get timeoutMs() {
      return thread.timeoutMs;
    },
    ready: () => thread.ready(),
    getGoLive: (id) => versioned('goLive', id, (a) => goLiveOf(id, a as GoLiveAnswer)),
    getStatusSnapshot: (id) => versioned('snapshot', id, (a) => snapshotOf(id, a as SnapshotAnswer)),
    // The worker answers the new version only: the go-live itself is the caller's.
    saveGoLive: async (goLive, expectedEtag) => ({ value: goLive, etag: await thread.call<string>('saveGoLive', [goLive, expectedEtag]) }),
    close: () => thread.close(),
  };
}

/** The embedded outbox (`SqliteOutbox`) run in a worker thread of its own, every call with a bounded wait. */
export function openThreadedOutbox(file: string, opts: StoreThreadOptions = {}): OutboxStore & ThreadedStore {
  const thread = new StoreThread('outbox', file, opts);
  return {
    get timeoutMs() {
      return thread.timeoutMs;
    },
    ready: () => thread.ready(),
    add: (n) => thread.call('add', [n]),
    get: (g, id) => thread.call('get', [g, id]),
    replace: (n, etag) => thread.call('replace', [n, etag]),
    listDue: (now, limit) => thread.call('listDue', [now, limit]),
    list: (g, f) => thread.call('list', [g, f]),
    close: () => thread.close(),
  };
}
