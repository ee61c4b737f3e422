import Module from 'node:module';
import type { LogEntry } from '../../local/core-shim';
import { FunctionRegistry, installCoreShim } from '../../local/core-shim';
import { httpResponseOf, invokeFunction, invokeHttpFunction, toRpcHttpTrigger } from '../../local/invoke';
import { captureApp } from './capture';

/*
 * The core module the library registers into. Under jest, `node:module` is a subclass of the
 * real Module, so the shim's proxy can be checked here but the library (loaded by Node's real
 * loader) would not see it: registrations go through `captureApp`'s mock of the same object,
 * and process.test.ts covers the shim end to end in a real process.
 */

type NodeModule = { require(id: string): unknown; paths: string[]; filename: string };
const ModuleCtor = Module as unknown as { new (id: string): NodeModule; _nodeModulePaths(dir: string): string[] };

function shimmedRequire(id: string): unknown {
  const m = new ModuleCtor(__filename);
  m.filename = __filename;
  m.paths = ModuleCtor._nodeModulePaths(__dirname);
  return m.require(id);
}

describe('installCoreShim', () => {
  const registry = new FunctionRegistry({ log: () => undefined });

  it('answers require("@azure/functions-core") only while installed, and passes other ids through', () => {
    const uninstall = installCoreShim(registry.coreApi);
    try {
      expect(shimmedRequire('@azure/functions-core')).toBe(registry.coreApi);
      expect(shimmedRequire('node:path')).toBe(require('node:path'));
    } finally {
      uninstall();
    }
    expect(() => shimmedRequire('@azure/functions-core')).toThrow(/Cannot find module/);
  });
});

it('captures app.http / app.timer registrations and hooks with their metadata', () => {
  const { registry } = captureApp(({ app }) => {
    app.http('hello', { methods: ['GET'], route: 'hello/{name}', handler: async (req) => ({ body: `hej ${req.params.name}` }) });
    app.timer('tick', { schedule: '0 */5 * * * *', handler: async () => undefined });
    app.hook.appStart(() => undefined);
  });

  expect(registry.get('HELLO')?.trigger).toMatchObject({
    type: 'httpTrigger',
    route: 'hello/{name}',
    methods: ['GET'],
    authLevel: 'anonymous',
  });
  expect(registry.get('tick')?.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 */5 * * * *' });
  expect(registry.hooks('appStart')).toHaveLength(1);
  expect(registry.programmingModel.name).toBe('@azure/functions');
});

it('invokes a captured function through the programming model, as the worker does', async () => {
  const { registry, logs } = captureApp(({ app }) =>
    app.http('hello', {
      methods: ['GET'],
      route: 'hello/{name}',
      handler: async (req, context) => {
        context.log('greeting', req.params.name);
        return { status: 200, jsonBody: { greeting: `hej ${req.params.name}`, q: req.query.get('q') } };
      },
    }),
  );
  const fn = registry.get('hello')!;
  const response = await invokeFunction(registry, fn, {
    trigger: toRpcHttpTrigger({
      method: 'GET',
      url: 'http://127.0.0.1:7071/api/hello/anna?q=1',
      headers: {},
      params: { name: 'anna' },
      body: Buffer.alloc(0),
    }),
  });
  const http = httpResponseOf(fn, response)!;
  expect(http.status).toBe(200);
  expect(http.headers.get('content-type')).toEqual(['application/json']);
  expect(JSON.parse(http.body.toString())).toEqual({ greeting: 'hej anna', q: '1' });
  expect(logs).toContainEqual(
    expect.objectContaining({ level: 'information', category: 'user', functionName: 'hello', message: 'greeting anna' }),
  );
});

it('a failing handler fails its invocation the same way with and without invocation hooks', async () => {
  // Without hooks no hook context is built (issue 17, fifth round); the failure must not change.
  const failures = async (withHooks: boolean) => {
    const { registry } = captureApp(({ app }) => {
      if (withHooks) app.hook.postInvocation(() => undefined);
      app.http('fails', {
        methods: ['GET'],
        route: 'fails/{how}',
        handler: async (req) => {
          if (req.params.how === 'null') throw null;
          throw new Error('boom');
        },
      });
    });
    const fn = registry.get('fails')!;
    const run = (how: string) =>
      invokeHttpFunction(registry, fn, {
        method: 'GET',
        url: `http://h/api/fails/${how}`,
        headers: {},
        params: { how },
        body: Buffer.alloc(0),
      }).then(
        () => 'answered',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
    return [await run('error'), await run('null')];
  };
  expect(await failures(false)).toEqual(['boom', 'Function "fails" threw null']);
  expect(await failures(true)).toEqual(await failures(false));
});

it('rejects a second function of the same name, case-insensitively', () => {
  captureApp(({ app }) => {
    app.http('dup', { handler: async () => ({}) });
    expect(() => app.http('DUP', { handler: async () => ({}) })).toThrow(/already registered/);
  });
});

it('disposes hooks and refuses unknown hook names', () => {
  const registry = new FunctionRegistry({ log: () => undefined });
  const hook = registry.coreApi.registerHook('preInvocation', () => undefined);
  expect(registry.hooks('preInvocation')).toHaveLength(1);
  hook.dispose();
  expect(registry.hooks('preInvocation')).toHaveLength(0);
  expect(() => registry.coreApi.registerHook('onFullMoon', () => undefined)).toThrow(expect.objectContaining({ name: 'RangeError' }));
});

it('routes library logs to the sink', () => {
  const logs: LogEntry[] = [];
  const registry = new FunctionRegistry({ log: (e) => logs.push(e) });
  registry.coreApi.log('warning', 'system', 'careful');
  expect(logs).toEqual([{ level: 'warning', category: 'system', message: 'careful' }]);
});
