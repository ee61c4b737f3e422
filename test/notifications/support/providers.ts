/**
 * Local stand-ins for the three providers, each checking what the real one checks and able
 * to fail the way the real one fails: 500s, 429 with Retry-After, and timeouts (the request
 * held without an answer, either before or after the provider acted on it).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { cardProblems } from './cards';

export type Fault = 'none' | '500' | '429' | 'timeout-before' | 'timeout-after';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

/** A server whose requests can be failed on purpose; held requests are answered never. */
export class LocalServer {
  fault: Fault = 'none';
  retryAfterSeconds = 120;
  requests = 0;
  private readonly server: http.Server;
  url = '';

  constructor(handler: Handler) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        try {
          handler(req, Buffer.concat(chunks).toString('utf8'), res);
        } catch (e) {
          json(res, 500, { error: { code: 'TestServerBug', message: String(e) } });
        }
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Answers a failure for the current fault, or undefined to go on. 'timeout-after' is the handler's business. */
  failBefore(res: http.ServerResponse, errorBody: unknown): boolean {
    switch (this.fault) {
      case '500':
        json(res, 500, errorBody);
        return true;
      case '429':
        json(res, 429, errorBody, { 'retry-after': String(this.retryAfterSeconds) });
        return true;
      case 'timeout-before':
        return true; // never answered
      default:
        return false;
    }
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(text);
}

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
const header = (req: http.IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

// --- Azure Communication Services e-mail ---

const AcsAddress = z.object({ address: z.email(), displayName: z.string().optional() }).strict();
const AcsMessage = z
  .object({
    senderAddress: z.email(),
    content: z.object({ subject: z.string().min(1), plainText: z.string().optional(), html: z.string().optional() }).strict(),
    recipients: z
      .object({ to: z.array(AcsAddress).min(1), cc: z.array(AcsAddress).optional(), bcc: z.array(AcsAddress).optional() })
      .strict()
      .refine((r) => r.to.length + (r.cc?.length ?? 0) + (r.bcc?.length ?? 0) <= 50, { message: 'at most 50 recipients per mail' }),
    headers: z.record(z.string(), z.string()).optional(),
    attachments: z.array(z.unknown()).optional(),
    replyTo: z.array(AcsAddress).optional(),
    userEngagementTrackingDisabled: z.boolean().optional(),
  })
  .strict()
  .refine((m) => m.content.plainText || m.content.html, { message: 'plainText or html' });
export type AcsMessage = z.infer<typeof AcsMessage>;

/** The api-version @azure/communication-email 1.1.0 calls (its generated client's default). */
export const ACS_API_VERSION = '2025-09-01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AcsMail {
  operationId: string;
  /** `x-ms-client-request-id` of the request that created the operation. */
  clientRequestId?: string;
  message: AcsMessage;
}

/**
 * ACS e-mail as the REST API of api-version 2025-09-01 documents it
 * (azure-rest-api-specs, specification/communication/data-plane/Email/stable/2025-09-01):
 * HMAC-SHA256 signed requests (connection string), `POST /emails:send` with an optional
 * `Operation-Id` (format uuid) and `x-ms-client-request-id` (uuid), answering 202 with
 * `Operation-Location`, the operation polled until Succeeded.
 *
 * A POST whose `Operation-Id` names an operation that exists creates no second mail: it is
 * answered with that operation (202, its id and status), or with 409 while it runs when
 * `repeatWhileRunning` is '409' (the answer ACS's repeatable-requests page gives to a repeat
 * of a request in progress). The 2025-09-01 API does not document either answer; this is the
 * behaviour the transport must survive. The same Operation-Id with a different body is
 * refused (400), so a test would notice a transport that reused ids across mails. The
 * `Repeatability-*` headers of the 2021 preview API are not part of 2025-09-01 and are
 * ignored, as unknown headers are; `repeatabilityHeaders` counts requests that sent them.
 */
export class AcsServer extends LocalServer {
  readonly key = Buffer.from('driftpuls-local-acs-key-0123456789abcdef').toString('base64');
  readonly mails: AcsMail[] = [];
  readonly rejected: { status: number; reason: string }[] = [];
  /** POSTs answered from an existing operation instead of sending. */
  replays = 0;
  /** Requests that carried `Repeatability-Request-Id` or `Repeatability-First-Sent`. */
  repeatabilityHeaders = 0;
  /** How a repeat of a still running operation is answered. */
  repeatWhileRunning: '202' | '409' = '202';
  /** Polls before an operation reports Succeeded. */
  pollsToSucceed = 1;
  /** Take the mail, then answer 503, as a gateway does that lost the backend's answer. */
  failAfterAccepting = false;
  private readonly operations = new Map<string, { bodyHash: string; polls: number }>();

  constructor() {
    super((req, body, res) => this.handle(req, body, res));
  }

  get connectionString(): string {
    return `endpoint=${this.url}/;accesskey=${this.key}`;
  }

