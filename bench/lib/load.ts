import http from 'node:http';
import { ownCpuMs, processCpuMs } from './procs';
import { RawConnection, requestBytes } from './raw-client';
import { percentile } from './stats';

/*
 * A small closed-loop load generator (autocannon is not a dependency): N keep-alive
 * connections, each sending its next request as soon as the previous answer is read. Bounded in
 * requests and in time, and refuses anything but a loopback address. Two clients: `raw` (the
 * default since issue 17's fourth round: one buffer per request over a TCP socket,
 * `raw-client.ts`) and `node-http` (Node's `http.request` on a keep-alive agent, the
 * generator of every run before; ~4–8× the client CPU per request on the cores it shares
 * with the server).
 */

export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface LoadOptions {
  /** `http://127.0.0.1:port` (loopback only). */
  origin: string;
  connections: number;
  /** Requests before the measured window; their answers are checked, not timed. */
  warmupMs: number;
  /**
   * The window opens only after this many answers as well (default: one per connection), so a
   * slow server is measured in steady state rather than while it drains the first burst; but
   * no later than `maxWarmupMs`.
   */
  warmupMinCompletions?: number;
  maxWarmupMs?: number;
  durationMs: number;
  /** Upper bound on measured requests, whatever the duration. */
  maxRequests: number;
  /** The request connection `conn` sends next. */
  request: (conn: number) => LoadRequest;
  expectStatus: number;
  /** Mixed loads: the kind of request a connection sends (latencies are also reported per kind). */
  kindOf?: (conn: number) => string;
  /** Answers counted as shed load rather than errors (e.g. 503 with Retry-After). */
  shedStatus?: number;
  /** Mixed loads: the status a connection's request should get, when not `expectStatus`. */
  expectStatusOf?: (conn: number) => number;
  /** The server's pid, to read its CPU time over the measured window. */
  serverPid?: number;
  /** Which client sends the requests (default `raw`). */
  client?: LoadClient;
}

export type LoadClient = 'raw' | 'node-http';

export interface KindResult {
  requests: number;
  shed: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** Answers inside the window (throughput); latencies are of the requests also sent inside it. */
  requests: number;
  /** Answers with another status, and failed connections, in the measured window. */
  errors: number;
  /** Expected answers over the whole run, warm-up included (what the store should now hold). */
  okTotal: number;
  /** False when the window opened at `maxWarmupMs` before the first burst had drained. */
  steady: boolean;
  warmupMs: number;
  firstError?: string;
  elapsedMs: number;
  /** The measured window in ms since the epoch (to match a server's own records). */
  windowStartEpoch: number;
  windowEndEpoch: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU the server used per measured request, when its pid was given. */
  serverCpuUsPerRequest?: number;
  /** CPU this (client) process used per measured request. */
  clientCpuUsPerRequest: number;
  /** Answers with `shedStatus` inside the window (not errors). */
  shed: number;
  /** Per kind, when `kindOf` was given. */
  byKind?: Record<string, KindResult>;
}

