import { app } from '@azure/functions';
import type { Actor } from '../../shared/domain/audit';
import type { FunctionInput, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { Services } from '../../shared/composition';
import { ACCESS_MATRIX } from '../../shared/domain/access';
import type { GoLive } from '../../shared/domain/golive';
import type { Versioned } from '../../shared/ports/repository.port';
import type { Principal } from '../../shared/domain/principal';
import { authorize, authorizeTarget, type Target } from '../../shared/domain/principal';
import { authenticate, parseMachineKeys, type MachineKey } from '../../shared/http/auth';
import type { RequestLog } from '../../shared/observability';
import { getServices } from '../../shared/composition';
import type { RouteDoc } from '../../shared/http/openapi';
import type { Lang, ProblemResponse } from '../../shared/http/problem';
import { fieldIssues, problem, problemFromError, validationProblem } from '../../shared/http/problem';
import { inspectBody, inspectRequestTexts, showablePath, unsafeTextsProblem } from '../../shared/http/text-guard';
import { instantsOutsideGoLive } from '../../shared/http/time-guard';

/** Bodies above this are refused with 413 before parsing (the brief's limit for every write). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A route that takes its body as bytes (file uploads: imports) instead of JSON, with its own
 * size limit. The limit also travels in the trigger's binding metadata as `maxBodyBytes`, so
 * the local host refuses a larger body before it reads it; Azure ignores the property (its
 * own limit is 100 MB) and this module enforces the limit there.
 */
export interface RawBodyOptions {
  maxBytes: number;
  /** The Content-Types (without parameters) the route takes; anything else is a 415 (issue 13). */
  contentTypes: readonly string[];
  /** What the 415 says. */
  unsupported: { sv: string; en: string };
}

/** The body of a `rawBody` route. */
export interface RawBody {
  bytes: Buffer;
  contentType?: string;
}

/** No document of ours nests deeper; a deeper one is refused before any walk over it. */
const MAX_JSON_DEPTH = 32;

/** Nesting depth of a parsed JSON value, iteratively (a hostile body must not blow the stack). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const sv = z.locales.sv().localeError;
const en = z.locales.en().localeError;

/** Every route the app registers, for the OpenAPI document. */
export const routeDocs: RouteDoc[] = [];

export type { Actor };

export interface RouteInput<B, Q, P> {
  /** The caller, authenticated and authorised for this route before the handler runs. */
  principal: Principal;
  /** The caller as stored with every write (audit). */
  actor?: Actor;
  body: B;
  query: Q;
  params: P;
  lang: Lang;
  idempotencyKey?: string;
  /** Routes declared with `rawBody`: the body as sent, within the route's limit. */
  raw?: RawBody;
  services: Services;
  request: HttpRequest;
  context: InvocationContext;
}

export type RouteResult = {
  status: number;
  json?: unknown;
  text?: string;
  bytes?: Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
};

/** Swedish unless the caller asks for English (`?lang=en` or `Accept-Language: en…`). */
export function languageOf(request: HttpRequest): Lang {
  const q = request.query.get('lang');
  if (q === 'en' || q === 'sv') return q;
  const accept = request.headers.get('accept-language')?.trim().toLowerCase() ?? '';
  return accept.startsWith('en') ? 'en' : 'sv';
}

/** Sent with every answer; HTML pages add their Content-Security-Policy on top. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** A strict policy for HTML answers: our own scripts, styles and images only, no framing. */
export const HTML_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const asResponse = (p: ProblemResponse): HttpResponseInit => ({
  status: p.status,
  headers: { ...SECURITY_HEADERS, ...p.headers },
  body: p.body,
});

let machineKeys: { source: string | undefined; keys: MachineKey[] } | undefined;
const keysFor = (source: string | undefined): MachineKey[] => {
  if (!machineKeys || machineKeys.source !== source) machineKeys = { source, keys: parseMachineKeys(source) };
  return machineKeys.keys;
};

const actorOf = (p: Principal): Actor | undefined =>
  p.kind === 'user'
    ? { kind: 'user', id: p.id, ...(p.name ? { name: p.name } : {}) }
    : p.kind === 'machine'
      ? { kind: 'machine', id: p.id }
      : undefined;

/** `Text/CSV; charset=utf-8` → `text/csv`; '' when absent. */
const baseType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write a browser sent for a page of another site (issue 13): `Sec-Fetch-Site` other than
 * `same-origin` or `none` (typed or bookmarked), or, from browsers without it, an `Origin`
 * that is neither this request's origin nor PUBLIC_BASE_URL's. Clients that send neither
 * (curl, Power Automate, scripts) are not browsers acting for another site.
 */
export function isCrossSiteWrite(
  method: string,
  headers: { get(name: string): string | null },
  requestUrl: string,
  publicBaseUrl: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = headers.get('origin')?.trim();
  if (!origin) return false;
  const originOf = (u: string) => {
    try {
      return new URL(u).origin;
    } catch {
      return undefined;
    }
  };
  return origin !== originOf(requestUrl) && origin !== originOf(publicBaseUrl);
}

const kibOrMib = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`);

/** The body as bytes, refused with 413 past `maxBytes` (declared or actual). */
async function readRaw(
  request: HttpRequest,
  options: RawBodyOptions,
  lang: Lang,
  instance: string,
): Promise<{ ok: true; value: RawBody } | { ok: false; response: ProblemResponse }> {
  const maxBytes = options.maxBytes;
  const tooLarge = () =>
    problem(
      'HTTP.TOO_LARGE',
      { sv: `Kroppen får vara högst ${kibOrMib(maxBytes)}.`, en: `The body may be at most ${kibOrMib(maxBytes)}.` },
      lang,
      { instance },
    );
  if (Number(request.headers.get('content-length') ?? '0') > maxBytes) return { ok: false, response: tooLarge() };
  const contentType = request.headers.get('content-type') ?? undefined;
  if (!options.contentTypes.includes(baseType(contentType)))
    return {
      ok: false,
      response: problem('HTTP.UNSUPPORTED_MEDIA', options.unsupported, lang, {
        instance,
        issues: [{ field: 'file', message: options.unsupported }],
      }),
    };
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) return { ok: false, response: tooLarge() };
  return { ok: true, value: { bytes, ...(contentType ? { contentType } : {}) } };
}

async function readJson(
  request: HttpRequest,
  lang: Lang,
  instance: string,
): Promise<{ ok: true; value: unknown } | { ok: false; response: ProblemResponse }> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = () =>
    problem(
      'HTTP.TOO_LARGE',
      { sv: `Kroppen får vara högst ${MAX_BODY_BYTES / 1024} KiB.`, en: `The body may be at most ${MAX_BODY_BYTES / 1024} KiB.` },
      lang,
      { instance },
    );
  if (declared > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) return { ok: false, response: tooLarge() };
  const type = request.headers.get('content-type')?.toLowerCase() ?? '';
  // Missing counts as wrong: a page on another site can send text/plain or a form without asking (issue 13).
  if (bytes.length > 0 && !/^application\/([\w.+-]+\+)?json\b/.test(type))
    return {
      ok: false,
      response: problem(
        'HTTP.UNSUPPORTED_MEDIA',
        { sv: 'Skicka JSON (Content-Type: application/json).', en: 'Send JSON (Content-Type: application/json).' },
        lang,
        { instance },
      ),
    };
  if (bytes.length === 0)
    return {
      ok: false,
      response: validationProblem([{ field: 'body', message: { sv: 'kropp saknas', en: 'body is missing' } }], lang, instance),
    };
  try {
    // A UTF-8 byte-order mark (Windows tools write one) is not part of the JSON text (RFC 8259 §8.1 lets a parser ignore it).
    const text = bytes.toString('utf8');
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (depthOf(value) > MAX_JSON_DEPTH)
      return {
        ok: false,
        response: validationProblem(
          [{ field: 'body', message: { sv: `högst ${MAX_JSON_DEPTH} nivåer`, en: `at most ${MAX_JSON_DEPTH} levels of nesting` } }],
          lang,
          instance,
        ),
      };
    return { ok: true, value };
  } catch (e) {
    return {
      ok: false,
      response: problem('HTTP.BAD_JSON', { sv: 'Kroppen är inte giltig JSON.', en: 'The body is not valid JSON.' }, lang, {
        instance,
        issues: [{ field: 'body', message: (e as Error).message }],
      }),
    };
  }
}

/**
 * Registers one HTTP function: validates params, query and body with zod (400 naming each
 * field), runs the handler, and maps every error to an RFC 9457 problem. Handlers stay thin:
 * parse, call one use case, shape the answer.
 */
export function defineRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
>(
  doc: Omit<RouteDoc, 'body' | 'query' | 'params'> & {
    body?: B;
    query?: Q;
    params?: P;
    rawBody?: RawBodyOptions;
    extraInputs?: FunctionInput[];
    /**
     * What the request names for the route's `own` rule (access.ts, issue 13 item 6): read from
     * the validated body, or the record it acts on. Checked after the body, before the handler.
     */
    target?: (input: {
      body: B extends z.ZodType ? z.output<B> : undefined;
      params: P extends z.ZodObject ? z.output<P> : Record<string, string>;
      services: Services;
    }) => Promise<Target>;
  },
  handler: (
    input: RouteInput<
      B extends z.ZodType ? z.output<B> : undefined,
      Q extends z.ZodObject ? z.output<Q> : undefined,
      P extends z.ZodObject ? z.output<P> : Record<string, string>
    >,
  ) => Promise<RouteResult>,
): void {
  if (!ACCESS_MATRIX[doc.name]) throw new Error(`Route ${doc.name} has no entry in ACCESS_MATRIX (shared/domain/access.ts)`);
  routeDocs.push(doc);
  app.http(doc.name, {
    methods: [doc.method],
    route: doc.route,
    authLevel: 'anonymous',
    // E.g. the durable client, for routes that start or signal orchestrations.
    ...(doc.extraInputs ? { extraInputs: doc.extraInputs } : {}),
    // The local host's per-route body limit (see RawBodyOptions); a spread, since it is not an Azure option.
    ...(doc.rawBody ? { maxBodyBytes: doc.rawBody.maxBytes } : {}),
    handler: async (request, context) => {
      const started = performance.now();
      const response = await handle(request, context);
      const params = request.params;
      const entry: RequestLog = {
        event: 'http',
        route: doc.name,
        method: request.method,
        status: response.status ?? 200,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        invocationId: context.invocationId,
        // Ids with an identity number or control characters in them are refused, and not logged.
        ...(params.goLiveId && showablePath(params.goLiveId) ? { goLiveId: params.goLiveId } : {}),
        ...(params.challengeId && showablePath(params.challengeId) ? { challengeId: params.challengeId } : {}),
        principal: request.headers.has('x-functions-key')
          ? 'machine'
          : request.headers.has('x-ms-client-principal') || request.headers.has('x-dev-user')
            ? 'user'
            : 'anonymous',
      };
      if (entry.status >= 500) context.error(JSON.stringify(entry));
      else context.info(JSON.stringify(entry));
      return response;
    },
  });

  async function handle(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const lang = languageOf(request);
    const path = new URL(request.url).pathname;
    const instance = showablePath(path) ?? '';
    // No patient data, no hidden characters: path ids, query and Idempotency-Key before anything else sees them.
    const inUrl = unsafeTextsProblem(
      inspectRequestTexts([
        ...Object.entries(request.params),
        ...request.query.entries(),
        ['Idempotency-Key', request.headers.get('idempotency-key') ?? undefined],
      ]),
      lang,
      instance,
    );
    if (inUrl) return asResponse(inUrl);
    try {
      const issues = [];
      const error = lang === 'sv' ? sv : en;
      let params: unknown = request.params;
      if (doc.params) {
        const r = doc.params.safeParse(request.params, { error });
        if (r.success) params = r.data;
        else issues.push(...fieldIssues(r.error));
      }
      const services = await getServices();
      let handlerServices = services;
      // Who, then may they (the access matrix, one place), then what they sent.
      const { config } = services;
      const entraApp =
        config.AUTH_CLIENT_ID && config.AUTH_TENANT_ID ? { clientId: config.AUTH_CLIENT_ID, tenantId: config.AUTH_TENANT_ID } : undefined;
      const access = ACCESS_MATRIX[doc.name]!;
      const authenticated = authenticate(request.headers, config.AUTH_MODE, keysFor(config.MACHINE_KEYS), entraApp);
      // A keyless caller from outside loopback in dev mode (issue 13 item 7) may still read what
      // anyone may (health, OpenAPI, page shells), as anonymous; everything else is a 401.
      const auth: typeof authenticated =
        !authenticated.ok && authenticated.refused === 'remote' && access.kind === 'public'
          ? { ok: true, principal: { kind: 'anonymous' } }
          : authenticated;
      if (!auth.ok)
        return asResponse(
          problem(
            'AUTH.UNAUTHENTICATED',
            auth.refused === 'key'
              ? { sv: 'Okänd eller ogiltig nyckel.', en: 'Unknown or invalid key.' }
              : auth.refused === 'remote'
                ? {
                    sv: 'Den lokala körningen (AUTH_MODE=dev) tar bara emot anrop utifrån med en maskinnyckel i x-functions-key.',
                    en: 'The local runtime (AUTH_MODE=dev) takes calls from other machines only with a machine key in x-functions-key.',
                  }
                : {
                    sv: 'Inloggningen gäller inte den här tjänsten. Logga in igen.',
                    en: 'The sign-in is not valid for this service. Sign in again.',
                  },
            lang,
            { instance },
          ),
        );
      const principal = auth.principal;
      // The sign-in cookie (or, locally, the default dev principal) rides along with any page's
      // request; a key does not. So a browser write for another site is refused (issue 13).
      if (principal.kind !== 'machine' && isCrossSiteWrite(request.method, request.headers, request.url, config.PUBLIC_BASE_URL))
        return asResponse(
          problem(
            'AUTH.CROSS_SITE',
            {
              sv: 'Ändringar tas bara emot från Driftpuls egna sidor. Öppna Driftpuls direkt och försök igen.',
              en: "Changes are accepted only from Driftpuls' own pages. Open Driftpuls directly and try again.",
            },
            lang,
            { instance },
          ),
        );
      let goLive: GoLive | undefined;
      if (access.kind !== 'public') {
        if (issues.length) return asResponse(validationProblem(issues, lang, instance));
        const goLiveId = (params as Record<string, unknown>).goLiveId;
        const read = typeof goLiveId === 'string' && principal.kind === 'user' ? await services.repo.getGoLive(goLiveId) : undefined;
        goLive = read?.value;
        const decision = authorize(access, principal, goLive, params as Record<string, unknown>);
        if (!decision.allowed)
          return asResponse(
            problem(decision.status === 401 ? 'AUTH.UNAUTHENTICATED' : 'AUTH.FORBIDDEN', decision.reason, lang, { instance }),
          );
        // The use case's own read of the go-live is this one: one read per request, not two (issue 17).
        if (read) handlerServices = withGoLiveRead(services, read);
      }
      let query: unknown;
      if (doc.query) {
        const r = doc.query.safeParse(Object.fromEntries(request.query), { error });
        if (r.success) query = r.data;
        else issues.push(...fieldIssues(r.error));
      }
      let body: unknown;
      if (doc.body) {
        const read = await readJson(request, lang, instance);
        if (!read.ok) return asResponse(read.response);
        // No patient data, no hidden characters: refused before anything is parsed, stored or logged.
        const unsafe = unsafeTextsProblem(inspectBody(read.value), lang, instance);
        if (unsafe) return asResponse(unsafe);
        // Instants within a year of the go-live's start, naming the field (issue 13 item 12).
        issues.push(...(await instantsOutsideGoLive(read.value, (params as Record<string, unknown>).goLiveId, handlerServices.repo)));
        const r = doc.body.safeParse(read.value, { error });
        if (r.success) body = r.data;
        else issues.push(...fieldIssues(r.error));
      }
      if (issues.length) return asResponse(validationProblem(issues, lang, instance));
      if (doc.target) {
        const decision = authorizeTarget(access, principal, goLive, await doc.target({ body, params, services: handlerServices } as never));
        if (!decision.allowed) return asResponse(problem('AUTH.FORBIDDEN', decision.reason, lang, { instance }));
      }
      let raw: RawBody | undefined;
      if (doc.rawBody) {
        const read = await readRaw(request, doc.rawBody, lang, instance);
        if (!read.ok) return asResponse(read.response);
        raw = read.value;
      }
      const idempotencyKey = request.headers.get('idempotency-key')?.trim() || undefined;
      if (idempotencyKey && idempotencyKey.length > 200)
        return asResponse(
          validationProblem(
            [{ field: 'Idempotency-Key', message: { sv: 'högst 200 tecken', en: 'at most 200 characters' } }],
            lang,
            instance,
          ),
        );
      const actor = actorOf(principal);
      const result = await handler({
        principal,
        actor,
        body,
        query,
        params,
        lang,
        idempotencyKey,
        raw,
        services: handlerServices,
        request,
        context,
      } as never);
      const headers: Record<string, string> = {
        ...SECURITY_HEADERS,
        ...(result.contentType?.startsWith('text/html') ? HTML_SECURITY_HEADERS : {}),
        ...(result.headers ?? {}),
      };
      if (result.json !== undefined) {
        headers['content-type'] ??= 'application/json; charset=utf-8';
        return { status: result.status, headers, body: JSON.stringify(result.json) };
      }
      if (result.contentType) headers['content-type'] = result.contentType;
      if (result.bytes !== undefined) return { status: result.status, headers, body: result.bytes };
      return { status: result.status, headers, ...(result.text !== undefined ? { body: result.text } : {}) };
    } catch (e) {
      const p = problemFromError(e, lang, instance);
      if (p.status >= 500) context.error(`${doc.name} failed`, e);
      return asResponse(p);
    }
  }
}

/**
 * The services a handler gets after authorisation read the go-live: the first `getGoLive` of
 * that go-live answers with that read, as if it had been made a moment later; every other call
 * (a second read, e.g. after a conflict, and every other method) goes to the store.
 */
export function withGoLiveRead(services: Services, read: Versioned<GoLive>): Services {
  let pending: Versioned<GoLive> | undefined = read;
  const store = services.repo;
  const getGoLive = (goLiveId: string): Promise<Versioned<GoLive> | undefined> => {
    if (pending && goLiveId === pending.value.id) {
      const first = pending;
      pending = undefined;
      return Promise.resolve(first);
    }
    return store.getGoLive(goLiveId);
  };
  const repo = new Proxy(store, {
    get(target, prop) {
      if (prop === 'getGoLive') return getGoLive;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  // The other services (the clock getter included) as they are: a copy of the property descriptors.
  return Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(services), repo: { value: repo, enumerable: true } },
  ) as Services;
}

/** `publicView`'s rule as a JSON.stringify replacer. */
const withoutBookkeeping = (k: string, v: unknown): unknown => (k === 'requestHash' ? undefined : v);

/** Drops fields kept for the store's own bookkeeping (`requestHash`), at any depth. */
export function publicView<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, withoutBookkeeping)) as T;
}

/**
 * A create answers 201 with the record; a replay (same id or Idempotency-Key) answers the
 * same 201 and record, marked `Idempotent-Replayed: true`, and stores nothing. The record is
 * serialised once, as `publicView` would have it (issue 17 item 2: not parsed back and
 * serialised again).
 */
export const created = (value: unknown, wasCreated: boolean, location?: string): RouteResult => ({
  status: 201,
  text: JSON.stringify(value, withoutBookkeeping),
  contentType: 'application/json; charset=utf-8',
  headers: { ...(location ? { location } : {}), ...(wasCreated ? {} : { 'idempotent-replayed': 'true' }) },
});
