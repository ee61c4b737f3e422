/**
 * The embedded channels of `npm start`, wired from config: every delivery is a file under
 * the outbox folder, an .eml for e-mail, the webhook message for a channel post, the Graph
 * request for an activity notice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import type { Notifications } from '../../shared/composition/notifications';
import { createNotifications, outboxDir } from '../../shared/composition/notifications';
import { loadConfig } from '../../shared/config';
import { expectValidCard } from './support/cards';
import { FakeClock, notificationGoLive, request, T0 } from './support/fixtures';

let dir: string;
let repo: SqliteRepository;
let notifications: Notifications;
const clock = new FakeClock(T0);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-embedded-'));
  const config = loadConfig({ DRIFTPULS_DATA_DIR: dir, PUBLIC_BASE_URL: 'http://127.0.0.1:7071' });
  expect(outboxDir(config)).toBe(path.join(dir, 'outbox'));
  repo = SqliteRepository.open(path.join(dir, 'driftpuls.sqlite'));
  notifications = await createNotifications(config, repo, clock, { log: () => undefined });
});
afterAll(async () => {
  await notifications.close();
  await repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The parts of a MIME message, bodies decoded. */
function parseEml(eml: string): { headers: Record<string, string>; parts: { type: string; body: string }[] } {
  const [head, ...rest] = eml.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type']!)![1]!;
  const parts = rest
    .join('\r\n\r\n')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const [h, b] = p.replace(/^\r\n/, '').split('\r\n\r\n');
      return { type: /Content-Type: ([^;\r\n]+)/.exec(h!)![1]!, body: Buffer.from(b!.replace(/\s+/g, ''), 'base64').toString('utf8') };
    });
  return { headers, parts };
}

const decodeWords = (s: string) =>
  s.replace(/=\?UTF-8\?B\?([^?]+)\?=\s*/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

it('writes what would have been sent under <data dir>/outbox, and marks it sent', async () => {
  const goLive = notificationGoLive();
  await repo.saveGoLive(goLive, null);
  const agenda = { title: 'Dagordning DSL 10:00', sections: [{ title: '1. Nya röda händelser', items: ['Remissutskrift <stoppad>'] }] };
  const r = await notifications.notifier.enqueue(
    request(goLive.id, {
      kind: 'agenda',
      recipients: { roles: ['goLiveCoordinator'], forums: ['DSL'] },
      data: { agenda },
      subject: { sv: 'DSL 10:00 – dagordning', en: 'DSL 10:00 – agenda' },
    }),
  );
  await notifications.idle();

  const stored = (await notifications.outbox.get(goLive.id, r.id))!.value;
  expect(stored.status).toBe('sent');
  expect(stored.deliveries.map((d) => [d.id, d.status, d.providerMessageId])).toEqual([
    ['email:1', 'sent', `${r.id}-email_1.eml`],
    ['teamsChannel:DSL', 'sent', `${r.id}-teamsChannel_DSL.card.json`],
    ['teamsActivity:karl', 'sent', `${r.id}-teamsActivity_karl.activity.json`],
  ]);

  const eml = parseEml(fs.readFileSync(path.join(dir, 'outbox', 'email', `${r.id}-email_1.eml`), 'utf8'));
  expect(decodeWords(eml.headers.subject!)).toBe('Dagordning: DSL 10:00 – dagordning');
  expect(decodeWords(eml.headers.to!)).toBe('Karl Koordinator <karl@example.org>');
  expect(eml.headers.from).toBe('Driftpuls <DoNotReply@driftpuls.invalid>');
  expect(eml.headers.date).toBe('Fri, 27 Nov 2026 08:00:00 +0000');
  expect(eml.parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
  expect(eml.parts[0]!.body).toContain('1. Nya röda händelser\n   - Remissutskrift <stoppad>');
  expect(eml.parts[1]!.body).toContain('<li>Remissutskrift &lt;stoppad&gt;</li>');

  const post = JSON.parse(fs.readFileSync(path.join(dir, 'outbox', 'teams', `${r.id}-teamsChannel_DSL.card.json`), 'utf8')) as {
    forum: string;
    request: { type: string; attachments: { contentType: string; content: unknown }[] };
  };
  expect(post.forum).toBe('DSL');
  expect(post.request.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
  expectValidCard(post.request.attachments[0]!.content);

  const activity = JSON.parse(
    fs.readFileSync(path.join(dir, 'outbox', 'activity', `${r.id}-teamsActivity_karl.activity.json`), 'utf8'),
  ) as { path: string; body: { previewText: { content: string } } };
  expect(activity.path).toBe('/v1.0/users/karl%40example.org/teamwork/sendActivityNotification');
  expect(activity.body.previewText.content).toBe('Beslutet skulle ha fattats 10:00. Det leder nästa DSL.');
});
