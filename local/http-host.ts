import { lookup } from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import type { FunctionRegistry, RegisteredFunction } from './core-shim';
import { lightRequestOf } from './http-request';
import { printLine } from './log-lines';
import type { ExtraInputProvider, LocalHttpResponse } from './invoke';
import { invokeHttpFunction } from './invoke';
import type { PhaseRecord, RequestPhases } from './request-phases';
import type { AdmissionOptions, AdmissionStats, Ticket } from './admission';
import { Admission } from './admission';

/*
 * Serves the app's HTTP-trigger registrations the way the Functions host routes them:
 * `{routePrefix}/{route}` templates with parameters, methods from the binding, the function
 * name as the default route. Problems the host itself answers (404, 405, 413, 500) are
 * RFC 9457 documents like the app's own.
 */

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * The Functions host's own limit (`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT`, default 100 MB): no
 * route may take more, whatever it declares.
 */
export const HOST_MAX_BODY_BYTES = 104_857_600;

/**
 * How long a body may stall: no byte for this long while fewer than Content-Length have come
 * answers 408 and closes the connection (issue 13 item 14: Node alone held it ~310 s). An idle
 * bound, not a total one, so a slow 10 MiB upload that keeps moving is never cut off.
 */
export const BODY_IDLE_TIMEOUT_MS = 20_000;

/** Starts a timer and answers how to cancel it (injected by tests; real timers otherwise). */
export type SetTimer = (fn: () => void, ms: number) => () => void;

const realTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * A route's own body limit, from its trigger's `maxBodyBytes` (upload routes declare more
 * than the default); the host default otherwise. Azure ignores the property and leaves the
 * check to the app, which makes it too.
 */
export function bodyLimitOf(fn: RegisteredFunction, hostDefault: number): number {
  const declared = fn.trigger.maxBodyBytes;
  return typeof declared === 'number' && Number.isFinite(declared) && declared > 0 ? Math.min(declared, HOST_MAX_BODY_BYTES) : hostDefault;
}

import type { Lang } from '../shared/domain/lang';
import { PEER_HEADER } from '../shared/http/auth';
type Texts = Record<Lang, string>;

const TITLES: Record<number, Texts> = {
  400: { sv: 'Ogiltig begäran', en: 'Bad request' },
  404: { sv: 'Hittades inte', en: 'Not found' },
  405: { sv: 'Metoden stöds inte', en: 'Method not allowed' },
  408: { sv: 'Begäran tog för lång tid', en: 'Request timeout' },
  409: { sv: 'Konflikt', en: 'Conflict' },
  413: { sv: 'För stor begäran', en: 'Payload too large' },
  431: { sv: 'För stora huvuden', en: 'Request header fields too large' },
  500: { sv: 'Internt fel', en: 'Internal error' },
  503: { sv: 'Tjänsten är inte tillgänglig just nu', en: 'Service unavailable' },
};

/** Admission control and load shedding: local/admission.ts (issue 17 item 5). */
export { DEFAULT_ADMISSION, type AdmissionOptions, type AdmissionStats } from './admission';

/** A problem the host answers itself; `code` matches the app's problem codes where one exists. */
export class HostHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly texts: Texts,
    readonly headers: Record<string, string> = {},
  ) {
    super(texts.en);
  }
}

/** A route the host itself serves below the prefix (e.g. `_local/clock`), matched before functions. */
export interface HostRoute {
  path: string;
  handlers: Partial<Record<string, (req: { body: Buffer; url: URL }) => Promise<{ status: number; json: unknown }>>>;
}

/**
 * A host API outside the route prefix, as the Functions host serves its own webhooks (e.g. the
 * Durable Functions API under `/runtime/webhooks/durabletask`). It answers JSON.
 */
