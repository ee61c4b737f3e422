/**
 * Issue 15 item 7: a person may choose one digest per forum cycle instead of one mail per
 * event, and a notice posted to a forum channel the person follows is not e-mailed to them
 * again. The real notifier over the SQLite outbox and the real tick on a fake clock: the
 * digest goes out with the DSL agenda, lists every notice folded into it (nothing missed),
 * and urgent P1/P2 notices are still e-mailed at once.
 */
import { tickGoLive } from '../../shared/app/calendar/tick';
import { putGoLive } from '../../shared/app/golives';
import { calendarOrg } from '../calendar/support';
import { harness, type Harness } from '../notifications/support/harness';
import { FakeActivity, FakeChannel, FakeEmail } from '../notifications/support/fake-transports';
import { request } from '../notifications/support/fixtures';

const G = 'vag-1';
const fri = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();

let h: Harness;
let email: FakeEmail;
beforeAll(async () => {
  email = new FakeEmail();
  h = await harness({ transports: { email, teamsChannel: new FakeChannel(), teamsActivity: new FakeActivity() } });
  h.clock.set(fri('09:00'));
  await putGoLive(
    { repo: h.repo, clock: h.clock },
    G,
    calendarOrg({
      notifications: {
        people: [
          { personId: 'karl', email: 'digest', readsChannels: [] },
          { personId: 'omar', email: 'each', readsChannels: ['DSL'] },
        ],
      },
    }),
  );
});
afterAll(() => h.close());

const mailsTo = (personId: string) => email.calls.filter((c) => c.item.to.some((t) => t.personId === personId)).map((c) => c.item.subject);

it('folds what a digest reader would have been mailed into one mail with the next DSL agenda, nothing missed', async () => {
  const at = (t: string) => {
    h.clock.set(fri(t));
    return fri(t);
  };
  await h.notifier.enqueue(
    request(G, {
      dedupeKey: 'overdue-1',
      kind: 'decisionOverdue',
      recipients: { roles: ['goLiveCoordinator', 'goLiveLead'], forums: ['LGV'] },
      createdAt: at('09:05'),
    }),
  );
  await h.notifier.enqueue(
    request(G, {
      dedupeKey: 'raised-1',
      kind: 'challengeRaised',
      recipients: { roles: ['goLiveCoordinator'], personIds: ['omar'], forums: ['DSL'] },
      createdAt: at('09:10'),
    }),
  );
  await h.notifier.enqueue(
    request(G, {
      dedupeKey: 'p1',
      kind: 'incidentOpened',
      urgent: true,
      recipients: { roles: ['goLiveCoordinator', 'incidentManager'], forums: ['DSL'] },
      createdAt: at('09:20'),
    }),
  );
  await h.dispatcher.idle();
  // Karl chose a digest: only the urgent P1 is mailed at once. Anna (no choice) gets hers.
  expect(mailsTo('karl')).toEqual([expect.stringContaining('Ny incident')]);
  expect(mailsTo('anna')).toEqual([expect.stringContaining('Försenat beslut')]);
  // Omar follows the DSL channel, where the challenge was posted: not e-mailed again.
  expect(mailsTo('omar')).toEqual([]);
  const raised = (await h.outbox.list(G, { limit: 10 })).find((n) => n.kind === 'challengeRaised')!;
  expect(raised.toldByChannel).toEqual(['omar']);
  expect(raised.deliveries.some((d) => d.id === 'teamsActivity:omar')).toBe(true);

  // The DSL at 10:00: its agenda goes out at 09:50, and with it Karl's digest.
  await tickGoLive({ repo: h.repo, clock: h.clock, notifier: h.notifier }, G, new Date(at('09:49')));
  await tickGoLive({ repo: h.repo, clock: h.clock, notifier: h.notifier }, G, new Date(at('09:50')));
  await h.dispatcher.idle();
  const all = await h.outbox.list(G, { limit: 100 });
  const digest = all.find((n) => n.kind === 'digest')!;
  expect(digest.dedupeKey).toBe('digest:dsl-2026-11-27T1000:karl');
  expect(digest.deliveries.map((d) => d.id)).toEqual(['email:1']);
  const folded = all
    .filter((n) => n.digestFor?.includes('karl'))
    .map((n) => n.id)
    .sort();
  expect(folded).toHaveLength(2);
  expect([...(digest.data!.notificationIds as string[])].sort()).toEqual(folded);
  expect(digest.subject.sv).toBe('DSL kl. 10:00, 2 saker');
  expect(digest.text.sv).toContain('09:05 Försenat beslut:');
  // The agenda itself is not folded (Karl does not follow the DSL channel, so it is mailed).
  expect(mailsTo('karl')).toEqual([
    expect.stringContaining('Ny incident'),
    'Dagordning: DSL kl. 10:00',
    'Sammanfattning inför DSL: DSL kl. 10:00, 2 saker',
  ]);
});
