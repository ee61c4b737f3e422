import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { FunctionRegistry } from '../../local/core-shim';
import { LightRequest, lightRequestOf } from '../../local/http-request';
import { plainHttpResponse } from '../../local/http-response';
import type { LocalHttpRequest, LocalHttpResponse } from '../../local/invoke';
import { invokeHttpFunction } from '../../local/invoke';
import type { FunctionsLibrary } from './capture';
import { captureApp } from './capture';

/*
 * Issue 17 item 2: the local host gives handlers the library's HttpRequest over a lighter
 * native request (local/http-request.ts) and writes plain answers without HttpResponse
 * (local/http-response.ts). Each case here runs twice through the same registered function —
 * once the library's own way (undici Request and HttpResponse, as the worker does), once the
 * light way — and what the handler sees and what the host gets must be equal.
 */

type Seen = Record<string, unknown>;

async function streamText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Everything a handler can learn from its request, body reads (and their errors) in order. */
async function observe(lib: FunctionsLibrary, request: HttpRequest, reads: string[]): Promise<Seen> {
  const seen: Seen = {
    isLibraryHttpRequest: request instanceof lib.HttpRequest,
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    headersIsHeaders: request.headers instanceof Headers,
    contentType: request.headers.get('content-type'),
    missing: request.headers.get('x-not-sent'),
    query: [...request.query],
    params: { ...request.params },
    user: request.user,
    bodyUsedBefore: request.bodyUsed,
  };
  for (const [i, read] of reads.entries()) {
    try {
      const value: unknown =
        read === 'arrayBuffer'
          ? [...new Uint8Array(await request.arrayBuffer())]
          : read === 'text'
            ? await request.text()
            : read === 'json'
              ? await request.json()
              : read === 'blob'
                ? await (await request.blob()).text()
                : read === 'stream'
                  ? request.body === null
                    ? null
                    : await streamText(request.body as AsyncIterable<Uint8Array>)
                  : read === 'clone'
                    ? await request.clone().text()
                    : undefined;
      seen[`read ${i} ${read}`] = { value };
    } catch (e) {
      seen[`read ${i} ${read}`] = { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
    }
    seen[`bodyUsed after ${i}`] = request.bodyUsed;
  }
  // A handler may change its request's headers; later reads see the change either way.
  request.headers.set('x-added', 'yes');
  seen.afterSet = request.headers.get('x-added');
  return seen;
}

/** The headers object the last handler saw (to check the light request really was under it). */
let lastHeaders: Headers | undefined;

function appWith(reads: string[], answer: () => HttpResponseInit = () => ({ status: 204 })) {
  let seen: Seen | undefined;
  const { registry } = captureApp((lib) => {
    lib.app.http('probe', {
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      route: 'probe/{id}',
      handler: async (request) => {
        lastHeaders = request.headers;
        seen = await observe(lib, request, reads);
        return answer();
      },
    });
  });
  return {
    registry,
    fn: registry.get('probe')!,
    take: () => {
      const s = seen;
      seen = undefined;
      return s;
    },
  };
}

const PRINCIPAL = Buffer.from(
  JSON.stringify({ identityProvider: 'aad', userId: 'u-1', userDetails: 'anna@example.se', userRoles: ['authenticated'], claims: [] }),
).toString('base64');

interface Case {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  reads: string[];
}

const CASES: Case[] = [
  {
    name: 'a unit report: JSON body read once as bytes, then again',
    method: 'POST',
    url: 'http://127.0.0.1:7071/api/probe/u%201?lang=en&x=1&x=2',
    headers: {
      'content-type': 'application/json',
      'x-dev-user': 'anna@example.se',
      'Accept-Language': 'en',
      'x-ms-client-principal': PRINCIPAL,
    },
    body: JSON.stringify({ colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt' }),
    reads: ['arrayBuffer', 'arrayBuffer', 'text'],
  },
  {
    name: 'text, then json of the same body',
    method: 'PUT',
    url: 'http://h/api/probe/1',
    headers: { 'content-type': 'text/plain' },
    body: 'ÅÄÖ {',
    reads: ['text', 'json'],
  },
  {
    name: 'json with a byte-order mark',
    method: 'POST',
    url: 'http://h/api/probe/1',
    headers: {},
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"å"}')]),
    reads: ['json', 'text'],
  },
  {
    name: 'two byte-order marks, as text',
    method: 'POST',
    url: 'http://h/api/probe/1',
    headers: {},
    body: Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61]),
    reads: ['text'],
  },
  {
    name: 'invalid UTF-8',
    method: 'PATCH',
    url: 'http://h/api/probe/1',
    headers: {},
    body: Buffer.from([0x61, 0xc3, 0x28, 0xff, 0xe2, 0x82]),
    reads: ['text'],
  },
  { name: 'invalid JSON', method: 'POST', url: 'http://h/api/probe/1', headers: {}, body: '{"a":', reads: ['json', 'json'] },
  {
    name: 'no body: reads are empty and may repeat',
    method: 'POST',
    url: 'http://h/api/probe/1',
    headers: {},
    body: '',
    reads: ['arrayBuffer', 'text', 'json', 'arrayBuffer', 'stream'],
  },
  {
    name: 'GET without a body',
    method: 'GET',
    url: 'http://h/api/probe/1?q=%C3%A5&empty=',
    headers: { Cookie: 'a=1' },
    body: '',
    reads: ['text', 'stream'],
  },
  {
    name: 'DELETE, body read as a stream, then as text',
    method: 'DELETE',
    url: 'http://h/api/probe/1',
    headers: {},
    body: 'bye',
    reads: ['stream', 'text'],
  },
  {
    name: 'read as text, then as a stream',
    method: 'POST',
    url: 'http://h/api/probe/1',
    headers: {},
    body: 'once',
    reads: ['text', 'stream'],
  },
  {
    name: 'blob keeps the content type; clone',
    method: 'POST',
    url: 'http://h/api/probe/1',
    headers: { 'content-type': 'text/csv' },
    body: 'a;b',
    reads: ['clone', 'blob', 'text'],
  },
  {
    name: 'header values trimmed and repeated names',
    method: 'OPTIONS',
    url: 'http://h/api/probe/1#frag',
    headers: { 'x-a': '  padded\t', 'X-B': 'B' },
    body: '',
    reads: [],
  },
];

