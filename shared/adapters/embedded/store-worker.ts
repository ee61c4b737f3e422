import { parentPort, workerData } from 'node:worker_threads';
import { hangHook } from '../faults/sqlite-faults';
import { SqliteOutbox } from '../outbox/sqlite.outbox';
import { SqliteRepository } from './sqlite.repository';
import type { Call, Reply, StoreWorkerData, ThreadError, ToMain, ToWorker } from './store-thread';
import { serializeError } from './store-thread';

/*
 * The store thread's worker (issue 13 item 9): it owns the SQLite connection and runs the
 * calls the main thread posts (`store-thread.ts`). Each message is a batch of calls; a call
 * whose deadline has passed before it starts is skipped (its caller was already answered
 * 503), so it is never applied later. Answers go back in batches too, once per turn of this
 * thread's event loop. Plain `SqliteRepository` / `SqliteOutbox` underneath: group commit,
 * damage detection and every guarantee of the adapters are theirs.
 */

const port = parentPort!;
const data = workerData as StoreWorkerData;

const faults = data.hang ? hangHook(data.hang, () => post({ blocked: true })) : undefined;
const storeOptions = { synchronous: data.synchronous, busyTimeoutMs: data.busyTimeoutMs, faults };

type Target = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * The repository as the main thread asks it: every port method, plus `goLive` and `snapshot`,
 * which send a document only when the main thread does not already hold that version. This
 * thread is the main side's only source, so what it sent last is what the main side keeps.
 */
function repositoryTarget(repo: SqliteRepository): Target {
  const sentGoLive = new Map<string, string>();
  const sentDocs = new Map<string, Map<string, string>>();
  const goLiveAnswer = (id: string, v: { value: unknown; etag: string }, full: boolean) => {
    if (!full && sentGoLive.get(id) === v.etag) return { etag: v.etag };
    sentGoLive.set(id, v.etag);
    return { etag: v.etag, value: v.value };
  };
  const target: Target = {
    goLive: async (id: string, full: boolean) => {
      const v = await repo.getGoLive(id);
      if (!v) {
        sentGoLive.delete(id);
        return null;
      }
      return goLiveAnswer(id, v, full);
    },
    snapshot: async (id: string, full: boolean) => {
      const v = await repo.getStatusSnapshotVersions(id);
      if (!v) {
        sentDocs.delete(id);
        return null;
      }
      const kept = full ? undefined : sentDocs.get(id);
      const sent = new Map<string, string>();
      const docs = v.docs.map((d) => {
        sent.set(d.id, d.etag);
        return kept?.get(d.id) === d.etag ? { id: d.id, type: d.type, etag: d.etag } : d;
      });
      sentDocs.set(id, sent);
      return { goLive: goLiveAnswer(id, v.goLive, full), docs };
    },
    // The main side already has the go-live it sent: only the new version goes back.
    saveGoLive: async (...a: Parameters<SqliteRepository['saveGoLive']>) => (await repo.saveGoLive(...a)).etag,
  };
  const proto = SqliteRepository.prototype as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(SqliteRepository.prototype)) {
    if (name === 'constructor' || name in target || typeof proto[name] !== 'function') continue;
    target[name] = (...args: never[]) => (repo as unknown as Target)[name]!(...args);
  }
  return target;
}

function outboxTarget(outbox: SqliteOutbox): Target {
  return {
    add: (n) => outbox.add(n),
    get: (g, id) => outbox.get(g, id),
    replace: (n, etag) => outbox.replace(n, etag),
    listDue: (now, limit) => outbox.listDue(now, limit),
    list: (g, f) => outbox.list(g, f),
  };
}

let target: Target | undefined;
let close: (() => Promise<void>) | undefined;
let openError: ThreadError | undefined;
try {
  if (data.kind === 'repository') {
    const repo = SqliteRepository.open(data.file, storeOptions);
    target = repositoryTarget(repo);
    close = () => repo.close();
  } else {
    const outbox = SqliteOutbox.open(data.file, storeOptions);
    target = outboxTarget(outbox);
    close = () => outbox.close();
  }
} catch (e) {
  openError = serializeError(e);
}

let out: Reply[] = [];
let flushing = false;
function post(m: ToMain): void {
  port.postMessage(m);
}
function flush(): void {
  flushing = false;
  if (!out.length) return;
  const replies = out;
  out = [];
  post({ replies });
}
function answer(r: Reply): void {
  out.push(r);
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}

function run(c: Call): void {
  if (openError) return answer({ id: c.id, error: openError });
  // Its caller was answered 503 when the deadline passed: not applied later.
  if (Date.now() > c.deadline) return answer({ id: c.id, expired: true });
  const fn = target![c.method];
  if (!fn) return answer({ id: c.id, error: { name: 'TypeError', message: `the store has no method '${c.method}'` } });
  let p: Promise<unknown>;
  try {
    // Synchronous up to SQLite's answer (better-sqlite3): the calls of a batch run in order.
    p = fn(...(c.args as never[]));
  } catch (e) {
    return answer({ id: c.id, error: serializeError(e) });
  }
  p.then(
    (value) => answer({ id: c.id, value }),
    (e: unknown) => answer({ id: c.id, error: serializeError(e) }),
  );
}

port.on('message', (m: ToWorker) => {
  if ('calls' in m) {
    for (const c of m.calls) run(c);
    return;
  }
  if ('close' in m) {
    void (async () => {
      try {
        await close?.();
      } finally {
        // Reports committed by close() are answered before it says closed.
        await new Promise((r) => setImmediate(r));
        flush();
        post({ closed: true });
      }
    })();
  }
});

post({ ready: true });
