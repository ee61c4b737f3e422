import type http from 'node:http';
import { queryRu, readRu, writeRu } from './ru';

/*
 * Watches the in-process Cosmos DB test server's traffic: every document operation with its
 * size and an estimated RU charge. The server itself charges 1 RU for everything, so sizes
 * are what we have; the SDK's own metadata calls are kept apart.
 */

export type OpKind = 'read' | 'create' | 'upsert' | 'replace' | 'delete' | 'patch' | 'query' | 'queryPlan' | 'meta';

export interface CosmosOp {
  kind: OpKind;
  status: number;
  /** Request body bytes (the document, for writes). */
  requestBytes: number;
  /** Response body bytes (the document, for reads; the page, for queries). */
  responseBytes: number;
  /** Documents in a query page. */
  documents: number;
  /** `type` of the document (from its id prefix or body): golive, unitStatus, notification, … */
  docType: string;
  ru: number;
}

const DOC = /^\/+dbs\/[^/]+\/colls\/[^/]+\/docs(?:\/([^/?]+))?/;

function isTrue(v: string | string[] | undefined): boolean {
  return String(v ?? '').toLowerCase() === 'true';
}

function classify(req: http.IncomingMessage): { kind: OpKind; id?: string } {
  const m = DOC.exec(req.url ?? '');
  if (!m) return { kind: 'meta' };
  const id = m[1] ? decodeURIComponent(m[1]) : undefined;
  switch (req.method) {
    case 'GET':
      return id ? { kind: 'read', id } : { kind: 'meta' };
    case 'PUT':
      return { kind: 'replace', id };
    case 'DELETE':
      return { kind: 'delete', id };
    case 'PATCH':
      return { kind: 'patch', id };
    case 'POST':
      // The SDK asks the gateway for a query plan before a query; Azure answers it without
      // touching documents, while the test server runs the query for it too.
      if (isTrue(req.headers['x-ms-cosmos-is-query-plan-request'])) return { kind: 'queryPlan' };
      if (isTrue(req.headers['x-ms-documentdb-isquery']) || req.headers['content-type'] === 'application/query+json')
        return { kind: 'query' };
      if (isTrue(req.headers['x-ms-documentdb-is-upsert'])) return { kind: 'upsert' };
      return { kind: 'create' };
    default:
      return { kind: 'meta' };
  }
}

function estimate(kind: OpKind, status: number, requestBytes: number, responseBytes: number): number {
  if (kind === 'meta' || kind === 'queryPlan') return 0;
  // A 404, and a 304 to a conditional read (no document sent), as 1 RU, like the smallest read.
  if (kind === 'read') return status === 200 ? readRu(responseBytes) : 1;
  if (kind === 'query') return queryRu(status === 200 ? responseBytes : 0);
  // Writes refused for a conflict (409) or a stale ETag (412) are charged too; ~1 RU is assumed.
  if (status >= 400) return 1;
  return writeRu(requestBytes);
}

export function sniff(server: http.Server, sink: (op: CosmosOp) => void): void {
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { kind, id } = classify(req);
    const requestBytes = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') keep(chunk);
      return end(chunk, ...rest);
    }) as typeof res.end;
    res.on('finish', () => {
      const body = Buffer.concat(chunks);
      let documents = 0;
      let docType = id ? id.split(':')[0]! : '';
      if (kind !== 'meta' && kind !== 'queryPlan' && body.length > 0) {
        try {
          const parsed = JSON.parse(body.toString('utf8')) as { Documents?: { type?: unknown }[]; type?: unknown };
          if (Array.isArray(parsed.Documents)) {
            documents = parsed.Documents.length;
            docType = [...new Set(parsed.Documents.map((d) => String(d?.type ?? '?')))].sort().join('+');
          } else if (typeof parsed.type === 'string') docType = parsed.type;
        } catch {
          // Not JSON: an error page; the status says enough.
        }
      }
      sink({
        kind,
        status: res.statusCode,
        requestBytes,
        responseBytes: body.length,
        documents,
        docType,
        ru: estimate(kind, res.statusCode, requestBytes, body.length),
      });
    });
  });
}

/**
 * Answers a point read sent with `If-None-Match` as Azure Cosmos DB does ("Get a Document":
 * the response includes a body only if the stored ETag differs): 304 without a body when the
 * ETag still matches. `@vercel/cosmosdb-server` ignores the header on document reads and
 * always sends the document; install this before `sniff`, so the watcher sees the 304.
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
