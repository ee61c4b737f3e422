import type { AdmissionOptions, Ticket } from '../../local/admission';
import { Admission } from '../../local/admission';
import { HttpHost } from '../../local/http-host';
import { captureApp } from './capture';

/*
 * Load shedding in the HTTP host (issue 17): a saturated server answers 503 with Retry-After
 * at once instead of letting callers wait. Time in the queue is read from an injected clock.
 */

const gates: (() => void)[] = [];
const entered: string[] = [];
const { registry } = captureApp(({ app }) => {
  app.get('slow', {
    route: 'slow/{name}',
    handler: async (req) => {
      entered.push(req.params.name!);
      await new Promise<void>((resolve) => gates.push(resolve));
      return { status: 200, body: `done ${req.params.name}` };
    },
  });
  app.get('fast', { route: 'fast', handler: async () => ({ status: 200, body: 'fast' }) });
});

let now = 0;
let host: HttpHost;
let base: string;

beforeAll(async () => {
  host = new HttpHost({ registry, admission: { maxConcurrent: 1, maxQueue: 1, maxQueueWaitMs: 50, retryAfterSeconds: 2, now: () => now } });
  base = await host.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => host.close(100));

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setImmediate(r));
  expect(ok()).toBe(true);
};

it('runs one at a time, queues one, and sheds the rest with 503 + Retry-After in Swedish', async () => {
  const a = fetch(`${base}/slow/a`);
  await until(() => entered.includes('a'));
  const b = fetch(`${base}/slow/b`);
  await until(() => host.admissionStats!.waiting === 1);

  // The queue is full: answered at once, without running the function.
  const c = await fetch(`${base}/slow/c`);
  expect(c.status).toBe(503);
  expect(c.headers.get('retry-after')).toBe('2');
  expect(c.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await c.json()) as { code: string; detail: string };
  expect(problem.code).toBe('HTTP.OVERLOADED');
  expect(problem.detail).toMatch(/för mycket att göra/);
  expect(entered).toEqual(['a']);

  // b waited within the limit: it runs when a is done.
  gates.shift()!();
  expect(await (await a).text()).toBe('done a');
  await until(() => entered.includes('b'));
  gates.shift()!();
  expect(await (await b).text()).toBe('done b');
  expect(host.admissionStats).toMatchObject({ shed: 1, inFlight: 0, waiting: 0 });
});

it('sheds a queued request that waited longer than the limit, and serves the next one', async () => {
  const d = fetch(`${base}/slow/d`);
  await until(() => entered.includes('d'));
  const e = fetch(`${base}/fast`);
  await until(() => host.admissionStats!.waiting === 1);
  now += 51;
  gates.shift()!();
  expect((await d).status).toBe(200);
  const shed = await e;
  expect(shed.status).toBe(503);
  expect(shed.headers.get('retry-after')).toBe('2');
  // Nothing is held against later callers.
  expect((await fetch(`${base}/fast`)).status).toBe(200);
  expect(host.admissionStats).toMatchObject({ shed: 2, inFlight: 0, waiting: 0 });
});

/*
 * Issue 17 item 5: the admission control seen from inside, on an injected clock, turn queue and
 * timer: nothing here waits on the wall clock.
 */
