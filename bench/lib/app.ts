import path from 'node:path';
import type { FunctionCallback, LogSink } from '../../local/core-shim';
import { FunctionRegistry, installCoreShim } from '../../local/core-shim';
import { DIST } from './procs';

/**
 * The app's registrations, captured the way the local runtime captures them (the core-module
 * shim, then the app entry), for benchmarks that run the runtime in-process and want to
 * count or time invocations.
 */
export function captureApp(log: LogSink = () => undefined): FunctionRegistry {
  const registry = new FunctionRegistry({ log });
  installCoreShim(registry.coreApi);
  require(path.join(DIST, 'functions', 'index'));
  return registry;
}

export interface Invocation {
  name: string;
  /** The orchestration instance, for orchestrator episodes. */
  instanceId?: string;
  /** History events the episode replayed (orchestrators). */
  historyEvents?: number;
  ms: number;
}

/**
 * Wraps the callbacks of every function of the given trigger types so each invocation is
 * timed (the callback only: for an orchestrator, the library's replay of the history and the
 * orchestrator code; for an activity, the activity itself).
 */
export function instrument(registry: FunctionRegistry, triggerTypes: string[], sink: (i: Invocation) => void): void {
  for (const fn of registry.functions.values()) {
    if (!triggerTypes.includes(fn.triggerType)) continue;
    const original = fn.callback;
    const wrapped: FunctionCallback = async (...args: unknown[]) => {
      const trigger = args[0] as { instanceId?: unknown; history?: unknown } | undefined;
      const t = performance.now();
      try {
        return await original(...args);
      } finally {
        sink({
          name: fn.name,
          ms: performance.now() - t,
          ...(typeof trigger?.instanceId === 'string' ? { instanceId: trigger.instanceId } : {}),
          ...(Array.isArray(trigger?.history) ? { historyEvents: trigger.history.length } : {}),
        });
      }
    };
    fn.callback = wrapped;
  }
}
