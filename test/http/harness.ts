import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FunctionRegistry } from '../../local/core-shim';
import type * as Runtime from '../../local/runtime';
import type { FaultCounts, FaultPlan } from '../../shared/adapters/faults/faulty.repository';
import type { StoreProbe } from '../../shared/adapters/embedded/store-probe';
import type { HungDisk } from '../../shared/adapters/faults/sqlite-faults';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

export interface Api {
  url: string;
  dataDir: string;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  raw(method: string, path: string, body: string, contentType: string, headers?: Record<string, string>): Promise<Reply>;
  /** Moves the simulated clock (ISO 8601 duration) and fires the timers due on the way. */
  advance(by: string): Promise<void>;
  /** Faults injected so far, when started with `faults`. */
  faults?: FaultCounts;
  close(): Promise<void>;
}

/**
 * Starts the local runtime in-process on a simulated clock and a fresh embedded store, with
 * the real app: functions/index registers through the core-module shim. Jest's loader does
 * not pass through the shim's require hook, so the core module is mocked in an isolated
 * registry that also holds the runtime, so both share one composition (clock, store).
 */
export async function startApi(opts: {
  start: string;
  demo?: boolean;
  dataDir?: string;
  faults?: FaultPlan;
  port?: number;
  /** Bind another address than loopback (with `allowRemote`), e.g. `0.0.0.0`. */
  host?: string;
  allowRemote?: boolean;
  /** The embedded store's probe (issue 13 item 9), e.g. one with a `HungDisk`. */
  storeProbe?: StoreProbe;
  /** A simulated frozen file system under the embedded store's worker threads (issue 13 item 9). */
  storeHang?: HungDisk;
}): Promise<Api> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-api-'));
  const registry = new FunctionRegistry({ log: () => undefined });
  let faultCounts: FaultCounts | undefined;
  let runtime!: typeof Runtime;
  let stopTelemetry!: () => Promise<void>;
  jest.isolateModules(() => {
    jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true });
    require('../../functions/index');
    // The app's own telemetry (on when a test sets a connection string) stops with the runtime.
    ({ stopTelemetry } = require('../../shared/observability') as typeof import('../../shared/observability'));
    runtime = require('../../local/runtime') as typeof Runtime;
    if (opts.storeProbe)
      (require('../../shared/composition') as typeof import('../../shared/composition')).configureServices({ storeProbe: opts.storeProbe });
    if (opts.storeHang)
      (require('../../shared/composition') as typeof import('../../shared/composition')).configureServices({ storeHang: opts.storeHang });
    if (opts.faults) {
      // Built inside the isolated registry, so error classes match the ones the app checks.
      const { SqliteRepository } =
        require('../../shared/adapters/embedded/sqlite.repository') as typeof import('../../shared/adapters/embedded/sqlite.repository');
      const { faulty } =
        require('../../shared/adapters/faults/faulty.repository') as typeof import('../../shared/adapters/faults/faulty.repository');
      const { retrying } =
        require('../../shared/adapters/resilience/retrying.repository') as typeof import('../../shared/adapters/resilience/retrying.repository');
      const { configureServices } = require('../../shared/composition') as typeof import('../../shared/composition');
      const injected = faulty(SqliteRepository.open(path.join(dataDir, 'driftpuls.sqlite'), { synchronous: 'NORMAL' }), opts.faults);
      faultCounts = injected.counts;
      configureServices({
        repo: retrying(injected.repo, {
          attempts: 3,
          initialDelayMs: 1,
          maxTotalDelayMs: 50,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        }),
      });
    }
  });
  const rt = await runtime.startLocalRuntime({
    port: opts.port ?? 0,
    ...(opts.host ? { host: opts.host, allowRemote: opts.allowRemote ?? false } : {}),
    clock: 'simulated',
    start: new Date(opts.start),
    demo: opts.demo ?? false,
    dataDir,
    registry,
  });
  const send = async (method: string, p: string, body: string | undefined, headers: Record<string, string>): Promise<Reply> => {
    const res = await fetch(rt.url + p, { method, body, headers });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  const jsonHeaders = (h?: Record<string, string>) => ({ 'content-type': 'application/json', ...(h ?? {}) });
  return {
    url: rt.url,
    dataDir,
    get: (p, h) => send('GET', p, undefined, h ?? {}),
    post: (p, b, h) => send('POST', p, JSON.stringify(b), jsonHeaders(h)),
    put: (p, b, h) => send('PUT', p, JSON.stringify(b), jsonHeaders(h)),
    raw: (m, p, b, ct, h) => send(m, p, b, { 'content-type': ct, ...(h ?? {}) }),
    advance: async (by) => {
      const r = await send('POST', '/_local/clock', JSON.stringify({ advanceBy: by }), jsonHeaders());
      if (r.status !== 200) throw new Error(`clock: ${r.status} ${r.text}`);
    },
    faults: faultCounts,
    close: async () => {
      await rt.close();
      await stopTelemetry();
    },
  };
}
