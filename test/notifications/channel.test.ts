/**
 * One channel interface (issue 19 item 4): a channel the app has never heard of — here a fake
 * SMS for people without e-mail — is registered in the composition root through the same
 * NotificationChannel (plan, render, deliver) as e-mail and Teams, and is planned, stored,
 * delivered and retried through the real outbox and dispatcher like them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { listNotifications } from '../../shared/app/notifications/list';
import { createNotifications, type Notifications } from '../../shared/composition/notifications';
import { loadConfig } from '../../shared/config';
import type { NotificationChannel } from '../../shared/ports/notification-channel.port';
import { DeliveryError } from '../../shared/ports/outbox.port';
import { FakeActivity, FakeChannel, FakeEmail } from './support/fake-transports';
import { FakeClock, notificationGoLive, request, T0 } from './support/fixtures';

interface Sms {
  to: string;
  text: string;
  key: string;
}

/** An SMS channel as docs/architecture.md describes one: people without e-mail who have a phone number. */
function fakeSms(phones: Record<string, string>, opts: { failFirst?: boolean } = {}) {
  const sent: Sms[] = [];
  let calls = 0;
  const channel: NotificationChannel<Sms> = {
    kind: 'sms',
    plan: (a) =>
      a.people
        .filter((p) => !p.email && phones[p.id])
        .map((p) => ({ id: `sms:${p.id}`, to: [{ address: phones[p.id]!, personId: p.id }] })),
    render: (n, d, ctx) => ({ to: d.to[0]!.address, key: ctx.deliveryKey, text: `${ctx.templates.subject('sv')} ${n.link}`.slice(0, 160) }),
    deliver: async (sms) => {
      calls++;
      if (opts.failFirst && calls === 1) throw new DeliveryError('SMS: 503 Service Unavailable', { retryable: true, status: 503 });
      sent.push(sms);
      return { providerMessageId: `sms-${sent.length}` };
    },
  };
  return { channel, sent };
}

let dir: string;
let repo: SqliteRepository;
let n: Notifications | undefined;
let clock: FakeClock;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-channel-'));
  repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  clock = new FakeClock(T0);
});
afterEach(async () => {
  await n?.close();
  n = undefined;
  await repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The app's composition root with its real SQLite outbox, fake e-mail/Teams providers, and the extra channel. */
async function wire(extra: NotificationChannel<Sms>) {
  const email = new FakeEmail();
  const config = loadConfig({ DRIFTPULS_DATA_DIR: dir, PUBLIC_BASE_URL: 'https://driftpuls.example.se' });
  n = await createNotifications(config, repo, clock, {
    transports: { email, teamsChannel: new FakeChannel(), teamsActivity: new FakeActivity() },
    channels: [extra as NotificationChannel],
    log: () => undefined,
  });
  const goLive = notificationGoLive();
  await repo.saveGoLive(goLive, null);
  return { n, email, goLive };
}

it('an extra channel is planned beside e-mail and Teams, stored in the outbox and delivered', async () => {
  const sms = fakeSms({ nils: '+46701234567' });
  const { n, email, goLive } = await wire(sms.channel);
  expect([...n.dispatcher.channels]).toEqual(['email', 'teamsChannel', 'teamsActivity', 'sms']);

  // Omar has e-mail; Nils has none, only a phone number.
  const r = await n.notifier.enqueue(request(goLive.id, { recipients: { roles: ['areaCoordinator'], forums: ['DSL'] } }));
  await n.idle();

  const stored = (await n.outbox.get(goLive.id, r.id))!.value;
  expect(stored.deliveries.map((d) => [d.id, d.channel, d.status])).toEqual([
    ['email:1', 'email', 'sent'],
    ['teamsChannel:DSL', 'teamsChannel', 'sent'],
    ['teamsActivity:omar', 'teamsActivity', 'sent'],
    ['sms:nils', 'sms', 'sent'],
  ]);
  expect(stored.status).toBe('sent');
  expect(stored.deliveries.find((d) => d.id === 'sms:nils')?.providerMessageId).toBe('sms-1');
  expect(email.calls.map((c) => c.item.to.map((t) => t.address))).toEqual([['omar@example.org']]);
  // Rendered by the app's templates, in Swedish, with the link back.
  expect(sms.sent).toEqual([
    {
      to: '+46701234567',
      key: `${r.id}-sms:nils`,
      text: expect.stringMatching(/^Försenat beslut: Beslut om skrivardrivrutin är försenat https:\/\/driftpuls\.example\.se\/golives\//),
    },
  ]);
  // The notification log shows the channel like the others.
  const [view] = await listNotifications({ repo, outbox: n.outbox }, goLive.id, { limit: 10 });
  expect(view!.channels.sms).toEqual({ status: 'sent', deliveries: 1 });
});

it('a sender may name the extra channel alone, and its failures are retried by the dispatcher', async () => {
  const sms = fakeSms({ nils: '+46701234567' }, { failFirst: true });
  const { n, email, goLive } = await wire(sms.channel);
  const r = await n.notifier.enqueue(request(goLive.id, { recipients: { roles: ['areaCoordinator'] }, channels: ['sms'] }));
  await n.idle();

  let d = (await n.outbox.get(goLive.id, r.id))!.value.deliveries;
  expect(d.map((x) => x.id)).toEqual(['sms:nils']);
  expect(d[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMS: 503 Service Unavailable' });
  expect(sms.sent).toEqual([]);
  expect(email.calls).toEqual([]);

  clock.set(new Date(d[0]!.nextAttemptAt!));
  await n.dispatcher.deliverDue(clock.now(), () => undefined);
  d = (await n.outbox.get(goLive.id, r.id))!.value.deliveries;
  expect(d[0]).toMatchObject({ status: 'sent', attempts: 2 });
  expect(sms.sent.map((s) => s.to)).toEqual(['+46701234567']);
});
