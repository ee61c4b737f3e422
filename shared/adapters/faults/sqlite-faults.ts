/**
 * Faults of the disk under the embedded store, for tests (issue 13): what SQLite reports
 * when the file system goes read-only or a page turns out corrupt, raised where the adapter
 * calls SQLite (`SqliteRepositoryOptions.faults`). Used where the real thing cannot be had
 * in a test (remounting read-only needs privileges a test does not have). Never wired in Azure.
 */

/** An error shaped like better-sqlite3's SqliteError: a message and SQLite's extended result code. */
export class InjectedSqliteError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SqliteError';
  }
}

const WRITES = /^(save|add|create|replace|put|claim|update)/;

export type DiskFault = 'readOnly' | 'corruptPage';

/** A switchable fault: `hook` goes into `SqliteRepository.open(…, { faults })`, `set` turns a fault on. */
export function diskFaults(): { hook: (operation: string) => void; set(fault: DiskFault | undefined): void; hits: () => number } {
  let fault: DiskFault | undefined;
  let hits = 0;
  return {
    hook(operation) {
      if (fault === 'readOnly' && WRITES.test(operation)) {
        hits++;
        // What a WAL append or its sync answers once the file system is remounted read-only.
        throw new InjectedSqliteError('disk I/O error', 'SQLITE_IOERR_WRITE');
      }
      if (fault === 'corruptPage') {
        hits++;
        throw new InjectedSqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
      }
    },
    set(f) {
      fault = f;
    },
    hits: () => hits,
  };
}

/**
 * A file system that stops answering (issue 13 item 9), for the store probe
 * (`shared/adapters/embedded/store-probe.ts`) and the store thread
 * (`shared/adapters/embedded/store-thread.ts`): while `hang()` is on, their worker threads
 * block where a read of the database file or a call into SQLite would, as a syscall on a
 * frozen mount does, until `release()`. `blocked()` resolves once a thread is stuck there.
 */
export class HungDisk {
  /** Shared with the probe's worker: [0] 1 = hang, [1] counts probes that blocked. */
  readonly signal = new Int32Array(new SharedArrayBuffer(8));
  #waiters: (() => void)[] = [];

  hang(): void {
    Atomics.store(this.signal, 0, 1);
  }

  release(): void {
    Atomics.store(this.signal, 0, 0);
    Atomics.notify(this.signal, 0);
  }

  /** Resolves when a probe is blocked on the hung disk. */
  blocked(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Called by the probe or the store thread when its worker says it blocked. */
  noteBlocked(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/**
 * The worker side of a `HungDisk`: called before each call reaches SQLite, it blocks the
 * thread while the disk hangs (after telling `onBlocked`), as a syscall on a frozen mount would.
 */
export function hangHook(signal: Int32Array, onBlocked: () => void): (operation: string) => void {
  return () => {
    if (Atomics.load(signal, 0) !== 1) return;
    Atomics.add(signal, 1, 1);
    onBlocked();
    while (Atomics.load(signal, 0) === 1) Atomics.wait(signal, 0, 1);
  };
}
