/**
 * The real `@azure/communication-email` client (through AcsEmailTransport) against a local
 * server that verifies the HMAC signature, the request body and the repeatability headers,
 * and serves the operation poll.
 */
import { AcsEmailTransport } from '../../shared/adapters/email/acs-email.transport';
import type { OutgoingEmail } from '../../shared/ports/outbox.port';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { uuidFrom } from '../../shared/app/notifications/ids';
import { AcsServer } from './support/providers';

let server: AcsServer;
let providerNow = Date.now();

beforeAll(async () => {
  server = await new AcsServer(() => providerNow).start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.fault = 'none';
  providerNow = Date.now();
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
  to: [{ address: 'anna@example.org', name: 'Anna Ledare' }, { address: 'karl@example.org' }],
  subject: `Försenat beslut: skrivare ${n}`,
  text: 'Beslutet är försenat.',
  html: '<p>Beslutet är försenat.</p>',
  date: '2026-11-27T08:00:00.000Z',
  ...overrides,
});
const attempt = (seed = String(++n)) => ({ requestId: uuidFrom(seed), firstSentAt: new Date(providerNow).toISOString() });

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
    expect(stored!.operationId).toBe(a.requestId);
    expect(stored!.requestId).toBe(a.requestId);
    expect(stored!.message).toEqual({
      senderAddress: 'DoNotReply@driftpuls.example.se',
      content: { subject: m.subject, plainText: m.text, html: m.html },
      recipients: { to: [{ address: 'anna@example.org', displayName: 'Anna Ledare' }, { address: 'karl@example.org' }] },
      userEngagementTrackingDisabled: true,
    });
    expect(server.rejected).toEqual([]);
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

  it('a repeat of the same request within five minutes is answered, not sent again', async () => {
    const m = mail();
    const a = attempt();
    const first = await transport().send(m, a);
    const again = await transport().send(m, a);
    expect(again.providerMessageId).toBe(first.providerMessageId);
    expect(server.mails.filter((x) => x.message.content.subject === m.subject)).toHaveLength(1);
  });

  it('a repeat after the window is refused with 412, and the transport asks for a new request', async () => {
    const m = mail();
    const a = attempt();
    providerNow = Date.now() + 6 * 60_000;
    const err = await failure(transport().send(m, a));
    expect(err.opts.restartRequest).toBe(true);
    expect(server.mails.filter((x) => x.message.content.subject === m.subject)).toHaveLength(0);
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
