import type { Forum } from '../../ports/notifier.port';
import type { AttemptContext, ChannelPost, ChannelTransport, DeliveryReceipt } from '../../ports/outbox.port';
import { DeliveryError } from '../../ports/outbox.port';
import { classifyHttpFailure } from '../outbox/http-failure';

export interface TeamsWebhookOptions {
  /**
   * One workflow URL per forum channel (R5.4); each carries its own signature, so each is a
   * secret. A forum without one (its Key Vault reference unresolved) fails only its own posts.
   */
  urls: Partial<Record<Forum, string>>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The message a Teams workflow ("when a Teams webhook request is received") takes: one Adaptive Card attachment. */
export function workflowMessage(card: Record<string, unknown>): Record<string, unknown> {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/**
 * Posts a forum's card to its Teams channel through the channel's workflow webhook. The
 * workflow answers 202 when it accepted the request. It has no idempotency key: a request
 * that timed out after the workflow took it is posted again on retry (at least once), so
 * the timeout is generous. The URL never appears in errors or logs.
 */
export class TeamsWebhookTransport implements ChannelTransport {
  readonly name = 'teams-workflow';
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: TeamsWebhookOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fetch = opts.fetch ?? fetch;
  }

  async post(post: ChannelPost, attempt: AttemptContext): Promise<DeliveryReceipt> {
    const url = this.opts.urls[post.forum];
    // Retried: once the secret resolves (the app restarts with it), the post goes out.
    if (!url)
      throw new DeliveryError(
        `Teams workflow (${post.forum}): TEAMS_WEBHOOK_${post.forum} is not available (unresolved Key Vault reference; see /api/health)`,
        { retryable: true, maybeDelivered: false },
      );
    let res: Response;
    try {
      res = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-driftpuls-delivery': attempt.requestId },
        body: JSON.stringify(workflowMessage(post.card)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw classifyHttpFailure(`Teams workflow (${post.forum})`, e, undefined);
    }
    const body = (await res.text().catch(() => '')).slice(0, 300);
    if (!res.ok)
      throw classifyHttpFailure(
        `Teams workflow (${post.forum})`,
        new Error(body || res.statusText),
        res.status,
        res.headers.get('retry-after'),
      );
    // Power Automate names the run it started; keep it to find the run in the flow's history.
    return { providerMessageId: res.headers.get('x-ms-workflow-run-id') ?? undefined };
  }
}
