import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { CosmosOutbox } from '../../shared/adapters/outbox/cosmos.outbox';
import { CosmosRepository } from '../../shared/adapters/cosmos/cosmos.repository';
import { EMULATOR_KEY, startCosmosServer } from '../support/cosmos-server';
import { makeGoLive } from '../builders';
import { makeOutboxNotification, outboxContract } from './outbox.contract';

const CONTAINER = 'golives';

let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
let endpoint: string;

beforeAll(async () => {
  cosmos = await startCosmosServer();
  endpoint = cosmos.endpoint;
});
afterAll(() => cosmos.close());

const connect = (databaseId = `test-${randomUUID()}`) =>
  CosmosOutbox.connect({ endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER });

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
      const { resource } = await raw
        .database(databaseId)
        .container(CONTAINER)
        .item(`notification:${n.id}`, goLive.id)
        .read<Record<string, unknown>>();
      expect(resource).toMatchObject({
        id: `notification:${n.id}`,
        type: 'notification',
        goLiveId: goLive.id,
        kind: n.kind,
        dueAt: n.dueAt,
      });
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
