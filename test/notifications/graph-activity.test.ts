/**
 * The real Microsoft Graph client (`@microsoft/microsoft-graph-client`, its base URL pointed
 * at a local server) sending activity-feed notices: the server checks the bearer token and
 * the documented request shape.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { GraphActivityTransport } from '../../shared/adapters/graph/graph-activity.transport';
import { ACTIVITY_TYPE } from '../../shared/adapters/graph/activity-request';
import type { ActivityNotice } from '../../shared/ports/outbox.port';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { GraphServer } from './support/providers';

let server: GraphServer;
const scopes: string[][] = [];

beforeAll(async () => {
  server = await new GraphServer().start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.fault = 'none';
});

/** Stands in for the app-only credential (managed identity federated to the app registration). */
const credential = (token = () => server.token): TokenCredential => ({
  getToken: async (scope): Promise<AccessToken> => {
    scopes.push(Array.isArray(scope) ? scope : [scope]);
    return { token: token(), expiresOnTimestamp: Date.now() + 3600_000 };
  },
});

const TEAMS_APP_ID = '3f1c8f2e-5b6a-4c1e-9d7a-2b8e4f6a1c0d';
const transport = (cred = credential()) =>
  new GraphActivityTransport({ credential: cred, teamsAppId: TEAMS_APP_ID, baseUrl: server.url, timeoutMs: 2500 });

let n = 0;
const notice = (overrides: Partial<ActivityNotice> = {}): ActivityNotice => ({
  deliveryKey: `n-${++n}-teamsActivity:karl`,
  user: 'karl@example.org',
  topic: `Försenat beslut: skrivare ${n}`,
  preview: 'Beslutet skulle ha fattats 10:00.',
  link: 'http://127.0.0.1:7071/golives/vag-1/decisions/d-1',
  chainId: 1000 + n,
  ...overrides,
});
const attempt = { requestId: '00000000-0000-8000-8000-000000000001', firstSentAt: new Date().toISOString() };

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

describe('Teams activity feed through Microsoft Graph', () => {
  it('posts the documented body with an app-only bearer token for the Graph scope', async () => {
    const nt = notice();
    const receipt = await transport().notify(nt, attempt);
    expect(receipt.providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    const got = server.accepted.at(-1)!;
    expect(got.user).toBe('karl@example.org');
    expect(got.body).toEqual({
      topic: {
        source: 'text',
        value: nt.topic,
        webUrl: expect.stringMatching(`^https://teams.microsoft.com/l/entity/${TEAMS_APP_ID}/driftpuls\\?webUrl=`),
      },
      activityType: ACTIVITY_TYPE,
      chainId: nt.chainId,
      previewText: { content: nt.preview },
      teamsAppId: TEAMS_APP_ID,
      templateParameters: [{ name: 'title', value: nt.topic }],
    });
    expect(new URL(got.body.topic.webUrl).searchParams.get('webUrl')).toBe(nt.link);
    expect(scopes.at(-1)).toEqual([`${server.url}/.default`]);
  });

  it('a wrong token is refused (401): retried, since an operator can fix the identity', async () => {
    const err = await failure(transport(credential(() => 'not-the-token')).notify(notice(), attempt));
    expect(err.opts).toMatchObject({ retryable: true, status: 401 });
    expect(err.reason).toMatch(/InvalidAuthenticationToken/);
  });

  it('the provider’s reason is kept: 403 when the Teams app is not installed for the user', async () => {
    server.notInstalled.add('nils@example.org');
    const err = await failure(transport().notify(notice({ user: 'nils@example.org' }), attempt));
    expect(err.reason).toMatch(/403.*not installed/);
  });

  it('a body Graph would refuse fails for good', async () => {
    const err = await failure(transport().notify(notice({ preview: 'x'.repeat(151) }), attempt));
    expect(err.opts).toMatchObject({ retryable: false, status: 400 });
    expect(err.reason).toMatch(/previewText\.content/);
  });

  it('classifies 500, 429 with Retry-After and a timeout', async () => {
    server.fault = '500';
    expect((await failure(transport().notify(notice(), attempt))).opts).toMatchObject({ retryable: true, status: 500 });
    server.fault = '429';
    server.retryAfterSeconds = 7;
    expect((await failure(transport().notify(notice(), attempt))).opts).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
    server.fault = 'timeout-before';
    expect((await failure(transport().notify(notice(), attempt))).opts).toMatchObject({ retryable: true, maybeDelivered: true });
  });

  it('a repeat after a lost answer replaces the notice (same chainId): the user sees one', async () => {
    const nt = notice({ user: 'anna@example.org' });
    server.fault = 'timeout-after';
    await failure(transport().notify(nt, attempt));
    server.fault = 'none';
    await transport().notify(nt, attempt);
    expect(server.accepted.filter((a) => a.body.topic.value === nt.topic)).toHaveLength(2);
    expect([...server.feed.values()].filter((b) => b.topic.value === nt.topic)).toHaveLength(1);
  });
});
