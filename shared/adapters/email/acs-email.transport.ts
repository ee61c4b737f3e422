import type { TokenCredential } from '@azure/identity';
import { EmailClient } from '@azure/communication-email';
import type { EmailMessage } from '@azure/communication-email';
import type { AttemptContext, DeliveryReceipt, EmailTransport, OutgoingEmail } from '../../ports/outbox.port';
import { DeliveryError } from '../../ports/outbox.port';
import { appCredential } from '../identity';
import { classifyHttpFailure, describeError } from '../outbox/http-failure';

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
 * Each attempt carries the outbox's request id as `Operation-Id` and as ACS repeatable-request
 * headers (`Repeatability-Request-Id`, `Repeatability-First-Sent`): when an answer was lost
 * and the outbox repeats the attempt within ACS's five-minute window, ACS answers the first
 * request's result instead of sending again. Past the window ACS says 412; the outbox then
 * starts a new request.
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
        operationId: attempt.requestId,
        updateIntervalInMs: this.pollIntervalMs,
        abortSignal,
        requestOptions: {
          timeout: this.requestTimeoutMs,
          customHeaders: {
            'Repeatability-Request-Id': attempt.requestId,
            'Repeatability-First-Sent': new Date(attempt.firstSentAt).toUTCString(),
          },
        },
      });
      const result = await poller.pollUntilDone({ abortSignal });
      if (result.status !== 'Succeeded')
        throw new DeliveryError(`ACS: ${result.status}${result.error?.message ? `: ${result.error.message}` : ''}`, { retryable: false });
      return { providerMessageId: result.id };
    } catch (e) {
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
  if (status === 412)
    return new DeliveryError(
      `ACS: 412 ${describeError(e)} (the repeat came after ACS's 5-minute repeatability window; a new request follows)`,
      {
        retryable: true,
        status,
        restartRequest: true,
      },
    );
  return classifyHttpFailure('ACS', e, status, err.response?.headers?.get('retry-after'));
}
