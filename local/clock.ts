import type { Clock } from '../shared/ports/clock.port';

/**
 * Something that wants to run at a point in time (the timer host; later the durable host's
 * timers). The clock asks for the next wake-up and calls `wake` once that time has come.
 */
export interface Sleeper {
  /** The earliest time this sleeper wants to run, or undefined when nothing is pending. */
  nextWakeAt(): Date | undefined;
  /** Called when the clock has reached `nextWakeAt()`; the clock awaits it. */
  wake(): Promise<void>;
}

export interface SleeperHandle {
  /** The sleeper's `nextWakeAt` changed (e.g. something new was scheduled). */
  reschedule(): void;
  cancel(): void;
}

/** A clock the local runtime can schedule on, real or simulated. */
export interface LocalClock extends Clock {
  readonly mode: 'system' | 'simulated';
  schedule(sleeper: Sleeper): SleeperHandle;
}

export class ClockError extends Error {
  override name = 'ClockError';
}

/** Simulated time only moves forward: deadlines already passed cannot be un-passed. */
export class ClockBackwardsError extends ClockError {
  override name = 'ClockBackwardsError';
}

// setTimeout stores its delay in a signed 32-bit int; longer waits are re-armed in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall-clock time; sleepers wake from `setTimeout`. */
export class SystemClock implements LocalClock {
  readonly mode = 'system' as const;

  now(): Date {
    return new Date();
  }

  schedule(sleeper: Sleeper): SleeperHandle {
    let timer: NodeJS.Timeout | undefined;
    let waking = false;
    let cancelled = false;
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (cancelled || waking) return;
      const at = sleeper.nextWakeAt();
      if (!at) return;
      const delay = Math.min(Math.max(at.getTime() - Date.now(), 0), MAX_TIMEOUT_MS);
      timer = setTimeout(() => void fire(), delay);
      // The HTTP server keeps the process alive; a pending timer alone should not.
      timer.unref();
    };
    const fire = async (): Promise<void> => {
      timer = undefined;
      const at = sleeper.nextWakeAt();
      // setTimeout may fire a millisecond early, and long waits are re-armed in steps.
      if (at && at.getTime() <= Date.now()) {
        waking = true;
        try {
          await sleeper.wake();
        } finally {
          waking = false;
        }
      }
      arm();
    };
    arm();
    return {
      reschedule: arm,
      cancel: () => {
        cancelled = true;
        if (timer) clearTimeout(timer);
      },
    };
  }
}

/**
 * Time that moves only when told to, for rehearsals and tests. Advancing runs every sleeper
 * whose time falls inside the step, in time order, with `now()` set to that moment, so a
 * handler sees the time it was scheduled for. Time never goes backwards.
 */
export class SimulatedClock implements LocalClock {
  readonly mode = 'simulated' as const;
  #now: number;
  #sleepers = new Set<Sleeper>();
  // Advances run one at a time; a second caller waits for the first to finish firing.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(start: Date) {
    if (Number.isNaN(start.getTime())) throw new ClockError('The simulated clock needs a valid start time.');
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  /**
   * Sleepers due at or before the current time run on the next advance (`advanceBy(0)` runs
   * them without moving time).
   */
  schedule(sleeper: Sleeper): SleeperHandle {
    this.#sleepers.add(sleeper);
    return { reschedule: () => undefined, cancel: () => void this.#sleepers.delete(sleeper) };
  }

  /** Moves to `target`, running everything due up to and including it; resolves to the new time. */
  advanceTo(target: Date): Promise<Date> {
    const run = this.#queue.then(() => this.#advance(target.getTime()));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  advanceBy(ms: number): Promise<Date> {
    if (!Number.isFinite(ms)) return Promise.reject(new ClockError(`Cannot advance the clock by ${ms} ms.`));
    const run = this.#queue.then(() => this.#advance(this.#now + ms));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #advance(target: number): Promise<Date> {
    if (Number.isNaN(target)) throw new ClockError('Cannot advance the clock to an invalid time.');
    if (target < this.#now) {
      throw new ClockBackwardsError(
        `The simulated clock cannot go backwards (from ${this.now().toISOString()} to ${new Date(target).toISOString()}).`,
      );
    }
    let spins = 0;
    let lastInstant = Number.NaN;
    for (;;) {
      const due = this.#earliestWake(target);
      if (due === undefined) break;
      this.#now = Math.max(this.#now, due);
      // A sleeper that never moves its wake-up past now would spin here forever.
      spins = this.#now === lastInstant ? spins + 1 : 0;
      lastInstant = this.#now;
      if (spins > 10_000) throw new ClockError(`A sleeper keeps asking to wake at ${this.now().toISOString()}; stopping.`);
      for (const sleeper of [...this.#sleepers]) {
        const at = sleeper.nextWakeAt();
        if (at && at.getTime() <= this.#now && this.#sleepers.has(sleeper)) await sleeper.wake();
      }
    }
    this.#now = target;
    return this.now();
  }

  #earliestWake(limit: number): number | undefined {
    let earliest: number | undefined;
    for (const sleeper of this.#sleepers) {
      const at = sleeper.nextWakeAt()?.getTime();
      if (at !== undefined && at <= limit && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }
}
