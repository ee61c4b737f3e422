/**
 * The outbox and its dispatcher on the injected clock, with recording transports: stored
 * before delivery, recipients resolved at enqueue, dedupe, deterministic backoff, Retry-After,
 * failure with the provider's reason, the e-mail throttle, leases between two instances.
 */
import { DEFAULT_POLICY } from '../../shared/app/notifications/dispatcher';
import { notificationId } from '../../shared/app/notifications/ids';
import { DomainError } from '../../shared/domain/errors';
import type { OutboxNotification } from '../../shared/ports/outbox.port';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { uniqueId } from '../builders';
import { FakeActivity, FakeChannel, FakeEmail, refused, throttled, timedOut, unavailable } from './support/fake-transports';
import { request, T0 } from './support/fixtures';
import type { Harness } from './support/harness';
import { harness, PUBLIC_BASE_URL } from './support/harness';

let h: Harness;
let email: FakeEmail;
let channel: FakeChannel;
let activity: FakeActivity;

async function setup(policy: Partial<typeof DEFAULT_POLICY> = {}): Promise<void> {
  email = new FakeEmail();
  channel = new FakeChannel();
  activity = new FakeActivity();
  h = await harness({ transports: { email, teamsChannel: channel, teamsActivity: activity }, policy });
}
afterEach(() => h?.close());

