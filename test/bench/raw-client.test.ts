/**
 * The bench's lean load client (bench/lib/raw-client.ts, issue 17's fourth round) reads what a
 * real node:http server writes: a body with Content-Length, a chunked one split across
 * packets, a keep-alive connection reused, and one the server closes; and the load generator
 * counts the same answers with it as with Node's http.request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../../bench/lib/load';
import { RawConnection, requestBytes } from '../../bench/lib/raw-client';

let server: http.Server;
let port: number;
const seen: { method: string; url: string; body: string; host: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, body, host: req.headers.host });
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.write('Grön ');
        setTimeout(() => res.end('status, åäö'), 5);
      } else if (req.url === '/close') {
        res.writeHead(503, { connection: 'close', 'content-length': '4' });
        res.end('stop');
      } else {
        const answer = JSON.stringify({ echo: body });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
        res.end(answer);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('sends a request as written and reads Content-Length and chunked answers on one keep-alive connection', async () => {
  const c = new RawConnection(port, '127.0.0.1');
  try {
    const body = Buffer.from(JSON.stringify({ colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt.' }));
    const host = `127.0.0.1:${port}`;
    const a = await c.send(
      requestBytes(host, { method: 'POST', path: '/reports?x=1', headers: { 'content-type': 'application/json' }, body }),
    );
    expect(a.status).toBe(201);
    expect(JSON.parse(a.body.toString('utf8'))).toEqual({ echo: body.toString('utf8') });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/reports?x=1', body: body.toString('utf8'), host });

    const b = await c.send(requestBytes(host, { method: 'GET', path: '/chunked', headers: {} }));
    expect(b.status).toBe(200);
    expect(b.body.toString('utf8')).toBe('Grön status, åäö');

    // A closed connection is opened again for the next request.
    const closed = await c.send(requestBytes(host, { method: 'GET', path: '/close', headers: {} }));
    expect([closed.status, closed.body.toString()]).toEqual([503, 'stop']);
    await new Promise((r) => setTimeout(r, 20));
    const again = await c.send(requestBytes(host, { method: 'POST', path: '/again', headers: {}, body: Buffer.from('x') }));
    expect(again.status).toBe(201);
  } finally {
    c.close();
  }
});

it('the load generator counts the same answers with either client', async () => {
  const results = [];
  for (const client of ['raw', 'node-http'] as const) {
    results.push(
      await runLoad({
        origin: `http://127.0.0.1:${port}`,
        connections: 4,
        warmupMs: 20,
        durationMs: 200,
        maxRequests: 400,
        expectStatus: 201,
        client,
        request: (conn) => ({ method: 'POST', path: `/load/${conn}`, headers: {}, body: Buffer.from(`conn ${conn}`) }),
      }),
    );
  }
  for (const r of results) {
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.p99).toBeGreaterThan(0);
  }
  // A wrong expectation is an error with the answer's status and body, with the raw client too.
  const wrong = await runLoad({
    origin: `http://127.0.0.1:${port}`,
    connections: 1,
    warmupMs: 0,
    durationMs: 50,
    maxRequests: 5,
    expectStatus: 200,
    request: () => ({ method: 'POST', path: '/x', headers: {}, body: Buffer.from('y') }),
  });
  expect(wrong.errors).toBeGreaterThan(0);
  expect(wrong.firstError).toBe('201 {"echo":"y"}');
});
