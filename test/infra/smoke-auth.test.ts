/**
 * infra/scripts/smoke-auth.mjs (issue 18, item 7), run by hand after a deploy, passes only
 * when a forged x-ms-client-principal from outside is not trusted. Here against two local
 * stand-ins: one that strips the header as App Service Authentication does (401), and one
 * that trusts it, as the app does without the platform in front (404 for the unknown go-live).
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../infra/scripts/smoke-auth.mjs');

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function runScript(base: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, base], { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

it('passes when the platform stripped the forged principal (401)', async () => {
  const seen: (string | undefined)[] = [];
  const s = await serve((req, res) => {
    seen.push(req.headers['x-ms-client-principal'] as string | undefined);
    res.writeHead(401).end();
  });
  try {
    const r = await runScript(s.url);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/^ok: /);
    // It did send a forged administrator.
    const principal = JSON.parse(Buffer.from(seen[0]!, 'base64').toString('utf8')) as { claims: { typ: string; val: string }[] };
    expect(principal.claims).toContainEqual({ typ: 'roles', val: 'admin' });
  } finally {
    await s.close();
  }
});

it('fails when the forged principal was trusted', async () => {
  const s = await serve((req, res) => res.writeHead(req.headers['x-ms-client-principal'] ? 404 : 401).end());
  try {
    const r = await runScript(s.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL: .* answered 404/);
  } finally {
    await s.close();
  }
});
