import { z } from 'zod';
import { ROLES } from '../domain/golive';
import type { NotificationKind } from './notifier.port';
import type { CreateResult, Versioned } from './repository.port';

/*
 * The outbox: every notification is stored here before any delivery is tried, with one
 * delivery per channel and recipient batch. The dispatcher (shared/app/notifications)
 * claims a notification with a lease under its ETag, calls the transports below, and
 * writes back each delivery's state. Stored documents are read back through these schemas.
 */

/**
 * A delivery's channel, by name: `email` (ACS e-mail), `teamsChannel` (a forum's Teams
 * channel, workflow webhook), `teamsActivity` (a person's Teams activity feed), or any other
 * `NotificationChannel` (notification-channel.port.ts) the composition root registers — a
 * name, not a closed list, so a new channel (SMS) needs no change here.
 */
export const ChannelName = z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, { message: 'a channel name: letters and digits, e.g. email' });
export type Channel = string;

import { FORUMS } from '../domain/schedule';
export { FORUMS };

export const NOTIFICATION_KINDS = [
  'unitReportReminder',
  'unitOverdueSummary',
  'areaReportReminder',
  'areaReportOverdue',
  'incidentUpdateReminder',
  'agenda',
  'challengeRaised',
  'challengeNotTriaged',
  'teamStarted',
  'decisionRequested',
  'decisionOverdue',
  'decisionMade',
  'challengeResolved',
  'incidentOpened',
  'incidentRaised',
  'incidentClosed',
  'meetingCalled',
  'digest',
] as const;

/** The list above must name exactly the port's kinds. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const KINDS_MATCH_PORT: Same<(typeof NOTIFICATION_KINDS)[number], NotificationKind> = true;

const TextsSchema = z.object({ sv: z.string(), en: z.string() });

/** One addressee of a delivery: an e-mail address (and UPN for the activity feed) or a forum. */
export const Target = z.object({
  address: z.string(),
  name: z.string().optional(),
  personId: z.string().optional(),
});
export type Target = z.infer<typeof Target>;

