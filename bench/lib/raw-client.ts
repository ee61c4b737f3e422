import net from 'node:net';

/*
 * The load generator's lean client (issue 17, fourth round): one keep-alive TCP connection that
 * writes a request as one buffer and reads the answer with just enough HTTP/1.1 to find where
 * it ends (status line, Content-Length or chunked). Node's `http.request` costs the generator
 * ~60–90 µs of CPU a request on the same two cores as the server, and its garbage adds its own
 * pauses to every latency measured; this one a fraction of that, so the server gets the
 * cores and the latencies are the server's. Loopback only (the caller checks).
 */

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  /** The body's bytes; read them as text only when needed. */
  body: Buffer;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** The bytes of a request, built once per distinct request and reused. */
export function requestBytes(host: string, req: RawRequest): Buffer {
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  head += `content-length: ${req.body?.length ?? 0}\r\n\r\n`;
  const h = Buffer.from(head, 'latin1');
  return req.body?.length ? Buffer.concat([h, req.body]) : h;
}

interface Waiting {
  resolve: (a: RawAnswer) => void;
  reject: (e: Error) => void;
}

/** Where a chunked body ends (the index after its last CRLF), or -1 while incomplete; the body in `out`. */
function chunkedEnd(buf: Buffer, from: number, out: Buffer[]): number {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, eol).split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    const dataStart = eol + 2;
    if (size === 0) {
      const end = buf.indexOf(CRLFCRLF, eol);
      // No trailers: the last chunk's CRLF is followed directly by the final CRLF.
      if (buf.length >= dataStart + 2 && buf[dataStart] === 13 && buf[dataStart + 1] === 10) return dataStart + 2;
      return end < 0 ? -1 : end + 4;
    }
    if (buf.length < dataStart + size + 2) return -1;
    out.push(buf.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

export class RawConnection {
  #socket: net.Socket | undefined;
  #buf: Buffer = Buffer.alloc(0);
  #waiting: Waiting | undefined;
  #closed = true;

  constructor(
    private readonly port: number,
    private readonly hostname: string,
  ) {}

  #connect(): net.Socket {
    const s = net.connect({ port: this.port, host: this.hostname, noDelay: true });
    this.#closed = false;
    this.#buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d;
      this.#parse();
    });
    const gone = (e?: Error) => {
      this.#closed = true;
      if (this.#socket === s) this.#socket = undefined;
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.reject(e ?? new Error('connection closed by the server'));
    };
    s.on('error', gone);
    s.on('close', () => gone());
    return s;
  }

  #parse(): void {
    const w = this.#waiting;
    if (!w) return;
    const buf = this.#buf;
    const headEnd = buf.indexOf(CRLFCRLF);
    if (headEnd < 0) return;
    const head = buf.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
    let body: Buffer;
    let end: number;
    if (cl) {
      end = headEnd + 4 + Number(cl[1]);
      if (buf.length < end) return;
      body = buf.subarray(headEnd + 4, end);
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
      const parts: Buffer[] = [];
      end = chunkedEnd(buf, headEnd + 4, parts);
      if (end < 0) return;
      body = Buffer.concat(parts);
    } else {
      // No length and not chunked: the body runs to the end of the connection (not used by the runtime).
      return;
    }
    this.#buf = buf.length > end ? buf.subarray(end) : Buffer.alloc(0);
    this.#waiting = undefined;
    if (/\r\nconnection:\s*close/.test(lower)) this.#socket?.end();
    w.resolve({ status, body });
  }

  /** Sends one request (its bytes from `requestBytes`) and answers when its response has been read whole. */
  send(bytes: Buffer): Promise<RawAnswer> {
    if (this.#waiting) return Promise.reject(new Error('one request at a time per connection'));
    if (!this.#socket || this.#closed) this.#socket = this.#connect();
    const s = this.#socket;
    return new Promise<RawAnswer>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      s.write(bytes);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}
