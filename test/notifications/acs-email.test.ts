/**
 * The real `@azure/communication-email` client (through AcsEmailTransport) against a local
 * server that checks what the 2025-09-01 API checks (HMAC signature, api-version, body,
 * `Operation-Id` as a UUID), serves the operation poll, and creates no second mail for an
 * Operation-Id it already has (issue 18, item 9).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AcsEmailTransport } from '../../shared/adapters/email/acs-email.transport';
import type { OutgoingEmail } from '../../shared/ports/outbox.port';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { uuidFrom } from '../../shared/app/notifications/ids';
import { ACS_API_VERSION, AcsServer } from './support/providers';
import { harness } from './support/harness';
import { request } from './support/fixtures';

let server: AcsServer;

beforeAll(async () => {
  server = await new AcsServer().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.fault = 'none';
  server.failAfterAccepting = false;
  server.repeatWhileRunning = '202';
  server.pollsToSucceed = 1;
});

const transport = (connectionString = server.connectionString) =>
  new AcsEmailTransport({
    connectionString,
    sender: 'DoNotReply@driftpuls.example.se',
    requestTimeoutMs: 2500,
    overallTimeoutMs: 10000,
    pollIntervalMs: 5,
  });

let n = 0;
const mail = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  deliveryKey: `n-${++n}-email:1`,
  operationId: uuidFrom(`operation ${n}`),
  to: [{ address: 'anna@example.org', name: 'Anna Ledare' }, { address: 'karl@example.org' }],
  subject: `Försenat beslut: skrivare ${n}`,
  text: 'Beslutet är försenat.',
  html: '<p>Beslutet är försenat.</p>',
  date: '2026-11-27T08:00:00.000Z',
  ...overrides,
});
const attempt = (seed = String(++n)) => ({ requestId: uuidFrom(seed), firstSentAt: new Date().toISOString() });

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

describe('ACS e-mail through the SDK', () => {
  it('signs the request, sends the documented body, polls the operation to Succeeded', async () => {
    const m = mail();
    const a = attempt();
    const receipt = await transport().send(m, a);
    const stored = server.mails.find((x) => x.message.content.subject === m.subject);
    expect(stored).toBeDefined();
    expect(receipt.providerMessageId).toBe(stored!.operationId);
    // The delivery's Operation-Id, the attempt's id only as the tracking id; no 2021 repeatability headers.
    expect(stored!.operationId).toBe(m.operationId);
    expect(stored!.clientRequestId).toBe(a.requestId);
    expect(server.repeatabilityHeaders).toBe(0);
    expect(stored!.message).toEqual({
      senderAddress: 'DoNotReply@driftpuls.example.se',
      content: { subject: m.subject, plainText: m.text, html: m.html },
      recipients: { to: [{ address: 'anna@example.org', displayName: 'Anna Ledare' }, { address: 'karl@example.org' }] },
      userEngagementTrackingDisabled: true,
    });
    expect(server.rejected).toEqual([]);
  });

  it('the local ACS checks the api-version the pinned SDK calls', () => {
    const generated = fs.readFileSync(
      path.join(require.resolve('@azure/communication-email'), '../generated/src/emailRestApiClient.js'),
      'utf8',
    );
    expect(generated).toContain(`options.apiVersion || "${ACS_API_VERSION}"`);
  });

  it('an Operation-Id that is not a UUID never leaves: the SDK checks the format the API declares (uuid)', async () => {
    const before = server.requests;
    const err = await failure(transport().send(mail({ operationId: 'email-1' }), attempt()));
    expect(err.reason).toMatch(/Operation-Id|uuid/i);
    expect(server.requests).toBe(before);
  });

  it('is refused with a wrong key (the server checks the signature), and says so', async () => {
    const wrongKey = Buffer.from('another-key-entirely-0123456789').toString('base64');
    const err = await failure(transport(`endpoint=${server.url}/;accesskey=${wrongKey}`).send(mail(), attempt()));
    expect(err.opts.status).toBe(401);
    expect(err.reason).toMatch(/401/);
    expect(server.rejected.at(-1)?.reason).toMatch(/signature does not match/);
  });

  it('a mail the service refuses (51 recipients) fails for good with the service’s reason', async () => {
    const to = Array.from({ length: 51 }, (_, i) => ({ address: `p${i}@example.org` }));
    const err = await failure(transport().send(mail({ to }), attempt()));
    expect(err.opts.retryable).toBe(false);
    expect(err.reason).toMatch(/400.*at most 50 recipients/);
  });

  it('a repeat with the same Operation-Id is answered with the existing operation, not sent again — at any later time', async () => {
    const m = mail();
    const first = await transport().send(m, attempt());
    // Another attempt (a new tracking id), e.g. hours later: no 5-minute window applies to Operation-Id.
    const again = await transport().send(m, attempt());
    expect(again.providerMessageId).toBe(first.providerMessageId);
    expect(server.mails.filter((x) => x.message.content.subject === m.subject)).toHaveLength(1);
    expect(server.replays).toBeGreaterThan(0);
  });

  it('a repeat answered 409 (the operation still runs) counts as sent, once', async () => {
    const m = mail();
    server.fault = 'timeout-after';
    await failure(transport().send(m, attempt()));
    server.fault = 'none';
    server.repeatWhileRunning = '409';
    server.pollsToSucceed = 1000; // still running when the repeat comes
    const receipt = await transport().send(m, attempt());
    expect(receipt.providerMessageId).toBe(m.operationId);
    expect(server.mails.filter((x) => x.message.content.subject === m.subject)).toHaveLength(1);
  });

  it('two different mails never share an Operation-Id: the local ACS would refuse the second', async () => {
    const m = mail();
    await transport().send(m, attempt());
    const err = await failure(transport().send(mail({ operationId: m.operationId }), attempt()));
    expect(err.opts.status).toBe(400);
    expect(server.rejected.at(-1)?.reason).toMatch(/OperationIdMismatch/);
  });

  it('classifies 500, 429 with Retry-After and a timeout', async () => {
    server.fault = '500';
    const e500 = await failure(transport().send(mail(), attempt()));
    expect(e500.opts).toMatchObject({ retryable: true, status: 500 });
    expect(e500.opts.maybeDelivered).toBeFalsy();

    server.fault = '429';
    server.retryAfterSeconds = 42;
    const e429 = await failure(transport().send(mail(), attempt()));
    expect(e429.opts).toMatchObject({ retryable: true, status: 429, retryAfterMs: 42_000 });

    server.fault = 'timeout-before';
    const eTimeout = await failure(transport().send(mail(), attempt()));
    expect(eTimeout.opts).toMatchObject({ retryable: true, maybeDelivered: true });
  });

  it('after a timeout where ACS did take the mail, the repeat with the same id sends nothing more', async () => {
    const m = mail();
    const a = attempt();
    server.fault = 'timeout-after';
    await failure(transport().send(m, a));
    server.fault = 'none';
    await transport().send(m, a);
    expect(server.mails.filter((x) => x.message.content.subject === m.subject)).toHaveLength(1);
  });

  it('refuses to start without endpoint or connection string', async () => {
    const t = new AcsEmailTransport({ sender: 'a@b.se' });
    await expect(t.send(mail(), attempt())).rejects.toThrow(/endpoint or a connection string/);
  });
});

describe('one outbox delivery, retried through the dispatcher', () => {
  it('ACS took the mail but answered 503: the retry carries the same Operation-Id and no second mail is sent', async () => {
    const h = await harness({
      transports: {
        email: new AcsEmailTransport({
          connectionString: server.connectionString,
          sender: 'DoNotReply@driftpuls.example.se',
          requestTimeoutMs: 2500,
          overallTimeoutMs: 10000,
          pollIntervalMs: 5,
        }),
      },
    });
    try {
      const subject = `Försenat beslut ${uuidFrom(String(Date.now()))}`;
      server.failAfterAccepting = true;
      const { id } = await h.notifier.enqueue(request(h.goLive.id, { subject: { sv: subject, en: subject }, channels: ['email'] }));
      await h.dispatcher.idle();
      let n = (await h.outbox.get(h.goLive.id, id))!.value;
      const d = n.deliveries.find((x) => x.channel === 'email')!;
      // An answered 503 is "not sent" to the outbox: a new attempt, with a new attempt id, follows.
      expect(d).toMatchObject({ status: 'pending', attempts: 1 });
      expect(d.inFlight).toBeUndefined();
      server.failAfterAccepting = false;
      h.clock.set(new Date(Date.parse(d.nextAttemptAt!)));
      await h.dispatcher.deliverDue();
      n = (await h.outbox.get(h.goLive.id, id))!.value;
      expect(n.deliveries.find((x) => x.channel === 'email')).toMatchObject({ status: 'sent', attempts: 2 });
      const sent = server.mails.filter((x) => x.message.content.subject.includes(subject));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.operationId).toBe(uuidFrom(`${id}|email:1|operation`));
    } finally {
      await h.close();
    }
  });
});
