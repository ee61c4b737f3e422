import { CronExpressionParser } from 'cron-parser';
import type { LocalClock, SleeperHandle } from './clock';
import type { FunctionRegistry, RegisteredFunction } from './core-shim';
import { invokeFunction, toRpcTimerTrigger } from './invoke';

/*
 * Runs timer-trigger registrations from their NCRONTAB schedules, in UTC as Azure does on
 * Linux Consumption and Flex Consumption. Time comes from the clock: the system clock wakes
 * us with setTimeout, the simulated clock wakes us for every occurrence it steps over.
 */

export interface TimerState {
  name: string;
  /** The schedule as registered, e.g. `%HEARTBEAT_SCHEDULE%`. */
  schedule: string;
  /** After `%NAME%` resolution; undefined when the function is in error. */
  expression?: string;
  runOnStartup: boolean;
  next?: Date;
  last?: Date;
  /** Why the function cannot run (bad schedule, unresolved setting), as Azure reports at indexing. */
  error?: string;
}

export interface TimerFiring {
  name: string;
  /** The occurrence fired (for runOnStartup: the clock's time). */
  at: Date;
  isPastDue: boolean;
  ok: boolean;
}

/**
 * Resolves `%NAME%` app-setting references the way the Functions host resolves binding
 * expressions; an unknown name is an error, not an empty string.
 */
export function resolveAppSettings(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = env[name];
    if (resolved === undefined || resolved === '') throw new Error(`'%${name}%' does not resolve to a value.`);
    return resolved;
  });
}

/** Six fields with seconds, as NCRONTAB in Azure; the first occurrence strictly after `after`. */
export function nextOccurrence(expression: string, after: Date): Date {
  return CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
}

export function validateSchedule(expression: string): void {
  const fields = expression.trim().split(/\s+/);
  if (/^\d+(\.\d+)?:\d{2}(:\d{2})?$/.test(expression.trim())) {
    throw new Error(`TimeSpan schedules ("${expression}") only run on App Service plans; use a six-field NCRONTAB expression.`);
  }
  if (fields.length !== 6)
    throw new Error(`The schedule "${expression}" must have six fields ({second} {minute} {hour} {day} {month} {day-of-week}).`);
  CronExpressionParser.parse(expression, { tz: 'UTC' });
}

interface Entry {
  fn: RegisteredFunction;
  state: TimerState;
}

export class TimerHost {
  readonly #registry: FunctionRegistry;
  readonly #clock: LocalClock;
  readonly #entries: Entry[];
  #handle: SleeperHandle | undefined;
  // Firings run one at a time, so a system-clock wake and a test's fireDue never overlap.
  #chain: Promise<unknown> = Promise.resolve();

  constructor(opts: { registry: FunctionRegistry; clock: LocalClock; env?: Record<string, string | undefined> }) {
    this.#registry = opts.registry;
    this.#clock = opts.clock;
    const env = opts.env ?? process.env;
    this.#entries = opts.registry.byTrigger('timerTrigger').map((fn) => {
      const schedule = String(fn.trigger.schedule ?? '');
      const state: TimerState = { name: fn.name, schedule, runOnStartup: fn.trigger.runOnStartup === true };
      try {
        const expression = resolveAppSettings(schedule, env);
        validateSchedule(expression);
        state.expression = expression;
      } catch (e) {
        state.error = e instanceof Error ? e.message : String(e);
        this.#registry.emitLog({
          level: 'error',
          category: 'system',
          functionName: fn.name,
          message: `The function is in error and will not run: ${state.error}`,
        });
      }
      return { fn, state };
    });
  }

  /** Fires runOnStartup timers (awaited, so start-up is deterministic) and starts the schedule. */
  async start(): Promise<void> {
    const now = this.#clock.now();
    for (const e of this.#entries) {
      if (e.state.expression) e.state.next = nextOccurrence(e.state.expression, now);
    }
    for (const e of this.#entries) {
      if (e.state.expression && e.state.runOnStartup) await this.#serial(() => this.#fire(e, this.#clock.now()));
    }
    this.#handle = this.#clock.schedule({ nextWakeAt: () => this.#earliest(), wake: async () => void (await this.fireDue()) });
  }

  /** Stops scheduling; resolves once a firing in progress has finished (the store closes next). */
  async stop(): Promise<void> {
    this.#handle?.cancel();
    this.#handle = undefined;
    await this.#chain;
  }

  list(): TimerState[] {
    return this.#entries.map((e) => ({ ...e.state }));
  }

  /** Fires every occurrence due at the clock's current time, oldest first, each awaited. */
  fireDue(): Promise<TimerFiring[]> {
    return this.#serial(async () => {
      const fired: TimerFiring[] = [];
      for (;;) {
        const now = this.#clock.now().getTime();
        const due = this.#entries
          .filter((e) => e.state.next && e.state.next.getTime() <= now)
          .sort((a, b) => a.state.next!.getTime() - b.state.next!.getTime())[0];
        if (!due) return fired;
        fired.push(await this.#fire(due, due.state.next!));
      }
    });
  }

  /** Runs one timer function now, outside its schedule (like Azure's admin endpoint). */
  invoke(name: string): Promise<TimerFiring> {
    const entry = this.#entries.find((e) => e.fn.name.toLowerCase() === name.toLowerCase());
    if (!entry) return Promise.reject(new Error(`No timer function named "${name}".`));
    return this.#serial(() => this.#fire(entry, this.#clock.now(), false));
  }

  #earliest(): Date | undefined {
    let earliest: Date | undefined;
    for (const e of this.#entries) if (e.state.next && (!earliest || e.state.next < earliest)) earliest = e.state.next;
    return earliest;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #fire(entry: Entry, occurrence: Date, advance = true): Promise<TimerFiring> {
    const { state, fn } = entry;
    const expression = state.expression!;
    const upcoming = nextOccurrence(expression, occurrence);
    const startedAt = this.#clock.now();
    // Late by more than a period (a sleeping laptop, a slow handler): fire once, flagged, as Azure does.
    const isPastDue = upcoming.getTime() <= startedAt.getTime();
    let ok = true;
    try {
      await invokeFunction(this.#registry, fn, {
        trigger: toRpcTimerTrigger({ last: state.last, next: upcoming, now: startedAt, isPastDue }),
      });
    } catch (e) {
      ok = false;
      this.#registry.emitLog({
        level: 'error',
        category: 'system',
        functionName: fn.name,
        message: `Timer invocation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      });
    }
    state.last = occurrence;
    if (advance) {
      // Azure does not catch up on missed occurrences; the simulated clock stops at every
      // occurrence and stands still during a handler, so there nothing is skipped.
      const now = this.#clock.now();
      state.next = upcoming.getTime() > now.getTime() ? upcoming : nextOccurrence(expression, now);
    }
    this.#handle?.reschedule();
    return { name: fn.name, at: occurrence, isPastDue, ok };
  }
}
