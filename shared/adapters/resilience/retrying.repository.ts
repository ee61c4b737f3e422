import type { Repository } from '../../ports/repository.port';
import { StoreUnavailableError } from '../../ports/repository.port';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubles each time, and a store's Retry-After wins when longer. */
  initialDelayMs: number;
  /** Never wait longer than this in one request: past it the caller gets 503 + Retry-After instead. */
  maxTotalDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  initialDelayMs: 50,
  maxTotalDelayMs: 1500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Retries a store that throttles or is briefly away (`StoreUnavailableError`: 429, 503,
 * timeouts). Safe for every method because every write in the port is idempotent (create-
 * if-absent by id, or conditional on an ETag): a write whose answer was lost is either
 * found as a replay or refused as a conflict on retry — never applied twice. When the
 * budget is spent the error goes up and the HTTP edge answers 503 with Retry-After.
 */
export function retrying(inner: Repository, policy: RetryPolicy = DEFAULT_RETRY): Repository {
  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    let delay = policy.initialDelayMs;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        if (!(e instanceof StoreUnavailableError) || attempt >= policy.attempts) throw e;
        const wait = Math.max(delay, e.retryAfterSeconds * 1000);
        if (waited + wait > policy.maxTotalDelayMs) throw e;
        await policy.sleep(wait);
        waited += wait;
        delay *= 2;
      }
    }
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}
