/**
 * Providers go down and come back. The real SDK clients (ACS e-mail, Microsoft Graph) and
 * the webhook poster talk to local servers that answer 500s, then hold requests past the
 * timeout, then throttle with 429 + Retry-After, then work again. Afterwards every
 * notification has been delivered on every channel, and exactly once.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { AcsEmailTransport } from '../../shared/adapters/email/acs-email.transport';
import { GraphActivityTransport } from '../../shared/adapters/graph/graph-activity.transport';
import { TeamsWebhookTransport } from '../../shared/adapters/teams/teams-webhook.transport';
import type { OutboxNotification } from '../../shared/ports/outbox.port';
import { request, T0 } from './support/fixtures';
import type { Harness } from './support/harness';
import { harness } from './support/harness';
import { AcsServer, GraphServer, WebhookServer } from './support/providers';

let h: Harness;
let acs: AcsServer;
let graph: GraphServer;
let webhook: WebhookServer;

const TIMEOUT_MS = 2500;

beforeAll(async () => {
  webhook = await new WebhookServer().start();
  graph = await new GraphServer().start();
  acs = await new AcsServer().start();
  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({ token: graph.token, expiresOnTimestamp: Date.now() + 3600_000 }),
  };
  h = await harness({
    transports: {
      email: new AcsEmailTransport({
        connectionString: acs.connectionString,
        sender: 'DoNotReply@driftpuls.example.se',
        requestTimeoutMs: TIMEOUT_MS,
        overallTimeoutMs: 10000,
        pollIntervalMs: 5,
      }),
      teamsChannel: new TeamsWebhookTransport({
        urls: { DSL: webhook.urlFor('DSL'), CSL: webhook.urlFor('CSL'), LGV: webhook.urlFor('LGV') },
        timeoutMs: TIMEOUT_MS,
      }),
      teamsActivity: new GraphActivityTransport({ credential, teamsAppId: 'teams-app-id', baseUrl: graph.url, timeoutMs: TIMEOUT_MS }),
    },
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([acs.close(), graph.close(), webhook.close()]);
});

const providers = () => [acs, graph, webhook];
const all = async (ids: string[]) => Promise.all(ids.map(async (id) => (await h.outbox.get(h.goLive.id, id))!.value));
const pending = (ns: OutboxNotification[]) => ns.flatMap((n) => n.deliveries.filter((d) => d.status === 'pending'));
const earliestDue = (ns: OutboxNotification[]) => Math.min(...pending(ns).map((d) => Date.parse(d.nextAttemptAt!)));

it('delivers every notification exactly once after 500s, timeouts and 429s', async () => {
  const N = 6;
  const subjects = Array.from({ length: N }, (_, i) => `Beslut ${i + 1} om skrivardrivrutin`);

  // Down: every provider answers 500. Nothing is lost: all is stored and pending.
  for (const p of providers()) p.fault = '500';
  const ids: string[] = [];
  for (const s of subjects)
    ids.push(
      (
        await h.notifier.enqueue(
          request(h.goLive.id, {
            subject: { sv: s, en: s },
            recipients: { roles: ['goLiveLead', 'goLiveCoordinator', 'areaCoordinator'], forums: ['DSL', 'CSL'] },
          }),
        )
      ).id,
    );
  await h.dispatcher.idle();
  let ns = await all(ids);
  expect(ns.every((n) => n.status === 'pending')).toBe(true);
  expect(pending(ns)).toHaveLength(N * 6); // 1 mail, 2 forum posts, 3 coordinators' feeds
  // In each notification's run, one call per provider met the 500; the rest of that provider's deliveries waited.
  expect(pending(ns).filter((d) => d.attempts === 1 && !/\b500\b/.test(d.lastError ?? ''))).toEqual([]);
  expect(pending(ns).filter((d) => d.attempts === 1)).toHaveLength(N * 3);
  expect(pending(ns).filter((d) => d.attempts === 0)).toHaveLength(N * 3);
  expect(ns[0]!.unresolved.map((u) => u.personId)).toEqual(['nils']);

  // Still down, now by timing out: ACS and Graph act on the request but the answer never comes;
  // the workflow never answers at all.
  acs.fault = 'timeout-after';
  graph.fault = 'timeout-after';
  webhook.fault = 'timeout-before';
  h.clock.set(new Date(earliestDue(ns)));
  let run = await h.dispatcher.deliverDue();
  // One request per provider found it down; the rest waited instead of timing out one by one.
  expect(run).toMatchObject({ sent: 0, retrying: 3 });
  ns = await all(ids);
  expect(pending(ns).filter((d) => /aborted|timeout|Timeout/i.test(d.lastError ?? ''))).toHaveLength(3);

  // Throttled: 429 with Retry-After, which is honoured.
  for (const p of providers()) {
    p.fault = '429';
    p.retryAfterSeconds = 120;
  }
  const throttledAt = earliestDue(ns);
  h.clock.set(new Date(throttledAt));
  run = await h.dispatcher.deliverDue();
  ns = await all(ids);
  const after429 = pending(ns).filter((d) => /\b429\b/.test(d.lastError ?? '') && d.lastAttemptAt === new Date(throttledAt).toISOString());
  expect(after429.length).toBeGreaterThan(0);
  for (const d of after429) expect(d.nextAttemptAt).toBe(new Date(throttledAt + 120_000).toISOString());

  // Back up. The timer runs whenever something is due, until nothing is.
  for (const p of providers()) p.fault = 'none';
  for (let i = 0; i < 20 && pending(ns).length; i++) {
    h.clock.set(new Date(earliestDue(ns)));
    await h.dispatcher.deliverDue();
    ns = await all(ids);
  }
  expect(ns.map((n) => n.status)).toEqual(Array(N).fill('sent'));
  expect(Date.parse(h.clock.now().toISOString()) - Date.parse(T0)).toBeLessThan(10 * 60_000);

  // Exactly once, counted where it matters: the mails ACS accepted, the posts in each channel,
  // the notices in each coordinator's feed.
  for (const s of subjects) {
    const mails = acs.mails.filter((m) => m.message.content.subject.endsWith(s));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.message.recipients.to.map((t) => t.address)).toEqual(['anna@example.org', 'karl@example.org', 'omar@example.org']);
    for (const forum of ['DSL', 'CSL'])
      expect(webhook.posts.filter((p) => p.forum === forum && JSON.stringify(p.card).includes(s))).toHaveLength(1);
    for (const user of ['anna@example.org', 'karl@example.org', 'omar@example.org'])
      expect([...graph.feed.entries()].filter(([key, body]) => key.startsWith(`${user}|`) && body.topic.value.endsWith(s))).toHaveLength(1);
  }
  // The lost answers were real: ACS took a mail whose answer never came and answered the repeat
  // from its record; Graph took a notice twice and the feed kept one.
  expect(acs.replays).toBeGreaterThan(0);
  expect(graph.accepted.length).toBeGreaterThan(graph.feed.size);
  expect(webhook.posts).toHaveLength(N * 2);
  expect(graph.feed.size).toBe(N * 3);
  // Nothing the providers refused as malformed or unauthorised along the way.
  expect([...acs.rejected, ...graph.rejected, ...webhook.rejected]).toEqual([]);
  // Each delivery's provider id is on record for the log.
  expect(ns.flatMap((n) => n.deliveries).filter((d) => d.channel !== 'teamsChannel' && !d.providerMessageId)).toEqual([]);
});
