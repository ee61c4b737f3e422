/**
 * The board's static side, without a browser: what it ships (size, no external requests, no
 * HTML built from strings), that its rules are the domain's own, and that its JavaScript
 * type-checks against the DOM.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import fc from 'fast-check';
import { pageSource, rulesModuleSource } from '../../functions/http/board';
import { PROBLEM_SIZES, suggestAreaColour } from '../../shared/domain/area-report';
import { DECISION_LEVEL_LABELS } from '../../shared/escalation/domain/challenge';
import { COLOURS, UNIT_COLOUR_MEANING } from '../../shared/domain/colour';

// Only rules.js's text is wanted here, not the route registrations board.ts also makes.
jest.mock('@azure/functions', () => ({ app: { http: () => undefined } }));

const ROOT = path.resolve(__dirname, '../..');
const WEB = path.join(ROOT, 'web');
const read = (f: string) => fs.readFileSync(path.join(WEB, f), 'utf8');
const scripts = fs.readdirSync(WEB).filter((f) => f.endsWith('.js'));

/** The modules a page loads: its entry (board.js, or pages.js for the other pages) and everything it imports, transitively. */
function moduleGraph(entry = 'board.js'): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const src = file === 'rules.js' ? rulesModuleSource() : read(file);
    seen.set(file, src);
    for (const m of src.matchAll(/^\s*import\s[^'"]*['"]\.\/([\w-]+\.js)['"]/gm)) visit(m[1]!);
  };
  visit(entry);
  return seen;
}

describe('what the browser gets', () => {
  it('ships under 100 KB of JavaScript, every module of web/ in use', () => {
    const graph = moduleGraph();
    const bytes = [...graph.values()].reduce((n, src) => n + Buffer.byteLength(src), 0);
    expect(bytes).toBeLessThan(100 * 1024);
    const used = new Set([...graph.keys(), ...moduleGraph('pages.js').keys()]);
    expect([...used].filter((f) => f !== 'rules.js').sort()).toEqual([...scripts].sort());
    // The README quotes this figure.
    console.log(`board JavaScript: ${graph.size} modules, ${(bytes / 1024).toFixed(1)} KB (uncompressed)`);
  });

  it('a page’s first load is under 100 KB compressed (HTML, CSS and every module; issue 16)', () => {
    const gz = (s: string) => zlib.gzipSync(s, { level: 6 }).length;
    for (const [entry, html, css] of [
      ['board.js', 'board.html', ['base.css', 'board.css']],
      ['pages.js', 'page.html', ['base.css', 'board.css', 'pages.css']],
    ] as const) {
      const files = [pageSource(html), ...css.map(read), ...moduleGraph(entry).values()];
      const raw = files.reduce((n, f) => n + Buffer.byteLength(f), 0);
      const compressed = files.reduce((n, f) => n + gz(f), 0);
      expect(compressed).toBeLessThan(100 * 1024);
      // docs/board.md quotes these figures.
      console.log(
        `first load of ${html}: ${files.length} files, ${(raw / 1024).toFixed(1)} KB, ${(compressed / 1024).toFixed(1)} KB gzipped (each file on its own)`,
      );
    }
  });

  it('the board and the pages share one head and one alert area: web/head.html and web/alert.html (issue 19)', () => {
    const indented = (part: string) => read(part).replace(/^(?=.)/gm, '    ');
    expect(read('head.html')).toContain('<meta charset="utf-8" />');
    expect(read('alert.html')).toContain('<noscript>');
    for (const page of ['board.html', 'page.html']) {
      expect(read(page)).toContain('    <!-- include head.html -->\n');
      expect(read(page)).toContain('    <!-- include alert.html -->\n');
      const served = pageSource(page);
      expect(served).not.toContain('<!-- include');
      // The head first in <head>, the alert area right after the header, indented as the comment was.
      expect(served.indexOf(indented('head.html'))).toBe(served.indexOf('<head>') + '<head>\n'.length);
      expect(served.indexOf(indented('alert.html'))).toBe(served.indexOf('</header>') + '</header>\n'.length);
    }
  });

  it('requests nothing from elsewhere: no external URLs, fonts or imports', () => {
    for (const f of fs.readdirSync(WEB).filter((f) => /\.(js|css|html|svg)$/.test(f))) {
      const urls = [...read(f).matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s'"`)]*/gi)]
        .map((m) => m[0])
        .filter((u) => u !== 'http://www.w3.org/2000/svg');
      expect({ f, urls }).toEqual({ f, urls: [] });
      expect(read(f)).not.toMatch(/@import|@font-face/);
    }
  });

  it('never turns text into markup (textContent and DOM nodes only)', () => {
    for (const f of scripts)
      expect({ f, src: read(f) }).not.toEqual({
        f,
        src: expect.stringMatching(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/),
      });
  });
});

describe('rules.js: the domain’s rules, shipped, not copied (R3.2, R4.3)', () => {
  const load = (): {
    COLOURS: unknown;
    PROBLEM_SIZES: unknown;
    UNIT_COLOUR_MEANING: unknown;
    DECISION_LEVEL_LABELS: unknown;
    suggestAreaColour: typeof suggestAreaColour;
  } => {
    const body = rulesModuleSource().replace(/^export const (\w+) =/gm, 'exports.$1 =');
    const exports = {};
    new Function('exports', body)(exports);
    return exports as never;
  };

  it('exports the same constants as the domain', () => {
    const m = load();
    expect(m.COLOURS).toEqual(COLOURS);
    expect(m.PROBLEM_SIZES).toEqual(PROBLEM_SIZES);
    expect(m.UNIT_COLOUR_MEANING).toEqual(UNIT_COLOUR_MEANING);
    expect(m.DECISION_LEVEL_LABELS).toEqual(DECISION_LEVEL_LABELS);
  });

  it('suggests the same colour as the domain for any list of problems', () => {
    const { suggestAreaColour: shipped } = load();
    fc.assert(
      fc.property(fc.array(fc.record({ size: fc.constantFrom(...PROBLEM_SIZES) }), { maxLength: 12 }), (problems) => {
        expect(shipped(problems)).toBe(suggestAreaColour(problems));
      }),
    );
  });
});

it('the browser modules type-check (strict, DOM) with web/tsconfig.json', () => {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  let out = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(WEB, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? e);
  }
  expect(out).toBe('');
}, 120_000);
