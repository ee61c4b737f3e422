import type { Repository } from '../../ports/repository.port';
import { StoreConflictError, StoreUnavailableError } from '../../ports/repository.port';

/** The faults a real store shows under load or trouble. */
export type StoreFault = 'throttled' | 'unavailable' | 'timeoutBefore' | 'timeoutAfter' | 'conflict';

export interface FaultPlan {
  /** Probability per call of injecting a fault. */
  rate: number;
  /** Which faults may be drawn. `timeoutAfter` applies the write, then loses the answer. */
  faults: StoreFault[];
  /** Seed, so a failing run can be replayed exactly. */
  seed: number;
}

export interface FaultCounts {
  calls: number;
  injected: Record<StoreFault, number>;
}

const WRITES = new Set(['saveGoLive', 'addUnitReport', 'addAreaReport', 'createIncident', 'replaceIncident', 'putMarker']);
const CONDITIONAL = new Set(['replaceIncident', 'saveGoLive']);

/** mulberry32: a tiny deterministic PRNG, so fault runs are reproducible by seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fault-injecting layer in front of any repository (issue: trust). Throttling (429 with
 * Retry-After), unavailability (503), timeouts before the store is reached, timeouts after a
 * write was applied (the answer is lost), and ETag conflicts on conditional writes (as if a
 * concurrent writer won). Used by tests and rehearsals; never wired in Azure.
 */
export function faulty(inner: Repository, plan: FaultPlan): { repo: Repository; counts: FaultCounts } {
  const random = prng(plan.seed);
  const counts: FaultCounts = { calls: 0, injected: { throttled: 0, unavailable: 0, timeoutBefore: 0, timeoutAfter: 0, conflict: 0 } };
  const draw = (method: string): StoreFault | undefined => {
    if (random() >= plan.rate) return undefined;
    const options = plan.faults.filter((f) =>
      f === 'timeoutAfter' ? WRITES.has(method) : f === 'conflict' ? CONDITIONAL.has(method) : true,
    );
    return options.length ? options[Math.floor(random() * options.length)] : undefined;
  };
  const repo = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = String(prop);
      if (method === 'close') return value.bind(target);
      return async (...args: unknown[]) => {
        counts.calls++;
        const fault = draw(method);
        if (fault) counts.injected[fault]++;
        switch (fault) {
          case 'throttled':
            throw new StoreUnavailableError('injected: 429 Too Many Requests', 0.01);
          case 'unavailable':
            throw new StoreUnavailableError('injected: 503 Service Unavailable', 0.01);
          case 'timeoutBefore':
            throw new StoreUnavailableError('injected: request timed out before reaching the store', 0.01);
          case 'conflict':
            throw new StoreConflictError('injected: ETag no longer matches');
          case 'timeoutAfter': {
            await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            throw new StoreUnavailableError('injected: the write was applied but its answer was lost', 0.01);
          }
          default:
            return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        }
      };
    },
  });
  return { repo, counts };
}
