/**
 * The dependency rules of docs/architecture.md, checked by a tool rather than by memory:
 * the domain is pure; shared/ never reaches into functions/, orchestrations/ or local/;
 * orchestrators take time and randomness only from the durable context.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function files(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const importsOf = (file: string): string[] =>
  [
    ...fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)|import\(['"]([^'"]+)['"]\)/g),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);

const source = (file: string) =>
  fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');

/** The domain folders: shared/domain and a feature folder's domain/ (shared/escalation/domain). */
const DOMAINS = ['shared/domain', 'shared/escalation/domain'];
const inDomain = (file: string, spec: string): boolean =>
  spec.startsWith('.') && DOMAINS.some((d) => path.join(path.dirname(file), spec).startsWith(d + path.sep));

describe('shared/domain is pure (STYLE habit 1)', () => {
  const domain = DOMAINS.flatMap(files);
  it('has files to check', () => expect(domain.length).toBeGreaterThan(5));
  it.each(domain)('%s imports only zod, luxon and the domain', (file) => {
    for (const spec of importsOf(file)) expect(spec === 'zod' || spec === 'luxon' || inDomain(file, spec)).toBe(true);
  });
  it.each(domain)('%s reads no wall clock, randomness or environment', (file) => {
    expect(source(file)).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(|process\.env|DateTime\.now\(|DateTime\.local\(\)/);
  });
});

describe('shared/ does not depend on the hosts', () => {
  it.each(files('shared'))('%s', (file) => {
    for (const spec of importsOf(file)) expect(spec).not.toMatch(/(^|\/)(functions|orchestrations|local)(\/|$)/);
  });
});

describe('orchestrators are deterministic (STYLE habit 3)', () => {
  const orchestrators = files('orchestrations').filter((f) => /orchestrator\.ts$/.test(f));
  it('has orchestrators to check', () => expect(orchestrators.length).toBeGreaterThan(0));
  it.each(orchestrators)('%s', (file) => {
    expect(source(file)).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(|process\.env|setTimeout\(|randomUUID/);
    for (const spec of importsOf(file)) expect(spec).not.toMatch(/^node:|^(fs|http|https|crypto|child_process)$/);
  });
});

describe('rendering lives outside the domain (issue 19 item 5)', () => {
  const code = ['shared', 'functions', 'orchestrations', 'local'].flatMap(files);
  const web = fs
    .readdirSync(path.join(ROOT, 'web'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(m?js|html)$/.test(f) && !f.includes('vendor'))
    .map((f) => path.join('web', f));
  it('one escapeHtml in the whole tree, in shared/rendering/escape.ts', () => {
    const defining = [...code, ...web].filter((f) => /(function\s+escapeHtml\b|\bescapeHtml\s*=)/.test(source(f)));
    expect(defining).toEqual([path.join('shared', 'rendering', 'escape.ts')]);
  });
  it.each(DOMAINS.flatMap(files))('%s writes no Markdown or HTML', (file) => {
    expect(source(file)).not.toMatch(/export (function|const) (render(Html|Markdown|Text)|toRendering|escapeHtml)\b|<!doctype html>/i);
  });
});
