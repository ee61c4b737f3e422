import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.port';
import { systemClock } from '../../ports/clock.port';
import type { ChannelTemplates, NotificationChannel } from '../../ports/notification-channel.port';
import type {
  ActivityTransport,
  AttemptContext,
  Channel,
  ChannelTransport,
  Delivery,
  DeliveryReceipt,
  EmailTransport,
  OutboxNotification,
  OutboxStore,
} from '../../ports/outbox.port';
import { DeliveryError } from '../../ports/outbox.port';
import { StoreConflictError } from '../../ports/repository.port';
import { channelsOf } from './channels';
import { uuidFrom } from './ids';
import type { NotificationContent } from './templates/render';
import { renderActivity, renderCard, renderEmail, renderPlainText, renderSubject } from './templates/render';
import { TokenBucket } from './throttle';

/** The built-in channels' transports: one per channel that is on; a channel without one is off. */
export interface Transports {
  email?: EmailTransport;
  teamsChannel?: ChannelTransport;
  teamsActivity?: ActivityTransport;
}

export interface DeliveryPolicy {
  /** Wait after the n-th failed attempt: `backoffMs[n-1]`, the last value repeating. Deterministic, no jitter. */
  backoffMs: readonly number[];
  /** Attempts before a delivery is marked failed. */
  maxAttempts: number;
  /** How long a claim holds a notification; a crashed holder's work is picked up after it. */
  leaseMs: number;
  /** Notifications looked at per run. */
  batchSize: number;
  /** ACS e-mail: mails per minute (token bucket on the injected clock). */
  emailPerMinute: number;
  /** A provider's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** 30 s, 1, 2, 5, 10, 20, 30 min, then hourly; 24 attempts span about 17 hours. */
export const DEFAULT_POLICY: DeliveryPolicy = {
  backoffMs: [30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE, 60 * MINUTE],
  maxAttempts: 24,
  leaseMs: 5 * MINUTE,
  batchSize: 200,
  emailPerMinute: 30,
  maxRetryAfterMs: 60 * MINUTE,
};

export type NotifyLog = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

export const consoleLog: NotifyLog = (level, message, detail) => {
  const line = `[notifications] ${message}`;
  if (level === 'error') console.error(line, detail ?? '');
  else if (level === 'warn') console.warn(line, detail ?? '');
  else console.log(line);
};

export interface DeliveryRun {
  /** Notifications looked at. */
  examined: number;
  sent: number;
  /** Failed for good this run. */
  failed: number;
  /** Failed this run, tried again later. */
  retrying: number;
  /** Not tried this run: the throttle, or the provider already failing this run. */
  waiting: number;
  /** Held by another dispatcher's lease. */
  leased: number;
}

interface RunState {
  now: number;
  log: NotifyLog;
  /** A channel whose provider failed as unavailable this run: the rest wait until then. */
  down: Map<Channel, { until: number; reason: string }>;
  result: DeliveryRun;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (instant: string | undefined) => (instant === undefined ? 0 : Date.parse(instant));

/** Status and `dueAt` follow from the deliveries (and a live lease). */
export function settle(n: OutboxNotification): OutboxNotification {
  const pending = n.deliveries.filter((d) => d.status === 'pending');
  const status: OutboxNotification['status'] =
    n.deliveries.length === 0
      ? 'skipped'
      : pending.length > 0
        ? 'pending'
        : n.deliveries.some((d) => d.status === 'failed')
          ? 'failed'
          : 'sent';
  let due = pending.length ? Math.min(...pending.map((d) => ms(d.nextAttemptAt))) : undefined;
  if (n.lease && due !== undefined) due = Math.max(due, ms(n.lease.until));
  const { dueAt: _old, ...rest } = n;
  return { ...rest, status, ...(due === undefined ? {} : { dueAt: iso(due) }) };
}

/** The content every template renders from. */
export const contentOf = (n: OutboxNotification): NotificationContent => ({
  kind: n.kind,
  goLiveName: n.goLiveName,
  subject: n.subject,
  text: n.text,
  ...(n.html ? { html: n.html } : {}),
  link: n.link,
  ...(n.data ? { data: n.data } : {}),
});

/** The app's templates over a stored notification, as every channel renders from them. */
export function templatesOf(n: OutboxNotification): ChannelTemplates {
  const content = contentOf(n);
  return {
    subject: (lang) => renderSubject(content, lang),
    plainText: (lang) => renderPlainText(content, lang),
    email: () => renderEmail(content),
    card: () => renderCard(content),
    activity: () => renderActivity(content),
  };
}

/** Why a delivery waits on a channel that is no longer registered (turned off after it was planned). */
const OFF: Record<string, string> = {
  email: 'e-mail is off (NOTIFY_EMAIL=off)',
  teamsChannel: 'Teams channel posts are off (NOTIFY_TEAMS_WEBHOOK=off)',
  teamsActivity: 'Teams activity feed is off (NOTIFY_TEAMS_ACTIVITY=off)',
};

/**
 * Delivers what the outbox holds. Driven by the injected clock: `deliverDue(now)` is what
 * the timer calls, and `enqueue` kicks one notification without waiting for it. Each
 * notification is claimed with a lease under its ETag before any provider is called, so two
 * instances never deliver the same one at once; each delivery's outcome is written back
 * before the next is tried.
 */
export class Dispatcher {
  readonly owner: string;
  private readonly policy: DeliveryPolicy;
  /** The channels that are on, by kind, in the order they plan. */
  private readonly registry = new Map<string, NotificationChannel>();
  /** Rate limits per channel: e-mail's from the policy, others' from their `perMinute`. */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly active = new Set<string>();
  private readonly kicks = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: {
      outbox: OutboxStore;
      /** The built-in channels' transports (each makes its channel, channels.ts). */
      transports?: Transports;
      /** Further channels, planned and delivered after the built-in ones (an SMS channel). */
      channels?: readonly NotificationChannel[];
      /** Decides what is due, leases and backoff: the app's (possibly simulated) clock. */
      clock: Clock;
      /**
       * The providers' time, for the attempt's `firstSentAt` (real time, not the app's
       * possibly simulated clock). Default: the system clock, also in rehearsals.
       */
      providerClock?: Clock;
      policy?: Partial<DeliveryPolicy>;
      log?: NotifyLog;
      owner?: string;
    },
  ) {
    this.policy = { ...DEFAULT_POLICY, ...deps.policy };
    for (const c of [...channelsOf(deps.transports ?? {}), ...(deps.channels ?? [])]) {
      if (this.registry.has(c.kind)) throw new Error(`two notification channels named ${c.kind}`);
      this.registry.set(c.kind, c);
      const perMinute = c.kind === 'email' ? this.policy.emailPerMinute : c.perMinute;
      if (perMinute !== undefined) this.buckets.set(c.kind, new TokenBucket(perMinute));
    }
    this.owner = deps.owner ?? `dispatcher-${randomUUID()}`;
  }

