import type { Container, CosmosClientOptions } from '@azure/cosmos';
import { CosmosClient } from '@azure/cosmos';
import { appCredential } from '../identity';
import { toStoreError } from './documents';

type TokenCredential = NonNullable<CosmosClientOptions['aadCredentials']>;

/** How the Cosmos adapters (repository, outbox) reach the one go-lives container. */
export interface CosmosConnectionOptions {
  endpoint: string;
  /** Account key: local test servers and the emulator only. Without it the app signs in with its identity. */
  key?: string;
  databaseId: string;
  containerId: string;
  /** Overrides `appCredential()` (the managed identity in Azure). */
  credential?: TokenCredential;
  /** Creates database and container if missing; default true with a key, false otherwise (Bicep creates them in Azure). */
  createIfNotExists?: boolean;
}

/**
 * A client and the container, partitioned by `/goLiveId`. The client is disposed when the
 * container cannot be opened; throttling and an unreachable account are
 * `StoreUnavailableError` (`toStoreError`), other errors the SDK's.
 */
export async function openContainer(opts: CosmosConnectionOptions): Promise<{ client: CosmosClient; container: Container }> {
  try {
    return await open(opts);
  } catch (err) {
    throw toStoreError(err);
  }
}

async function open(opts: CosmosConnectionOptions): Promise<{ client: CosmosClient; container: Container }> {
  const common: CosmosClientOptions = {
    endpoint: opts.endpoint,
    // Local servers answer on the address given; discovery would send the SDK to https.
    connectionPolicy: { enableEndpointDiscovery: !opts.key },
  };
  let aadCredentials = opts.credential;
  if (!opts.key && !aadCredentials) {
    // Loaded only without a key, so local runs never pay for the identity library.
    aadCredentials = await appCredential();
  }
  const client = new CosmosClient(opts.key ? { ...common, key: opts.key } : { ...common, aadCredentials });
  try {
    if (opts.createIfNotExists ?? Boolean(opts.key)) {
      const { database } = await client.databases.createIfNotExists({ id: opts.databaseId });
      const { container } = await database.containers.createIfNotExists({ id: opts.containerId, partitionKey: { paths: ['/goLiveId'] } });
      return { client, container };
    }
    return { client, container: client.database(opts.databaseId).container(opts.containerId) };
  } catch (err) {
    client.dispose();
    throw err;
  }
}
