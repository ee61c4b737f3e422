import fs from 'node:fs';
import path from 'node:path';
import type { Browser, ConsoleMessage, Page, Request } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots the tests write for people to look at; git ignores the folder. */
export const OUTPUT_DIR = path.resolve(__dirname, '../../test-output');

/**
 * Headless Chromium for the end-to-end tests. The flags keep it off the network on a closed
 * machine (no QUIC, no background fetches, no component updates or sync).
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * What a page did that a test should see: script errors and CSP violations (`errors`), HTTP
 * answers the browser logged as failed loads (`failedLoads`: a refused form is one), every request.
 */
export interface PageWatch {
  errors: string[];
  failedLoads: string[];
  requests: string[];
}

export function watch(page: Page): PageWatch {
  const w: PageWatch = { errors: [], failedLoads: [], requests: [] };
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error') return;
    if (m.text().startsWith('Failed to load resource')) w.failedLoads.push(`${m.text()} ${m.location().url}`);
    else w.errors.push(m.text());
  });
  page.on('pageerror', (e: Error) => w.errors.push(e.message));
  page.on('request', (r: Request) => w.requests.push(r.url()));
  return w;
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, name);
}
