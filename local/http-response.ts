/*
 * A handler's `HttpResponseInit` as the host writes it, without the library's round trip
 * (issue 17 item 2).
 *
 * In the worker, `getResponse` turns what an HTTP handler returned into RPC data: `new
 * HttpResponse(init)` (an undici Response with a web stream over the body), its headers read
 * back through `Headers.entries()`, its body read back through the stream — ~45 µs a request,
 * for a string the handler already had. `plainHttpResponse` gives the same status, headers and
 * bytes straight from a plain init, following the same rules:
 *
 * - status: 200 when absent; 204, 205 and 304 carry no body;
 * - headers: names lower-cased, values trimmed of HTTP whitespace, a name given twice (in two
 *   spellings) joined with ", ", in the sorted order `Headers` iterates;
 * - `jsonBody` (when not null) wins over `body`: JSON text, `content-type: application/json`
 *   unless the handler set one; a string body is UTF-8 with `text/plain;charset=UTF-8` unless
 *   set; bytes (any ArrayBuffer view, an ArrayBuffer) as they are (read, not copied: the
 *   library copies them because a stream owns them; here nothing writes to them after).
 *
 * Anything else — an `HttpResponse` instance, headers as a `Headers` or pairs, a value undici
 * would refuse or convert (a status outside 200–599, a non-string header value, a header with
 * CR/LF or past Latin-1), cookies, `set-cookie` among the headers, a body of another kind
 * (stream, Blob, FormData, URLSearchParams, an object), JSON that does not stringify — answers
 * undefined, and the caller takes the library's own path, with its errors.
 */

import type { LocalHttpResponse } from './invoke';

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g;
// NUL, CR, LF, or past Latin-1: undici refuses these (or their ByteString conversion does).
const REFUSED_IN_VALUE = /[\0\r\n]|[^\0-\u00ff]/;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The answer for a plain `HttpResponseInit`; undefined where only the library's path gives the same. */
export function plainHttpResponse(init: unknown): LocalHttpResponse | undefined {
  if (!isPlainObject(init)) return undefined;
  if (init.cookies !== undefined && !(Array.isArray(init.cookies) && init.cookies.length === 0)) return undefined;

  const rawStatus = init.status;
  if (rawStatus !== undefined && !(typeof rawStatus === 'number' && Number.isInteger(rawStatus) && rawStatus >= 200 && rawStatus <= 599))
    return undefined;
  const status = rawStatus ?? 200;
  const nullBody = NULL_BODY_STATUSES.has(status);

  const headers = new Map<string, string[]>();
  if (init.headers !== undefined && init.headers !== null) {
    if (!isPlainObject(init.headers) || Object.getOwnPropertySymbols(init.headers).length > 0) return undefined;
    for (const name of Object.keys(init.headers)) {
      const raw = init.headers[name];
      if (typeof raw !== 'string' || !TOKEN.test(name)) return undefined;
      const value = raw.replace(HTTP_WHITESPACE_AROUND, '');
      if (REFUSED_IN_VALUE.test(value)) return undefined;
      const key = name.toLowerCase();
      if (key === 'set-cookie') return undefined;
      const before = headers.get(key);
      headers.set(key, [before === undefined ? value : `${before[0]}, ${value}`]);
    }
  }

  let body: Buffer;
  let type: string | undefined;
  if (init.jsonBody !== undefined && init.jsonBody !== null && !nullBody) {
    let text: unknown;
    try {
      text = JSON.stringify(init.jsonBody);
    } catch {
      return undefined;
    }
    if (typeof text !== 'string') return undefined;
    body = Buffer.from(text, 'utf8');
    type = 'application/json';
  } else {
    const b = nullBody ? undefined : init.body;
    if (b === undefined || b === null) body = Buffer.alloc(0);
    else if (typeof b === 'string') {
      body = Buffer.from(b, 'utf8');
      type = 'text/plain;charset=UTF-8';
    } else if (ArrayBuffer.isView(b)) body = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    else if (b instanceof ArrayBuffer) body = Buffer.from(b);
    else return undefined;
  }
  if (type !== undefined && !headers.has('content-type')) headers.set('content-type', [type]);

  // `Headers` iterates its names sorted; the RPC data, and so the host's answer, follow that order.
  const sorted = new Map<string, string[]>();
  for (const name of [...headers.keys()].sort()) sorted.set(name, headers.get(name)!);
  return { status, headers: sorted, body };
}
