import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/*
 * A diagnostic (issue 17 item 5): where a request's time goes inside the local runtime, phase by
 * phase, and how late the event loop runs. Off unless `DRIFTPULS_PHASES_FILE` names a file (the
 * bench's mixed load sets it); then every function invocation records the instants it passed
 * and the runtime writes them to that file when it closes. Costs nothing when off: the host
 * only checks for a probe.
 */

/** Instants (ms since the epoch, sub-ms precision) one request passed; absent = not reached. */
export interface PhaseRecord {
  method: string;
  path: string;
  status?: number;
  /** The `request` event: headers parsed, the host starts on it. */
  accept: number;
  /** Let through by the admission control (or shed: `status` 503). */
  admitted?: number;
  bodyRead?: number;
  /** The function's callback called by the programming model. */
  handlerStart?: number;
  /** First store write of the request (unit reports: `addUnitReport`). */
  storeCall?: number;
  /** The group commit that wrote it: started, ended. */
  commitStart?: number;
  commitEnd?: number;
  /** The store call's promise settled and the handler went on. */
  storeDone?: number;
  handlerEnd?: number;
  /** The invocation's response converted back (postInvocation hooks and getResponse done). */
  invoked?: number;
  sent?: number;
}

/** The event loop's delay over one sampling interval (ms). */
export interface LoopDelaySample {
  at: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export interface PhaseDump {
  records: PhaseRecord[];
  loopDelay: LoopDelaySample[];
  commits: { start: number; end: number; size: number }[];
}

const epochNow = (): number => performance.timeOrigin + performance.now();

export class RequestPhases {
  readonly #als = new AsyncLocalStorage<PhaseRecord>();
  readonly #records: PhaseRecord[] = [];
  readonly #loop: LoopDelaySample[] = [];
  readonly #commits: PhaseDump['commits'] = [];
  readonly #histogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #sampler: NodeJS.Timeout;
  readonly #wrapped = new WeakMap<object, unknown>();
  #lastCommit: { start: number; end: number } | undefined;

  constructor(readonly maxRecords = 200_000) {
    this.#histogram.enable();
    this.#sampler = setInterval(() => this.#sample(), 250);
    this.#sampler.unref();
  }

  #sample(): void {
    const h = this.#histogram;
    if (h.count > 0)
      this.#loop.push({
        at: epochNow(),
        mean: h.mean / 1e6,
        p50: h.percentile(50) / 1e6,
        p99: h.percentile(99) / 1e6,
        max: h.max / 1e6,
      });
    h.reset();
  }

  /** A new record for a request the host starts on. */
  begin(method: string, path: string): PhaseRecord {
    const r: PhaseRecord = { method, path, accept: epochNow() };
    if (this.#records.length < this.maxRecords) this.#records.push(r);
    return r;
  }

  /** Sets `phase` of `record` to now (the first time only). */
  mark(record: PhaseRecord, phase: Exclude<keyof PhaseRecord, 'method' | 'path' | 'status' | 'accept'>): void {
    record[phase] ??= epochNow();
  }

  /** Runs `fn` with `record` as the current request (store calls inside it mark it). */
  run<T>(record: PhaseRecord, fn: () => T): T {
    return this.#als.run(record, fn);
  }

  /** The function callback, marking handler start and end of the current request. */
  wrapCallback<F extends (...args: never[]) => unknown>(callback: F): F {
    const hit = this.#wrapped.get(callback);
    if (hit) return hit as F;
    const wrapped = ((...args: Parameters<F>) => {
      const r = this.#als.getStore();
      if (r) this.mark(r, 'handlerStart');
      const out = callback(...args);
      if (r)
        void Promise.resolve(out).then(
          () => this.mark(r, 'handlerEnd'),
          () => this.mark(r, 'handlerEnd'),
        );
      return out;
    }) as F;
    this.#wrapped.set(callback, wrapped);
    return wrapped;
  }

  /**
   * Instruments the embedded store class in this process: its unit-report write (group commit)
   * and the commit itself. Diagnostic only; a class without those members is left alone.
   */
  instrumentStore(storeClass: { prototype: object }): void {
    const proto = storeClass.prototype as {
      addUnitReport?: (...a: unknown[]) => Promise<unknown>;
      commitUnitReports?: () => void;
      unitReportGroup?: unknown[];
    };
    const add = proto.addUnitReport;
    const commit = proto.commitUnitReports;
    if (typeof add !== 'function' || typeof commit !== 'function') return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    proto.commitUnitReports = function (this: { unitReportGroup?: unknown[] }) {
      const start = epochNow();
      const size = Math.min(this.unitReportGroup?.length ?? 0, 256);
      try {
        commit.call(this);
      } finally {
        self.#lastCommit = { start, end: epochNow() };
        if (self.#commits.length < self.maxRecords) self.#commits.push({ ...self.#lastCommit, size });
      }
    };
    proto.addUnitReport = function (this: unknown, ...a: unknown[]) {
      const r = self.#als.getStore();
      if (r) self.mark(r, 'storeCall');
      const p = add.apply(this, a);
      if (!r) return p;
      const settled = (): void => {
        if (self.#lastCommit) {
          r.commitStart ??= self.#lastCommit.start;
          r.commitEnd ??= self.#lastCommit.end;
        }
        self.mark(r, 'storeDone');
      };
      return p.then(
        (v) => (settled(), v),
        (e: unknown) => {
          settled();
          throw e;
        },
      );
    };
  }

  dump(): PhaseDump {
    this.#sample();
    return { records: this.#records, loopDelay: this.#loop, commits: this.#commits };
  }

  /** Writes everything recorded to `file` (JSON) and stops sampling. */
  writeTo(file: string): void {
    clearInterval(this.#sampler);
    fs.writeFileSync(file, JSON.stringify(this.dump()));
    this.#histogram.disable();
  }
}
