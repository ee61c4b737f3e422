/*
 * Admission of function invocations in the local runtime (issue 17 item 5): who runs now, who
 * waits, and who is told to come back (503 + Retry-After) when the server is saturated.
 *
 * Measured (bench/README.md, "where a request waits"): the embedded store answers synchronously
 * under its async API, so a read, once started, runs to its answer in one drain of the microtask
 * queue. Started straight from the socket's callback, a loop turn served every ready socket one
 * after another before Node read the sockets again: callers waited seconds in the kernel, where
 * no queue bound can see them. So here:
 *
 * - a slot is given back on the next turn of the event loop (never inside the finishing
 *   request's own drain), and waiting requests are started from `defer` (setImmediate): each
 *   turn starts a bounded amount of work and then reads the sockets again, so a request's time
 *   in this queue is its real wait;
 * - writes (any method but GET/HEAD) and reads have slots of their own, so a burst of one
 *   never holds up the other; waiting writes start first: they are cheap up to their store
 *   call and then wait for the group commit, which needs a turn of its own;
 * - expensive reads — a function whose recent reads took `expensiveReadMs` or more, learned
 *   per function — run at most `maxExpensiveReads` at once, and as their slots come back a
 *   turn later, a turn starts only a few of them: they cannot fill it;
 * - a request that has waited `maxQueueWaitMs` is shed (answered 503 with Retry-After, never
 *   run, so nothing is stored), as is one that finds `maxQueue` waiting. A timer sheds it on time
 *   even when no slot frees.
 */

/** Starts a timer and answers how to cancel it (injected by tests). */
export type AdmissionTimer = (fn: () => void, ms: number) => () => void;

export interface AdmissionOptions {
  /**
   * Reads running at once, and writes too unless `maxConcurrentWrites` says otherwise: reads
   * never wait for a slot a write holds, nor writes for a read's.
   */
  maxConcurrent: number;
  /**
   * Writes running at once (a write waiting for its group commit holds one). Default: 256 in
   * `DEFAULT_ADMISSION`, else `maxConcurrent`. A write costs the event loop ~0.1 ms up to its
   * store call and then only waits, so its slots bound memory more than CPU: at 64, the
   * intake bench's 200 reporters waited in this queue while the event loop had time to spare
   * (bench/README.md, issue 17's fourth round).
   */
  maxConcurrentWrites?: number;
  /** Expensive reads running at once. */
  maxExpensiveReads: number;
  /** A read function whose invocations take this long (moving average of wall time) is expensive. */
  expensiveReadMs: number;
  maxQueue: number;
  maxQueueWaitMs: number;
  /** Seconds in the Retry-After of a shed request. */
  retryAfterSeconds: number;
  /** Milliseconds, monotonic; tests inject their own. */
  now?: () => number;
  /** Runs `fn` on a later turn of the event loop (default setImmediate); tests run it by hand. */
  defer?: (fn: () => void) => void;
  /** For shedding a request whose wait ran out while no slot freed (default setTimeout, unref'd). */
  setTimer?: AdmissionTimer;
}

export const DEFAULT_ADMISSION: AdmissionOptions = {
  maxConcurrent: 64,
  maxConcurrentWrites: 256,
  maxExpensiveReads: 2,
  expensiveReadMs: 5,
  maxQueue: 2000,
  maxQueueWaitMs: 1000,
  retryAfterSeconds: 1,
};

/**
 * The first design (issue 17, second round), for comparison in the bench
 * (`DRIFTPULS_ADMISSION=fifo`): one FIFO bounded by count, a request started straight from the
 * socket or from the finishing request's own drain, no lanes.
 */
export const FIFO_ADMISSION: Partial<AdmissionOptions> = {
  maxExpensiveReads: Number.POSITIVE_INFINITY,
  expensiveReadMs: Number.POSITIVE_INFINITY,
  defer: (fn) => fn(),
};

/** Counts of the admission control since start, for the bench and tests. */
export interface AdmissionStats {
  admitted: number;
  queued: number;
  /** Answered 503: waited too long, or found the queue full. */
  shed: number;
  inFlight: number;
  waiting: number;
  /** Of `shed`, those that found the queue full (the rest waited too long). */
  shedFull: number;
}

/** Which queue a request waits in; the order is the order in which waiting requests start. */
export type Lane = 'write' | 'read' | 'expensive';
const LANES: readonly Lane[] = ['write', 'read', 'expensive'];

/** What an admitted request holds; give it back with `release`. */
export interface Ticket {
  readonly lane: Lane;
  readonly key: string;
  readonly started: number;
}

interface Waiter {
  since: number;
  key: string;
  resolve: (t: Ticket | undefined) => void;
}

const realTimer: AdmissionTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/** A FIFO with an advancing head (no shifting of a long array). */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  peek(): T | undefined {
    return this.#items[this.#head];
  }
  push(v: T): void {
    this.#items.push(v);
  }
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return v;
  }
}