  /** Channels that are on, by kind. */
  get channels(): ReadonlySet<Channel> {
    return new Set(this.registry.keys());
  }

  /** The channels that are on, in the order they plan their deliveries. */
  get registered(): readonly NotificationChannel[] {
    return [...this.registry.values()];
  }

  /** Everything due at `now`, earliest first (the timer's work). */
  async deliverDue(now: Date = this.deps.clock.now(), log: NotifyLog = this.deps.log ?? consoleLog): Promise<DeliveryRun> {
    const run = this.newRun(now, log);
    const due = await this.deps.outbox.listDue(now.toISOString(), this.policy.batchSize);
    for (const ref of due) await this.guarded(ref.goLiveId, ref.id, run);
    return run.result;
  }

  /** One notification, if anything in it is due. */
  async deliverOne(
    goLiveId: string,
    id: string,
    now: Date = this.deps.clock.now(),
    log: NotifyLog = this.deps.log ?? consoleLog,
  ): Promise<DeliveryRun> {
    const run = this.newRun(now, log);
    await this.guarded(goLiveId, id, run);
    return run.result;
  }

  /** Starts delivering one notification in the background; `idle()` waits for it. */
  kick(goLiveId: string, id: string): void {
    const log = this.deps.log ?? consoleLog;
    const p: Promise<unknown> = this.deliverOne(goLiveId, id)
      .catch((e: unknown) => log('error', `delivery of ${goLiveId}/${id} failed; the timer will try again`, { error: String(e) }))
      .finally(() => this.kicks.delete(p));
    this.kicks.add(p);
  }

