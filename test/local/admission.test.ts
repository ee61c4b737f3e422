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
