/**
 * The notification services as config wires them for Azure: ACS e-mail, Teams workflow
 * webhooks and the Graph activity feed, here pointed at the local provider servers. Only
 * the Graph identity is replaced (a managed identity does not exist on a laptop).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AccessToken } from '@azure/identity';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { AcsEmailTransport } from '../../shared/adapters/email/acs-email.transport';
import { GraphActivityTransport } from '../../shared/adapters/graph/graph-activity.transport';
import { TeamsWebhookTransport } from '../../shared/adapters/teams/teams-webhook.transport';
import { createNotifications, createTransports } from '../../shared/composition/notifications';
import { loadConfig } from '../../shared/config';
import { FakeClock, notificationGoLive, request, T0 } from './support/fixtures';
import { AcsServer, GraphServer, WebhookServer } from './support/providers';

let acs: AcsServer;
let graph: GraphServer;
let webhook: WebhookServer;
let dir: string;

beforeAll(async () => {
  [acs, graph, webhook] = await Promise.all([new AcsServer().start(), new GraphServer().start(), new WebhookServer().start()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-wiring-'));
});
afterAll(async () => {
  await Promise.all([acs.close(), graph.close(), webhook.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const azureLike = () =>
  loadConfig({
    DRIFTPULS_DATA_DIR: dir,
    PUBLIC_BASE_URL: 'https://driftpuls.example.se',
    NOTIFY_EMAIL: 'acs',
    ACS_CONNECTION_STRING: acs.connectionString,
    ACS_SENDER: 'DoNotReply@driftpuls.example.se',
    NOTIFY_TEAMS_WEBHOOK: 'on',
    TEAMS_WEBHOOK_DSL: webhook.urlFor('DSL'),
    TEAMS_WEBHOOK_CSL: webhook.urlFor('CSL'),
    TEAMS_WEBHOOK_LGV: webhook.urlFor('LGV'),
    NOTIFY_TEAMS_ACTIVITY: 'graph',
    GRAPH_TENANT_ID: '00000000-0000-0000-0000-0000000000aa',
    GRAPH_CLIENT_ID: '00000000-0000-0000-0000-0000000000bb',
    GRAPH_BASE_URL: graph.url,
    TEAMS_APP_ID: 'teams-app-id',
  });

it('builds the real transports from config, and none for a channel that is off', async () => {
  const t = await createTransports(azureLike());
  expect(t.email).toBeInstanceOf(AcsEmailTransport);
  expect(t.teamsChannel).toBeInstanceOf(TeamsWebhookTransport);
  expect(t.teamsActivity).toBeInstanceOf(GraphActivityTransport);
  const off = await createTransports(loadConfig({ NOTIFY_EMAIL: 'off', NOTIFY_TEAMS_WEBHOOK: 'off', NOTIFY_TEAMS_ACTIVITY: 'off' }));
  expect(off).toEqual({});
});

it('sends one notification on all three channels through the providers config names', async () => {
  const repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  const token = async (): Promise<AccessToken> => ({ token: graph.token, expiresOnTimestamp: Date.now() + 3600_000 });
  const n = await createNotifications(azureLike(), repo, new FakeClock(T0), { graphCredential: { getToken: token }, log: () => undefined });
  try {
    const goLive = notificationGoLive();
    await repo.saveGoLive(goLive, null);
    const r = await n.notifier.enqueue(request(goLive.id, { recipients: { roles: ['goLiveCoordinator'], forums: ['LGV'] } }));
    await n.idle();
    expect((await n.outbox.get(goLive.id, r.id))?.value.status).toBe('sent');
    expect(acs.mails.map((m) => m.message.recipients.to.map((t) => t.address))).toEqual([['karl@example.org']]);
    expect(webhook.posts.map((p) => p.forum)).toEqual(['LGV']);
    expect(graph.accepted.map((a) => a.user)).toEqual(['karl@example.org']);
    expect(new URL(graph.accepted[0]!.body.topic.webUrl).searchParams.get('webUrl')).toBe(
      `https://driftpuls.example.se/golives/${goLive.id}/decisions/d-1`,
    );
  } finally {
    await n.close();
    await repo.close();
  }
});