async function bothWays(c: Case): Promise<[Seen | undefined, Seen | undefined, boolean]> {
  const app = appWith(c.reads);
  const body = Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
  const request: LocalHttpRequest = { method: c.method, url: c.url, headers: c.headers, params: { id: '1' }, body };
  await invokeHttpFunction(app.registry, app.fn, request, { libraryResponse: true, libraryArguments: true });
  const library = app.take();
  const light = lightRequestOf({ method: c.method, url: new URL(c.url), headers: c.headers, body });
  await invokeHttpFunction(app.registry, app.fn, request, { light, libraryResponse: true });
  return [library, app.take(), light instanceof LightRequest && lastHeaders === light.headers];
}

describe('the handler sees the same HttpRequest with the light native request', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [library, light, wasLight] = await bothWays(c);
    expect(wasLight).toBe(true);
    expect(library).toBeDefined();
    expect(light).toEqual(library);
    expect(light!.isLibraryHttpRequest).toBe(true);
  });

  it('the user from x-ms-client-principal is read through the light headers', async () => {
    const [, light] = await bothWays(CASES[0]!);
    expect(light!.user).toMatchObject({ type: 'StaticWebApps', id: 'u-1', username: 'anna@example.se' });
  });

  it('requests undici would refuse or change take the library path', () => {
    const base = { url: new URL('http://h/api/probe/1'), headers: {}, body: Buffer.alloc(0) };
    expect(lightRequestOf({ ...base, method: 'CONNECT' })).toBeUndefined();
    expect(lightRequestOf({ ...base, method: 'PROPFIND' })).toBeUndefined();
    expect(lightRequestOf({ ...base, method: 'GET', body: Buffer.from('x') })).toBeUndefined();
    expect(lightRequestOf({ ...base, method: 'GET', url: new URL('http://u:p@h/api/probe/1') })).toBeUndefined();
    expect(lightRequestOf({ ...base, method: 'GET', headers: { 'bad name': 'x' } })).toBeUndefined();
    expect(lightRequestOf({ ...base, method: 'GET' })).toBeInstanceOf(LightRequest);
  });
});

