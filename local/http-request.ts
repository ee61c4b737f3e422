/*
 * The request object under the library's own `HttpRequest` (issue 17 item 2).
 *
 * `@azure/functions`' HttpRequest keeps a WHATWG `Request` (undici) and hands `url`, `method`,
 * `headers` and the body methods on to it. Built from the worker's RPC data, that Request costs
 * ~45 µs (a web stream over a copy of the body, an AbortSignal, header validation), and reading
 * the body back through the stream ~20 µs more: a quarter of a unit report's CPU on the local
 * runtime. The library takes a ready `nativeRequest` in the same init it gets from the RPC data
 * (its own streaming path passes one), so the local runtime passes this one: the handler still
 * gets the library's `HttpRequest` (same class, same `query`, `params`, `user`), whose
 * `headers` is a real `Headers`, and whose body methods answer from the bytes the host read,
 * with the same results and errors as undici's (`text`/`json` decode UTF-8 and drop a BOM; a
 * body is read once, then "unusable"; no body reads as empty). What nobody on the hot path
 * uses (`body` as a stream, `blob`, `formData`, `clone`) builds the real Request on first use
 * and hands on to it from then on.
 *
 * Only for requests the library would build without complaint (see `lightRequestOf`); the
 * others go the library's own way, errors and warnings included.
 */

/** What `@azure/functions`' HttpRequest reads from its native request. */
export interface NativeRequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
  formData(): Promise<FormData>;
  json(): Promise<unknown>;
  text(): Promise<string>;
  clone(): Request;
}

const utf8 = new TextDecoder();

/** UTF-8 as undici's body mixin decodes it: one BOM dropped by hand, then a TextDecoder that drops another. */
function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return utf8.decode(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
}

/** Methods undici's Request takes as they are (the host upper-cases them). */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export class LightRequest implements NativeRequestLike {
  readonly url: string;
  readonly method: string;
  /** Emptied by `release`. */
  headers: Headers;
  /** Undefined: no body (undici's `body === null`). */
  #bytes: Uint8Array | undefined;
  #used = false;
  #real: Request | undefined;

  constructor(url: string, method: string, headers: Headers, bytes: Uint8Array | undefined) {
    this.url = url;
    this.method = method;
    this.headers = headers;
    this.#bytes = bytes !== undefined && bytes.length > 0 ? bytes : undefined;
  }

  /**
   * Lets go of the headers and body once the invocation has answered (issue 17, fourth round).
   * The library's HttpRequest keeps this object as the value of a module-level WeakMap, and
   * V8's scavenger keeps such values alive after their key has died: what is left here is
   * promoted with it. A handler that reads its request after it returned finds it empty.
   */
  release(): void {
    this.#bytes = undefined;
    this.#used = true;
    this.#real = undefined;
    this.headers = RELEASED_HEADERS;
  }

  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#materialize().body;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    if (bytes === null) return this.#materialize().arrayBuffer();
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  text(): Promise<string> {
    const bytes = this.#take();
    if (bytes === null) return this.#materialize().text();
    return Promise.resolve(decodeUtf8(bytes));
  }

  json(): Promise<unknown> {
    const bytes = this.#take();
    if (bytes === null) return this.#materialize().json();
    try {
      return Promise.resolve(JSON.parse(decodeUtf8(bytes)) as unknown);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  blob(): Promise<Blob> {
    return this.#materialize().blob();
  }

  formData(): Promise<FormData> {
    return this.#materialize().formData();
  }

  clone(): Request {
    return this.#materialize().clone();
  }

  /**
   * The bytes for a read that may go ahead here, marking the body used; null when the read
   * must go to the real Request (built already, or the body was read before: undici's error).
   */
  #take(): Uint8Array | null {
    if (this.#real || this.#used) return null;
    if (this.#bytes === undefined) return EMPTY;
    this.#used = true;
    return this.#bytes;
  }

  /** The real Request, built once, in the state this one is in (its body read if this one's was). */
  #materialize(): Request {
    if (!this.#real) {
      const real = new Request(this.url, { method: this.method, headers: this.headers, body: this.#bytes });
      // Reading starts synchronously (the stream is locked and disturbed at once), as it did here.
      if (this.#used) real.arrayBuffer().catch(() => undefined);
      this.#real = real;
    }
    return this.#real;
  }
}

const EMPTY = new Uint8Array(0);
const RELEASED_HEADERS = new Headers();

/**
 * A LightRequest for what the host received, or undefined where undici's Request would refuse
 * it or the library would change it (a method it rejects or rewrites, credentials in the URL,
 * a body on GET/HEAD, a header it cannot take): those take the library's own path.
 */
export function lightRequestOf(req: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
}): LightRequest | undefined {
  if (!PLAIN_METHODS.has(req.method)) return undefined;
  if (req.url.username !== '' || req.url.password !== '') return undefined;
  if (req.body.length > 0 && (req.method === 'GET' || req.method === 'HEAD')) return undefined;
  let headers: Headers;
  try {
    headers = new Headers(req.headers);
  } catch {
    return undefined;
  }
  return new LightRequest(req.url.href, req.method, headers, req.body);
}
