import type http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * Answers a point read sent with `If-None-Match` as Azure Cosmos DB does ("Get a Document":
 * the response includes a body only if the stored ETag differs): 304 without a body when the
 * ETag still matches. `@vercel/cosmosdb-server` ignores the header on document reads and
 * always sends the document; install this before anything else that watches the responses.
 */
export function answerConditionalReads(server: http.Server): void {
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const condition = req.headers['if-none-match'];
    if (req.method !== 'GET' || typeof condition !== 'string' || req.headers['a-im'] || !/\/docs\/[^/?]+/.test(req.url ?? '')) return;
    const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode === 200 && res.getHeader('etag') === condition) {
        res.statusCode = 304;
        res.removeHeader('content-type');
        return end();
      }
      return end(...args);
    }) as typeof res.end;
  });
}