export interface HostMount {
  /** Absolute path it owns, with everything below it; matched case-insensitively. */
  path: string;
  handle(req: {
    method: string;
    url: URL;
    headers: Record<string, string>;
    body: Buffer;
  }): Promise<{ status: number; headers?: Record<string, string>; json?: unknown }>;
}

// ---------------------------------------------------------------------------------------------
// Route templates

type SegmentKind = 'literal' | 'complex' | 'constrained' | 'parameter' | 'optional' | 'catchAll';

interface RouteParam {
  name: string;
  constraints: string[];
  optional: boolean;
}

export interface CompiledRoute {
  template: string;
  regex: RegExp;
  params: RouteParam[];
  /** Per segment, lower is more specific; routes are tried in this order, as ASP.NET does. */
  precedence: number[];
}

const KIND_RANK: Record<SegmentKind, number> = { literal: 1, complex: 2, constrained: 3, parameter: 4, optional: 5, catchAll: 6 };

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseParam(inner: string): RouteParam & { catchAll: boolean; hasDefault: boolean } {
  let body = inner;
  const catchAll = body.startsWith('*');
  body = body.replace(/^\*{1,2}/, '');
  let hasDefault = false;
  const eq = body.indexOf('=');
  if (eq >= 0) {
    hasDefault = true;
    body = body.slice(0, eq);
  }
  let optional = hasDefault;
  if (body.endsWith('?')) {
    optional = true;
    body = body.slice(0, -1);
  }
  const [name = '', ...constraints] = body.split(':');
  if (!name) throw new Error(`Empty route parameter in "{${inner}}".`);
  return { name, constraints, optional: optional || catchAll, catchAll, hasDefault };
}

/** Compiles an ASP.NET-style route template (`golives/{goLiveId}/units/{unitId:int?}`). */
export function compileRoute(template: string): CompiledRoute {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((s) => s.length > 0);
  const params: RouteParam[] = [];
  const precedence: number[] = [];
  let source = '';
  segments.forEach((segment, index) => {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole) {
      const p = parseParam(whole[1]!);
      params.push(p);
      if (p.catchAll) {
        if (index !== segments.length - 1) throw new Error(`A catch-all parameter must be the last segment of "${template}".`);
        source += '(?:/(.*))?';
        precedence.push(KIND_RANK.catchAll);
      } else if (p.optional) {
        source += '(?:/([^/]+))?';
        precedence.push(KIND_RANK.optional);
      } else {
        source += '/([^/]+)';
        precedence.push(p.constraints.length > 0 ? KIND_RANK.constrained : KIND_RANK.parameter);
      }
      return;
    }
    let part = '';
    let last = 0;
    for (const m of segment.matchAll(/\{([^{}]+)\}/g)) {
      part += escapeRegex(segment.slice(last, m.index));
      const p = parseParam(m[1]!);
      params.push({ ...p, optional: false });
      part += '([^/]+?)';
      last = m.index + m[0].length;
    }
    part += escapeRegex(segment.slice(last));
    source += `/${part}`;
    precedence.push(last === 0 ? KIND_RANK.literal : KIND_RANK.complex);
  });
  // Literals match case-insensitively and a trailing slash is ignored, as in ASP.NET routing.
  return { template, regex: new RegExp(`^${source}/?$`, 'i'), params, precedence };
}

const CONSTRAINTS: Record<string, (v: string) => boolean> = {
  int: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 31,
  long: (v) => /^-?\d+$/.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  guid: (v) => /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  double: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  decimal: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  float: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
};

/** Matches a path below the route prefix; params are decoded. Unknown constraints are not checked. */
export function matchRoute(route: CompiledRoute, path: string): Record<string, string> | undefined {
  const m = route.regex.exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const raw = m[i + 1];
    const p = route.params[i]!;
    if (raw === undefined || raw === '') continue;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    for (const c of p.constraints) {
      const check = CONSTRAINTS[c.toLowerCase()];
      if (check && !check(value)) return undefined;
    }
    params[p.name] = value;
  }
  return params;
}

