/**
 * The contract suite again, with a fault-injecting layer between the app's retry layer and
 * the store: throttling, unavailability and timeouts before the store is reached must be
 * invisible to callers. (Faults that lose the answer of an applied write change what a
 * caller can know — created or replayed — and are tested end to end in test/http/faults.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { faulty, type FaultCounts } from '../../shared/adapters/faults/faulty.repository';
import { retrying } from '../../shared/adapters/resilience/retrying.repository';
import { StoreUnavailableError } from '../../shared/ports/repository.port';
import { makeGoLive, makeUnitReport } from '../builders';
import { repositoryContract } from './repository.contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-faults-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const noSleep = { attempts: 8, initialDelayMs: 1, maxTotalDelayMs: 10_000, sleep: async () => undefined };
const totals: FaultCounts[] = [];

repositoryContract('SQLite behind 30 % injected faults and the retry layer', async () => {
  const file = path.join(dir, `${totals.length}.sqlite`);
  const inner = SqliteRepository.open(file, { synchronous: 'NORMAL' });
  const { repo, counts } = faulty(inner, { rate: 0.3, faults: ['throttled', 'unavailable', 'timeoutBefore'], seed: 42 + totals.length });
  totals.push(counts);
  const others: SqliteRepository[] = [];
  return {
    repo: retrying(repo, noSleep),
    another: async () => {
      const other = SqliteRepository.open(file, { synchronous: 'NORMAL' });
      others.push(other);
      return retrying(
        faulty(other, { rate: 0.3, faults: ['throttled', 'unavailable', 'timeoutBefore'], seed: 7 + others.length }).repo,
        noSleep,
      );
    },
    teardown: async () => {
      for (const o of others) await o.close();
      await inner.close();
    },
  };
});

describe('the retry layer', () => {
  it('really saw faults in the contract run above', () => {
    const injected = totals.reduce((n, c) => n + c.injected.throttled + c.injected.unavailable + c.injected.timeoutBefore, 0);
    expect(injected).toBeGreaterThan(20);
  });

  it('gives up within its budget and lets StoreUnavailableError through (→ 503 + Retry-After)', async () => {
    const inner = SqliteRepository.open(':memory:', { synchronous: 'NORMAL' });
    const { repo } = faulty(inner, { rate: 1, faults: ['unavailable'], seed: 1 });
    const waits: number[] = [];
    const r = retrying(repo, { attempts: 3, initialDelayMs: 5, maxTotalDelayMs: 100, sleep: async (ms) => void waits.push(ms) });
    await expect(r.getGoLive('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    // Doubling from 5 ms, but never shorter than the store's Retry-After (10 ms).
    expect(waits).toEqual([10, 10]);
    await inner.close();
  });

  it('a write whose answer was lost is found as a replay on retry, stored once', async () => {
    const inner = SqliteRepository.open(':memory:', { synchronous: 'NORMAL' });
    const goLive = makeGoLive();
    await inner.saveGoLive(goLive, null);
    const { repo, counts } = faulty(inner, { rate: 1, faults: ['timeoutAfter'], seed: 7 });
    let first = true;
    // Faults on every call would never let the retry through: fault only the first.
    const onceFaulty = new Proxy(repo, {
      get: (t, p, rcv) =>
        p === 'addUnitReport'
          ? (...a: unknown[]) =>
              first
                ? ((first = false), (t.addUnitReport as (...x: unknown[]) => Promise<unknown>)(...a))
                : (inner.addUnitReport as (...x: unknown[]) => Promise<unknown>).apply(inner, a)
          : Reflect.get(t, p, rcv),
    });
    const report = makeUnitReport({ goLiveId: goLive.id });
    const result = await retrying(onceFaulty, noSleep).addUnitReport(report);
    expect(counts.injected.timeoutAfter).toBe(1);
    expect(result.created).toBe(false);
    expect(await inner.listUnitReports(goLive.id, report.unitId, 10)).toEqual([report]);
    await inner.close();
  });
});