  private reject(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.rejected.push({ status, reason: `${code}: ${message}` });
    json(res, status, { error: { code, message } });
  }

  private status(id: string): 'Running' | 'Succeeded' {
    return this.operations.get(id)!.polls >= this.pollsToSucceed ? 'Succeeded' : 'Running';
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const auth = this.checkSignature(req, url, body);
    if (auth) return this.reject(res, 401, 'Denied', auth);
    if (url.searchParams.get('api-version') !== ACS_API_VERSION)
      return this.reject(res, 400, 'InvalidApiVersion', `api-version must be ${ACS_API_VERSION}`);

    if (req.method === 'GET' && url.pathname.startsWith('/emails/operations/')) {
      const id = decodeURIComponent(url.pathname.slice('/emails/operations/'.length));
      const op = this.operations.get(id);
      if (!op) return this.reject(res, 404, 'NotFound', `operation ${id}`);
      const status = this.status(id);
      op.polls++;
      return json(res, 200, { id, status });
    }
    if (req.method !== 'POST' || url.pathname !== '/emails:send') return this.reject(res, 404, 'NotFound', url.pathname);

    if (header(req, 'repeatability-request-id') !== undefined || header(req, 'repeatability-first-sent') !== undefined)
      this.repeatabilityHeaders++;
    const operationId = header(req, 'operation-id');
    const clientRequestId = header(req, 'x-ms-client-request-id');
    if (operationId !== undefined && !UUID.test(operationId)) return this.reject(res, 400, 'InvalidHeader', 'Operation-Id must be a UUID');
    if (clientRequestId !== undefined && !UUID.test(clientRequestId))
      return this.reject(res, 400, 'InvalidHeader', 'x-ms-client-request-id must be a UUID');
    const bodyHash = sha256b64(body);
    const existing = operationId === undefined ? undefined : this.operations.get(operationId);
    if (existing && operationId) {
      if (existing.bodyHash !== bodyHash)
        return this.reject(res, 400, 'OperationIdMismatch', `operation ${operationId} exists for another message`);
      this.replays++;
      const status = this.status(operationId);
      if (status === 'Running' && this.repeatWhileRunning === '409')
        return json(res, 409, { error: { code: 'Conflict', message: `operation ${operationId} is in progress` } });
      return json(res, 202, { id: operationId, status }, this.operationLocation(operationId));
    }

    if (
      this.failBefore(res, {
        error: { code: this.fault === '429' ? 'TooManyRequests' : 'InternalServerError', message: `fault ${this.fault}` },
      })
    )
      return;

    let message: AcsMessage;
    try {
      message = AcsMessage.parse(JSON.parse(body));
    } catch (e) {
      return this.reject(
        res,
        400,
        'BadRequest',
        e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON',
      );
    }
    const id = operationId ?? randomUUID();
    this.operations.set(id, { bodyHash, polls: 0 });
    this.mails.push({ operationId: id, ...(clientRequestId ? { clientRequestId } : {}), message });
    if (this.fault === 'timeout-after') return; // acted on, never answered
    if (this.failAfterAccepting) return json(res, 503, { error: { code: 'ServiceUnavailable', message: 'gateway lost the answer' } });
    json(res, 202, { id, status: 'Running' }, this.operationLocation(id));
  }

  private operationLocation(id: string): Record<string, string> {
    return { 'operation-location': `${this.url}/emails/operations/${id}?api-version=${ACS_API_VERSION}` };
  }