export const DeliveryStatus = z.enum(['pending', 'sent', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/**
 * One delivery: a channel and its recipients (an e-mail batch of at most 50, one forum's
 * channel, one person's activity feed). `inFlight` names the provider request that may
 * have reached the provider without an answer (timeout, crash): a retry repeats it with the
 * same id (an e-mail also carries its delivery's stable `operationId`).
 */
export const Delivery = z.object({
  /** Unique in the notification: `email:1`, `teamsChannel:DSL`, `teamsActivity:{personId}`. */
  id: z.string(),
  channel: ChannelName,
  to: z.array(Target),
  status: DeliveryStatus,
  /** Provider calls made (throttle waits are not attempts). */
  attempts: z.number().int().min(0),
  /** When a pending delivery may be tried next. */
  nextAttemptAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  /** The provider's reason for the last failure, as it gave it. */
  lastError: z.string().optional(),
  providerMessageId: z.string().optional(),
  sentAt: z.string().optional(),
  inFlight: z.object({ requestId: z.string(), firstSentAt: z.string() }).optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/** A person named by the request who cannot be reached on some channel. */
export const Unresolved = z.object({
  personId: z.string(),
  name: z.string().optional(),
  reason: z.enum(['noEmail', 'unknownPerson']),
});
export type Unresolved = z.infer<typeof Unresolved>;

/** `skipped`: nothing to deliver (no reachable recipient, or every channel off). */
export const NotificationStatus = z.enum(['pending', 'sent', 'failed', 'skipped']);
export type NotificationStatus = z.infer<typeof NotificationStatus>;

/** A notification as the outbox stores it: the sender's content, resolved recipients, deliveries. */
export const OutboxNotification = z.object({
  /** Deterministic from go-live and dedupe key. */
  id: z.string(),
  goLiveId: z.string(),
  goLiveName: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  dedupeKey: z.string(),
  subject: TextsSchema,
  text: TextsSchema,
  html: TextsSchema.optional(),
  /** Absolute link back into Driftpuls. */
  link: z.string(),
  about: z.object({ type: z.string(), id: z.string() }).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  /** As the sender asked: people, roles, forums. */
  requested: z.object({
    personIds: z.array(z.string()).optional(),
    roles: z.array(z.enum(ROLES)).optional(),
    forums: z.array(z.enum(FORUMS)).optional(),
  }),
  unresolved: z.array(Unresolved),
  deliveries: z.array(Delivery),
  status: NotificationStatus,
  /** The sender's time. */
  createdAt: z.string(),
  /** When the outbox stored it (the injected clock). */
  enqueuedAt: z.string(),
  /**
   * When a dispatcher should look at it next: the earliest pending delivery, or the end of
   * the current lease (so a crashed holder's work comes back by itself); absent when done.
   */
  dueAt: z.string().optional(),
  lease: z.object({ owner: z.string(), until: z.string() }).optional(),
  /** A P1/P2 incident notice: never held, never folded into a digest (issue 15). */
  urgent: z.boolean().optional(),
  /** A repeated reminder asked for in the quiet night window: its deliveries wait until this morning instant. */
  heldUntil: z.string().optional(),
  /** People whose e-mail of this notice goes into their digest before the next DSL instead. */
  digestFor: z.array(z.string()).optional(),
  /** People not e-mailed because the forum channel they read carries it. */
  toldByChannel: z.array(z.string()).optional(),
});
export type OutboxNotification = z.infer<typeof OutboxNotification>;

export interface NotificationFilter {
  kind?: OutboxNotification['kind'];
  status?: NotificationStatus;
  /** createdAt at or after this instant. */
  since?: string;
  limit: number;
}

/**
 * Storage of the outbox. Adapters: SQLite (embedded) and Cosmos DB (the go-lives container,
 * partitioned by go-live, `type: 'notification'`). Errors as the repository port:
 * `StoreConflictError` on a stale ETag, `StoreUnavailableError` when the store is away.
 */
export interface OutboxStore {
  /** Stores the notification unless its id exists; a replay returns the stored one with `created: false`. */
  add(n: OutboxNotification): Promise<CreateResult<Versioned<OutboxNotification>>>;
  get(goLiveId: string, id: string): Promise<Versioned<OutboxNotification> | undefined>;
  /** Replaces it if `etag` still matches, else throws `StoreConflictError`. */
  replace(n: OutboxNotification, etag: string): Promise<Versioned<OutboxNotification>>;
  /** Notifications whose `dueAt` is at or before `now`, earliest first, across go-lives. */
  listDue(now: string, limit: number): Promise<{ goLiveId: string; id: string }[]>;
  /** A go-live's notifications, newest `createdAt` first. */
  list(goLiveId: string, filter: NotificationFilter): Promise<OutboxNotification[]>;
  close(): Promise<void>;
}

// --- Transports: what each channel's adapter does; the dispatcher decides when and how often ---

/** A rendered e-mail to at most 50 recipients. */
export interface OutgoingEmail {
  /** Stable per delivery; embedded files and logs use it. */
  deliveryKey: string;
  /**
   * A UUID derived from the delivery, the same on every attempt of it: ACS takes it as
   * `Operation-Id`, so a repeat after a lost answer names the operation ACS already has.
   */
  operationId: string;
  to: Target[];
  subject: string;
  text: string;
  html: string;
  /** The app's time of the attempt (the Date header of an embedded .eml). */
  date: string;
}

/**
 * A provider request, repeated with the same id after an answer that never came (the Teams
 * webhook sends it as `x-driftpuls-delivery`; ACS e-mail uses `OutgoingEmail.operationId`).
 */
export interface AttemptContext {
  requestId: string;
  /** When the request was first sent, by the provider's (real) clock. */
  firstSentAt: string;
}

export interface DeliveryReceipt {
  providerMessageId?: string;
}

export interface EmailTransport {
  readonly name: string;
  send(mail: OutgoingEmail, attempt: AttemptContext): Promise<DeliveryReceipt>;
}

/** A forum's channel post: the workflow webhook's message with one Adaptive Card. */
export interface ChannelPost {
  deliveryKey: string;
  forum: (typeof FORUMS)[number];
  card: Record<string, unknown>;
}

export interface ChannelTransport {
  readonly name: string;
  post(post: ChannelPost, attempt: AttemptContext): Promise<DeliveryReceipt>;
}

/** A Teams activity-feed notification to one person (user principal name or Entra object id). */
export interface ActivityNotice {
  deliveryKey: string;
  user: string;
  /** The topic line (subject). */
  topic: string;
  /** Preview text; Teams shows the first 150 characters. */
  preview: string;
  /** Where a click leads (the link back into Driftpuls). */
  link: string;
  /** Same chain id → Teams replaces the earlier notification instead of adding one. */
  chainId: number;
}

export interface ActivityTransport {
  readonly name: string;
  notify(notice: ActivityNotice, attempt: AttemptContext): Promise<DeliveryReceipt>;
}

/**
 * Why a delivery attempt failed, as a transport classifies it:
 * - `retryable`: worth trying again (5xx, 429, timeouts, network, auth that an operator can fix);
 *   false for a request the provider will never take (400 bad address, 404 webhook gone);
 * - `maybeDelivered`: no answer came, so the provider may have acted (timeout, reset): the
 *   retry must reuse the request id;
 * - `retryAfterMs`: the provider's Retry-After;
 * - `reason`: the provider's own words, for the notification log.
 */
export class DeliveryError extends Error {
  constructor(
    readonly reason: string,
    readonly opts: { retryable: boolean; maybeDelivered?: boolean; retryAfterMs?: number; status?: number; restartRequest?: boolean } = {
      retryable: true,
    },
  ) {
    super(reason);
    this.name = 'DeliveryError';
  }
}
