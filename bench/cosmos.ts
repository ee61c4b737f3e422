import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { CosmosOperationStats } from '../shared/adapters/cosmos/cosmos.repository';
import { getAgenda } from '../shared/app/calendar/agenda';
import { getOverview } from '../shared/app/overview';
import { submitUnitReport } from '../shared/app/reports';
import { configureServices, getServices } from '../shared/composition';
import { SimulatedClock } from '../local/clock';
import { startLocalRuntime } from '../local/runtime';
import { captureApp } from './lib/app';
import type { CosmosOp } from './lib/cosmos-sniffer';
import { answerConditionalReads, sniff } from './lib/cosmos-sniffer';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { LAST_DAY, localInstant, PEOPLE, regionGoLive, reporterEmail, unitId } from './lib/region';
import { lastDslBefore, seedRegion } from './lib/seed';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { QUERY_BASE_RU } from './lib/ru';
import { num } from './lib/stats';

/*
 * Part 4 — Cosmos DB cost per operation. `@vercel/cosmosdb-server` in this process, the local
 * runtime in this process with COSMOS_ENDPOINT pointing at it (so the app's composition wires
 * the Cosmos adapter and the Cosmos outbox, as in Azure), a region-sized go-live in it. Each
 * operation runs twice (the first warms the SDK's caches) and the second is counted: point
 * reads, writes and queries from `CosmosRepository.stats`, and every request the server saw
 * with its size, priced with Microsoft's published RU figures (bench/lib/ru.ts).
 */

const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XjZWnM4GW/Q==';
const MACHINE_SECRET = 'bench-machine-key-0123456789';
const G = 'region';
const UNITS = 2000;
const NOW = localInstant(LAST_DAY, '16:40');

interface Row {
  name: string;
  via: 'HTTP route' | 'use case';
  ops: CosmosOp[];
  stats: CosmosOperationStats;
}

const kb = (bytes: number) => `${num(bytes / 1024, bytes < 10_240 ? 1 : 0)} KB`;

function describe(ops: CosmosOp[]): string {
  const groups = new Map<string, { n: number; bytes: number; docs: number }>();
  for (const o of ops) {
    if (o.kind === 'meta') continue;
    const what =
      o.kind === 'query' ? `query → ${o.docType || 'nothing'}` : `${o.kind} ${o.docType}${o.status >= 400 ? ` (${o.status})` : ''}`;
    const g = groups.get(what) ?? { n: 0, bytes: 0, docs: 0 };
    g.n++;
    g.bytes += o.kind === 'read' || o.kind === 'query' ? o.responseBytes : o.requestBytes;
    g.docs += o.documents;
    groups.set(what, g);
  }
  return [...groups]
    .map(
      ([what, g]) =>
        `${g.n > 1 ? `${g.n}× ` : ''}${what}${what.startsWith('query') ? ` (${num(g.docs, 0)} docs, ${kb(g.bytes)})` : ` ${kb(g.bytes / g.n)}`}`,
    )
    .join('; ');
}

