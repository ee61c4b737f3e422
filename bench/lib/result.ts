import fs from 'node:fs';
import { table } from './stats';

/** What one part of the benchmark hands back to the runner (bench/run.ts), as JSON. */
export interface PartResult {
  part: string;
  title: string;
  tables: { title: string; header: string[]; rows: string[][] }[];
  targets: TargetCheck[];
  notes: string[];
  /** Raw figures, for whoever wants to compare runs. */
  data?: unknown;
  wallSeconds?: number;
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean;
  /** Why it was missed, and what would fix it. */
  note?: string;
}

export function renderPart(r: PartResult): string {
  const out = [`## ${r.title}`, ''];
  for (const t of r.tables) out.push(`**${t.title}**`, '', table(t.header, t.rows), '');
  if (r.targets.length) {
    out.push(
      table(
        ['target', 'wanted', 'measured', 'met'],
        r.targets.map((t) => [t.name, t.target, t.measured, t.met ? 'yes' : 'NO']),
      ),
      '',
    );
    for (const t of r.targets.filter((x) => !x.met && x.note)) out.push(`- Missed — ${t.name}: ${t.note}`);
    if (r.targets.some((x) => !x.met && x.note)) out.push('');
  }
  for (const n of r.notes) out.push(`- ${n}`);
  if (r.notes.length) out.push('');
  return out.join('\n');
}

/** Prints the part and, when the runner passed `--out <file>`, writes it there as JSON. */
export function report(r: PartResult): void {
  console.log(`\n${renderPart(r)}`);
  const i = process.argv.indexOf('--out');
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (file) fs.writeFileSync(file, JSON.stringify(r, null, 2));
}

/** Runs a part's main, reporting a crash as a failed part instead of a bare stack trace. */
export function runPart(part: string, title: string, main: () => Promise<PartResult>): void {
  const started = performance.now();
  main().then(
    (r) => {
      r.wallSeconds = (performance.now() - started) / 1000;
      report(r);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(`${part} failed:`, e);
      report({
        part,
        title,
        tables: [],
        targets: [
          {
            name: `${part} ran`,
            target: 'completes',
            measured: 'crashed',
            met: false,
            note: String(e instanceof Error ? (e.stack ?? e.message) : e),
          },
        ],
        notes: [],
      });
      process.exit(1);
    },
  );
}
