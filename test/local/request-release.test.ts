import v8 from 'node:v8';
import vm from 'node:vm';
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { lightRequestOf } from '../../local/http-request';
import type { LocalHttpRequest } from '../../local/invoke';
import { invokeHttpFunction } from '../../local/invoke';
import { captureApp } from './capture';

/*
 * Issue 17, fourth round: the library's HttpRequest and InvocationContext keep their private
 * fields in module-level WeakMaps, and V8's scavenger keeps those values alive after the request
 * (bench/weakmap-scavenge.ts). So once a plain answer is built, the local runtime empties what
 * those values reach: the light request's headers and body, the RPC trigger data, and the core
 * context's log function no longer holds the invocation (its result). Here a handler keeps its
 * request and context, as the library's WeakMaps would, and what they no longer need must be
 * collectable.
 */

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

it('lets go of the headers and the answer once the answer is built, while the handler still saw them all', async () => {
  const kept: { request?: HttpRequest; context?: InvocationContext } = {};
  const seen: unknown[] = [];
  let headersRef: WeakRef<object> | undefined;
  let answerRef: WeakRef<object> | undefined;
  const { registry } = captureApp((lib) => {
    lib.app.http('keep', {
      methods: ['POST'],
      route: 'keep',
      handler: async (request, context) => {
        kept.request = request;
        kept.context = context;
        headersRef = new WeakRef(request.headers);
        seen.push({ user: request.headers.get('x-dev-user'), body: await request.text(), id: context.invocationId.length > 0 });
        const answer = { status: 201, jsonBody: { ok: true, filler: 'x'.repeat(1000) } };
        answerRef = new WeakRef(answer);
        return answer;
      },
    });
  });
  const fn = registry.get('keep')!;
  const url = 'http://127.0.0.1:7071/api/keep';
  const headers = { 'content-type': 'application/json', 'x-dev-user': 'anna@example.se' };
  const body = Buffer.from('{"colour":"gul"}');
  const request = (): LocalHttpRequest => ({ method: 'POST', url, headers: { ...headers }, params: {}, body });
  // The first invocation learns the library's classes; the second is the light path the runtime takes.
  await invokeHttpFunction(registry, fn, request(), { libraryArguments: true });
  const answer = await invokeHttpFunction(registry, fn, request(), {
    light: lightRequestOf({ method: 'POST', url: new URL(url), headers, body }),
  });
  expect(answer?.status).toBe(201);
  expect(JSON.parse(answer!.body.toString())).toMatchObject({ ok: true });
  expect(seen[1]).toEqual({ user: 'anna@example.se', body: '{"colour":"gul"}', id: true });

  for (let i = 0; i < 5 && (headersRef!.deref() || answerRef!.deref()); i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  // The request and context themselves are still held (as by the library's WeakMaps)...
  expect(kept.request).toBeDefined();
  expect(kept.context?.invocationId).toBeTruthy();
  // ...but not what they no longer need.
  expect(headersRef!.deref()).toBeUndefined();
  expect(answerRef!.deref()).toBeUndefined();
  // A handler that reads its request after it answered finds it emptied (docs/local-runtime.md).
  expect([...kept.request!.headers]).toEqual([]);
});
