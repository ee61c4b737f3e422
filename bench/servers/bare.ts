import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { UnitReportInput } from '../../shared/domain/unit-report';
import type { UnitReport } from '../../shared/domain/unit-report';
import { readBody, serverArgs, UNIT_REPORT_ROUTE } from './args';

/*
 * The physical limit of the status intake: a bare node:http server that parses and validates
 * the body (JSON + zod) and makes the same store write as the app — SqliteRepository's
 * addUnitReport, report and current status in one transaction — with nothing else: no
 * programming model, no authorisation, no go-live read, no logging.
 */
async function main(): Promise<void> {
  const { port, dataDir } = serverArgs();
  const repo = SqliteRepository.open(path.join(dataDir, 'driftpuls.sqlite'), { synchronous: 'NORMAL' });
  const forvaltningOf = new Map<string, string>();
  for (const { id } of await repo.listGoLives()) {
    const g = (await repo.getGoLive(id))!.value;
    for (const f of g.forvaltningar) for (const u of f.units) forvaltningOf.set(`${id}/${u.id}`, f.id);
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      const m = UNIT_REPORT_ROUTE.exec(req.url ?? '');
      const body = await readBody(req);
      const forvaltningId = m ? forvaltningOf.get(`${m[1]}/${m[2]}`) : undefined;
      if (!m || req.method !== 'POST' || !forvaltningId) {
        res.writeHead(404).end();
        return;
      }
      const input = UnitReportInput.safeParse(JSON.parse(body.toString('utf8')));
      if (!input.success) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(input.error.issues));
        return;
      }
      const now = new Date().toISOString();
      const report: UnitReport = {
        id: randomUUID(),
        goLiveId: m[1]!,
        unitId: m[2]!,
        forvaltningId,
        colour: input.data.colour,
        explanation: input.data.explanation,
        reportedAt: input.data.reportedAt ?? now,
        receivedAt: now,
        ...(input.data.reporter ? { reporter: input.data.reporter } : {}),
        source: 'api',
        requestHash: 'bare',
      };
      const { value } = await repo.addUnitReport(report);
      const json = Buffer.from(JSON.stringify(value));
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(json.length) }).end(json);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const a = server.address() as import('node:net').AddressInfo;
    console.log(`bare listening on http://127.0.0.1:${a.port}`);
  });
  process.on('SIGTERM', () => server.close(() => void repo.close().then(() => process.exit(0))));
}

void main();
