import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerConditionalReads } from '../../bench/lib/cosmos-sniffer';
import { createHttpServer } from '@vercel/cosmosdb-server';

/** The Cosmos DB emulator's published, well-known key; the test server accepts any key. */
export const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XjZWnM4GW/Q==';

/** `@vercel/cosmosdb-server` on loopback, plain HTTP with keep-alive (roughly halves the time per request), answering conditional reads as Azure does. */
export async function startCosmosServer(): Promise<{ endpoint: string; server: http.Server; close: () => Promise<void> }> {
  const server = createHttpServer({ keepAlive: true });
  answerConditionalReads(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Azure's 304 on a conditional point read, which the local server lacks: one copy, shared with the benchmark.
export { answerConditionalReads };
