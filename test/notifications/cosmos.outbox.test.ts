import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CosmosOutbox } from '../../shared/adapters/outbox/cosmos.outbox';
import { CosmosRepository } from '../../shared/adapters/cosmos/cosmos.repository';
import { makeGoLive } from '../builders';
import { makeOutboxNotification, outboxContract } from './outbox.contract';

/** The Cosmos DB emulator's published, well-known key; the test server accepts any key. */
const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XjZWnM4GW/Q==';
const CONTAINER = 'golives';

let server: http.Server;
let endpoint: string;

beforeAll(async () => {
  server = createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const connect = (databaseId = `test-${randomUUID()}`) => CosmosOutbox.connect({ endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER });

outboxContract('Cosmos DB (@vercel/cosmosdb-server)', async () => {
  const outbox = await connect();
  return { outbox, teardown: () => outbox.close() };
});

describe('Cosmos outbox documents', () => {
  it('lives in the go-lives container, partitioned by go-live, type notification, id from the notification id', async () => {
    const databaseId = `test-${randomUUID()}`;
    const repo = await CosmosRepository.connect({ endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER });
    const outbox = await connect(databaseId);
    const raw = new CosmosClient({ endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const goLive = makeGoLive();
      await repo.saveGoLive(goLive, null);
      const n = makeOutboxNotification({ goLiveId: goLive.id });
      await outbox.add(n);
      const { resource } = await raw.database(databaseId).container(CONTAINER).item(`notification:${n.id}`, goLive.id).read<Record<string, unknown>>();
      expect(resource).toMatchObject({ id: `notification:${n.id}`, type: 'notification', goLiveId: goLive.id, kind: n.kind, dueAt: n.dueAt });
      // The repository's own queries do not trip over the outbox's documents.
      expect((await repo.getStatusSnapshot(goLive.id))?.goLive.id).toBe(goLive.id);
      expect((await repo.listGoLives()).filter((g) => g.id === goLive.id)).toHaveLength(1);
      // What comes back is the notification, without Cosmos or envelope properties.
      expect(Object.keys((await outbox.get(goLive.id, n.id))!.value).sort()).toEqual(Object.keys(n).sort());
    } finally {
      raw.dispose();
      await outbox.close();
      await repo.close();
    }
  });
});
