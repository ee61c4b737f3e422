/** The workflow-webhook poster against a local server that checks the message and parses the card. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsWebhookTransport } from '../../shared/adapters/teams/teams-webhook.transport';
import { renderCard } from '../../shared/app/notifications/templates/render';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { WebhookServer } from './support/providers';

let server: WebhookServer;
beforeAll(async () => {
  server = await new WebhookServer().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.fault = 'none';
});

const urls = () => ({ DSL: server.urlFor('DSL'), CSL: server.urlFor('CSL'), LGV: server.urlFor('LGV') });
const transport = (u: Partial<ReturnType<typeof urls>> = urls()) => new TeamsWebhookTransport({ urls: u, timeoutMs: 2500 });
const card = (subject = 'Ny utmaning: skrivare') =>
  renderCard({
    kind: 'challengeRaised',
    goLiveName: 'Våg 1',
    subject: { sv: subject, en: 'New challenge: printers' },
    text: { sv: 'Utskrifter fungerar inte.', en: 'Printing does not work.' },
    link: 'http://127.0.0.1:7071/golives/vag-1/challenges/c-1',
  });
const attempt = { requestId: '00000000-0000-8000-8000-000000000002', firstSentAt: new Date().toISOString() };

/** An address where nothing listens any more. */
async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise((resolve) => s.close(resolve));
  return url;
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

describe('Teams workflow webhook per forum channel', () => {
  it('posts one Adaptive Card as the workflow message to the forum’s own URL', async () => {
    const receipt = await transport().post({ deliveryKey: 'n-1-teamsChannel:CSL', forum: 'CSL', card: card() }, attempt);
    expect(receipt.providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.posts.at(-1)).toEqual({ forum: 'CSL', card: card() });
    expect(server.rejected).toEqual([]);
  });

  it('a forum whose URL is missing (unresolved Key Vault reference) fails only its own posts, to be retried', async () => {
    const { DSL: _dsl, ...others } = urls();
    const t = transport(others);
    const err = (await t
      .post({ deliveryKey: 'n-2-teamsChannel:DSL', forum: 'DSL', card: card() }, attempt)
      .catch((e: unknown) => e)) as DeliveryError;
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.reason).toMatch(/TEAMS_WEBHOOK_DSL is not available/);
    expect(err.opts).toMatchObject({ retryable: true, maybeDelivered: false });
    await expect(t.post({ deliveryKey: 'n-2-teamsChannel:LGV', forum: 'LGV', card: card() }, attempt)).resolves.toBeDefined();
  });

  it('a revoked URL (wrong signature) fails with the workflow’s words and never shows the URL', async () => {
    const u = urls();
    const err = await failure(
      transport({ ...u, LGV: u.LGV.replace(/sig=\w+/, 'sig=wrong') }).post({ deliveryKey: 'k', forum: 'LGV', card: card() }, attempt),
    );
    expect(err.opts.status).toBe(401);
    expect(err.reason).toMatch(/DirectApiAuthorizationRequired/);
    expect(err.reason).not.toMatch(/sig=/);
  });

  it('a card the parser refuses is refused by the server too', async () => {
    const err = await failure(
      transport().post(
        { deliveryKey: 'k', forum: 'DSL', card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] } },
        attempt,
      ),
    );
    expect(err.opts).toMatchObject({ retryable: false, status: 400 });
  });

  it('classifies 500, 429 with Retry-After, a timeout and a refused connection', async () => {
    server.fault = '500';
    expect((await failure(transport().post({ deliveryKey: 'k', forum: 'DSL', card: card() }, attempt))).opts).toMatchObject({
      retryable: true,
      status: 500,
    });
    server.fault = '429';
    server.retryAfterSeconds = 3;
    expect((await failure(transport().post({ deliveryKey: 'k', forum: 'DSL', card: card() }, attempt))).opts).toMatchObject({
      retryable: true,
      retryAfterMs: 3000,
    });
    server.fault = 'timeout-before';
    expect((await failure(transport().post({ deliveryKey: 'k', forum: 'DSL', card: card() }, attempt))).opts).toMatchObject({
      retryable: true,
      maybeDelivered: true,
    });
    const gone = `${await closedPort()}/x`;
    const closed = new TeamsWebhookTransport({ urls: { DSL: gone, CSL: gone, LGV: gone }, timeoutMs: 2500 });
    expect((await failure(closed.post({ deliveryKey: 'k', forum: 'DSL', card: card() }, attempt))).opts).toMatchObject({
      retryable: true,
      maybeDelivered: false,
    });
  });
});
