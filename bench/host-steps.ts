import fs from 'node:fs';
import path from 'node:path';
import { FunctionRegistry, installCoreShim } from '../local/core-shim';
import { lightRequestOf } from '../local/http-request';
import { plainHttpResponse } from '../local/http-response';
import { invokeHttpFunction } from '../local/invoke';
import { flushLines, printLine } from '../local/log-lines';
import { num } from './lib/stats';

/*
 * Issue 17 item 2, in-process: CPU per call of each piece of the local runtime's invocation
 * path that changed, the library's way against the local runtime's, alternating in one process
 * (median of 5 rounds). Through the whole invocation a trivial handler answers, so what is
 * measured is the host's own path, not the app's.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench/host-steps.js
 */

const registry = new FunctionRegistry({ log: () => undefined });
installCoreShim(registry.coreApi);
const lib = require('@azure/functions') as typeof import('@azure/functions');

lib.app.http('bench', {
  methods: ['POST'],
  route: 'golives/{goLiveId}/units/{unitId}/reports',
  handler: async (request, context) => {
    const body = Buffer.from(await request.arrayBuffer());
    context.info('{"event":"http"}');
    return {
      status: 201,
      headers: { 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8' },
      body: body.toString(),
    };
  },
});
const fn = registry.get('bench')!;

const url = new URL('http://127.0.0.1:7071/api/golives/bench/units/u-1/reports');
const headers = {
  host: '127.0.0.1:7071',
  connection: 'keep-alive',
  'content-type': 'application/json',
  'x-dev-user': 'rapportor-1@example.se',
  'content-length': '120',
  'x-driftpuls-peer': 'loopback',
};
const body = Buffer.from(
  JSON.stringify({ colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt, annars fungerar det.', reporter: { personId: 'p-1' } }),
);
const answer = {
  status: 201,
  headers: {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    location: '/api/golives/bench/units/u-1/reports/r-1',
    'content-type': 'application/json; charset=utf-8',
  },
  body: JSON.stringify({ id: 'r-1', goLiveId: 'bench', unitId: 'u-1', colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt' }),
};

/** CPU µs per call, after a warm-up. */
async function cpuPerCall(f: () => unknown, n: number): Promise<number> {
  for (let i = 0; i < n / 10; i++) await f();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const rpc = () => ({
  method: 'POST',
  url: url.href,
  headers,
  query: {},
  params: { goLiveId: 'bench', unitId: 'u-1' },
  body: { bytes: body },
});
const request = { method: 'POST', url: url.href, headers, params: { goLiveId: 'bench', unitId: 'u-1' }, body };

const PAIRS: [string, [string, () => unknown], [string, () => unknown], number][] = [
  [
    "the handler's HttpRequest, its body read once",
    ['library: new HttpRequest over an undici Request', () => new lib.HttpRequest(rpc()).arrayBuffer()],
    [
      'local: the same class over a LightRequest',
      () => new lib.HttpRequest({ ...rpc(), nativeRequest: lightRequestOf({ method: 'POST', url, headers, body }) } as never).arrayBuffer(),
    ],
    20_000,
  ],
  [
    "the handler's answer to status, headers and bytes",
    [
      'library: HttpResponse, headers.entries(), arrayBuffer()',
      async () => {
        const r = new lib.HttpResponse(answer);
        const h: Record<string, string> = {};
        for (const [k, v] of r.headers.entries()) h[k] = v;
        return Buffer.from(await r.arrayBuffer());
      },
    ],
    ['local: plainHttpResponse', () => plainHttpResponse(answer)],
    20_000,
  ],
  [
    'a whole invocation (trivial handler): request, arguments, hooks, answer',
    [
      'library: undici Request, InvocationModel, HttpResponse',
      () => invokeHttpFunction(registry, fn, request, { libraryArguments: true, libraryResponse: true }),
    ],
    [
      'local: LightRequest, directArguments, plainHttpResponse',
      () => invokeHttpFunction(registry, fn, request, { light: lightRequestOf({ method: 'POST', url, headers, body }) }),
    ],
    20_000,
  ],
];

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const [what, [libName, libCall], [localName, localCall], n] of PAIRS) {
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 5; round++) {
      a.push(await cpuPerCall(libCall, n));
      b.push(await cpuPerCall(localCall, n));
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[2]!;
    rows.push([what, libName, num(med(a), 1), localName, num(med(b), 1), `${num(med(a) - med(b), 1)} µs (${num(med(b) / med(a), 2)}×)`]);
  }
  // Log lines: console.log against printLine, both to a file as the bench's servers write them.
  const file = path.join(fs.mkdtempSync('/tmp/driftpuls-host-steps-'), 'out.log');
  const fd = fs.openSync(file, 'w');
  const write = process.stdout.write.bind(process.stdout);
  const line = `${new Date().toISOString()} information [postUnitReport] {"event":"http","route":"postUnitReport","method":"POST","status":201}`;
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => (fs.writeSync(fd, s), true);
  const console1 = new console.Console(fs.createWriteStream('', { fd }));
  const a = await cpuPerCall(() => console1.log(line), 20_000);
  // Under load a turn of the event loop finishes several requests: 20 lines a write.
  const b =
    (await cpuPerCall(() => {
      for (let i = 0; i < 20; i++) printLine(line);
      flushLines();
    }, 2_000)) / 20;
  const c =
    (await cpuPerCall(() => {
      printLine(line);
      flushLines();
    }, 20_000)) / 1;
  flushLines();
  (process.stdout as unknown as { write: typeof write }).write = write;
  fs.closeSync(fd);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  rows.push([
    'one log line to a file',
    'console.log',
    num(a, 1),
    'printLine: 20 lines a write / 1 line a write',
    `${num(b, 1)} / ${num(c, 1)}`,
    '',
  ]);

  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ');
  console.log(`load average: ${load}; CPU µs per call, median of 5 alternating rounds\n`);
  const header = ['step', 'library (as the worker)', 'µs', 'local runtime', 'µs', 'saved'];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

void main();
