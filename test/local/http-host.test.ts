import http from 'node:http';
import type { HttpHandler } from '@azure/functions';
import type { LocalRuntime } from '../../local/runtime';
import { startLocalRuntime } from '../../local/runtime';
import net from 'node:net';
import { compileRoute, HttpHost, isLoopbackHost, matchRoute } from '../../local/http-host';
import { captureApp } from './capture';

/*
 * The HTTP host, in-process: registrations captured from `app.http` are served over a real
 * socket and invoked through the library's own invocation model.
 */

const seen: { preInvocation: string[]; postInvocation: string[]; appStart: number } = {
  preInvocation: [],
  postInvocation: [],
  appStart: 0,
};

const { registry, logs } = captureApp(({ app, HttpResponse }) => {
  app.http('echo', {
    methods: ['GET', 'POST'],
    route: 'golives/{goLiveId}/units/{unitId}/reports',
    handler: async (req, context) => {
      const text = await req.text();
      return {
        status: req.method === 'POST' ? 201 : 200,
        headers: { 'x-invocation': context.invocationId },
        jsonBody: {
          method: req.method,
          url: req.url,
          params: req.params,
          query: Object.fromEntries(req.query),
          tags: req.query.getAll('tag'),
          header: req.headers.get('x-custom'),
          body: text ? JSON.parse(text) : null,
          functionName: context.functionName,
        },
      };
    },
  });
  app.get('literal', { route: 'golives/special', handler: async () => ({ body: 'literal wins' }) });
  app.get('byId', { route: 'golives/{goLiveId}', handler: async (req) => ({ body: `golive ${req.params.goLiveId}` }) });
  app.get('typed', { route: 'items/{id:int}/{view?}', handler: async (req) => ({ jsonBody: req.params }) });
  app.get('defaultRoute', { handler: async () => ({ body: 'named after the function' }) });
  app.get('cookies', {
    route: 'cookies',
    handler: async () =>
      new HttpResponse({
        status: 202,
        body: 'with cookies',
        cookies: [
          { name: 'a', value: '1', path: '/', httpOnly: true, sameSite: 'Strict' },
          { name: 'b', value: '2', maxAge: 60 },
        ],
      }),
  });
  // The types demand a response; plain JavaScript handlers can still return nothing.
  app.get('nothing', { route: 'nothing', handler: (async () => undefined) as unknown as HttpHandler });
  app.post('boom', {
    route: 'boom',
    handler: async () => {
      throw new Error('secret internals at /srv/app.ts:42');
    },
  });
  app.hook.appStart(() => {
    seen.appStart++;
  });
  app.hook.preInvocation((ctx) => {
    seen.preInvocation.push(ctx.invocationContext.functionName);
  });
  app.hook.postInvocation((ctx) => {
    seen.postInvocation.push(`${ctx.invocationContext.functionName}:${ctx.error ? 'error' : 'ok'}`);
  });
});

let runtime: LocalRuntime;
let base: string;

beforeAll(async () => {
  runtime = await startLocalRuntime({ registry, port: 0, demo: false, settings: {} });
  base = runtime.url;
});
afterAll(() => runtime.close());

/** A raw request, for bodies fetch will not send (streamed without Content-Length, or declared too large). */
function rawRequest(opts: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  chunks: Buffer[];
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer 413 and close before the whole upload is written.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    for (const c of opts.chunks) req.write(c);
    req.end();
  });
}

