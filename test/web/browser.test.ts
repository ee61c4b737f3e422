/**
 * The browser the tests drive is found without apt (issue 18, item 1): CHROMIUM_PATH, then a
 * system Chrome/Chromium, then the Chromium inside the npm package @sparticuz/chromium. The
 * packaged one is launched here on every run, whatever the machine has, so a fresh machine's
 * path is the one CI proves.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium, type InPage } from './browser';

const ROOT = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-browser-'));
const fakeBrowser = path.join(tmp, 'chrome');
fs.writeFileSync(fakeBrowser, '#!/bin/sh\n', { mode: 0o755 });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('which browser the tests find', () => {
  it('CHROMIUM_PATH first, even when a system browser is there', async () => {
    await expect(findChromium({ env: { CHROMIUM_PATH: fakeBrowser }, system: ['/bin/sh'] })).resolves.toMatchObject({
      source: 'CHROMIUM_PATH',
      executablePath: fakeBrowser,
    });
  });

  it('a CHROMIUM_PATH that names nothing is an error, not a silent fallback', async () => {
    await expect(findChromium({ env: { CHROMIUM_PATH: path.join(tmp, 'nope') } })).rejects.toThrow(/CHROMIUM_PATH=.*nope/);
  });

  it('then the first system browser that exists', async () => {
    await expect(findChromium({ env: {}, system: [path.join(tmp, 'absent'), fakeBrowser] })).resolves.toMatchObject({
      source: 'system',
      executablePath: fakeBrowser,
    });
  });

  it('then the packaged Chromium, also when CHROMIUM_SKIP_SYSTEM=1 hides the system one', async () => {
    const choice = await findChromium({ env: { CHROMIUM_SKIP_SYSTEM: '1' }, system: [fakeBrowser] });
    expect(choice.source).toBe('@sparticuz/chromium');
    expect(choice.executablePath.startsWith(path.join(ROOT, 'node_modules/.cache/driftpuls-chromium/'))).toBe(true);
    expect(fs.statSync(choice.executablePath).mode & 0o111).not.toBe(0);
    // Its own libraries (NSS, NSPR, expat) and fonts travel with it.
    expect(fs.existsSync(path.join(choice.env.LD_LIBRARY_PATH!, 'libnss3.so'))).toBe(true);
    expect(fs.readFileSync(path.join(choice.env.FONTCONFIG_PATH!, 'fonts.conf'), 'utf8')).toContain(
      path.join(choice.env.FONTCONFIG_PATH!, 'fonts'),
    );
  });
});

describe('the packaged Chromium', () => {
  let browser: Browser | undefined;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // A page as strict as the board's: no eval.
    server = http.createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'self'; script-src 'self'",
      });
      res.end('<!doctype html><html lang="sv"><body data-ready="true"><h1>Lägesbild för vårdenheter</h1></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium({ env: { CHROMIUM_SKIP_SYSTEM: '1' } });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('launches, renders Swedish text under a strict CSP, and waits on functions', async () => {
    const page = await browser!.newPage();
    await page.goto(url);
    await expect(page.locator('h1').innerText()).resolves.toBe('Lägesbild för vårdenheter');
    await expect(
      page.waitForFunction(() => (globalThis as unknown as InPage).document.body.dataset.ready === 'true'),
    ).resolves.toBeTruthy();
    const box = await page.locator('h1').boundingBox();
    expect(box!.width).toBeGreaterThan(100); // glyphs were laid out: the fonts are found
    await page.close();
  });
});

describe('the browser tests', () => {
  // A string is eval in the page; Debian's Chromium 156 refuses it under the board's CSP.
  it('pass functions, never strings, to waitForFunction', () => {
    const dir = path.join(ROOT, 'test/web');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const strings = text.match(/waitForFunction\(\s*['"`]/g) ?? [];
      expect({ file, strings: strings.length }).toEqual({ file, strings: 0 });
    }
  });
});
