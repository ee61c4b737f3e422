import { HttpHost } from '../../local/http-host';
import { RequestPhases } from '../../local/request-phases';
import { captureApp } from './capture';

/*
 * The phase probe of the local runtime (issue 17 item 5, a diagnostic behind
 * DRIFTPULS_PHASES_FILE): each invocation's instants, in order, and the event loop's delay.
 */

const { registry } = captureApp(({ app }) => {
  app.get('hello', { route: 'hello', handler: async () => ({ status: 200, body: 'hej' }) });
});

it('records accept, admission, handler start and end, response and send of each invocation, in order', async () => {
  const phases = new RequestPhases();
  const host = new HttpHost({ registry, phases });
  const base = await host.listen({ port: 0, host: '127.0.0.1' });
  try {
    expect(await (await fetch(`${base}/hello`)).text()).toBe('hej');
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  } finally {
    await host.close(100);
  }
  const { records, loopDelay } = phases.dump();
  expect(records.map((r) => [r.method, r.path, r.status])).toEqual([
    ['GET', '/api/hello', 200],
    ['GET', '/api/nothing-here', 404],
  ]);
  const r = records[0]!;
  const order = [r.accept, r.admitted, r.bodyRead, r.handlerStart, r.handlerEnd, r.invoked, r.sent];
  expect(order.every((t) => typeof t === 'number')).toBe(true);
  expect([...order].sort((a, b) => a! - b!)).toEqual(order);
  // A request no function answered never reached admission.
  expect(records[1]!.admitted).toBeUndefined();
  expect(Array.isArray(loopDelay)).toBe(true);
});
