/**
 * A 5 MB workbook through the running app, within the request limits: the body limit of the
 * import routes (10 MiB), and time and memory a Functions instance has. The figures are
 * printed for the README.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { startExcelApi } from './app';

const UNITS = 200;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let api: Awaited<ReturnType<typeof startExcelApi>>;

beforeAll(async () => {
  // Friday 4 December 2026, 13:00 local: a week of reports lies behind.
  api = await startExcelApi({ start: '2026-12-04T12:00:00Z' });
  const units = Array.from({ length: UNITS }, (_, i) => ({ id: `enhet-${i}`, name: `Enhet ${i}` }));
  const put = await fetch(`${api.url}/golives/stor`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Stor', startDate: '2026-11-27', forvaltningar: [{ id: 'f', name: 'F', units }] }),
  });
  expect(put.status).toBe(201);
});
afterAll(async () => api?.close());

/** A status list of `rows` rows, about 30 bytes a row once zipped: Datum and Tid as Excel date and time cells. */
async function workbook(rows: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  const ws = wb.addWorksheet('Statuslista');
  ws.columns = [{ style: { numFmt: 'yyyy-mm-dd' } }, { style: { numFmt: 'hh:mm' } }, {}, {}, {}];
  ws.addRow(['Datum', 'Tid', 'Enhet', 'Färg', 'Förklaring']).commit();
  const colours = ['Grön', 'Gul', 'Röd'];
  for (let i = 0; i < rows; i++) {
    const day = i % 7;
    const minute = Math.floor(i / UNITS) % (12 * 60);
    ws.addRow([
      new Date(Date.UTC(2026, 10, 27 + day)),
      (6 * 60 + minute) / (24 * 60),
      `enhet-${i % UNITS}`,
      colours[i % 3],
      `Rapport ${i}: Cosmic påverkar enheten så här just nu`,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

it('imports a 5 MB workbook in one request, and again as a no-op', async () => {
  const bytes = await workbook(170_000);
  expect(bytes.length).toBeGreaterThan(5_000_000);
  expect(bytes.length).toBeLessThan(10 * 1024 * 1024);

  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const first = await fetch(`${api.url}/golives/stor/imports/unit-reports`, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': XLSX },
  });
  const firstMs = performance.now() - t;
  const body = (await first.json()) as { summary: Record<string, number>; errors: unknown[] };
  t = performance.now();
  const again = await fetch(`${api.url}/golives/stor/imports/unit-reports`, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': XLSX },
  });
  const againMs = performance.now() - t;
  const againBody = (await again.json()) as { summary: Record<string, number> };
  clearInterval(sample);

  expect(first.status).toBe(200);
  expect(body.errors).toEqual([]);
  expect(body.summary).toMatchObject({ rows: 170_000, created: 170_000, stored: 170_000 });
  expect(againBody.summary).toMatchObject({ rows: 170_000, alreadyStored: 170_000, stored: 0 });
  console.log(
    `5 MB import: ${(bytes.length / 1e6).toFixed(1)} MB, 170000 rows; first ${(firstMs / 1000).toFixed(1)} s, again (no-op) ${(againMs / 1000).toFixed(1)} s; ` +
      `RSS ${Math.round(rssBefore / 1e6)} → peak ${Math.round(peak / 1e6)} MB (test process: app, store and client together)`,
  );
  // Azure answers 502 to an HTTP request that runs longer than 230 s (the load balancer's idle timeout).
  expect(firstMs).toBeLessThan(230_000);
}, 300_000);
