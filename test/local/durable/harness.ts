import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as AzureFunctions from '@azure/functions';
import type * as DurableFunctions from 'durable-functions';
import { SimulatedClock } from '../../../local/clock';
import type { LogEntry } from '../../../local/core-shim';
import { FunctionRegistry } from '../../../local/core-shim';
import { DurableHost } from '../../../local/durable/durable-host';
import type { Probe } from './samples';
import { registerSamples } from './samples';

export const T0 = new Date('2026-11-27T06:00:00Z');
export const MINUTE = 60_000;

/**
 * Registers an app the way it deploys, against a fresh registry. Jest bypasses the
 * `@azure/functions-core` shim, so the core module is mocked in an isolated module registry,
 * and `durable-functions` is loaded inside it so it registers through the same library copy.
 */
export function captureDurableApp(register: (df: typeof DurableFunctions, lib: typeof AzureFunctions) => void): {
  registry: FunctionRegistry;
  logs: LogEntry[];
} {
  const logs: LogEntry[] = [];
  const registry = new FunctionRegistry({ log: (e) => logs.push(e) });
  jest.isolateModules(() => {
    jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true });
    const lib = require('@azure/functions') as typeof AzureFunctions;
    const df = require('durable-functions') as typeof DurableFunctions;
    register(df, lib);
  });
  return { registry, logs };
}

/** A probe whose clock and counts `reset` replaces, so one captured app serves many tests. */
export function newProbe(): Probe & { reset(clock: { now(): Date }): void } {
  let clock: { now(): Date } = { now: () => T0 };
  const probe = {
    calls: {} as Record<string, number>,
    times: {} as Record<string, string[]>,
    now: () => clock.now(),
    gates: new Map<string, Promise<void>>(),
    entered: new Map<string, () => void>(),
    reset(c: { now(): Date }) {
      clock = c;
      probe.calls = {};
      probe.times = {};
      probe.gates.clear();
      probe.entered.clear();
    },
  };
  return probe;
}

/** The sample app, captured once per test file (loading durable-functions takes a moment). */
export function sampleApp() {
  const probe = newProbe();
  const { registry, logs } = captureDurableApp((df, lib) => registerSamples(df, lib, probe));
  return { registry, logs, probe };
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-durable-'));
}

/** The sample app on a fresh simulated clock, with durable hosts over a store in a fresh folder. */
export function sampleWorld(app: ReturnType<typeof sampleApp>, start = T0) {
  const clock = new SimulatedClock(start);
  const { registry, logs, probe } = app;
  probe.reset(clock);
  logs.length = 0;
  const dir = tmpDir();
  const file = path.join(dir, 'durable.sqlite');
  const hosts: DurableHost[] = [];
  const open = (): DurableHost => {
    const host = new DurableHost({ registry, clock, file });
    host.start();
    hosts.push(host);
    return host;
  };
  const cleanup = async (): Promise<void> => {
    for (const h of hosts) await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { clock, probe, registry, logs, file, open, cleanup };
}

/** A promise with its resolver, to hold an activity mid-flight without touching the wall clock. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
