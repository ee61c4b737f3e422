import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { CosmosRepository } from '../../shared/adapters/cosmos/cosmos.repository';
import { StoreUnavailableError } from '../../shared/ports/repository.port';
import { EMULATOR_KEY, startCosmosServer } from '../support/cosmos-server';
import { makeGoLive, makeUnitReport } from '../builders';
import { repositoryContract } from './repository.contract';

const CONTAINER = 'golives';

let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
let endpoint: string;

beforeAll(async () => {
  cosmos = await startCosmosServer();
  endpoint = cosmos.endpoint;
});
afterAll(() => cosmos.close());

const connect = (databaseId = `test-${randomUUID()}`) =>
  CosmosRepository.connect({ endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER });

repositoryContract('Cosmos DB (@vercel/cosmosdb-server)', async () => {
  const databaseId = `test-${randomUUID()}`;
  const repo = await connect(databaseId);
  const others: CosmosRepository[] = [];
  return {
    repo,
    // Another client on the same account and container, as a second Flex instance has.
    another: async () => {
      const r = await connect(databaseId);
      others.push(r);
      return r;
    },
    teardown: async () => {
      for (const r of others) await r.close();
      await repo.close();
    },
  };
});

describe('CosmosRepository specifics', () => {
  let repo: CosmosRepository;
  let databaseId: string;

  beforeAll(async () => {
    databaseId = `test-${randomUUID()}`;
    repo = await connect(databaseId);
  });
  afterAll(() => repo.close());

  it('writes a fresh unit report with two point writes, and reads the overview with one query and the go-live', async () => {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);

    const before = { ...repo.stats };
    await repo.addUnitReport(makeUnitReport({ goLiveId: goLive.id }));
    expect(repo.stats.writes - before.writes).toBe(2);
    expect(repo.stats.queries - before.queries).toBe(0);

    const beforeSnapshot = { ...repo.stats };
    const snapshot = await repo.getStatusSnapshot(goLive.id);
    expect(snapshot?.unitStatuses).toHaveLength(1);
    expect(repo.stats.queries - beforeSnapshot.queries).toBe(1);
    // The go-live is a point read beside the query (issue 17), conditional once it is kept.
    expect(repo.stats.pointReads - beforeSnapshot.pointReads).toBe(1);
    expect(repo.stats.writes - beforeSnapshot.writes).toBe(0);
    expect(repo.stats.requestCharge).toBeGreaterThan(before.requestCharge);
  });

  it('reads an unchanged go-live again with If-None-Match, answered 304 without the document', async () => {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const first = await repo.getGoLive(goLive.id);
    const before = { ...repo.stats };
    expect(await repo.getGoLive(goLive.id)).toEqual(first);
    expect((await repo.getStatusSnapshot(goLive.id))?.goLive).toEqual(goLive);
    expect(repo.stats.pointReads - before.pointReads).toBe(2);
    expect(repo.stats.notModified - before.notModified).toBe(2);

    // Changed by another client: the next read gets the whole new version.
    const other = await connect(databaseId);
    try {
      await other.saveGoLive({ ...goLive, name: 'Ändrad' }, first!.etag);
    } finally {
      await other.close();
    }
    const again = { ...repo.stats };
    expect((await repo.getGoLive(goLive.id))?.value.name).toBe('Ändrad');
    expect(repo.stats.notModified - again.notModified).toBe(0);
  });

  it('also writes only two documents for a report that replaces an existing status', async () => {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    await repo.addUnitReport(makeUnitReport({ goLiveId: goLive.id, reportedAt: '2026-11-27T08:00:00.000Z' }));
    const before = { ...repo.stats };
    await repo.addUnitReport(makeUnitReport({ goLiveId: goLive.id, reportedAt: '2026-11-27T09:00:00.000Z' }));
    expect(repo.stats.writes - before.writes).toBe(2);
  });

  it('repairs the status on a replay when a crash came between the report and the status write', async () => {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const report = makeUnitReport({ goLiveId: goLive.id });
    // The report document alone, as if the process died after the first write.
    const raw = new CosmosClient({ endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      await raw
        .database(databaseId)
        .container(CONTAINER)
        .items.create({ ...report, id: `unitReport:${report.id}`, type: 'unitReport', sortKey: `${report.reportedAt}|${report.id}` });
    } finally {
      raw.dispose();
    }
    expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses).toEqual([]);

    expect(await repo.addUnitReport(report)).toEqual({ value: report, created: false });
    expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => s.reportId)).toEqual([report.id]);
  });

  it('strips Cosmos system and envelope properties from what it returns', async () => {
    const goLive = makeGoLive();
    await repo.saveGoLive(goLive, null);
    const report = makeUnitReport({ goLiveId: goLive.id });
    await repo.addUnitReport(report);

    expect(Object.keys((await repo.getGoLive(goLive.id))!.value).sort()).toEqual(Object.keys(goLive).sort());
    const [listed] = await repo.listUnitReports(goLive.id, report.unitId, 1);
    expect(Object.keys(listed!).sort()).toEqual(Object.keys(report).sort());
    const [status] = (await repo.getStatusSnapshot(goLive.id))!.unitStatuses;
    expect(Object.keys(status!).sort()).toEqual(['colour', 'explanation', 'forvaltningId', 'goLiveId', 'reportId', 'reportedAt', 'unitId']);
  });
});

describe('CosmosRepository when the store is unavailable', () => {
  let throttling: http.Server;
  let throttlingEndpoint: string;

  beforeAll(async () => {
    // Every request is throttled; the short retry-after keeps the SDK's own retries quick.
    throttling = http.createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': '5', 'x-ms-request-charge': '0' });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large' }));
    });
    await new Promise<void>((resolve) => throttling.listen(0, '127.0.0.1', resolve));
    throttlingEndpoint = `http://127.0.0.1:${(throttling.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    throttling.closeAllConnections();
    await new Promise((resolve) => throttling.close(resolve));
  });

  it('turns throttling (429) into StoreUnavailableError with a retry-after', async () => {
    const repo = await CosmosRepository.connect({
      endpoint: throttlingEndpoint,
      key: EMULATOR_KEY,
      databaseId: 'db',
      containerId: CONTAINER,
      createIfNotExists: false,
    });
    try {
      const err = await repo.getGoLive('any').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await repo.close();
    }
  });
});