const stored = async (id: string): Promise<OutboxNotification> => (await h.outbox.get(h.goLive.id, id))!.value;
const delivery = async (id: string, deliveryId: string) => (await stored(id)).deliveries.find((d) => d.id === deliveryId)!;
const iso = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('enqueue', () => {
  beforeEach(() => setup());

  it('stores the notification before any provider is called, then delivers without being awaited', async () => {
    let seenAtSend: OutboxNotification | undefined;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    email.script.push(async () => {
      seenAtSend = await stored(notificationId(h.goLive.id, dk));
      await held;
    });
    const dk = uniqueId('dk');
    const r = await h.notifier.enqueue(request(h.goLive.id, { dedupeKey: dk }));
    // enqueue has returned while the e-mail is still being sent
    expect(r).toEqual({ id: notificationId(h.goLive.id, dk), created: true, unresolved: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seenAtSend?.deliveries.find((d) => d.channel === 'email')?.status).toBe('pending');
    release();
    await h.dispatcher.idle();
    expect((await stored(r.id)).status).toBe('sent');
  });

  it('resolves roles and people to addresses, forums to channels, coordinators to the activity feed; lists who has no e-mail', async () => {
    const r = await h.notifier.enqueue(
      request(h.goLive.id, {
        recipients: { roles: ['goLiveLead', 'areaCoordinator'], personIds: ['ines', 'ghost'], forums: ['DSL', 'LGV'] },
      }),
    );
    expect(r.unresolved).toEqual([
      { personId: 'nils', reason: 'noEmail' },
      { personId: 'ghost', reason: 'unknownPerson' },
    ]);
    await h.dispatcher.idle();
    const n = await stored(r.id);
    expect(n.deliveries.map((d) => [d.id, d.to.map((t) => t.address)])).toEqual([
      ['email:1', ['anna@example.org', 'omar@example.org', 'ines@example.org']],
      ['teamsChannel:DSL', ['DSL']],
      ['teamsChannel:LGV', ['LGV']],
      ['teamsActivity:anna', ['anna@example.org']],
      ['teamsActivity:omar', ['omar@example.org']],
      // IM is told of P1/P2 incidents in the activity feed too (issue 15 item 1).
      ['teamsActivity:ines', ['ines@example.org']],
    ]);
    expect(n.unresolved).toEqual([
      { personId: 'nils', name: 'Nils Utan Post', reason: 'noEmail' },
      { personId: 'ghost', reason: 'unknownPerson' },
    ]);
    expect(n.link).toBe(`${PUBLIC_BASE_URL}/golives/${h.goLive.id}/decisions/d-1`);
    expect(email.calls[0]!.item.to.map((t) => t.name)).toEqual(['Anna Ledare', 'Omar Områdessamordnare', 'Ines IM']);
    expect(channel.calls.map((c) => c.item.forum)).toEqual(['DSL', 'LGV']);
    expect(activity.calls.map((c) => c.item.user)).toEqual(['anna@example.org', 'omar@example.org', 'ines@example.org']);
  });

  it('sends to the addresses resolved at enqueue, even if the organisation changes before delivery', async () => {
    email.script.push(unavailable());
    const r = await h.notifier.enqueue(request(h.goLive.id, { recipients: { personIds: ['karl'] }, channels: ['email'] }));
    await h.dispatcher.idle();
    const current = (await h.repo.getGoLive(h.goLive.id))!;
    await h.repo.saveGoLive(
      { ...current.value, people: current.value.people.map((p) => (p.id === 'karl' ? { ...p, email: 'karl.new@example.org' } : p)) },
      current.etag,
    );
    h.clock.advance(60_000);
    await h.dispatcher.deliverDue();
    expect(email.calls.map((c) => c.item.to[0]!.address)).toEqual(['karl@example.org', 'karl@example.org']);
    expect((await stored(r.id)).status).toBe('sent');
  });

  it('never stores or sends a dedupe key twice', async () => {
    const req = request(h.goLive.id);
    const first = await h.notifier.enqueue(req);
    await h.dispatcher.idle();
    const again = await h.notifier.enqueue({ ...req, subject: { sv: 'Annan rubrik', en: 'Other subject' } });
    await h.dispatcher.idle();
    h.clock.advance(3600_000);
    await h.dispatcher.deliverDue();
    expect(again).toEqual({ ...first, created: false });
    expect(email.calls).toHaveLength(1);
    expect(channel.calls).toHaveLength(1);
    expect(activity.calls).toHaveLength(2);
    expect((await stored(first.id)).subject.sv).toBe(req.subject.sv);
  });

  it('only uses the channels asked for, and says "skipped" when nobody can be reached', async () => {
    const only = await h.notifier.enqueue(request(h.goLive.id, { channels: ['teamsChannel'] }));
    const nobody = await h.notifier.enqueue(request(h.goLive.id, { recipients: { personIds: ['nils'] } }));
    await h.dispatcher.idle();
    expect((await stored(only.id)).deliveries.map((d) => d.id)).toEqual(['teamsChannel:DSL']);
    expect((await stored(nobody.id)).status).toBe('skipped');
    expect((await stored(nobody.id)).dueAt).toBeUndefined();
  });

  it('refuses a bad request naming the field, and an unknown go-live', async () => {
    const bad = await h.notifier.enqueue({ ...request(h.goLive.id), link: 'javascript:alert(1)', recipients: {} }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DomainError);
    expect((bad as DomainError).code).toBe('VALIDATION.FAILED');
    expect((bad as DomainError).details.issues?.map((i) => i.field).sort()).toEqual(['link', 'recipients']);
    const unknown = await h.notifier.enqueue(request('no-such-golive')).catch((e: unknown) => e);
    expect((unknown as DomainError).code).toBe('GOLIVE.NOT_FOUND');
  });
});

describe('retries', () => {
  beforeEach(() => setup());

  it('backs off on a deterministic schedule (30 s, 1, 2, 5 min …) until the provider answers', async () => {
    email.failAlways = unavailable();
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await delivery(r.id, 'email:1');
      seen.push(d.nextAttemptAt!);
      // Just before the time nothing happens; at the time it is tried.
      h.clock.set(new Date(Date.parse(d.nextAttemptAt!) - 1));
      await h.dispatcher.deliverDue();
      expect((await delivery(r.id, 'email:1')).attempts).toBe(i + 1);
      h.clock.set(d.nextAttemptAt!);
      await h.dispatcher.deliverDue();
    }
    expect(seen).toEqual([iso(30_000), iso(30_000 + 60_000), iso(90_000 + 120_000), iso(210_000 + 300_000)]);
    email.failAlways = undefined;
    h.clock.set((await delivery(r.id, 'email:1')).nextAttemptAt!);
    await h.dispatcher.deliverDue();
    const d = await delivery(r.id, 'email:1');
    expect(d).toMatchObject({ status: 'sent', attempts: 6, lastError: 'ACS: 503 Service Unavailable', providerMessageId: 'msg-6' });
    expect(d.nextAttemptAt).toBeUndefined();
    expect((await stored(r.id)).status).toBe('sent');
  });

  it('honours Retry-After instead of the schedule', async () => {
    email.script.push(throttled(90_000));
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    expect((await delivery(r.id, 'email:1')).nextAttemptAt).toBe(iso(90_000));
  });

  it('marks a delivery failed with the provider’s reason when the provider refuses it, and tries no more', async () => {
    email.script.push(refused());
    const r = await h.notifier.enqueue(request(h.goLive.id));
    await h.dispatcher.idle();
    h.clock.advance(3600_000);
    await h.dispatcher.deliverDue();
    expect(await delivery(r.id, 'email:1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'ACS: 400 BadRequest: invalid recipient',
    });
    expect(email.calls).toHaveLength(1);
    const n = await stored(r.id);
    expect(n.status).toBe('failed'); // other channels sent, this one failed
    expect(n.dueAt).toBeUndefined();
  });

  it('gives up after the last attempt, saying so', async () => {
    await h.close();
    await setup({ maxAttempts: 3 });
    channel.failAlways = unavailable('Teams workflow (DSL): 502 Bad Gateway');
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['teamsChannel'] }));
    await h.dispatcher.idle();
    for (let i = 0; i < 5; i++) {
      h.clock.advance(3600_000);
      await h.dispatcher.deliverDue();
    }
    expect(await delivery(r.id, 'teamsChannel:DSL')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'gave up after 3 attempts: Teams workflow (DSL): 502 Bad Gateway',
    });
  });

  it('repeats a request that got no answer with the same request id; a new attempt after an answer gets a new one', async () => {
    email.script.push(timedOut(), unavailable());
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    expect((await delivery(r.id, 'email:1')).inFlight?.requestId).toBe(email.calls[0]!.attempt.requestId);
    for (let i = 0; i < 2; i++) {
      h.clock.set((await delivery(r.id, 'email:1')).nextAttemptAt!);
      await h.dispatcher.deliverDue();
    }
    const ids = email.calls.map((c) => c.attempt.requestId);
    expect(ids[1]).toBe(ids[0]); // after the timeout: the same request
    expect(ids[2]).not.toBe(ids[1]); // after a 503 answer: a new one
    expect((await delivery(r.id, 'email:1')).status).toBe('sent');
  });

  it('starts a new request at once when the provider no longer recognises the old one (412)', async () => {
    email.script.push(timedOut(), new DeliveryError('ACS: 412 outside window', { retryable: true, status: 412, restartRequest: true }));
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    h.clock.set((await delivery(r.id, 'email:1')).nextAttemptAt!);
    await h.dispatcher.deliverDue();
    const d = await delivery(r.id, 'email:1');
    expect(d.inFlight).toBeUndefined();
    expect(d.nextAttemptAt).toBe(h.clock.now().toISOString());
    await h.dispatcher.deliverDue();
    expect((await delivery(r.id, 'email:1')).status).toBe('sent');
    expect(new Set(email.calls.map((c) => c.attempt.requestId)).size).toBe(2);
  });

  it('after one provider failure in a run, the rest of that channel waits instead of timing out one by one', async () => {
    email.failAlways = unavailable();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.notifier.enqueue(request(h.goLive.id, { channels: ['email', 'teamsChannel'] }))).id);
    await h.dispatcher.idle();
    email.calls.length = 0;
    h.clock.advance(30_000);
    const run = await h.dispatcher.deliverDue();
    expect(email.calls).toHaveLength(1);
    expect(run).toMatchObject({ retrying: 1, waiting: 2 });
    const ds = await Promise.all(ids.map((id) => delivery(id, 'email:1')));
    const probe = ds.find((d) => d.attempts === 2)!;
    expect(probe.nextAttemptAt).toBe(new Date(h.clock.now().getTime() + 60_000).toISOString());
    expect(ds.filter((d) => d !== probe).map((d) => [d.attempts, d.nextAttemptAt])).toEqual([
      [1, probe.nextAttemptAt],
      [1, probe.nextAttemptAt],
    ]);
    expect(channel.calls).toHaveLength(3); // the other channel was not held up
  });
});