function assertLoopback(origin: string): URL {
  const u = new URL(origin);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
    throw new Error(`The load generator only talks to loopback, not ${u.hostname}.`);
  return u;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const target = assertLoopback(o.origin);
  const raw = (o.client ?? 'raw') === 'raw';
  // One client or the other: the keep-alive agent only for `node-http`, the raw connections only for `raw`.
  const agent = raw ? undefined : new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  const rawConnections = raw ? Array.from({ length: o.connections }, () => new RawConnection(Number(target.port), target.hostname)) : [];
  const latencies = new Float64Array(o.maxRequests);
  let measured = 0;
  let timed = 0;
  let shed = 0;
  const kinds = new Map<string, { latencies: number[]; requests: number; shed: number; errors: number }>();
  let errors = 0;
  let okTotal = 0;
  let firstError: string | undefined;
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let windowStart = 0;
  let windowEnd = 0;
  let serverCpu0: number | undefined;
  let serverCpu1: number | undefined;
  let clientCpu0 = 0;
  let clientCpu1 = 0;

  /**
   * A keep-alive socket the server closed while it sat idle fails at once with ECONNRESET on
   * reuse; as Node's documentation advises, such a request is sent once more on a new socket.
   */
  const send = async (req: LoadRequest, conn: number): Promise<{ status: number; body: () => string }> => {
    if (raw) {
      const a = await rawConnections[conn]!.send(requestBytes(target.host, req));
      return { status: a.status, body: () => a.body.toString('utf8') };
    }
    try {
      return await sendOnce(req);
    } catch (e) {
      if ((e as { reusedSocket?: boolean }).reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET') return sendOnce(req);
      throw e;
    }
  };

  const sendOnce = (req: LoadRequest): Promise<{ status: number; body: () => string }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers };
      if (req.body) headers['content-length'] = String(req.body.length);
      const r = http.request(
        { agent, hostname: target.hostname, port: target.port, method: req.method, path: req.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: () => body });
          });
          res.on('error', reject);
        },
      );
      r.on('error', (e) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })));
      r.end(req.body);
    });

  let completions = 0;
  let steady = true;
  const started = performance.now();
  let stopTimer: NodeJS.Timeout | undefined;
  const startMeasuring = (): void => {
    if (phase !== 'warmup') return;
    phase = 'measure';
    windowStart = performance.now();
    stopTimer = setTimeout(stopMeasuring, o.durationMs);
    serverCpu0 = o.serverPid === undefined ? undefined : processCpuMs(o.serverPid);
    clientCpu0 = ownCpuMs();
  };
  const stopMeasuring = (): void => {
    if (phase !== 'measure') return;
    phase = 'stop';
    windowEnd = performance.now();
    serverCpu1 = o.serverPid === undefined ? undefined : processCpuMs(o.serverPid);
    clientCpu1 = ownCpuMs();
  };

  const loop = async (conn: number): Promise<void> => {
    while (phase !== 'stop') {
      const t = performance.now();
      let ok = false;
      let wasShed = false;
      let error: string | undefined;
      try {
        const res = await send(o.request(conn), conn);
        ok = res.status === (o.expectStatusOf ? o.expectStatusOf(conn) : o.expectStatus);
        wasShed = !ok && o.shedStatus !== undefined && res.status === o.shedStatus;
        if (!ok && !wasShed) error = `${res.status} ${res.body().slice(0, 300)}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      if (ok) okTotal++;
      completions++;
      if (phase === 'warmup' && completions >= (o.warmupMinCompletions ?? o.connections) && performance.now() - started >= o.warmupMs)
        startMeasuring();
      // Throughput counts every answer inside the window, whenever its request was sent; latency
      // only requests sent inside it too, so a straggler from the warm-up does not pose as p99.
      if (phase !== 'measure') continue;
      if (measured >= o.maxRequests) {
        stopMeasuring();
        continue;
      }
      measured++;
      const latency = performance.now() - t;
      if (t >= windowStart) latencies[timed++] = latency;
      if (wasShed) shed++;
      else if (!ok) {
        errors++;
        firstError ??= error;
      }
      if (o.kindOf) {
        const name = o.kindOf(conn);
        let k = kinds.get(name);
        if (!k) kinds.set(name, (k = { latencies: [], requests: 0, shed: 0, errors: 0 }));
        k.requests++;
        if (wasShed) k.shed++;
        else if (!ok) k.errors++;
        if (t >= windowStart) k.latencies.push(latency);
      }
    }
  };

  const warmupTimer = setTimeout(
    () => {
      steady = false;
      startMeasuring();
    },
    Math.max(o.warmupMs, o.maxWarmupMs ?? 30_000),
  );
  await Promise.all(Array.from({ length: o.connections }, (_, c) => loop(c)));
  clearTimeout(warmupTimer);
  clearTimeout(stopTimer);
  agent?.destroy();
  for (const c of rawConnections) c.close();

  const elapsedMs = windowEnd - windowStart;
  const sorted = latencies.subarray(0, timed).sort();
  return {
    requests: measured,
    errors,
    okTotal,
    steady,
    warmupMs: windowStart - started,
    ...(firstError ? { firstError } : {}),
    elapsedMs,
    windowStartEpoch: performance.timeOrigin + windowStart,
    windowEndEpoch: performance.timeOrigin + windowEnd,
    rps: (measured / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    ...(serverCpu0 !== undefined && serverCpu1 !== undefined
      ? { serverCpuUsPerRequest: ((serverCpu1 - serverCpu0) * 1000) / measured }
      : {}),
    clientCpuUsPerRequest: ((clientCpu1 - clientCpu0) * 1000) / measured,
    shed,
    ...(o.kindOf
      ? {
          byKind: Object.fromEntries(
            [...kinds].map(([name, k]) => {
              const l = Float64Array.from(k.latencies).sort();
              return [
                name,
                {
                  requests: k.requests,
                  shed: k.shed,
                  errors: k.errors,
                  p50: percentile(l, 50),
                  p99: percentile(l, 99),
                  max: percentile(l, 100),
                },
              ];
            }),
          ),
        }
      : {}),
  };
}