  /** Resolves when no kicked delivery is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.kicks.size) await Promise.allSettled([...this.kicks]);
  }

  private newRun(now: Date, log: NotifyLog): RunState {
    return { now: now.getTime(), log, down: new Map(), result: { examined: 0, sent: 0, failed: 0, retrying: 0, waiting: 0, leased: 0 } };
  }

  /** One notification at a time per process; errors of one never stop the run. */
  private async guarded(goLiveId: string, id: string, run: RunState): Promise<void> {
    const key = `${goLiveId}/${id}`;
    if (this.active.has(key)) {
      run.result.leased++;
      return;
    }
    this.active.add(key);
    try {
      await this.process(goLiveId, id, run);
    } catch (e) {
      run.log('error', `notification ${key}: ${String(e)}; it stays in the outbox for the next run`);
    } finally {
      this.active.delete(key);
    }
  }

  private async process(goLiveId: string, id: string, run: RunState): Promise<void> {
    const { outbox } = this.deps;
    const found = await outbox.get(goLiveId, id);
    if (!found) return;
    run.result.examined++;
    let n = found.value;
    let etag = found.etag;
    const now = run.now;
    if (n.lease && ms(n.lease.until) > Math.max(now, this.deps.clock.now().getTime()) && n.lease.owner !== this.owner) {
      run.result.leased++;
      return;
    }
    const dueIds = n.deliveries.filter((d) => d.status === 'pending' && ms(d.nextAttemptAt) <= now).map((d) => d.id);
    if (dueIds.length === 0) {
      // Nothing due, yet listed: an expired lease of a holder that died. Put `dueAt` right.
      const fixed = settle({ ...withoutLease(n) });
      if (fixed.dueAt !== n.dueAt || n.lease) await outbox.replace(fixed, etag).catch(ignoreConflict);
      return;
    }

    // Claim: the lease, and for each due delivery the request id its attempt will carry.
    // The lease counts from the clock's time now, not the run's start: a long run must not
    // hand out leases that have already run out.
    const leaseFrom = Math.max(now, this.deps.clock.now().getTime());
    n = {
      ...n,
      lease: { owner: this.owner, until: iso(leaseFrom + this.policy.leaseMs) },
      deliveries: n.deliveries.map((d) => (dueIds.includes(d.id) && !d.inFlight ? { ...d, inFlight: this.newRequest(n.id, d) } : d)),
    };
    n = settle(n);
    try {
      etag = (await outbox.replace(n, etag)).etag;
    } catch (e) {
      if (e instanceof StoreConflictError) {
        run.result.leased++;
        return;
      }
      throw e;
    }

    // Request ids made by this claim: a delivery that ends up not tried (throttle, provider
    // down) drops its id again, so its first-sent time is that of a real send.
    const fresh = new Set(found.value.deliveries.filter((d) => dueIds.includes(d.id) && !d.inFlight).map((d) => d.id));
    for (const [i, deliveryId] of dueIds.entries()) {
      const delivery = n.deliveries.find((d) => d.id === deliveryId)!;
      const updated = await this.attempt(n, delivery, run, fresh.has(deliveryId));
      n = { ...n, deliveries: n.deliveries.map((d) => (d.id === deliveryId ? updated : d)) };
      const last = i === dueIds.length - 1;
      n = settle(last ? withoutLease(n) : n);
      try {
        etag = (await outbox.replace(n, etag)).etag;
      } catch (e) {
        if (!(e instanceof StoreConflictError)) throw e;
        // Only a holder past its lease can lose it; what was just done may be done again.
        run.log('error', `notification ${goLiveId}/${id}: lease lost while delivering; the outcome of ${deliveryId} was not recorded`);
        return;
      }
    }
  }