describe('the e-mail throttle', () => {
  it('sends at most ACS_MAX_PER_MINUTE mails a minute, logs that it waits, and sends the rest later', async () => {
    await setup({ emailPerMinute: 30 });
    const ids: string[] = [];
    for (let i = 0; i < 35; i++) ids.push((await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }))).id);
    await h.dispatcher.idle();
    expect(email.calls).toHaveLength(30);
    const waits = h.logs.filter((l) => /e-mail throttled \(30\/min\).*waits until/.test(l.message));
    expect(waits).toHaveLength(5);
    const pending = (await Promise.all(ids.map((id) => delivery(id, 'email:1')))).filter((d) => d.status === 'pending');
    expect(pending.map((d) => d.attempts)).toEqual([0, 0, 0, 0, 0]);
    // One token every 2 s: after 10 s the five are through.
    h.clock.advance(10_000);
    await h.dispatcher.deliverDue();
    expect(email.calls).toHaveLength(35);
    expect(new Set(email.calls.map((c) => c.item.deliveryKey)).size).toBe(35);
  });

  it('holds all e-mail after a 429 until its Retry-After', async () => {
    await setup();
    email.script.push(throttled(60_000));
    const a = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    const b = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    expect(email.calls).toHaveLength(1);
    expect((await delivery(b.id, 'email:1')).nextAttemptAt).toBe(iso(60_000));
    h.clock.advance(60_000);
    await h.dispatcher.deliverDue();
    expect((await delivery(a.id, 'email:1')).status).toBe('sent');
    expect((await delivery(b.id, 'email:1')).status).toBe('sent');
  });
});

