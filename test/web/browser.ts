import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import type { Browser, ConsoleMessage, Page, Request } from 'playwright-core';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');

/** Screenshots the tests write for people to look at; git ignores the folder. */
export const OUTPUT_DIR = path.resolve(ROOT, 'test-output');

/** Where the browser tests' Chromium came from, in the order it is looked for. */
export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';

export interface ChromiumChoice {
  source: ChromiumSource;
  executablePath: string;
  /** Extra environment for the browser process (the packaged browser's libraries and fonts). */
  env: Record<string, string>;
}

/** A system Chrome or Chromium: Debian/Ubuntu packages, Google's packages, snap, macOS. */
export const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Paths tried for a system browser (tests replace them). */
  system?: readonly string[];
  /** Where the packaged browser is unpacked; default node_modules/.cache/driftpuls-chromium. */
  cacheDir?: string;
}

/**
 * The browser the tests drive, found without any install step of its own:
 * 1. `CHROMIUM_PATH`, when set (a missing file is an error, not a silent fallback);
 * 2. a system Chrome/Chromium (skipped with `CHROMIUM_SKIP_SYSTEM=1`);
 * 3. the Chromium that ships inside the npm package `@sparticuz/chromium` (a devDependency),
 *    unpacked once into node_modules/.cache with its own NSS libraries and fonts, so it needs
 *    nothing from the system but glibc.
 */
export async function findChromium(opts: FindOptions = {}): Promise<ChromiumChoice> {
  const env = opts.env ?? process.env;
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    return { source: 'CHROMIUM_PATH', executablePath: env.CHROMIUM_PATH, env: {} };
  }
  if (env.CHROMIUM_SKIP_SYSTEM !== '1') {
    const found = (opts.system ?? SYSTEM_CHROMIUM).find(isExecutable);
    if (found) return { source: 'system', executablePath: found, env: {} };
  }
  const dir = await unpackPackagedChromium(
    opts.cacheDir ?? env.CHROMIUM_CACHE_DIR ?? path.join(ROOT, 'node_modules/.cache/driftpuls-chromium'),
  );
  return {
    source: '@sparticuz/chromium',
    executablePath: path.join(dir, 'chromium'),
    // Its NSS/NSPR/expat (built for Amazon Linux 2023, which needs only glibc) and Open Sans.
    env: { LD_LIBRARY_PATH: path.join(dir, 'lib'), FONTCONFIG_PATH: dir },
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Unpacks the package's brotli files (what its own `executablePath()` does into /tmp, shared
 * by every process there) into a folder of this checkout, per package version. Jest runs test
 * files in parallel workers, so each unpacks into a folder of its own and renames it into
 * place; whoever renames first wins, the others' copies are removed.
 */
export async function unpackPackagedChromium(cacheDir: string): Promise<string> {
  let main: string;
  try {
    main = require.resolve('@sparticuz/chromium');
  } catch {
    throw new Error(
      'No browser for the tests: set CHROMIUM_PATH, install Chrome/Chromium, or run npm install (devDependency @sparticuz/chromium)',
    );
  }
  const pkgDir = path.resolve(path.dirname(main), '../..');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(cacheDir, version);
  if (fs.existsSync(path.join(target, 'chromium'))) return target;

  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, `${version}.unpacking-`));
  try {
    const bin = path.join(pkgDir, 'bin');
    const tar = createRequire(main)('tar-fs') as { extract(dir: string): Writable };
    await pipeline(
      fs.createReadStream(path.join(bin, 'chromium.br')),
      zlib.createBrotliDecompress(),
      fs.createWriteStream(path.join(work, 'chromium'), { mode: 0o755 }),
    );
    await pipeline(fs.createReadStream(path.join(bin, 'al2023.tar.br')), zlib.createBrotliDecompress(), tar.extract(work));
    await pipeline(fs.createReadStream(path.join(bin, 'fonts.tar.br')), zlib.createBrotliDecompress(), tar.extract(work));
    // The package's fonts.conf names Lambda's folders; this one names ours.
    const conf = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      `  <dir>${path.join(target, 'fonts')}</dir>`,
      `  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(work, 'fonts.conf'), conf);
    try {
      fs.renameSync(work, target);
    } catch (e) {
      if (!fs.existsSync(path.join(target, 'chromium'))) throw e;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** What ran the browser tests of this process, for the test output. */
export let launched: { source: ChromiumSource; executablePath: string; version: string } | undefined;

/**
 * Headless Chromium for the end-to-end tests. The flags keep it off the network on a closed
 * machine (no QUIC, no background fetches, no component updates or sync).
 */
export async function launchChromium(opts: FindOptions = {}): Promise<Browser> {
  const choice = await findChromium(opts);
  const browser = await chromium.launch({
    executablePath: choice.executablePath,
    env: { ...process.env, ...choice.env },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  if (!launched) {
    launched = { source: choice.source, executablePath: choice.executablePath, version: browser.version() };
    console.info(`Browser tests run in Chromium ${launched.version} from ${launched.source} (${launched.executablePath})`);
  }
  return browser;
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

/**
 * The few page globals the tests' in-page functions use, for `(globalThis as unknown as
 * InPage)`: the tests compile without the DOM library. Pass functions to page.evaluate and
 * page.waitForFunction, never strings: a string is eval, which the pages' CSP refuses.
 */
export interface InPage {
  document: {
    body: { dataset: Record<string, string | undefined> };
    activeElement: { id: string } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
  location: { hash: string };
}