function comparePrecedence(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return b.length - a.length;
}

interface FunctionRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  /** Upper-case; undefined = every method. */
  methods?: Set<string>;
}

/** The HTTP routes of the registered functions, most specific first. */
export function functionRoutes(registry: FunctionRegistry): FunctionRoute[] {
  const routes = registry.byTrigger('httpTrigger').map((fn, order) => {
    const template = typeof fn.trigger.route === 'string' && fn.trigger.route.trim() !== '' ? fn.trigger.route : fn.name;
    const methods =
      Array.isArray(fn.trigger.methods) && fn.trigger.methods.length > 0
        ? new Set(fn.trigger.methods.map((m) => String(m).toUpperCase()))
        : undefined;
    return { fn, route: compileRoute(template), methods, order };
  });
  routes.sort((a, b) => comparePrecedence(a.route.precedence, b.route.precedence) || a.order - b.order);
  return routes.map(({ order: _order, ...r }) => r);
}

// ---------------------------------------------------------------------------------------------
// The server

export interface HttpHostOptions {
  registry: FunctionRegistry;
  /** From host.json `extensions.http.routePrefix`; '' serves functions at the root. */
  routePrefix?: string;
  maxBodyBytes?: number;
  hostRoutes?: HostRoute[];
  /** Host APIs outside the prefix, tried before anything else. */
  mounts?: HostMount[];
  extraInputs?: ReadonlyMap<string, ExtraInputProvider>;
  /** One line per request on stdout. */
  accessLog?: boolean;
  /** Load shedding of function invocations; `false` admits everything at once. */
  admission?: Partial<AdmissionOptions> | false;
  /** A stalled body answers 408 after this long without a byte. Default `BODY_IDLE_TIMEOUT_MS`. */
  bodyIdleTimeoutMs?: number;
  /** Timers for the body bound; tests fire them by hand. */
  setTimer?: SetTimer;
  /**
   * Who may use the host APIs (the mounts, e.g. the Durable HTTP API, and host routes such as
   * `_local/clock`) from a peer outside loopback (issue 13 item 7). Loopback peers (the app's own
   * durable client, a developer's curl) always may. Default: no one from outside loopback.
   */
  hostAccess?: HostAccess;
  /** Records each invocation's phases (diagnostic, `DRIFTPULS_PHASES_FILE`); off by default. */
  phases?: RequestPhases;
  /**
   * Give handlers the library's HttpRequest over its own undici Request, built by its
   * InvocationModel, and convert every answer through its HttpResponse, as the worker does
   * (issue 17 item 2: by default the host uses the lighter objects of http-request.ts and
   * http-response.ts and builds the arguments itself, which give the same values). Default:
   * `LOCAL_HTTP_OBJECTS=library` in the environment.
   */
  libraryObjects?: boolean;
}

/** Decides whether a request from a non-loopback peer may use a host API, from its headers. */
export type HostAccess = (headers: { get(name: string): string | null }) => boolean;

/** True for a socket peer on loopback (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopbackPeer(address: string | undefined): boolean {
  return address !== undefined && isLoopbackAddress(address);
}

export interface ListenOptions {
  port: number;
  host: string;
  /** Without it, only loopback addresses may be bound (see `assertRemoteAuthentication` in runtime.ts). */
  allowRemote?: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) return address === '::1' || /^::ffff:127\./i.test(address);
  return false;
}