describe('captured registrations', () => {
  it('holds every app.http registration with its binding metadata', () => {
    const echo = registry.get('echo');
    expect(echo?.trigger).toMatchObject({
      type: 'httpTrigger',
      route: 'golives/{goLiveId}/units/{unitId}/reports',
      methods: ['GET', 'POST'],
    });
    expect(echo?.metadata.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    expect(registry.byTrigger('httpTrigger')).toHaveLength(8);
  });

  it('runs appStart hooks once at start', () => {
    expect(seen.appStart).toBe(1);
  });

  it('refuses registrations after start, as the worker does', () => {
    expect(() =>
      registry.coreApi.registerFunction({ name: 'late', bindings: { t: { type: 'httpTrigger', direction: 'in' } } }, () => undefined),
    ).toThrow(/during app startup/);
  });
});

describe('HTTP trigger invocation', () => {
  it('passes route params, query, headers and a JSON body, and returns status and headers', async () => {
    const res = await fetch(`${base}/golives/gl%201/units/akuten/reports?since=2025-03-01&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'hej' },
      body: JSON.stringify({ colour: 'red' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-invocation')).toMatch(/^[0-9a-f-]{36}$/);
    const json = await res.json();
    expect(json).toEqual({
      method: 'POST',
      url: `${base}/golives/gl%201/units/akuten/reports?since=2025-03-01&tag=a&tag=b`,
      params: { goLiveId: 'gl 1', unitId: 'akuten' },
      // Azure joins a repeated query key with commas.
      query: { since: '2025-03-01', tag: 'a,b' },
      tags: ['a,b'],
      header: 'hej',
      body: { colour: 'red' },
      functionName: 'echo',
    });
  });

  it('runs pre- and postInvocation hooks around the handler', async () => {
    seen.preInvocation.length = 0;
    seen.postInvocation.length = 0;
    await fetch(`${base}/golives/x/units/y/reports`);
    expect(seen.preInvocation).toEqual(['echo']);
    expect(seen.postInvocation).toEqual(['echo:ok']);
  });

  it('matches literal segments before parameters, case-insensitively, ignoring a trailing slash', async () => {
    expect(await (await fetch(`${base}/golives/special`)).text()).toBe('literal wins');
    expect(await (await fetch(`${base}/GoLives/other/`)).text()).toBe('golive other');
  });

  it('handles optional parameters and int constraints', async () => {
    expect(await (await fetch(`${base}/items/42`)).json()).toEqual({ id: '42' });
    expect(await (await fetch(`${base}/items/42/full`)).json()).toEqual({ id: '42', view: 'full' });
    expect((await fetch(`${base}/items/abc`)).status).toBe(404);
  });

  it('routes a function without a route by its name', async () => {
    expect(await (await fetch(`${base}/defaultRoute`)).text()).toBe('named after the function');
  });

  it('writes cookies as Set-Cookie headers', async () => {
    const res = await fetch(`${base}/cookies`);
    expect(res.status).toBe(202);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly; SameSite=Strict', 'b=2; Max-Age=60']);
  });

  it('answers 204 when the handler returns nothing', async () => {
    const res = await fetch(`${base}/nothing`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });
});

describe('problems the host answers itself', () => {
  const expectProblem = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as Record<string, unknown>;
  };

  it('404 for a path no function serves, and outside the route prefix', async () => {
    const body = await expectProblem(await fetch(`${base}/nowhere`), 404);
    expect(body).toMatchObject({ type: 'about:blank', title: 'Hittades inte', status: 404, instance: '/api/nowhere' });
    expect(body.detail).toEqual(expect.stringContaining('/api/nowhere'));
    await expectProblem(await fetch(new URL('/echo', base)), 404);
  });

  it('answers in English when asked', async () => {
    const body = await expectProblem(await fetch(`${base}/nowhere`, { headers: { 'accept-language': 'en-GB' } }), 404);
    expect(body.title).toBe('Not found');
  });

  it('405 with Allow for a method the route does not take', async () => {
    const res = await fetch(`${base}/golives/x/units/y/reports`, { method: 'DELETE' });
    const body = await expectProblem(res, 405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(body.status).toBe(405);
  });

  it('413 for a declared Content-Length over 64 KiB, without invoking the function', async () => {
    seen.preInvocation.length = 0;
    const res = await rawRequest({
      method: 'POST',
      path: '/api/golives/x/units/y/reports',
      headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      chunks: [Buffer.alloc(1024, 0x20)],
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'about:blank', status: 413, title: 'För stor begäran' });
    expect(seen.preInvocation).toEqual([]);
  });

  it('413 for a streamed body that grows past 64 KiB', async () => {
    seen.preInvocation.length = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const res = await rawRequest({
      method: 'POST',
      path: '/api/golives/x/units/y/reports',
      headers: { 'transfer-encoding': 'chunked' },
      chunks: Array(64).fill(chunk),
    });
    expect(res.status).toBe(413);
    expect(seen.preInvocation).toEqual([]);
  });

  it('413 through fetch too (the client sees the answer, not a reset)', async () => {
    const res = await fetch(`${base}/golives/x/units/y/reports`, { method: 'POST', body: Buffer.alloc(65 * 1024, 0x20) });
    await expectProblem(res, 413);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const payload = JSON.stringify({ pad: 'x'.repeat(64 * 1024 - 10) });
    expect(Buffer.byteLength(payload)).toBe(64 * 1024);
    const res = await fetch(`${base}/golives/x/units/y/reports`, { method: 'POST', body: payload });
    expect(res.status).toBe(201);
  });

  it('500 without the stack or message when a handler throws, and logs it', async () => {
    logs.length = 0;
    const res = await fetch(`${base}/boom`, { method: 'POST' });
    const body = await expectProblem(res, 500);
    expect(body).toMatchObject({ type: 'about:blank', title: 'Internt fel', status: 500 });
    expect(JSON.stringify(body)).not.toMatch(/secret|srv|at /);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('secret internals'))).toBe(true);
  });

  it('has no _local routes on the system clock', async () => {
    await expectProblem(await fetch(`${base}/_local/clock`), 404);
  });
});

describe('route templates', () => {
  it('strips constraints and defaults from parameter names', () => {
    const r = compileRoute('a/{id:int:min(1)}/{rest=x}');
    expect(matchRoute(r, '/a/5')).toEqual({ id: '5' });
    expect(matchRoute(r, '/a/5/y')).toEqual({ id: '5', rest: 'y' });
  });

  it('supports catch-all parameters', () => {
    expect(matchRoute(compileRoute('files/{*path}'), '/files/a/b%20c')).toEqual({ path: 'a/b c' });
  });
});

describe('binding', () => {
  it('treats only loopback addresses as local', async () => {
    expect(await isLoopbackHost('127.0.0.1')).toBe(true);
    expect(await isLoopbackHost('::1')).toBe(true);
    expect(await isLoopbackHost('localhost')).toBe(true);
    expect(await isLoopbackHost('0.0.0.0')).toBe(false);
    expect(await isLoopbackHost('::')).toBe(false);
    expect(await isLoopbackHost('192.168.1.10')).toBe(false);
  });

  it('refuses a non-loopback address without allowRemote, and says why', async () => {
    await expect(startLocalRuntime({ registry, port: 0, host: '0.0.0.0', demo: false, settings: {} })).rejects.toThrow(/--allow-remote/);
  });
});

describe('answers Node would give bare, as problem documents (issue 13 item 14)', () => {
  /** Timers the test fires by hand: no test waits on the wall clock. */
  const pending: (() => void)[] = [];
  let host: HttpHost;
  let port: number;
  beforeAll(async () => {
    host = new HttpHost({
      registry,
      setTimer: (fn) => {
        pending.push(fn);
        return () => {
          const i = pending.indexOf(fn);
          if (i >= 0) pending.splice(i, 1);
        };
      },
    });
    port = Number(new URL(await host.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  afterAll(() => host.close(100));

  /** Writes raw bytes on a socket and reads what comes back until the server closes it. */
  function rawSocket(bytes: string, onWritten?: () => Promise<void>): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
      socket.write(bytes, () => void onWritten?.());
    });
  }
  const parse = (answer: string) => {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), json: JSON.parse(body) as { status: number; code: string } };
  };

  it('a body shorter than its Content-Length: 408 problem+json once it stalls, and the connection closes', async () => {
    const answer = await rawSocket(
      'POST /api/golives/g/units/u/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"colour":',
      async () => {
        // The host arms its timer when it starts reading the body; fire it as soon as it is there.
        for (let i = 0; i < 200 && pending.length === 0; i++) await new Promise((r) => setImmediate(r));
        pending.shift()?.();
      },
    );
    const r = parse(answer);
    expect(r.status).toBe(408);
    expect(r.head).toContain('content-type: application/problem+json');
    expect(r.json).toMatchObject({ status: 408, code: 'HTTP.REQUEST_TIMEOUT' });
  });

  it('a request Node cannot parse: 400 problem+json', async () => {
    const r = parse(await rawSocket('THIS IS NOT HTTP\r\n\r\n'));
    expect([r.status, r.json.code]).toEqual([400, 'HTTP.BAD_REQUEST']);
    expect(r.head).toContain('content-type: application/problem+json');
  });

  it('headers over Node’s limit: 431 problem+json', async () => {
    const r = parse(await rawSocket(`GET /api/defaultRoute HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect([r.status, r.json.code]).toEqual([431, 'HTTP.HEADERS_TOO_LARGE']);
    expect(r.head).toContain('content-type: application/problem+json');
  });
});
