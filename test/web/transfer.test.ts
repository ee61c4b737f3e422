/**
 * What a first visit costs on the wire (issue 16): the pages and their assets are served
 * compressed by the function itself (brotli or gzip as the browser accepts, Vary:
 * Accept-Encoding, an ETag per encoding, 304 on a match). The first-load figure is what real
 * Chromium received, from the DevTools protocol (`Network.loadingFinished` encodedDataLength).
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { pages } from '../../shared/domain/pages';
import { startApi, type Api } from '../http/harness';
import { launchChromium } from './browser';
import type { InPage } from './support';

jest.setTimeout(120_000);

const START = '2026-11-27T10:00:00Z';
let api: Api;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  api = await startApi({ start: START, demo: true });
  origin = new URL(api.url).origin;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** One GET with exactly these headers, the body as it came over the wire (not decoded). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${origin}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('compressed as the browser accepts', () => {
  const path = '/api/board/assets/i18n.js';

  it('brotli when accepted, gzip when only that is, plain when neither; Vary and an ETag per encoding', async () => {
    const plain = await raw(path, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const text = plain.body.toString('utf8');
    expect(text).toContain('Avklarad');

    const br = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(zlib.brotliDecompressSync(br.body).toString('utf8')).toBe(text);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);

    const gz = await raw(path, { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString('utf8')).toBe(text);
    expect((await raw(path, { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
    expect((await raw(path, { 'accept-encoding': '*;q=0' })).headers['content-encoding']).toBeUndefined();

    // One resource, three representations: three ETags.
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
  });

  it('answers 304 to any ETag of the same content, with the headers a cache needs', async () => {
    const br = await raw(path, { 'accept-encoding': 'br' });
    const again = await raw(path, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.vary).toBe('Accept-Encoding');
    expect(again.headers.etag).toBe(br.headers.etag);
    // A proxy that stored the gzip copy revalidates it too.
    const gz = await raw(path, { 'accept-encoding': 'gzip' });
    expect((await raw(path, { 'accept-encoding': 'br', 'if-none-match': gz.headers.etag! })).status).toBe(304);
    expect((await raw(path, { 'accept-encoding': 'br', 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it('the pages’ HTML too, with its security headers and a 304 on revalidation', async () => {
    const page = await raw(pages.meeting('demo', 'dsl-2026-11-27T1200'), { 'accept-encoding': 'br' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(zlib.brotliDecompressSync(page.body).toString('utf8')).toContain('data-page="meeting"');
    const board = await raw('/api/board/demo', { 'accept-encoding': 'gzip' });
    expect(board.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(board.body).toString('utf8')).toContain('data-golive="demo"');
    expect((await raw('/api/board/demo', { 'accept-encoding': 'gzip', 'if-none-match': board.headers.etag! })).status).toBe(304);
  });
});

/** Bytes Chromium received for one first visit (empty cache), by kind, through the DevTools protocol. */
async function firstLoad(pagePath: string, actAs?: string): Promise<{ assets: number; api: number; files: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    if (actAs) await context.addInitScript((who) => (globalThis as unknown as InPage).localStorage.setItem('driftpuls.actAs', who), actAs);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map<string, string>();
    const sizes = new Map<string, number>();
    cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => sizes.set(e.requestId, e.encodedDataLength));
    await page.goto(origin + pagePath);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await page.waitForLoadState('networkidle');
    let assets = 0;
    let apiBytes = 0;
    let files = 0;
    for (const [id, bytes] of sizes) {
      const url = new URL(urls.get(id)!);
      // Inline data (an SVG in the CSS) travels inside the stylesheet, already counted.
      if (url.protocol === 'data:') continue;
      expect(url.origin).toBe(origin);
      if (url.pathname.startsWith('/api/golives/')) apiBytes += bytes;
      else {
        assets += bytes;
        files++;
      }
    }
    return { assets, api: apiBytes, files };
  } finally {
    await context.close();
  }
}

it('a first visit transfers under 100 KB: the board, and a page (meeting mode), measured in Chromium', async () => {
  const meetings = (await api.get(`/golives/demo/meetings?forum=DSL&from=${START}`)).json.items as { id: string }[];
  const results: Record<string, { assets: number; api: number; files: number }> = {
    board: await firstLoad(pages.board('demo')),
    meeting: await firstLoad(pages.meeting('demo', meetings[0]!.id), 'anna-lead'),
  };
  for (const [name, r] of Object.entries(results)) {
    expect({ name, assets: r.assets < 100 * 1024 }).toEqual({ name, assets: true });
    expect({ name, total: r.assets + r.api < 100 * 1024 }).toEqual({ name, total: true });
    // docs/board.md quotes these figures.
    console.log(
      `first load of ${name}: ${r.files} files (HTML, CSS, JS, icon) ${(r.assets / 1024).toFixed(1)} KB on the wire, ` +
        `API data ${(r.api / 1024).toFixed(1)} KB, total ${((r.assets + r.api) / 1024).toFixed(1)} KB (Chromium, encodedDataLength)`,
    );
  }
});
