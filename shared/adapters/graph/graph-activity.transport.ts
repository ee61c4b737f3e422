import type { TokenCredential } from '@azure/identity';
import { Client, HTTPMessageHandler, ResponseType } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { ActivityNotice, ActivityTransport, AttemptContext, DeliveryReceipt } from '../../ports/outbox.port';
import { classifyHttpFailure } from '../outbox/http-failure';
import { activityRequestBody } from './activity-request';

export interface GraphActivityOptions {
  /** App-only credential of the app registration (RSC `TeamsActivity.Send.User`, or `TeamsActivity.Send`). */
  credential: TokenCredential;
  /** The Teams app id (manifest `id`) installed for the recipients. */
  teamsAppId: string;
  /** Default https://graph.microsoft.com; tests point it at a local server. */
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * Adds the app-only bearer token and a timeout. It replaces the client's default
 * authentication handler, which attaches tokens only to https Graph hosts (so a local
 * test server would get none) and would also retry on its own, behind the outbox's back.
 */
class AppOnlyAuthHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error(`no access token for ${this.scope}`);
    const options = context.options ?? {};
    const given = options.headers as Headers | Record<string, string> | undefined;
    const headers: Record<string, string> = given instanceof Headers ? Object.fromEntries(given.entries()) : { ...given };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    headers.Authorization = `Bearer ${token.token}`;
    context.options = { ...options, headers, signal: AbortSignal.timeout(this.timeoutMs) } as typeof options;
    if (!this.next) throw new Error('AppOnlyAuthHandler must not be the last middleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * A coordinator's Teams activity feed through Microsoft Graph
 * (`POST /users/{upn}/teamwork/sendActivityNotification`, permission
 * `TeamsActivity.Send.User` by resource-specific consent, the Teams app installed for the user). The notification's `chainId`
 * is fixed per notification, so a retry after a lost answer replaces the first notice in the
 * feed instead of adding a second.
 */
export class GraphActivityTransport implements ActivityTransport {
  readonly name = 'graph';
  private readonly client: Client;

  constructor(private readonly opts: GraphActivityOptions) {
    const baseUrl = (opts.baseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
    const auth = new AppOnlyAuthHandler(opts.credential, `${new URL(baseUrl).origin}/.default`, opts.timeoutMs ?? 30_000);
    const http = new HTTPMessageHandler();
    auth.setNext(http);
    this.client = Client.initWithMiddleware({ baseUrl, defaultVersion: 'v1.0', middleware: auth });
  }

  async notify(notice: ActivityNotice, _attempt: AttemptContext): Promise<DeliveryReceipt> {
    const provider = 'Microsoft Graph';
    let res: Response;
    try {
      res = (await this.client
        .api(`/users/${encodeURIComponent(notice.user)}/teamwork/sendActivityNotification`)
        .responseType(ResponseType.RAW)
        .post(activityRequestBody(notice, this.opts.teamsAppId))) as Response;
    } catch (e) {
      // No answer: a network failure or the timeout (the client wraps both as GraphError without a status).
      throw classifyHttpFailure(provider, e, undefined);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let reason = text.slice(0, 300) || res.statusText;
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        if (body.error) reason = [body.error.code, body.error.message].filter(Boolean).join(': ');
      } catch {
        // Not JSON: keep the text.
      }
      throw classifyHttpFailure(provider, new Error(reason), res.status, res.headers.get('retry-after'));
    }
    // Graph answers 204; its request-id finds the call in Microsoft's logs.
    return { providerMessageId: res.headers.get('request-id') ?? undefined };
  }
}