  /** Undefined when the request is signed with our key as the SDK signs it; else why not. */
  private checkSignature(req: http.IncomingMessage, url: URL, body: string): string | undefined {
    const date = header(req, 'x-ms-date');
    const hash = header(req, 'x-ms-content-sha256');
    const authorization = header(req, 'authorization');
    if (!date || !hash || !authorization) return 'x-ms-date, x-ms-content-sha256 and Authorization are required';
    if (Math.abs(Date.now() - Date.parse(date)) > 15 * 60_000) return 'x-ms-date is more than 15 minutes off';
    if (hash !== sha256b64(body)) return 'x-ms-content-sha256 does not match the body';
    const m = /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$/.exec(authorization);
    if (!m) return 'Authorization is not HMAC-SHA256 over x-ms-date;host;x-ms-content-sha256';
    const query = url.searchParams.toString();
    const toSign = `${req.method}\n${url.pathname}${query ? `?${query}` : ''}\n${date};${header(req, 'host')};${hash}`;
    const expected = createHmac('sha256', Buffer.from(this.key, 'base64')).update(toSign, 'utf8').digest();
    const given = Buffer.from(m[1]!, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature does not match';
  }
}

// --- Microsoft Graph: POST /v1.0/users/{id}/teamwork/sendActivityNotification ---

const ActivityBody = z
  .object({
    topic: z
      .object({ source: z.literal('text'), value: z.string().min(1), webUrl: z.string().regex(/^https:\/\/teams\.microsoft\.com\/l\//) })
      .strict(),
    activityType: z.string().min(1),
    chainId: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    previewText: z.object({ content: z.string().min(1).max(150) }).strict(),
    teamsAppId: z.string().min(1),
    templateParameters: z.array(z.object({ name: z.string(), value: z.string() }).strict()),
  })
  .strict();
export type ActivityBody = z.infer<typeof ActivityBody>;

/**
 * Graph's activity-feed endpoint: a bearer token (the app-only one), JSON of the documented
 * shape, 204 with a request-id. A repeated `chainId` replaces the user's earlier notice, as
 * Teams does, so `feed` holds what each user sees.
 */
export class GraphServer extends LocalServer {
  readonly token = `test-token-${randomUUID()}`;
  readonly accepted: { user: string; body: ActivityBody }[] = [];
  readonly feed = new Map<string, ActivityBody>();
  readonly rejected: { status: number; reason: string }[] = [];
  /** Users for whom the Teams app is not installed. */
  readonly notInstalled = new Set<string>();

  constructor() {
    super((req, body, res) => this.handle(req, body, res));
  }

  private reject(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.rejected.push({ status, reason: `${code}: ${message}` });
    json(res, status, { error: { code, message, innerError: { 'request-id': randomUUID() } } });
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/v1\.0\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return this.reject(res, 404, 'UnknownError', `${req.method} ${url.pathname}`);
    if (header(req, 'authorization') !== `Bearer ${this.token}`)
      return this.reject(res, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    if (!/^application\/json/.test(header(req, 'content-type') ?? ''))
      return this.reject(res, 415, 'UnsupportedMediaType', 'application/json expected');
    if (
      this.failBefore(res, {
        error: { code: this.fault === '429' ? 'TooManyRequests' : 'InternalServerError', message: `fault ${this.fault}` },
      })
    )
      return;
    const user = decodeURIComponent(m[1]!);
    if (this.notInstalled.has(user)) return this.reject(res, 403, 'Forbidden', 'The app is not installed for the recipient.');
    let parsed: ActivityBody;
    try {
      parsed = ActivityBody.parse(JSON.parse(body));
    } catch (e) {
      return this.reject(
        res,
        400,
        'BadRequest',
        e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON',
      );
    }
    if (!parsed.templateParameters.some((p) => p.name === 'title'))
      return this.reject(res, 400, 'BadRequest', 'templateParameters must give "title"');
    this.accepted.push({ user, body: parsed });
    this.feed.set(`${user}|${parsed.chainId}`, parsed);
    if (this.fault === 'timeout-after') return;
    res.writeHead(204, { 'request-id': randomUUID() });
    res.end();
  }
}

// --- Teams workflow webhooks ("When a Teams webhook request is received") ---

/**
 * One workflow URL per forum, each with its own signature; the message must carry exactly
 * one Adaptive Card attachment that the Adaptive Cards parser accepts.
 */
export class WebhookServer extends LocalServer {
  readonly posts: { forum: string; card: Record<string, unknown> }[] = [];
  readonly rejected: { status: number; reason: string }[] = [];
  private readonly sig = randomUUID().replace(/-/g, '');

  constructor() {
    super((req, body, res) => this.handle(req, body, res));
  }

  urlFor(forum: string): string {
    return `${this.url}/workflows/${forum.toLowerCase()}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${this.sig}`;
  }

  private reject(res: http.ServerResponse, status: number, code: string, message: string): void {
    this.rejected.push({ status, reason: `${code}: ${message}` });
    json(res, status, { error: { code, message } });
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/workflows\/(dsl|csl|lgv)\/triggers\/manual\/paths\/invoke$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return this.reject(res, 404, 'WorkflowNotFound', url.pathname);
    if (url.searchParams.get('sig') !== this.sig)
      return this.reject(res, 401, 'DirectApiAuthorizationRequired', 'The request must be authenticated only by Shared Access scheme.');
    if (this.failBefore(res, { error: { code: this.fault, message: `fault ${this.fault}` } })) return;
    let message: { type?: unknown; attachments?: { contentType?: unknown; content?: unknown }[] };
    try {
      message = JSON.parse(body) as typeof message;
    } catch {
      return this.reject(res, 400, 'InvalidRequestContent', 'not JSON');
    }
    const attachment = message.attachments?.[0];
    if (
      message.type !== 'message' ||
      message.attachments?.length !== 1 ||
      attachment?.contentType !== 'application/vnd.microsoft.card.adaptive'
    )
      return this.reject(res, 400, 'InvalidRequestContent', 'expected {type: message, attachments: [one adaptive card]}');
    const problems = cardProblems(attachment.content);
    if (problems.length) return this.reject(res, 400, 'InvalidCard', problems.join('; '));
    this.posts.push({ forum: m[1]!.toUpperCase(), card: attachment.content as Record<string, unknown> });
    if (this.fault === 'timeout-after') return;
    json(res, 202, undefined, { 'x-ms-workflow-run-id': randomUUID() });
  }
}
