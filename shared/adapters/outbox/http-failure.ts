import { DeliveryError } from '../../ports/outbox.port';

/** Network failures where the request cannot have reached the provider. */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ERR_INVALID_URL/;

/** The first line of an error's message, and its code when it has one. */
export function describeError(e: unknown): string {
  const err = e as {
    message?: unknown;
    name?: unknown;
    body?: { message?: unknown };
    cause?: { message?: unknown; code?: unknown };
  } | null;
  // The Graph client wraps a failed fetch in an error with an empty message and the original as `body`.
  const own =
    typeof err?.message === 'string' && err.message ? err.message : typeof err?.body?.message === 'string' ? err.body.message : '';
  const message = own ? own.split('\n')[0]! : typeof err?.name === 'string' ? err.name : String(e);
  const cause = err?.cause && typeof err.cause.message === 'string' ? ` (${err.cause.message})` : '';
  return `${message}${cause}`.slice(0, 500);
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  // An HTTP date is an absolute time on the provider's clock; the wall clock is the right reference here.
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * What a failed HTTP call means for the outbox, the same for every provider:
 * 429 and 5xx → retry (honouring Retry-After); 408/409 → retry with the same request (it may
 * be in progress); 401/403 → retry (an operator can grant the permission); other 4xx → failed
 * for good; no answer → retry, and the provider may have acted unless the connection was
 * never made.
 */
export function classifyHttpFailure(provider: string, e: unknown, status: number | undefined, retryAfter?: string | null): DeliveryError {
  const reason = `${provider}: ${status !== undefined ? `${status} ` : ''}${describeError(e)}`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === undefined || status <= 0) {
    const x = e as { code?: unknown; cause?: { code?: unknown }; body?: { cause?: { code?: unknown } } } | null;
    const text = `${describeError(e)} ${String(x?.code ?? '')} ${String(x?.cause?.code ?? '')} ${String(x?.body?.cause?.code ?? '')}`;
    return new DeliveryError(reason, { retryable: true, maybeDelivered: !NEVER_SENT.test(text) });
  }
  if (status === 429) return new DeliveryError(reason, { retryable: true, status, ...after });
  if (status === 408 || status === 409) return new DeliveryError(reason, { retryable: true, maybeDelivered: true, status, ...after });
  if (status >= 500) return new DeliveryError(reason, { retryable: true, status, ...after });
  if (status === 401 || status === 403) return new DeliveryError(reason, { retryable: true, status });
  return new DeliveryError(reason, { retryable: false, status });
}
