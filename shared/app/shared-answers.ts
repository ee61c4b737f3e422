import type { Ports } from '../ports/app.port';
import type { StateVersionStore } from '../ports/repository.port';

/*
 * Answers many readers share (issue 17 item 5). The overview and the DSL agenda are computed
 * from the store's state and the clock only; under load many callers ask for the same one at
 * once, and each computation costs milliseconds of the one event loop (an agenda of a region
 * ~40 ms). So an answer is kept per key together with the store's state version
 * (`StateVersionStore.stateVersion`) and the clock's window it was computed in, and given to
 * every caller who asks while both are unchanged:
 *
 * - the moment the state changes (any write that has answered its caller), the version differs
 *   and the next caller computes anew: no one reads an answer older than a write they saw;
 * - callers in the same window of `windowMs` on the same state share it: what depends on the
 *   clock alone (the overview's staleness, `generatedAt`) is at most that old, and says when it
 *   was computed; `windowMs = 0` shares nothing;
 * - callers who arrive while it is being computed wait for the same computation;
 * - a store that cannot tell its version (Cosmos) shares nothing.
 *
 * The version is read before the computation starts, so what is kept is never older than its key.
 * Shared values are frozen: a caller that tried to change one would throw, not corrupt another's.
 */

interface Entry {
  version: string;
  window: number;
  value: Promise<unknown>;
}

/** Freezes a plain value and everything reachable from it (JSON-like data). */
function deepFreeze<T>(value: T): T {
  // Bytes are handed out as they are (a typed array cannot be frozen).
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class SharedAnswers {
  readonly #entries = new Map<string, Entry>();
  /** Computations run, and answers given from one already made (for tests and the bench). */
  readonly stats = { computed: 0, shared: 0 };

  constructor(private readonly maxEntries = 64) {}

  async get<T>(s: Ports<StateVersionStore, 'clock'>, windowMs: number, key: string, compute: () => Promise<T>): Promise<T> {
    const version = windowMs > 0 ? await s.repo.stateVersion?.() : undefined;
    if (version === undefined) {
      this.stats.computed++;
      return compute();
    }
    const window = Math.floor(s.clock.now().getTime() / windowMs);
    const hit = this.#entries.get(key);
    if (hit && hit.version === version && hit.window === window) {
      this.stats.shared++;
      return hit.value as Promise<T>;
    }
    this.stats.computed++;
    const value = compute().then(deepFreeze);
    // Most recently made last: the oldest key goes first when there are too many.
    this.#entries.delete(key);
    this.#entries.set(key, { version, window, value });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    // A failure is not kept: the next caller tries again.
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }
}
