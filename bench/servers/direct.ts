import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { HttpResponseInit } from '@azure/functions';
import { FunctionRegistry, installCoreShim } from '../../local/core-shim';
import { readBody, serverArgs, UNIT_REPORT_ROUTE } from './args';

/*
 * The programming model's own cost: the app's postUnitReport handler — validation,
 * authorisation, use case, embedded store, exactly as registered — called directly with
 * `new HttpRequest(...)` and `new InvocationContext(...)`, its HttpResponseInit written out
 * as is. What the local runtime adds on top (the worker-style invocation model, the RPC
 * conversions, HttpResponse, route matching) is the difference to the host.
 */
async function main(): Promise<void> {
  const { port, dataDir } = serverArgs();
  process.env.DRIFTPULS_DATA_DIR = dataDir;
  // The same capture the local runtime does, so app.http hands us the handler it registers.
  const registry = new FunctionRegistry({ log: () => undefined });
  installCoreShim(registry.coreApi);
  require(path.join(__dirname, '..', '..', 'functions', 'index'));
  const fn = registry.get('postUnitReport');
  if (!fn) throw new Error('postUnitReport is not registered');
  const handler = fn.callback as (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
  // The host prints every information-level log line (its console sink); so does this server.
  const logHandler = (level: string, ...args: unknown[]): void => {
    console.log(`${new Date().toISOString()} ${level.padEnd(11)} [${fn.name}] ${args.map(String).join(' ')}`);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const m = UNIT_REPORT_ROUTE.exec(req.url ?? '');
      const body = await readBody(req);
      if (!m || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const request = new HttpRequest({
        method: 'POST',
        url: `http://${req.headers.host}${req.url}`,
        headers,
        query: {},
        params: { goLiveId: decodeURIComponent(m[1]!), unitId: decodeURIComponent(m[2]!) },
        body: { bytes: body },
      });
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: fn.name,
        logHandler,
        options: { trigger: { type: 'httpTrigger', name: fn.triggerName } },
      });
      const out = await handler(request, context);
      const payload =
        typeof out.body === 'string' ? Buffer.from(out.body) : out.body instanceof Uint8Array ? Buffer.from(out.body) : Buffer.alloc(0);
      res
        .writeHead(out.status ?? 200, { ...(out.headers as Record<string, string>), 'content-length': String(payload.length) })
        .end(payload);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const a = server.address() as import('node:net').AddressInfo;
    console.log(`direct listening on http://127.0.0.1:${a.port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

void main();
