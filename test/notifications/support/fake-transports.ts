import type {
  ActivityNotice,
  ActivityTransport,
  AttemptContext,
  ChannelPost,
  ChannelTransport,
  DeliveryReceipt,
  EmailTransport,
  OutgoingEmail,
} from '../../../shared/ports/outbox.port';
import { DeliveryError } from '../../../shared/ports/outbox.port';

type Outcome = 'ok' | DeliveryError | (() => Promise<void>);

/**
 * Records every call; `script` decides the next outcomes (then everything succeeds).
 * A function outcome runs before the call succeeds (to hold it open or look around).
 */
class Recorder<T> {
  readonly calls: { item: T; attempt: AttemptContext }[] = [];
  readonly script: Outcome[] = [];
  failAlways: DeliveryError | undefined;

  async record(item: T, attempt: AttemptContext): Promise<DeliveryReceipt> {
    this.calls.push({ item, attempt });
    if (this.failAlways) throw this.failAlways;
    const next = this.script.shift() ?? 'ok';
    if (next instanceof DeliveryError) throw next;
    if (typeof next === 'function') await next();
    return { providerMessageId: `msg-${this.calls.length}` };
  }
}

export class FakeEmail extends Recorder<OutgoingEmail> implements EmailTransport {
  readonly name = 'fake-email';
  send(mail: OutgoingEmail, attempt: AttemptContext) {
    return this.record(mail, attempt);
  }
}
export class FakeChannel extends Recorder<ChannelPost> implements ChannelTransport {
  readonly name = 'fake-channel';
  post(post: ChannelPost, attempt: AttemptContext) {
    return this.record(post, attempt);
  }
}
export class FakeActivity extends Recorder<ActivityNotice> implements ActivityTransport {
  readonly name = 'fake-activity';
  notify(notice: ActivityNotice, attempt: AttemptContext) {
    return this.record(notice, attempt);
  }
}

export const unavailable = (reason = 'ACS: 503 Service Unavailable', retryAfterMs?: number) =>
  new DeliveryError(reason, { retryable: true, status: 503, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
export const throttled = (retryAfterMs: number) =>
  new DeliveryError('ACS: 429 TooManyRequests', { retryable: true, status: 429, retryAfterMs });
export const timedOut = () => new DeliveryError('ACS: The operation was aborted.', { retryable: true, maybeDelivered: true });
export const refused = (reason = 'ACS: 400 BadRequest: invalid recipient') => new DeliveryError(reason, { retryable: false, status: 400 });
