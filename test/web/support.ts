import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** A free TCP port on 127.0.0.1, so a test can start the app where PUBLIC_BASE_URL points. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const AXE = path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core's WCAG 2.0/2.1 A and AA rules run inside the page (injected through the
 * DevTools protocol, so the page's CSP does not apply to it). Returns the violations.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => (globalThis as unknown as InPage).axe !== undefined))) await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const w = globalThis as unknown as InPage;
    const r = await w.axe!.run(w.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Nothing on the page is wider than the viewport (no sideways scrolling on a phone). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as InPage).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** The newest `.eml` under the embedded outbox whose decoded text (subject and bodies) matches `needle`. */
export function findMail(outboxDir: string, needle: RegExp): string | undefined {
  const dir = path.join(outboxDir, 'email');
  if (!fs.existsSync(dir)) return undefined;
  const mails = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => decodeMail(fs.readFileSync(path.join(dir, f), 'utf8')));
  return mails.reverse().find((m) => needle.test(m));
}

/** Headers with their encoded words decoded, then every base64 body part decoded. */
function decodeMail(raw: string): string {
  const words = raw.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
  const bodies = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'),
  );
  return [words, ...bodies].join('\n');
}

/**
 * The browser's globals as the functions passed to `page.evaluate`/`waitForFunction` see them
 * (the tests compile without the DOM library): `(globalThis as unknown as Browser).document`.
 */
export interface InPage {
  document: {
    querySelector(s: string): { textContent: string | null; getBoundingClientRect(): { top: number; bottom: number } } | null;
    querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
    body: { dataset: Record<string, string | undefined> };
    activeElement: { id: string } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
  localStorage: { setItem(k: string, v: string): void };
  axe?: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
}
