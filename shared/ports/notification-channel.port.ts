import type { Lang } from '../domain/lang';
import type { Person } from '../domain/golive';
import type { Forum } from './notifier.port';
import type { AttemptContext, Delivery, DeliveryReceipt, OutboxNotification, Target } from './outbox.port';

/*
 * One interface for every way a notification reaches people (issue 19 item 4): e-mail, a
 * forum's Teams channel, a person's Teams activity feed — and the next one (SMS for people
 * without e-mail). The notifier asks each registered channel to `plan` its deliveries when a
 * notification is stored in the outbox; the dispatcher, for each due delivery, asks the
 * channel to `render` it and `deliver` it, and keeps retries, backoff, leases and the outbox
 * state for all channels alike. The composition root registers the channels its settings
 * turn on (shared/composition/notifications.ts).
 */

/** Who a notification is for, resolved against the go-live as it is now (R1). */
export interface ChannelAudience {
  /** Everyone named by id or role, once each, in go-live order — with or without an e-mail address. */
  people: readonly Person[];
  /** The forums whose channels it is posted to. */
  forums: readonly Forum[];
  /** People told another way (a forum channel they read, their digest): no e-mail for them. */
  noEmail: ReadonlySet<string>;
}

/** One delivery a channel plans: retried, logged and shown on its own. */
export interface PlannedDelivery {
  /** Unique in the notification, by convention `{kind}:{what}`: `email:1`, `teamsChannel:DSL`, `sms:{personId}`. */
  id: string;
  to: Target[];
}

/** The app's templates over one notification's content, for a channel to render from (Swedish first, English below). */
export interface ChannelTemplates {
  subject(lang: Lang): string;
  plainText(lang: Lang): string;
  email(): { subject: string; text: string; html: string };
  /** The Adaptive Card a Teams channel shows. */
  card(): Record<string, unknown>;
  /** The Teams activity feed's topic and preview. */
  activity(): { topic: string; preview: string };
}

export interface RenderContext {
  /** Stable per delivery: `{notificationId}-{deliveryId}`. */
  deliveryKey: string;
  /** The attempt's time (the injected clock). */
  now: string;
  templates: ChannelTemplates;
}

export interface NotificationChannel<Message = unknown> {
  /** The channel's name in the outbox (`Delivery.channel`) and in a sender's `channels` list. */
  readonly kind: string;
  /** The deliveries this channel makes of one notification (none: the channel has no one to tell). */
  plan(audience: ChannelAudience): PlannedDelivery[];
  /** The provider's message for one delivery, from the stored notification. */
  render(notification: OutboxNotification, delivery: Delivery, ctx: RenderContext): Message;
  /** Hands the message to the provider; throws `DeliveryError` (outbox.port.ts) to be retried or failed. */
  deliver(message: Message, attempt: AttemptContext): Promise<DeliveryReceipt>;
  /** A provider's rate limit, kept by the dispatcher with a token bucket on the injected clock. */
  readonly perMinute?: number;
}
