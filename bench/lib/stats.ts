/** Small statistics and formatting helpers for the benchmarks: medians, percentiles, tables. */

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const min = (values: readonly number[]): number => Math.min(...values);
export const max = (values: readonly number[]): number => Math.max(...values);

/** Times `fn` `runs` times after `warmup` untimed runs; milliseconds per run. */
export async function timeRuns(fn: () => Promise<unknown> | unknown, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const nf = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** 1234.5 → "1,235"; small values keep a decimal or two so they stay readable. */
export function num(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return '–';
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return nf(d).format(v);
}

export const ms = (v: number, digits?: number): string => `${num(v, digits)} ms`;
export const ratio = (v: number): string => (Number.isFinite(v) ? `${num(v, 2)}×` : '–');
export const mb = (bytes: number): string => `${num(bytes / (1024 * 1024), 1)} MB`;
export const kb = (bytes: number): string => `${num(bytes / 1024, 1)} KB`;

/** A Markdown table, columns padded so it also reads well on a terminal. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * CPU time (user + system, this process) per call, in microseconds: less disturbed than wall
 * time when other processes share the cores.
 */
export async function cpuMicrosPerCall(
  fn: () => Promise<unknown> | unknown,
  calls: number,
  warmup = Math.ceil(calls / 5),
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / calls;
}