  private async attempt(n: OutboxNotification, d: Delivery, run: RunState, freshRequest: boolean): Promise<Delivery> {
    const now = run.now;
    const what = `${n.kind} ${n.goLiveId}/${n.id} ${d.id}`;
    const notTried = (until: number): Delivery => {
      const { inFlight, ...rest } = d;
      return { ...rest, ...(inFlight && !freshRequest ? { inFlight } : {}), nextAttemptAt: iso(until) };
    };
    const down = run.down.get(d.channel);
    if (down) {
      run.result.waiting++;
      return notTried(down.until);
    }
    const bucket = this.buckets.get(d.channel);
    if (bucket) {
      const token = bucket.take(now);
      if (!token.ok) {
        run.result.waiting++;
        const name = d.channel === 'email' ? 'e-mail' : d.channel;
        run.log('info', `${name} throttled (${bucket.perMinute}/min): ${what} waits until ${iso(token.at)}`, {
          until: iso(token.at),
        });
        return notTried(token.at);
      }
    }
    const attemptCtx: AttemptContext = d.inFlight ?? this.newRequest(n.id, d);
    const attempts = d.attempts + 1;
    try {
      const receipt = await this.send(n, d, attemptCtx, now);
      run.result.sent++;
      run.log('info', `sent ${what} (attempt ${attempts})`);
      const { inFlight: _f, nextAttemptAt: _n, ...rest } = d;
      return {
        ...rest,
        status: 'sent',
        attempts,
        lastAttemptAt: iso(now),
        sentAt: iso(now),
        ...(receipt.providerMessageId ? { providerMessageId: receipt.providerMessageId } : {}),
      };
    } catch (e) {
      const err =
        e instanceof DeliveryError
          ? e
          : new DeliveryError(String(e instanceof Error ? e.message : e), { retryable: true, maybeDelivered: true });
      const { inFlight: _f, nextAttemptAt: _n, ...rest } = d;
      const base = { ...rest, attempts, lastAttemptAt: iso(now), lastError: err.reason };
      if (!err.opts.retryable || attempts >= this.policy.maxAttempts) {
        run.result.failed++;
        const reason = err.opts.retryable ? `gave up after ${attempts} attempts: ${err.reason}` : err.reason;
        run.log('warn', `failed ${what}: ${reason}`);
        return { ...base, status: 'failed', lastError: reason };
      }
      run.result.retrying++;
      if (err.opts.restartRequest) {
        run.log('warn', `${what}: ${err.reason}`);
        return { ...base, nextAttemptAt: iso(now) };
      }
      const backoff = this.policy.backoffMs[Math.min(attempts, this.policy.backoffMs.length) - 1] ?? MINUTE;
      const wait =
        err.opts.retryAfterMs !== undefined ? Math.min(Math.max(err.opts.retryAfterMs, SECOND), this.policy.maxRetryAfterMs) : backoff;
      const next = now + wait;
      const unavailable = err.opts.status === undefined || err.opts.status >= 500 || err.opts.status === 429 || err.opts.status === 408;
      if (unavailable) run.down.set(d.channel, { until: next, reason: err.reason });
      if (err.opts.status === 429) this.buckets.get(d.channel)?.blockUntil(next);
      run.log(
        'warn',
        `${what} attempt ${attempts} failed: ${err.reason}; next try ${iso(next)}${err.opts.retryAfterMs !== undefined ? ' (Retry-After)' : ''}`,
      );
      return { ...base, status: 'pending', nextAttemptAt: iso(next), ...(err.opts.maybeDelivered ? { inFlight: attemptCtx } : {}) };
    }
  }

  /** A provider request id for the delivery's next attempt, stable for that attempt number. */
  private newRequest(notificationId: string, d: Delivery): AttemptContext {
    return {
      requestId: uuidFrom(`${notificationId}|${d.id}|${d.attempts}`),
      firstSentAt: (this.deps.providerClock ?? systemClock).now().toISOString(),
    };
  }

  private async send(n: OutboxNotification, d: Delivery, attempt: AttemptContext, now: number): Promise<DeliveryReceipt> {
    const channel = this.registry.get(d.channel);
    if (!channel) throw new DeliveryError(OFF[d.channel] ?? `the ${d.channel} channel is off`, { retryable: false });
    const message = channel.render(n, d, { deliveryKey: `${n.id}-${d.id}`, now: iso(now), templates: templatesOf(n) });
    return channel.deliver(message, attempt);
  }
}

function withoutLease(n: OutboxNotification): OutboxNotification {
  const { lease: _l, ...rest } = n;
  return rest;
}

function ignoreConflict(e: unknown): void {
  if (!(e instanceof StoreConflictError)) throw e;
}
