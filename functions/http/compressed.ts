import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { RouteResult } from './route';

/*
 * Compressed answers for the pages and their assets (issue 16): brotli or gzip as the browser
 * accepts (`Accept-Encoding`), each encoding made once per body and kept in memory, with
 * `Content-Encoding`, `Vary: Accept-Encoding` and an ETag per encoding (304 on a match). This
 * runs in the function, so Azure and the local runtime answer alike, with or without a front
 * door that compresses.
 */

export type Encoding = 'br' | 'gzip' | 'identity';

/** The encodings a body is kept in, made on first use. */
export interface Representations {
  /** The body's own ETag (identity); the others append `-br` / `-gz`. */
  tag: string;
  type: string;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

export const etagOf = (body: string | Buffer): string => createHash('sha256').update(body).digest('base64url').slice(0, 22);

export const representations = (body: string, type: string): Representations => {
  const identity = Buffer.from(body, 'utf8');
  return { tag: etagOf(identity), type, identity };
};

/**
 * The encoding to answer with: brotli if accepted, else gzip, else none (RFC 9110 §12.5.3:
 * `q=0` refuses; `*` stands for any not named). Brotli first: it is the smaller one.
 */
export function negotiate(acceptEncoding: string | null): Encoding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    if (name) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip') || accepts('x-gzip')) return 'gzip';
  return 'identity';
}

/** Below this a compressed body saves less than its headers cost. */
const MIN_BYTES = 256;

function encoded(r: Representations, encoding: Encoding): Buffer {
  if (encoding === 'br')
    return (r.br ??= zlib.brotliCompressSync(r.identity, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: r.identity.length,
      },
    }));
  if (encoding === 'gzip') return (r.gzip ??= zlib.gzipSync(r.identity, { level: 9 }));
  return r.identity;
}

const etagFor = (r: Representations, encoding: Encoding) => `"${r.tag}${encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : ''}"`;

/**
 * The answer for `r` to a request with these headers: 304 when `If-None-Match` names any
 * encoding of this body (the content is the same), else the body in the best accepted
 * encoding. Revalidated on every load (`no-cache`), so a new deployment is picked up at once.
 */
export function compressedAnswer(
  r: Representations,
  headers: { get(name: string): string | null },
  extra: Record<string, string> = {},
): RouteResult {
  const encoding = r.identity.length < MIN_BYTES ? 'identity' : negotiate(headers.get('accept-encoding'));
  const etag = etagFor(r, encoding);
  const common = { etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding', ...extra };
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch) {
    const tags = new Set(ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, '')));
    if (tags.has('*') || (['identity', 'gzip', 'br'] as const).some((e) => tags.has(etagFor(r, e))))
      return { status: 304, headers: common };
  }
  return {
    status: 200,
    bytes: encoded(r, encoding),
    contentType: r.type,
    headers: encoding === 'identity' ? common : { ...common, 'content-encoding': encoding },
  };
}

/**
 * Bodies made per request (the pages' HTML: the same template with the go-live's id) kept by
 * content, so each distinct page is compressed once; the oldest is dropped past `max`.
 */
export class RepresentationCache {
  readonly #entries = new Map<string, Representations>();
  constructor(readonly max = 200) {}

  of(body: string, type: string): Representations {
    const key = `${type}\u0000${body}`;
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const r = representations(body, type);
    this.#entries.set(key, r);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
    return r;
  }
}