/** True when every address the name resolves to is a loopback address. */
export async function isLoopbackHost(host: string): Promise<boolean> {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h)) return isLoopbackAddress(h);
  if (LOOPBACK_NAMES.has(h.toLowerCase())) return true;
  try {
    const addresses = await lookup(h, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

export class RemoteBindRefusedError extends Error {
  override name = 'RemoteBindRefusedError';
}

/** Throws unless `host` is loopback or remote access was asked for explicitly. */
export async function assertBindable(host: string, allowRemote: boolean): Promise<void> {
  if (allowRemote || (await isLoopbackHost(host))) return;
  throw new RemoteBindRefusedError(
    `Vägrar lyssna på ${host}: adressen nås från andra datorer. ` +
      'Använd 127.0.0.1 (standard), eller --allow-remote med inloggning (AUTH_MODE=appservice eller MACHINE_KEYS) om du verkligen menar det.',
  );
}

function languageOf(url: URL, headers: http.IncomingHttpHeaders): Lang {
  const q = url.searchParams.get('lang');
  if (q === 'en' || q === 'sv') return q;
  return (headers['accept-language'] ?? '').trim().toLowerCase().startsWith('en') ? 'en' : 'sv';
}

/**
 * The request's headers for a function, with `PEER_HEADER` saying whether the socket peer is on
 * loopback: the app serves its dev identities only there (issue 13 item 7). A caller's own
 * header of that name is replaced, never passed on.
 */
function withPeer(req: http.IncomingMessage): Record<string, string> {
  const headers = flattenHeaders(req.headers);
  headers[PEER_HEADER] = isLoopbackPeer(req.socket.remoteAddress) ? 'loopback' : 'remote';
  return headers;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; why: 'tooLarge' | 'stalled' };

/** The client closed the connection before its body arrived. */
class ClientGoneError extends Error {}

/**
 * Reads at most `limit` bytes. A declared Content-Length above the limit is refused without
 * reading; a body that grows past it stops being read, so a large upload costs no memory.
 */
function readBody(req: http.IncomingMessage, limit: number, idle: { ms: number; setTimer: SetTimer }): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, why: 'tooLarge' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let cancelTimer: () => void = () => undefined;
    const stalled = (): void => {
      cleanup();
      req.pause();
      resolve({ ok: false, why: 'stalled' });
    };
    const armTimer = (): void => {
      cancelTimer();
      cancelTimer = idle.setTimer(stalled, idle.ms);
    };
    const cleanup = (): void => {
      cancelTimer();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve({ ok: false, why: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
      armTimer();
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(new ClientGoneError(e.message));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    armTimer();
  });
}

export class HttpHost {
  readonly #registry: FunctionRegistry;
  readonly #prefix: string;
  readonly #maxBody: number;
  readonly #routes: FunctionRoute[];
  readonly #hostAccess: HostAccess | undefined;
  readonly #hostRoutes: { route: CompiledRoute; handlers: HostRoute['handlers'] }[];
  readonly #mounts: HostMount[];
  readonly #extraInputs: ReadonlyMap<string, ExtraInputProvider> | undefined;
  readonly #accessLog: boolean;
  readonly #admission: Admission | undefined;
  readonly #bodyIdle: { ms: number; setTimer: SetTimer };
  readonly #phases: RequestPhases | undefined;
  readonly #libraryObjects: boolean;
  readonly #server: http.Server;
  #baseUrl: URL | undefined;

  constructor(opts: HttpHostOptions) {
    this.#registry = opts.registry;
    this.#prefix = (opts.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
    this.#maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#routes = functionRoutes(opts.registry);
    this.#hostAccess = opts.hostAccess;
    this.#hostRoutes = (opts.hostRoutes ?? []).map((r) => ({ route: compileRoute(r.path), handlers: r.handlers }));
    this.#mounts = (opts.mounts ?? []).map((m) => ({ path: `/${m.path.replace(/^\/+|\/+$/g, '')}`, handle: (req) => m.handle(req) }));
    this.#extraInputs = opts.extraInputs;
    this.#accessLog = opts.accessLog ?? false;
    this.#admission = opts.admission === false ? undefined : new Admission(opts.admission);
    this.#bodyIdle = { ms: opts.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS, setTimer: opts.setTimer ?? realTimer };
    this.#phases = opts.phases;
    this.#libraryObjects = opts.libraryObjects ?? process.env.LOCAL_HTTP_OBJECTS === 'library';
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    // What Node answers itself (a malformed request, headers too large, a request timeout) is a problem document too.
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => clientErrorAnswer(err, socket));
  }

  /** What the admission control did so far (undefined when it is off). */
  get admissionStats(): Readonly<AdmissionStats> | undefined {
    return this.#admission?.stats;
  }

  get routePrefix(): string {
    return this.#prefix;
  }

  /** `http://host:port/prefix` once listening. */
  get url(): string {
    if (!this.#baseUrl) throw new Error('The HTTP host is not listening.');
    return new URL(this.#prefix ? `/${this.#prefix}` : '/', this.#baseUrl).href.replace(/\/$/, '');
  }

  /** Every function route with its methods, for the start-up listing. */
  routes(): { name: string; methods: string[]; path: string }[] {
    return this.#routes.map((r) => ({
      name: r.fn.name,
      methods: r.methods ? [...r.methods] : ['*'],
      path: `/${[this.#prefix, r.route.template.replace(/^\/+/, '')].filter(Boolean).join('/')}`,
    }));
  }

  async listen(opts: ListenOptions): Promise<string> {
    await assertBindable(opts.host, opts.allowRemote ?? false);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(opts.port, opts.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#baseUrl = new URL(`http://${host}:${address.port}`);
    return this.url;
  }

  /** Stops accepting, lets running requests finish for up to `graceMs`, then drops the rest. */
  async close(graceMs = 5000): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([closed, timeout]);
    clearTimeout(timer);
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    // On the admission's clock: a request's wait counts from here.
    const arrived = this.#admission?.now();
    const base = this.#baseUrl ?? new URL('http://127.0.0.1');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? base.host}`);
    } catch {
      url = new URL(req.url ?? '/', base);
    }
    const lang = languageOf(url, req.headers);
    const method = (req.method ?? 'GET').toUpperCase();
    const phase = this.#phases?.begin(method, url.pathname);
    try {
      await this.#dispatch(req, res, url, method, arrived, phase);
    } catch (e) {
      if (e instanceof HostHttpError) {
        this.#sendProblem(req, res, e, lang, url);
      } else if (e instanceof ClientGoneError) {
        // No one to answer, and nothing went wrong on our side.
        res.destroy();
      } else {
        this.#registry.emitLog({
          level: 'error',
          category: 'system',
          message: `${method} ${url.pathname} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        });
        this.#sendProblem(
          req,
          res,
          new HostHttpError(500, 'INTERNAL', {
            sv: 'Något gick fel hos oss. Felet är loggat.',
            en: 'Something went wrong on our side. The error is logged.',
          }),
          lang,
          url,
        );
      }
    } finally {
      if (phase) {
        phase.status = res.statusCode;
        this.#phases!.mark(phase, 'sent');
      }
      if (this.#accessLog) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        printLine(`${method} ${url.pathname}${url.search} → ${res.statusCode} (${ms.toFixed(1)} ms)`);
      }
    }
  }

  /** Host APIs from outside loopback need `hostAccess` to say yes; otherwise 401 (issue 13 item 7). */
  #assertHostAccess(req: http.IncomingMessage): void {
    if (isLoopbackPeer(req.socket.remoteAddress)) return;
    const headers = { get: (name: string) => flattenHeaders(req.headers)[name.toLowerCase()] ?? null };
    if (this.#hostAccess?.(headers)) return;
    throw new HostHttpError(
      401,
      'AUTH.UNAUTHENTICATED',
      {
        sv: 'Värdens gränssnitt (Durable-API, klockan) kräver en maskinnyckel med omfånget host (x-functions-key) utanför loopback.',
        en: 'The host APIs (Durable API, clock) need a machine key with scope host (x-functions-key) from outside loopback.',
      },
      { 'www-authenticate': 'x-functions-key' },
    );
  }

  async #dispatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    method: string,
    arrived: number | undefined,
    phase?: PhaseRecord,
  ): Promise<void> {
    const lowerPath = url.pathname.toLowerCase();
    const mount = this.#mounts.find((m) => lowerPath === m.path.toLowerCase() || lowerPath.startsWith(`${m.path.toLowerCase()}/`));
    if (mount) {
      this.#assertHostAccess(req);
      const body = await this.#body(req);
      const result = await mount.handle({ method, url, headers: flattenHeaders(req.headers), body });
      const json = result.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(result.json));
      this.#send(
        req,
        res,
        result.status,
        { ...(json.length ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...result.headers },
        json,
      );
      return;
    }

    const path = this.#belowPrefix(url.pathname);
    // Built only when needed: an Error captures a stack, which is not free on every request.
    const notFound = (): HostHttpError =>
      new HostHttpError(404, 'HTTP.NOT_FOUND', {
        sv: `Det finns ingen funktion på ${url.pathname}.`,
        en: `No function answers ${url.pathname}.`,
      });
    if (path === undefined) throw notFound();

    for (const hr of this.#hostRoutes) {
      if (!matchRoute(hr.route, path)) continue;
      const handler = hr.handlers[method];
      if (!handler) throw this.#methodNotAllowed(method, url, Object.keys(hr.handlers));
      this.#assertHostAccess(req);
      const body = await this.#body(req);
      const result = await handler({ body, url });
      this.#send(req, res, result.status, { 'content-type': 'application/json; charset=utf-8' }, Buffer.from(JSON.stringify(result.json)));
      return;
    }

    const allowed = new Set<string>();
    let target: { fn: RegisteredFunction; params: Record<string, string> } | undefined;
    for (const r of this.#routes) {
      const params = matchRoute(r.route, path);
      if (!params) continue;
      if (!r.methods || r.methods.has(method)) {
        target = { fn: r.fn, params };
        break;
      }
      for (const m of r.methods) allowed.add(m);
    }
    if (!target) {
      if (allowed.size > 0) throw this.#methodNotAllowed(method, url, [...allowed]);
      throw notFound();
    }

    const admission = this.#admission;
    let ticket: Ticket | undefined;
    if (admission) {
      const admitted = admission.acquire({
        write: method !== 'GET' && method !== 'HEAD',
        key: target.fn.name,
        ...(arrived !== undefined ? { arrived } : {}),
      });
      ticket = admitted instanceof Promise ? await admitted : admitted;
      if (!ticket) throw this.#overloaded(admission.retryAfterSeconds);
    }
    const phases = this.#phases;
    if (phase) phases!.mark(phase, 'admitted');
    let out: LocalHttpResponse | undefined;
    try {
      const body = await this.#body(req, bodyLimitOf(target.fn, this.#maxBody));
      const headers = withPeer(req);
      const request = { method, url: url.href, headers, params: target.params, body };
      const options = {
        extraInputs: this.#extraInputs,
        light: this.#libraryObjects ? undefined : lightRequestOf({ method, url, headers, body }),
        libraryResponse: this.#libraryObjects,
        libraryArguments: this.#libraryObjects,
      };
      if (phase) {
        phases!.mark(phase, 'bodyRead');
        const fn = { ...target.fn, callback: phases!.wrapCallback(target.fn.callback) };
        out = await phases!.run(phase, () => invokeHttpFunction(this.#registry, fn, request, options));
        phases!.mark(phase, 'invoked');
      } else out = await invokeHttpFunction(this.#registry, target.fn, request, options);
    } finally {
      if (ticket) admission!.release(ticket);
    }
    if (!out) {
      // The handler returned nothing: an empty success, not an error.
      this.#send(req, res, 204, {}, Buffer.alloc(0));
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, values] of out.headers) headers[name] = name === 'set-cookie' ? values : values.join(', ');
    this.#send(req, res, out.status, headers, out.body);
  }

  #overloaded(retryAfterSeconds: number): HostHttpError {
    const seconds = String(retryAfterSeconds);
    return new HostHttpError(
      503,
      'HTTP.OVERLOADED',
      {
        sv: 'Servern har för mycket att göra just nu. Försök igen om en sekund.',
        en: 'The server is too busy right now. Try again in a second.',
      },
      { 'retry-after': seconds },
    );
  }

  #belowPrefix(pathname: string): string | undefined {
    if (!this.#prefix) return pathname;
    const lower = pathname.toLowerCase();
    const prefix = `/${this.#prefix.toLowerCase()}`;
    if (lower === prefix) return '/';
    if (lower.startsWith(`${prefix}/`)) return pathname.slice(prefix.length);
    return undefined;
  }

  #methodNotAllowed(method: string, url: URL, allowed: string[]): HostHttpError {
    const allow = [...new Set(allowed)].sort().join(', ');
    return new HostHttpError(
      405,
      'HTTP.METHOD_NOT_ALLOWED',
      {
        sv: `${method} stöds inte på ${url.pathname}. Tillåtna metoder: ${allow}.`,
        en: `${method} is not supported on ${url.pathname}. Allowed: ${allow}.`,
      },
      { allow },
    );
  }

  async #body(req: http.IncomingMessage, limit = this.#maxBody): Promise<Buffer> {
    const result = await readBody(req, limit, this.#bodyIdle);
    if (result.ok) return result.body;
    if (result.why === 'stalled') {
      const seconds = Math.round(this.#bodyIdle.ms / 1000);
      throw new HostHttpError(
        408,
        'HTTP.REQUEST_TIMEOUT',
        {
          sv: `Kroppen kom inte fram: inget på ${seconds} s, färre byte än Content-Length anger. Skicka igen.`,
          en: `The body did not arrive: nothing for ${seconds} s, fewer bytes than Content-Length says. Send it again.`,
        },
        { connection: 'close' },
      );
    }
    const size = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : `${limit / 1024} KiB`;
    // The rest of the body is never read, so the connection cannot be reused.
    throw new HostHttpError(
      413,
      'HTTP.TOO_LARGE',
      { sv: `Kroppen får vara högst ${size}.`, en: `The body may be at most ${size}.` },
      { connection: 'close' },
    );
  }

  #sendProblem(req: http.IncomingMessage, res: http.ServerResponse, e: HostHttpError, lang: Lang, url: URL): void {
    const problem = {
      type: 'about:blank',
      title: (TITLES[e.status] ?? TITLES[500]!)[lang],
      status: e.status,
      detail: e.texts[lang],
      instance: url.pathname,
      code: e.code,
    };
    this.#send(
      req,
      res,
      e.status,
      { 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang, ...e.headers },
      Buffer.from(JSON.stringify(problem)),
    );
  }

  #send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    headers: Record<string, string | string[]>,
    body: Buffer,
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
    if (!noBody) headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    if (noBody || req.method === 'HEAD') res.end();
    else res.end(body);
  }
}

/**
 * Node's own answers to a request it cannot parse (400), with headers over its limit (431) or
 * too slow (408), as RFC 9457 problem documents in Swedish (the request's language is not
 * known yet), instead of Node's bare status lines.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ([431, 'HTTP.HEADERS_TOO_LARGE', 'Begärans huvuden är för stora.'] as const)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ([408, 'HTTP.REQUEST_TIMEOUT', 'Begäran kom inte fram i tid. Skicka igen.'] as const)
        : ([400, 'HTTP.BAD_REQUEST', 'Begäran går inte att läsa som HTTP.'] as const);
  const body = Buffer.from(JSON.stringify({ type: 'about:blank', title: TITLES[status]!.sv, status, detail, code }));
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/problem+json; charset=utf-8\r\ncontent-language: sv\r\n` +
          `content-length: ${body.length}\r\nconnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}
