/**
 * Issue 15 items 5 and 6: times as people read them, and the quiet night — repeated
 * reminders asked for between the day's last forum meeting and the next morning wait for
 * the morning, as one; P1/P2 notices and first notices are never held.
 */
import { localWhen } from '../../shared/domain/local-time';
import { quietNightAt, quietNightAfter } from '../../shared/domain/quiet-night';
import { harness, type Harness } from '../notifications/support/harness';
import { FakeActivity, FakeChannel, FakeEmail } from '../notifications/support/fake-transports';
import { request } from '../notifications/support/fixtures';
import { makeGoLive } from '../builders';

const Z = 'Europe/Stockholm';
/** Local time on day 0 (Friday 27 Nov 2026, UTC+1). */
const fri = (hhmm: string) => new Date(Date.parse(`2026-11-27T${hhmm}:00+01:00`)).toISOString();
const sat = (hhmm: string) => new Date(Date.parse(`2026-11-28T${hhmm}:00+01:00`)).toISOString();

describe('times as people read them (item 5)', () => {
  it('is the local clock time on the same day, weekday and date on another, never ISO or UTC', () => {
    expect(localWhen(Z, '2026-11-27T08:30:00.000Z', fri('07:00'))).toEqual({ sv: '09:30', en: '09:30' });
    expect(localWhen(Z, '2026-11-27T08:30:00.000Z', sat('07:00'))).toEqual({ sv: 'fre 27 nov 09:30', en: 'Fri 27 Nov 09:30' });
    // After midnight local, while UTC is still the day before.
    expect(localWhen(Z, '2026-11-27T23:30:00.000Z', fri('23:00'))).toEqual({ sv: 'lör 28 nov 00:30', en: 'Sat 28 Nov 00:30' });
  });
});

describe('the quiet night window (item 6)', () => {
  const goLive = makeGoLive({ id: 'natt', input: { startDate: '2026-11-27' } });

  it('runs from the end of the day’s last meeting to the next morning’s first meeting or 06:00', () => {
    // Day 0: the last DSL is 20:00–20:30; day 1 starts with CSL 06:30 and DSL 07:00, so 06:00 is earlier.
    expect(quietNightAfter(goLive, 0)).toEqual({ from: fri('20:30'), until: sat('06:00') });
    // Day 1: DSL until 21:00–21:30.
    expect(quietNightAfter(goLive, 1).from).toBe(sat('21:30'));
    expect(quietNightAt(goLive, new Date(fri('20:00')))).toBeUndefined();
    expect(quietNightAt(goLive, new Date(fri('23:00')))?.until).toBe(sat('06:00'));
    expect(quietNightAt(goLive, new Date(sat('05:59')))?.until).toBe(sat('06:00'));
    expect(quietNightAt(goLive, new Date(sat('06:00')))).toBeUndefined();
  });

  it('is configuration: a later morning, an earlier latest start, or none at all', () => {
    const late = makeGoLive({
      id: 'natt2',
      input: { startDate: '2026-11-27', notifications: { quietNight: { enabled: true, morning: '05:00', latestStart: '19:00' } } as never },
    });
    expect(quietNightAfter(late, 0)).toEqual({ from: fri('19:00'), until: sat('05:00') });
    const off = makeGoLive({ id: 'natt3', input: { startDate: '2026-11-27', notifications: { quietNight: { enabled: false } } as never } });
    expect(quietNightAt(off, new Date(fri('23:00')))).toBeUndefined();
  });

  describe('through the notifier', () => {
    let h: Harness;
    let email: FakeEmail;
    beforeEach(async () => {
      email = new FakeEmail();
      h = await harness({ transports: { email, teamsChannel: new FakeChannel(), teamsActivity: new FakeActivity() } });
    });
    afterEach(() => h.close());

    it('holds repeated reminders until the morning and makes the night’s reminders of one thing one', async () => {
      const keys: string[] = [];
      for (const t of ['22:00', '23:00', '00:00', '01:00', '02:00', '03:00', '04:00', '05:00']) {
        const at = new Date(Date.parse(fri(t)) + (t < '12:00' ? 86_400_000 : 0)).toISOString();
        h.clock.set(at);
        const r = await h.notifier.enqueue(
          request(h.goLive.id, {
            dedupeKey: `decisionOverdue:c1:d1:${t}`,
            repeat: true,
            about: { type: 'challenge', id: 'c1' },
            createdAt: at,
          }),
        );
        keys.push(r.id);
      }
      expect(new Set(keys).size).toBe(1);
      await h.dispatcher.idle();
      const [held] = await h.outbox.list(h.goLive.id, { limit: 10 });
      expect(held!.heldUntil).toBe(sat('06:00'));
      expect(held!.deliveries.every((d) => d.status === 'pending' && d.nextAttemptAt === sat('06:00'))).toBe(true);
      expect((await h.dispatcher.deliverDue(new Date(sat('05:59')))).sent).toBe(0);
      h.clock.set(sat('06:00'));
      const run = await h.dispatcher.deliverDue(new Date(sat('06:00')));
      expect(run.sent).toBeGreaterThan(0);
      expect(email.calls.length).toBe(1);
    });

    it('never holds a first notice or an urgent (P1/P2) one, even in the night', async () => {
      h.clock.set(fri('23:00'));
      await h.notifier.enqueue(request(h.goLive.id, { kind: 'challengeRaised', dedupeKey: 'first', createdAt: fri('23:00') }));
      await h.notifier.enqueue(
        request(h.goLive.id, { kind: 'incidentOpened', dedupeKey: 'p1', urgent: true, repeat: true, createdAt: fri('23:00') }),
      );
      await h.dispatcher.idle();
      const all = await h.outbox.list(h.goLive.id, { limit: 10 });
      expect(all.map((n) => n.heldUntil)).toEqual([undefined, undefined]);
      expect(email.calls.length).toBe(2);
    });
  });
});
