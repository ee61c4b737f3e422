import { Worker } from 'node:worker_threads';
import type { HungDisk } from '../faults/sqlite-faults';

/*
 * Does the embedded store's file system answer? (issue 13 item 9). better-sqlite3 is
 * synchronous: a read on a frozen mount blocks the event loop, and with it every request,
 * /api/health included. So health asks first, off the event loop: a worker thread opens the
 * database file and reads its header, as SQLite's first read would, and the answer must come
 * within a bounded wait. A worker stuck in that read does not stop the app from answering
 * 503; at most one probe is out at a time (a stuck one is not followed by more threads).
 */

export type ProbeResult = { ok: true } | { ok: false; reason: 'timeout' | 'error'; message: string };

export type StoreProbe = (waitMs: number) => Promise<ProbeResult>;

export type SetTimer = (fn: () => void, ms: number) => { cancel(): void };

const realTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

// Plain JavaScript, run with `eval`: reads the first 100 bytes (SQLite's header) of the file.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { file, signal } = workerData;
try {
  if (signal && Atomics.load(signal, 0) === 1) {
    Atomics.add(signal, 1, 1);
    parentPort.postMessage({ blocked: true });
    while (Atomics.load(signal, 0) === 1) Atomics.wait(signal, 0, 1);
  }
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(100);
    const n = fs.readSync(fd, header, 0, 100, 0);
    const ok = n === 0 || header.subarray(0, 16).toString('latin1') === 'SQLite format 3\\u0000';
    parentPort.postMessage(ok ? { ok: true } : { ok: false, message: 'the file is not an SQLite database' });
  } finally {
    fs.closeSync(fd);
  }
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e) });
}
`;

/** A probe of the SQLite file at `file`; `faults` and `setTimer` are for tests. */
export function workerStoreProbe(file: string, opts: { faults?: HungDisk; setTimer?: SetTimer } = {}): StoreProbe {
  const setTimer = opts.setTimer ?? realTimer;
  let outstanding: Promise<ProbeResult> | undefined;
  let stuck = false;
  return (waitMs) => {
    if (stuck)
      return Promise.resolve({ ok: false, reason: 'timeout', message: `the store did not answer an earlier probe within ${waitMs} ms` });
    if (outstanding) return outstanding;
    outstanding = new Promise<ProbeResult>((resolve) => {
      let settled = false;
      const worker = new Worker(WORKER, { eval: true, workerData: { file, signal: opts.faults?.signal } });
      worker.unref();
      const finish = (r: ProbeResult) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        outstanding = undefined;
        resolve(r);
      };
      const timer = setTimer(() => {
        // The worker stays until its read returns; no new probe is started meanwhile.
        stuck = true;
        worker.once('exit', () => (stuck = false));
        finish({ ok: false, reason: 'timeout', message: `the store did not answer within ${waitMs} ms` });
      }, waitMs);
      worker.on('message', (m: { blocked?: true; ok?: boolean; message?: string }) => {
        if (m.blocked) return opts.faults?.noteBlocked();
        finish(m.ok ? { ok: true } : { ok: false, reason: 'error', message: m.message ?? 'probe failed' });
      });
      worker.on('error', (e) => finish({ ok: false, reason: 'error', message: e.message }));
    });
    return outstanding;
  };
}