async function main(): Promise<PartResult> {
  const server: http.Server = createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ops: CosmosOp[] = [];
  answerConditionalReads(server);
  sniff(server, (op) => ops.push(op));

  Object.assign(process.env, {
    COSMOS_ENDPOINT: endpoint,
    COSMOS_KEY: EMULATOR_KEY,
    COSMOS_DATABASE: 'bench',
    COSMOS_CONTAINER: 'golives',
    MACHINE_KEYS: `bench-import:unit-reports:${MACHINE_SECRET}`,
    AUTH_MODE: 'dev',
  });
  const dataDir = tmpDir('cosmos');
  const registry = captureApp();
  configureServices({ notifications: { log: () => undefined } });
  const rt = await startLocalRuntime({ port: 0, clock: 'simulated', start: NOW, demo: false, dataDir, registry, log: () => undefined });
  const clock = rt.clock;
  if (!(clock instanceof SimulatedClock)) throw new Error('expected the simulated clock');
  const services = await getServices();
  const repo = services.repo;
  const stats = (repo as unknown as { stats?: CosmosOperationStats }).stats;
  if (!stats) throw new Error('COSMOS_ENDPOINT is set but the app did not wire the Cosmos adapter');

  // A region in the store: the organisation, every unit's and area's current status, open items.
  const seedStart = performance.now();
  const goLive = regionGoLive({ id: G, units: UNITS });
  await seedRegion(repo, goLive, { challenges: UNITS / 4, incidents: UNITS / 40, latestOnly: true, parallel: 16 });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`  seeded ${UNITS} units with their statuses, ${UNITS / 4} challenges, ${UNITS / 40} incidents in ${num(seedSeconds, 1)} s`);
  const meetingId = lastDslBefore(goLive, NOW);

  const call = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const send = () =>
      fetch(`${rt.url}/golives/${G}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const res = await send().catch(() => send());
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const as = (email: string) => ({ 'x-dev-user': email });

  const rows: Row[] = [];
  const unstable: string[] = [];
  let plans = 0;
  const measure = async (name: string, via: Row['via'], run: (rep: number) => Promise<unknown>): Promise<void> => {
    let previous: string | undefined;
    for (let rep = 0; rep < 2; rep++) {
      // A second later each time, so a new report is always the unit's newest (as in real use).
      await clock.advanceBy(1000);
      const before = ops.length;
      const s0 = { ...stats };
      await run(rep);
      // Escalation activities the call started, and notifications it queued, belong to it.
      await rt.durable?.settle();
      await services.notifications.idle();
      const mine = ops.slice(before).filter((o) => o.kind !== 'meta' && o.kind !== 'queryPlan');
      plans += ops.slice(before).filter((o) => o.kind === 'queryPlan').length;
      const d = Object.fromEntries(
        Object.entries(stats).map(([k, v]) => [k, v - s0[k as keyof CosmosOperationStats]]),
      ) as unknown as CosmosOperationStats;
      const shape = describe(mine).replace(/[\d.,]+ KB/g, '');
      if (rep === 1) {
        rows.push({ name, via, ops: mine, stats: d });
        if (previous !== undefined && previous !== shape) unstable.push(name);
      }
      previous = shape;
    }
  };

  const reporter = as(reporterEmail(0));
  const report = { colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt.' };
  await measure("unit report (POST …/units/{unitId}/reports), signed in as the unit's reporter", 'HTTP route', () =>
    call('POST', `/units/${unitId(0)}/reports`, reporter, report),
  );
  await measure('unit report, machine key (scope unit-reports)', 'HTTP route', () =>
    call('POST', `/units/${unitId(1)}/reports`, { 'x-functions-key': MACHINE_SECRET }, report),
  );
  await measure('submitUnitReport', 'use case', () =>
    submitUnitReport(services, { goLiveId: G, unitId: unitId(2), input: { colour: 'yellow', explanation: 'x' } }),
  );
  await measure('overview (GET …/overview)', 'HTTP route', () => call('GET', '/overview', reporter));
  await measure('getOverview', 'use case', () => getOverview(services, G));
  await measure('day picture (GET …/day)', 'HTTP route', () => call('GET', '/day', reporter));
  await measure(`DSL agenda (GET …/meetings/${meetingId}/agenda)`, 'HTTP route', () =>
    call('GET', `/meetings/${meetingId}/agenda`, reporter),
  );
  await measure('getAgenda (DSL)', 'use case', () => getAgenda(services, G, meetingId, 'sv'));
  await measure('go-live (GET /golives/{id})', 'HTTP route', () => call('GET', '', reporter));
  await measure("a unit's last 10 reports (GET …/reports?limit=10)", 'HTTP route', () =>
    call('GET', `/units/${unitId(0)}/reports?limit=10`, reporter),
  );
  const coordinator = as(PEOPLE.areaCoordinator('teknik').email);
  await measure('area report (POST …/areas/{areaId}/reports)', 'HTTP route', () =>
    call('POST', '/areas/teknik/reports', coordinator, {
      summary: 'Utskrifter fungerar inte.',
      problems: [
        {
          title: 'Remissutskrift',
          size: 'stor',
          situation: { facts: 'Skrivarkön fastnar.' },
          actions: 'Ny drivrutin testas.',
          obstacles: 'Beslut behövs om utrullning.',
        },
      ],
    }),
  );
  const im = as(PEOPLE.incidentManager.email);
  await measure('incident (POST …/incidents)', 'HTTP route', (rep) =>
    call('POST', '/incidents', im, { id: `bench-inc-${rep}`, title: 'Inloggning misslyckas', priority: 2 }),
  );
  await measure('incident update (POST …/incidents/{id}/updates)', 'HTTP route', (rep) =>
    call('POST', `/incidents/bench-inc-${rep}/updates`, im, { text: 'Ny drivrutin utrullad till hälften av klienterna.' }),
  );
  const raised: string[] = [];
  await measure("raise a challenge (POST …/challenges), with its escalation's first turn", 'HTTP route', async (rep) => {
    const r = await call('POST', '/challenges', coordinator, {
      id: `bench-ch-${rep}`,
      title: 'Remissutskrift fungerar inte',
      colour: 'röd',
      areaId: 'teknik',
      needFromOthers: 'Beslut om ny drivrutin',
    });
    raised[rep] = (r.json as { id: string }).id;
  });
  const lead = as(PEOPLE.lead.email);
  await measure('triage (POST …/triage), with the escalation turn it causes', 'HTTP route', (rep) =>
    call('POST', `/challenges/${raised[rep]}/triage`, lead, { decision: 'startTeam', participants: ['Teknik'] }),
  );
  await measure('decision request (POST …/decision-requests), with the escalation turn', 'HTTP route', (rep) =>
    call('POST', `/challenges/${raised[rep]}/decision-requests`, lead, { level: 'itd', question: 'Fler tekniker?' }),
  );
  await measure('decision (POST …/decisions), with the escalation turn', 'HTTP route', (rep) =>
    call('POST', `/challenges/${raised[rep]}/decisions`, as(PEOPLE.itd.email), {
      decision: 'Ja',
      rationale: 'Kön växer',
      decidedBy: 'Ida ITD',
    }),
  );

  const docSizes = new Map<string, number>();
  for (const o of ops)
    if ((o.kind === 'create' || o.kind === 'replace' || o.kind === 'upsert') && o.status < 300)
      docSizes.set(o.docType, Math.max(docSizes.get(o.docType) ?? 0, o.requestBytes));
  await rt.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  removeTmpDirs();

  const count = (r: Row, kinds: CosmosOp['kind'][]) => r.ops.filter((o) => kinds.includes(o.kind)).length;
  const ru = (r: Row) => r.ops.reduce((s, o) => s + o.ru, 0);
  const outbox = (r: Row) => r.ops.filter((o) => o.docType === 'notification').length;
  const row = (name: string, via: Row['via']) => rows.find((r) => r.name === name && r.via === via)!;
  const useCaseReport = row('submitUnitReport', 'use case');
  const useCaseOverview = row('getOverview', 'use case');
  const routeReport = rows[0]!;
  const routeOverview = row('overview (GET …/overview)', 'HTTP route');
  const hot = [routeReport, routeOverview, rows.find((r) => r.name.startsWith('DSL agenda'))!];

  const targets: TargetCheck[] = [
    {
      name: 'unit report: point writes (use case)',
      target: '2',
      measured: `${useCaseReport.stats.writes} writes, ${useCaseReport.stats.pointReads} point reads (${describe(useCaseReport.ops)})`,
      met: useCaseReport.stats.writes === 2 && useCaseReport.stats.queries === 0,
    },
    {
      name: 'overview: single-partition queries (use case and route)',
      target: '≤ 2',
      measured:
        `use case ${useCaseOverview.stats.queries} queries, ${useCaseOverview.stats.pointReads} point reads ` +
        `(${useCaseOverview.stats.notModified} answered 304); route ${count(routeOverview, ['query'])} queries`,
      met: useCaseOverview.stats.queries <= 2 && count(routeOverview, ['query']) <= 2,
    },
    {
      name: 'unit report through the route (signed-in reporter): estimated RU',
      target: '≤ 15 RU',
      measured: `≈ ${num(ru(routeReport), 1)} RU (${describe(routeReport.ops)})`,
      met: ru(routeReport) <= 15,
    },
    {
      name: 'the go-live document read whole on a hot path (unit report, overview, DSL agenda; second run)',
      target: 'never (304 to a conditional read)',
      measured: hot
        .map((r) => {
          const whole = r.ops.filter((o) => o.kind === 'read' && o.docType === 'golive' && o.status === 200).length;
          const notModified = r.ops.filter((o) => o.kind === 'read' && o.status === 304).length;
          return `${r.name.split(' (')[0]}: ${whole} whole, ${notModified} × 304`;
        })
        .join('; '),
      met: hot.every((r) => !r.ops.some((o) => o.kind === 'read' && o.docType === 'golive' && o.status === 200)),
    },
    {
      name: 'unit report through the route: what authorisation adds',
      target: 'report honestly',
      measured:
        `${routeReport.stats.pointReads - useCaseReport.stats.pointReads} more point read(s) (the use case ` +
        `gets the route's conditional read of the go-live), ≈ ${num(ru(routeReport) - ru(useCaseReport), 1)} ` +
        `RU of ≈ ${num(ru(routeReport), 1)}`,
      met: true,
    },
  ];

  return {
    part: 'cosmos',
    title: '4. Cosmos DB cost per operation (counted through the adapter, priced by document size)',
    tables: [
      {
        title: `Per operation, second of two runs, against a region (${UNITS} units with statuses, ${UNITS / 4} challenges, ${UNITS / 40} incidents) in @vercel/cosmosdb-server`,
        header: ['operation', 'via', 'point reads', 'writes', 'queries', 'of them outbox', 'est. RU', 'what (sizes as sent/returned)'],
        rows: rows.map((r) => [
          r.name,
          r.via,
          num(count(r, ['read']), 0),
          num(count(r, ['create', 'replace', 'upsert', 'patch', 'delete']), 0),
          num(count(r, ['query']), 0),
          num(outbox(r), 0),
          num(ru(r), 0),
          describe(r.ops),
        ]),
      },
      {
        title: 'Document sizes as written (largest seen)',
        header: ['document', 'size'],
        rows: [...docSizes].sort((a, b) => b[1] - a[1]).map(([t, b]) => [t, kb(b)]),
      },
    ],
    targets,
    notes: [
      `RU per operation: point reads and writes interpolated in Microsoft's table of RU by document size ` +
        `(1 KB: read 1.00, write 4.95; 64 KB: 4.76 / 22.67; 512 KB: 40.95 / 184.57) — ` +
        `https://learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption, and ` +
        `https://learn.microsoft.com/azure/cosmos-db/optimize-cost-reads-writes ` +
        `(1 KB point read = 1 RU, 100 KB = 10 RU). Queries: ${QUERY_BASE_RU} RU base ` +
        `(https://learn.microsoft.com/training/modules/measure-index-azure-cosmos-db-sql-api/4-measure-query-cost) ` +
        `plus the bytes returned priced as a read. A replace is priced as one write of the new version; ` +
        `a 404 read and a refused write (409/412) as 1 RU. ` +
        `Estimates: measure in a rehearsal with CosmosRepository.stats.requestCharge (the local server always answers 1 RU).`,
      'Counts include the outbox (notifications are documents in the same container) and, for challenge ' +
        'operations, the escalation activities the call set off (settled before counting). Queries are ' +
        'result pages as the server saw them (a history read of more than 1,000 reports is several pages).',
      `The SDK asks the gateway for a query plan before each query (${plans} times in the measured runs); Azure answers that without reading documents, so it is not priced.`,
      `The SDK's metadata requests (account, collection, partition key ranges) are left out: they happen once per process. Seeding took ${num(seedSeconds, 0)} s.`,
      ...(unstable.length ? [`Counts differed between the two runs for: ${unstable.join('; ')} (the second is shown).`] : []),
    ],
    data: rows.map((r) => ({ name: r.name, via: r.via, stats: r.stats, ops: r.ops })),
  };
}

runPart('cosmos', '4. Cosmos DB cost per operation', main);