describe('Admission: lanes, turns and the wait bound', () => {
  let clock = 0;
  let turns: (() => void)[] = [];
  let timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const runTurn = (): void => {
    const now = turns;
    turns = [];
    for (const fn of now) fn();
  };
  const advance = (ms: number): void => {
    clock += ms;
    for (const t of timers.filter((x) => !x.cancelled && x.at <= clock)) {
      t.cancelled = true;
      t.fn();
    }
  };
  const make = (o: Partial<AdmissionOptions> = {}): Admission =>
    new Admission({
      maxConcurrent: 2,
      maxExpensiveReads: 1,
      expensiveReadMs: 5,
      maxQueue: 10,
      maxQueueWaitMs: 100,
      retryAfterSeconds: 1,
      now: () => clock,
      defer: (fn) => turns.push(fn),
      setTimer: (fn, ms) => {
        const t = { at: clock + ms, fn, cancelled: false };
        timers.push(t);
        return () => (t.cancelled = true);
      },
      ...o,
    });
  const settled = async <T>(p: T | Promise<T>): Promise<{ value: T | undefined; done: boolean }> => {
    let out: { value: T | undefined; done: boolean } = { value: undefined, done: false };
    void Promise.resolve(p).then((value) => (out = { value, done: true }));
    await new Promise((r) => setImmediate(r));
    return out;
  };
  beforeEach(() => {
    clock = 0;
    turns = [];
    timers = [];
  });

  it('gives a slot back on the next turn, not inside the finishing request', async () => {
    const a = make({ maxConcurrent: 1 });
    const first = a.acquire({ write: false, key: 'board' }) as Ticket;
    expect(first).toMatchObject({ lane: 'read' });
    const second = a.acquire({ write: false, key: 'board' });
    expect(second).toBeInstanceOf(Promise);
    a.release(first);
    expect((await settled(second)).done).toBe(false);
    runTurn();
    expect((await settled(second)).value).toMatchObject({ lane: 'read' });
  });

  it('keeps slots for writes and reads apart, and starts waiting writes first', async () => {
    const a = make({ maxConcurrent: 1 });
    const read = a.acquire({ write: false, key: 'board' }) as Ticket;
    // The read holds the readers' only slot; a write goes straight through all the same.
    const write = a.acquire({ write: true, key: 'postUnitReport' }) as Ticket;
    expect(write).toMatchObject({ lane: 'write' });
    const nextRead = a.acquire({ write: false, key: 'board' });
    const nextWrite = a.acquire({ write: true, key: 'postUnitReport' });
    a.release(write);
    runTurn();
    expect((await settled(nextWrite)).value).toMatchObject({ lane: 'write' });
    expect((await settled(nextRead)).done).toBe(false);
    a.release(read);
    runTurn();
    expect((await settled(nextRead)).value).toMatchObject({ lane: 'read' });
  });

  it('lets a read go straight through while writes wait', () => {
    const a = make({ maxConcurrent: 1 });
    a.acquire({ write: true, key: 'postUnitReport' });
    expect(a.acquire({ write: true, key: 'postUnitReport' })).toBeInstanceOf(Promise);
    expect(a.acquire({ write: false, key: 'getBoard' })).toMatchObject({ lane: 'read' });
  });

  it('counts write slots on their own when maxConcurrentWrites is set (issue 17, fourth round)', async () => {
    const a = make({ maxConcurrent: 1, maxConcurrentWrites: 3 });
    const writes = [1, 2, 3].map(() => a.acquire({ write: true, key: 'postUnitReport' }));
    expect(writes.every((w) => !(w instanceof Promise) && w?.lane === 'write')).toBe(true);
    const fourth = a.acquire({ write: true, key: 'postUnitReport' });
    expect(fourth).toBeInstanceOf(Promise);
    // Reads keep their own single slot.
    expect(a.acquire({ write: false, key: 'getBoard' })).toMatchObject({ lane: 'read' });
    expect(a.acquire({ write: false, key: 'getBoard' })).toBeInstanceOf(Promise);
    a.release(writes[0] as Ticket);
    runTurn();
    expect((await settled(fourth)).value).toMatchObject({ lane: 'write' });
  });

  it('defaults: 64 reads and 256 writes at once', () => {
    const a = new Admission({ now: () => clock, defer: (fn) => turns.push(fn), setTimer: () => () => undefined });
    const writes = Array.from({ length: 257 }, () => a.acquire({ write: true, key: 'w' }));
    expect(writes.filter((w) => w instanceof Promise)).toHaveLength(1);
    const reads = Array.from({ length: 65 }, () => a.acquire({ write: false, key: 'r' }));
    expect(reads.filter((r) => r instanceof Promise)).toHaveLength(1);
  });

  it('learns which reads are expensive and runs at most maxExpensiveReads of them', async () => {
    const a = make({ maxConcurrent: 10 });
    const t = a.acquire({ write: false, key: 'getAgenda' }) as Ticket;
    clock += 40;
    a.release(t);
    runTurn();
    expect(a.laneOf({ write: false, key: 'getAgenda' })).toBe('expensive');
    expect(a.laneOf({ write: false, key: 'getBoard' })).toBe('read');
    const gotX = a.acquire({ write: false, key: 'getAgenda' }) as Ticket;
    expect(gotX).toMatchObject({ lane: 'expensive' });
    const y = a.acquire({ write: false, key: 'getAgenda' });
    runTurn();
    expect((await settled(y)).done).toBe(false);
    // A cheap read still goes straight through.
    expect(a.acquire({ write: false, key: 'getBoard' })).toMatchObject({ lane: 'read' });
    a.release(gotX);
    runTurn();
    expect((await settled(y)).value).toMatchObject({ lane: 'expensive' });
  });

  it('sheds a request whose wait ran out on time, even when no slot frees', async () => {
    const a = make({ maxConcurrent: 1 });
    a.acquire({ write: true, key: 'w' }) as Ticket; // holds the only slot, never released here
    const waiting = a.acquire({ write: true, key: 'w' });
    runTurn();
    advance(99);
    expect((await settled(waiting)).done).toBe(false);
    advance(1);
    expect(await settled(waiting)).toEqual({ value: undefined, done: true });
    expect(a.stats).toMatchObject({ shed: 1, shedFull: 0, waiting: 0, inFlight: 1 });
  });

  it('sheds at once when maxQueue are waiting', () => {
    const a = make({ maxConcurrent: 1, maxQueue: 1 });
    a.acquire({ write: true, key: 'w' });
    a.acquire({ write: true, key: 'w' });
    expect(a.acquire({ write: true, key: 'w' })).toBeUndefined();
    expect(a.stats).toMatchObject({ shed: 1, shedFull: 1, waiting: 1 });
  });
});

describe('a write that waited past the bound (issue 17 item 5)', () => {
  const stored: string[] = [];
  const held: (() => void)[] = [];
  let clockMs = 0;
  const { registry: writes } = captureApp(({ app }) => {
    app.post('report', {
      route: 'report/{id}',
      handler: async (req) => {
        if (req.params.id === 'hold') await new Promise<void>((resolve) => held.push(resolve));
        stored.push(req.params.id!);
        return { status: 201, jsonBody: { id: req.params.id } };
      },
    });
  });

  it('is answered 503 with Retry-After as problem+json in the caller’s language, and nothing is stored', async () => {
    const h = new HttpHost({
      registry: writes,
      admission: { maxConcurrent: 1, maxQueueWaitMs: 1000, retryAfterSeconds: 3, now: () => clockMs },
    });
    const url = await h.listen({ port: 0, host: '127.0.0.1' });
    try {
      const holding = fetch(`${url}/report/hold`, { method: 'POST' });
      await until(() => held.length === 1);
      const late = fetch(`${url}/report/late`, { method: 'POST', headers: { 'accept-language': 'en' } });
      await until(() => h.admissionStats!.waiting === 1);
      clockMs += 1000;
      held.shift()!();
      expect((await holding).status).toBe(201);
      const res = await late;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('content-language')).toBe('en');
      expect(await res.json()).toMatchObject({ status: 503, code: 'HTTP.OVERLOADED', detail: expect.stringMatching(/too busy/) });
      expect(stored).toEqual(['hold']);
    } finally {
      await h.close(100);
    }
  });
});
