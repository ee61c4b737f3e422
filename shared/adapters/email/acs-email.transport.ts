import type { TokenCredential } from '@azure/identity';
import { EmailClient } from '@azure/communication-email';
import type { EmailMessage } from '@azure/communication-email';
import type { AttemptContext, DeliveryReceipt, EmailTransport, OutgoingEmail } from '../../ports/outbox.port';
import { DeliveryError } from '../../ports/outbox.port';
import { appCredential } from '../identity';
import { classifyHttpFailure } from '../outbox/http-failure';

export interface AcsEmailOptions {
  /** `https://<resource>.communication.azure.com`; signs in with `credential` (managed identity). */
  endpoint?: string;
  /** `endpoint=…;accesskey=…`: local servers and tests (HMAC-signed requests). */
  connectionString?: string;
  /** Default `appCredential()` (the managed identity in Azure) when signing in by endpoint. */
  credential?: TokenCredential;
  sender: string;
  /** Per HTTP request. */
  requestTimeoutMs?: number;
  /** Send and poll together, after which the answer counts as lost. */
  overallTimeoutMs?: number;
  /** Between status polls (the service's Retry-After wins). */
  pollIntervalMs?: number;
}

/**
 * E-mail through Azure Communication Services with the official SDK: `beginSend`, then poll
 * the operation until it succeeds or fails. The SDK's own retries are off: the outbox
 * retries with its backoff and knows what was tried.
 *
 * Every attempt of one delivery carries the same `Operation-Id` (`mail.operationId`, a UUID
 * derived from the delivery), the idempotency handle of the API version the SDK calls
 * (2025-09-01). When an answer was lost and the outbox repeats the attempt, the repeat names
 * the operation ACS may already have: an answer for that operation (202) or 409 (the
 * operation exists and is still running) means ACS has the mail, and it is not counted
 * as a new send. What the service does with a repeated Operation-Id is not documented in the
 * API itself; docs/notifications.md says what is guaranteed and what was not verified.
 * (The `Repeatability-*` headers and their 412 belong to the 2021 preview API; this SDK
 * version does not send them, and neither does this transport.)
 */
export class AcsEmailTransport implements EmailTransport {
  readonly name = 'acs';
  private readonly client: Promise<EmailClient>;
  private readonly requestTimeoutMs: number;
  private readonly overallTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly opts: AcsEmailOptions) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.overallTimeoutMs = opts.overallTimeoutMs ?? 120_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 2_000;
    this.client = this.createClient();
  }

  private async createClient(): Promise<EmailClient> {
    const clientOptions = { retryOptions: { maxRetries: 0 } };
    if (this.opts.connectionString) {
      // Only a local server speaks plain HTTP; the SDK refuses it unless told.
      const insecure = /endpoint=http:\/\//i.test(this.opts.connectionString);
      return new EmailClient(this.opts.connectionString, { ...clientOptions, allowInsecureConnection: insecure });
    }
    if (!this.opts.endpoint) throw new Error('ACS e-mail needs an endpoint or a connection string');
    let credential = this.opts.credential;
    credential ??= await appCredential();
    return new EmailClient(this.opts.endpoint, credential, clientOptions);
  }

  async send(mail: OutgoingEmail, attempt: AttemptContext): Promise<DeliveryReceipt> {
    const client = await this.client;
    const message: EmailMessage = {
      senderAddress: this.opts.sender,
      content: { subject: mail.subject, plainText: mail.text, html: mail.html },
      recipients: { to: mail.to.map((t) => ({ address: t.address, ...(t.name ? { displayName: t.name } : {}) })) },
      // Notifications about a go-live are operational mail, not marketing: no tracking pixels.
      disableUserEngagementTracking: true,
    };
    const abortSignal = AbortSignal.timeout(this.overallTimeoutMs);
    try {
      const poller = await client.beginSend(message, {
        operationId: mail.operationId,
        updateIntervalInMs: this.pollIntervalMs,
        abortSignal,
        // The attempt's id as the tracking id, for ACS support; the pipeline keeps a given one.
        requestOptions: { timeout: this.requestTimeoutMs, customHeaders: { 'x-ms-client-request-id': attempt.requestId } },
      });
      const result = await poller.pollUntilDone({ abortSignal });
      if (result.status !== 'Succeeded')
        throw new DeliveryError(`ACS: ${result.status}${result.error?.message ? `: ${result.error.message}` : ''}`, { retryable: false });
      return { providerMessageId: result.id };
    } catch (e) {
      // 409 to a repeat: the operation of this Operation-Id exists and is still running, so
      // ACS has the mail (repeatable-requests semantics); it is sent, not to be sent again.
      if ((e as { statusCode?: unknown }).statusCode === 409) return { providerMessageId: mail.operationId };
      throw toDeliveryError(e);
    }
  }
}

/** The SDK's errors in the outbox's terms. */
export function toDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as {
    statusCode?: unknown;
    code?: unknown;
    name?: unknown;
    message?: unknown;
    response?: { headers?: { get(name: string): string | undefined } };
  };
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  // The poller reports a failed operation as an error without an HTTP status.
  if (status === undefined && typeof err.message === 'string' && /long-running operation has failed/i.test(err.message))
    return new DeliveryError(`ACS: ${err.message}`, { retryable: false });
  return classifyHttpFailure('ACS', e, status, err.response?.headers?.get('retry-after'));
}