/** What the host gets back for a handler's answer, the library's way and the plain way. */
async function answerBothWays(registry: FunctionRegistry, answerRef: { init: HttpResponseInit }, init: HttpResponseInit) {
  answerRef.init = init;
  const fn = registry.get('answer')!;
  const request: LocalHttpRequest = { method: 'GET', url: 'http://h/api/answer', headers: {}, params: {}, body: Buffer.alloc(0) };
  const settle = (p: Promise<LocalHttpResponse | undefined>) =>
    p.then(
      (r) => (r ? { status: r.status, headers: [...r.headers], body: r.body.toString('base64') } : r),
      (e: Error) => ({ error: `${e.constructor.name}: ${e.message}` }),
    );
  const library = await settle(invokeHttpFunction(registry, fn, request, { libraryResponse: true }));
  const plain = await settle(invokeHttpFunction(registry, fn, request));
  return { library, plain };
}

describe('plain answers are written as HttpResponse would give them', () => {
  const ref: { init: HttpResponseInit } = { init: {} };
  const { registry } = captureApp((lib) => {
    lib.app.http('answer', { methods: ['GET'], handler: async () => ref.init });
  });

  const PLAIN: [string, HttpResponseInit][] = [
    [
      'the route.ts answer: JSON text with its own content type',
      {
        status: 201,
        headers: { 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8', location: '/x' },
        body: '{"id":"å"}',
      },
    ],
    ['nothing at all', {}],
    ['a string body gets text/plain', { body: 'hej' }],
    ['jsonBody gets application/json', { status: 200, jsonBody: { a: [1, 'ö'] } }],
    [
      'jsonBody keeps a content type the handler set (any spelling)',
      { jsonBody: 'x', headers: { 'Content-Type': 'application/problem+json' } },
    ],
    ['jsonBody wins over body', { jsonBody: { a: 1 }, body: 'ignored' }],
    ['bytes', { headers: { 'content-type': 'image/png' }, body: new Uint8Array([0, 1, 2, 255]) }],
    ['a Buffer slice', { body: Buffer.from('xxhejxx').subarray(2, 5) }],
    ['an ArrayBuffer', { body: new Uint8Array([7, 8]).buffer }],
    ['204 drops the body', { status: 204, body: 'x', headers: { 'x-a': 'b' } }],
    ['304 drops jsonBody and its content type', { status: 304, jsonBody: { a: 1 } }],
    ['names in two spellings are joined; values trimmed; sorted', { headers: { 'X-B': ' 1 ', 'x-b': '2', 'a-z': '\tz' }, body: '' }],
    ['lone surrogate in a string body', { body: 'a\ud800b' }],
    ['empty cookies list', { cookies: [], body: 'x' }],
    ['599', { status: 599 }],
  ];
  it.each(PLAIN)('%s', async (_name, init) => {
    expect(plainHttpResponse(init)).toBeDefined();
    const { library, plain } = await answerBothWays(registry, ref, init);
    expect(plain).toEqual(library);
  });

  const LIBRARY_ONLY: [string, HttpResponseInit][] = [
    ['status 100 (undici refuses it)', { status: 100 }],
    ['status 201.5', { status: 201.5 }],
    ['a number as a header value', { headers: { 'x-n': 1 as unknown as string } }],
    ['CR LF in a header value', { headers: { 'x-a': 'a\r\nb' } }],
    ['a header past Latin-1', { headers: { 'x-a': 'ā' } }],
    ['set-cookie among the headers', { headers: { 'set-cookie': 'a=1' } }],
    ['cookies', { cookies: [{ name: 'a', value: '1' }] }],
    ['headers as pairs', { headers: [['x-a', '1']] }],
    ['a URLSearchParams body', { body: new URLSearchParams({ a: '1' }) }],
    ['jsonBody that cannot be JSON', { jsonBody: { n: BigInt(1) } }],
  ];
  it.each(LIBRARY_ONLY)('%s: the library path, with its errors', async (_name, init) => {
    expect(plainHttpResponse(init)).toBeUndefined();
    const { library, plain } = await answerBothWays(registry, ref, init);
    expect(plain).toEqual(library);
  });

  it('an HttpResponse instance goes through the library', async () => {
    let lib!: FunctionsLibrary;
    const { registry: r } = captureApp((l) => {
      lib = l;
      l.app.http('answer', { methods: ['GET'], handler: async () => new l.HttpResponse({ status: 202, body: 'ok' }) });
    });
    const { library, plain } = await answerBothWays(r, { init: {} }, {});
    expect(plain).toEqual(library);
    expect(plainHttpResponse(new lib.HttpResponse({ body: 'x' }))).toBeUndefined();
  });
});

describe("the handler's context and hooks are the library's without its InvocationModel", () => {
  function contextApp() {
    const logs: string[] = [];
    const seen: Seen[] = [];
    const hooks: string[] = [];
    let lib!: FunctionsLibrary;
    const { registry } = captureApp((l) => {
      lib = l;
      l.app.hook.preInvocation((c) => {
        hooks.push(
          `pre ${c.invocationContext instanceof l.InvocationContext} ${c.inputs[0] instanceof l.HttpRequest} ${typeof c.functionHandler}`,
        );
      });
      // Every log, the late one too, reaches the log hooks with the handler's context (issue 17, fifth round).
      l.app.hook.log((c) => {
        if (c.category === 'user') hooks.push(`log ${c.message.split('\n')[0]} ${c.invocationContext instanceof l.InvocationContext}`);
      });
      l.app.hook.postInvocation((c) => {
        hooks.push(`post ${JSON.stringify(c.result)} ${String(c.error)}`);
        c.invocationContext.log('in the post hook');
        if (c.result && typeof c.result === 'object') c.result = { ...c.result, headers: { 'x-hook': 'yes' } };
      });
      l.app.http('ctx', {
        methods: ['POST'],
        route: 'ctx',
        handler: async (request, context) => {
          context.log('%s is %d', 'a', 1, { deep: true });
          context.info('info');
          context.warn('warn');
          context.error(new Error('boom'));
          context.debug('debug');
          context.trace('trace');
          context.extraOutputs.set('out', 1);
          seen.push({
            isContext: context instanceof l.InvocationContext,
            isRequest: request instanceof l.HttpRequest,
            keys: Object.keys(context).sort(),
            functionName: context.functionName,
            invocationIdIsUuid: /^[0-9a-f-]{36}$/.test(context.invocationId),
            retryContext: context.retryContext,
            traceContext: context.traceContext,
            triggerMetadata: context.triggerMetadata,
            options: context.options,
            extraInput: context.extraInputs.get('nothing'),
            extraOutput: context.extraOutputs.get('out'),
          });
          // Logging after the function finished earns the library's warning.
          setImmediate(() => context.log('late'));
          return { status: 201, body: await request.text() };
        },
      });
    });
    // Ids differ from run to run, and an error's stack names the frames that called the handler.
    const normal = (m: string) => m.split('\n')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
    registry.log = (e) => logs.push(`${e.level} ${e.category} ${normal(e.message)}`);
    return { registry, logs, seen, hooks, lib };
  }

  it('the same context, logs, hooks and answer; no InvocationModel once the classes are known', async () => {
    const run = async (libraryArguments: boolean) => {
      const app = contextApp();
      const fn = app.registry.get('ctx')!;
      const request: LocalHttpRequest = { method: 'POST', url: 'http://h/api/ctx', headers: {}, params: {}, body: Buffer.from('hej') };
      // The first invocation learns the library's classes from its own model.
      await invokeHttpFunction(app.registry, fn, request, { libraryArguments: true });
      await new Promise((r) => setImmediate(r));
      app.logs.length = 0;
      app.seen.length = 0;
      app.hooks.length = 0;
      const model = jest.spyOn(app.registry.programmingModel, 'getInvocationModel');
      const answer = await invokeHttpFunction(app.registry, fn, request, { libraryArguments });
      await new Promise((r) => setImmediate(r));
      return {
        answer: { status: answer!.status, headers: [...answer!.headers], body: answer!.body.toString() },
        logs: app.logs,
        seen: app.seen,
        hooks: app.hooks,
        models: model.mock.calls.length,
      };
    };
    const library = await run(true);
    const direct = await run(false);
    expect(library.models).toBe(1);
    expect(direct.models).toBe(0);
    expect({ ...direct, models: 0 }).toEqual({ ...library, models: 0 });
    expect(direct.seen[0]).toMatchObject({ isContext: true, isRequest: true, functionName: 'ctx', invocationIdIsUuid: true });
    expect(direct.answer.headers).toContainEqual(['x-hook', ['yes']]);
    expect(direct.logs).toContain('information user a is 1 { deep: true }');
    expect(direct.logs.some((l) => l.startsWith("warning system Warning: Unexpected call to 'log'"))).toBe(true);
    expect(direct.hooks).toContain('log late true');
  });
});