describe('leases', () => {
  beforeEach(() => setup());

  it('two instances delivering at once send each notification once', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const sending = new Promise<void>((r) => (reached = r));
    email.script.push(async () => {
      reached();
      await held;
    });
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await sending; // the kick is inside the provider call, holding the lease
    const other = h.another();
    try {
      // Its timer does not even see it (dueAt is the lease's end), and asked directly it backs off.
      expect(await other.deliverDue()).toMatchObject({ examined: 0, sent: 0 });
      expect(await other.deliverOne(h.goLive.id, r.id)).toMatchObject({ examined: 1, leased: 1, sent: 0 });
    } finally {
      release();
    }
    await h.dispatcher.idle();
    h.clock.advance(DEFAULT_POLICY.leaseMs);
    await other.deliverDue();
    expect(email.calls).toHaveLength(1);
    const n = await stored(r.id);
    expect(n.status).toBe('sent');
    expect(n.lease).toBeUndefined();
  });

  it('a crashed holder’s notification comes back when its lease runs out, with the same request id', async () => {
    email.failAlways = new DeliveryError('not yet', { retryable: true, status: 503 });
    const r = await h.notifier.enqueue(request(h.goLive.id, { channels: ['email'] }));
    await h.dispatcher.idle();
    email.failAlways = undefined;
    // An instance claims it at its next due time and dies before recording anything.
    const v = (await h.outbox.get(h.goLive.id, r.id))!;
    const due = Date.parse(v.value.deliveries[0]!.nextAttemptAt!);
    const inFlight = { requestId: '11111111-1111-8111-8111-111111111111', firstSentAt: new Date(due).toISOString() };
    await h.outbox.replace(
      {
        ...v.value,
        lease: { owner: 'dead-instance', until: new Date(due + DEFAULT_POLICY.leaseMs).toISOString() },
        dueAt: new Date(due + DEFAULT_POLICY.leaseMs).toISOString(),
        deliveries: v.value.deliveries.map((d) => ({ ...d, inFlight })),
      },
      v.etag,
    );
    h.clock.set(new Date(due + DEFAULT_POLICY.leaseMs - 1));
    expect((await h.dispatcher.deliverDue()).sent).toBe(0);
    h.clock.set(new Date(due + DEFAULT_POLICY.leaseMs));
    expect((await h.dispatcher.deliverDue()).sent).toBe(1);
    expect(email.calls.at(-1)!.attempt.requestId).toBe(inFlight.requestId);
  });
});