export class Admission {
  readonly stats: AdmissionStats = { admitted: 0, queued: 0, shed: 0, inFlight: 0, waiting: 0, shedFull: 0 };
  readonly #o: Required<Omit<AdmissionOptions, 'now' | 'defer' | 'setTimer'>>;
  readonly #now: () => number;
  readonly #defer: (fn: () => void) => void;
  readonly #setTimer: AdmissionTimer;
  readonly #queues: Record<Lane, Fifo<Waiter>> = { write: new Fifo(), read: new Fifo(), expensive: new Fifo() };
  /** Moving average of each read function's wall time (ms). */
  readonly #cost = new Map<string, number>();
  #expensiveInFlight = 0;
  #writesInFlight = 0;
  #pumpScheduled = false;
  #cancelTimer: (() => void) | undefined;

  constructor(opts: Partial<AdmissionOptions> = {}) {
    const o = { ...DEFAULT_ADMISSION, ...opts };
    // A caller that sets only maxConcurrent bounds writes by it too, as before writes had a count of their own.
    const maxWrites = opts.maxConcurrentWrites ?? opts.maxConcurrent ?? o.maxConcurrentWrites ?? o.maxConcurrent;
    this.#o = { ...o, maxConcurrentWrites: maxWrites };
    this.#now = o.now ?? (() => performance.now());
    this.#defer = o.defer ?? ((fn) => void setImmediate(fn));
    this.#setTimer = o.setTimer ?? realTimer;
  }

  /** The admission's clock (ms, monotonic): the host stamps a request's arrival with it. */
  now(): number {
    return this.#now();
  }

  get retryAfterSeconds(): number {
    return this.#o.retryAfterSeconds;
  }

  /** The lane a request goes to: writes by method, reads by what their function has cost so far. */
  laneOf(request: { write: boolean; key: string }): Lane {
    if (request.write) return 'write';
    return (this.#cost.get(request.key) ?? 0) >= this.#o.expensiveReadMs ? 'expensive' : 'read';
  }

  /**
   * A ticket when the caller may run now (it must `release` it after), a promise of one when
   * it waits, undefined (or a promise of it) when it was shed. `arrived` is when the host got
   * the request (default now).
   */
  acquire(request: { write: boolean; key: string; arrived?: number }): Ticket | undefined | Promise<Ticket | undefined> {
    const lane = this.laneOf(request);
    const arrived = request.arrived ?? this.#now();
    // Straight from the socket when a slot is free and no one waits in the same queue. Slots come
    // back a turn later, so a turn starts at most `maxExpensiveReads` expensive reads this way.
    if (this.#free(lane) && this.#queues[lane].length === 0) return this.#start(lane, request.key);
    if (this.stats.waiting >= this.#o.maxQueue) {
      this.stats.shed++;
      this.stats.shedFull++;
      return undefined;
    }
    this.stats.waiting++;
    this.stats.queued++;
    const p = new Promise<Ticket | undefined>((resolve) => this.#queues[lane].push({ since: arrived, key: request.key, resolve }));
    this.#schedule();
    return p;
  }

  /** Gives the slot back on the next turn; learns what a read of this function costs. */
  release(ticket: Ticket): void {
    if (ticket.lane !== 'write') {
      const ms = Math.max(0, this.#now() - ticket.started);
      const was = this.#cost.get(ticket.key);
      this.#cost.set(ticket.key, was === undefined ? ms : was * 0.8 + ms * 0.2);
    }
    this.#defer(() => {
      this.stats.inFlight--;
      if (ticket.lane === 'write') this.#writesInFlight--;
      if (ticket.lane === 'expensive') this.#expensiveInFlight--;
      this.#pump();
    });
  }

  #free(lane: Lane): boolean {
    if (lane === 'write') return this.#writesInFlight < this.#o.maxConcurrentWrites;
    if (this.stats.inFlight - this.#writesInFlight >= this.#o.maxConcurrent) return false;
    return lane !== 'expensive' || this.#expensiveInFlight < this.#o.maxExpensiveReads;
  }

  #start(lane: Lane, key: string): Ticket {
    this.stats.inFlight++;
    this.stats.admitted++;
    if (lane === 'write') this.#writesInFlight++;
    if (lane === 'expensive') this.#expensiveInFlight++;
    return { lane, key, started: this.#now() };
  }

  #schedule(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    this.#defer(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** Sheds who waited too long, then starts waiting requests in order of priority while slots are free. */
  #pump(): void {
    const now = this.#now();
    for (const lane of LANES) {
      const q = this.#queues[lane];
      while (q.length > 0 && now - q.peek()!.since >= this.#o.maxQueueWaitMs) {
        this.stats.waiting--;
        this.stats.shed++;
        q.shift()!.resolve(undefined);
      }
    }
    for (;;) {
      const lane = LANES.find((l) => this.#queues[l].length > 0 && this.#free(l));
      if (!lane) break;
      const w = this.#queues[lane].shift()!;
      this.stats.waiting--;
      w.resolve(this.#start(lane, w.key));
    }
    this.#armTimer(now);
  }

  /** A timer for the oldest waiter's deadline, so it is shed on time even when no slot frees. */
  #armTimer(now: number): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const lane of LANES) oldest = Math.min(oldest, this.#queues[lane].peek()?.since ?? Number.POSITIVE_INFINITY);
    if (oldest === Number.POSITIVE_INFINITY) return;
    const due = Math.max(0, oldest + this.#o.maxQueueWaitMs - now);
    this.#cancelTimer = this.#setTimer(() => {
      this.#cancelTimer = undefined;
      this.#pump();
    }, due);
  }
}
