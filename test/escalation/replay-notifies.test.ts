/**
 * Notifications are never lost between the write and the queue (issue 13 item 10, R7.1,
 * R8.4): when queueing fails after the challenge (or its event) was stored, the client's
 * retry is a replay, and the replay queues what the first attempt did not. The outbox keeps
 * one per dedupe key, so a replay of a request that did queue adds nothing.
 */
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { applyChallengeCommand, raiseChallenge } from '../../shared/escalation/app/challenges';
import type { Notifier, NotificationRequest } from '../../shared/ports/notifier.port';
import { ChallengeInput } from '../../shared/escalation/domain/challenge';
import { makeGoLive } from '../builders';

/** An outbox that dedupes by key, like the real ones, and fails the calls it is told to. */
function flakyOutbox() {
  const stored = new Map<string, NotificationRequest>();
  let failNext = 0;
  const notifier: Notifier = {
    async enqueue(n) {
      if (failNext > 0) {
        failNext--;
        throw new Error('outbox unreachable');
      }
      const created = !stored.has(n.dedupeKey);
      if (created) stored.set(n.dedupeKey, n);
      return { id: n.dedupeKey, created };
    },
  };
  return { notifier, kinds: () => [...stored.values()].map((n) => n.kind).sort(), failNextEnqueue: () => (failNext = 1) };
}

it('a raise and a decision request whose notice failed after the write are queued by the retry, once', async () => {
  const repo = SqliteRepository.open(':memory:');
  try {
    const goLive = makeGoLive({
      input: { people: [{ id: 'karl', name: 'Karl', email: 'karl@example.org', roles: ['goLiveCoordinator'], areaIds: [], unitIds: [] }] },
    });
    await repo.saveGoLive(goLive, null);
    const outbox = flakyOutbox();
    const s = { repo, clock: { now: () => new Date('2026-11-28T07:10:00Z') }, notifier: outbox.notifier };
    const raise = {
      goLiveId: goLive.id,
      idempotencyKey: 'r1',
      input: ChallengeInput.parse({ title: 'Remisser', colour: 'röd', areaId: 'teknik', needFromOthers: 'Beslut' }),
    };

    outbox.failNextEnqueue();
    await expect(raiseChallenge(s, raise)).rejects.toThrow('outbox unreachable');
    expect(outbox.kinds()).toEqual([]);
    const retried = await raiseChallenge(s, raise);
    expect(retried.created).toBe(false);
    expect(outbox.kinds()).toEqual(['challengeRaised']);
    await raiseChallenge(s, raise);
    expect(outbox.kinds()).toEqual(['challengeRaised']);

    const id = retried.value.id;
    await applyChallengeCommand(s, {
      goLiveId: goLive.id,
      challengeId: id,
      command: { type: 'triage', input: { decision: 'wait', participants: [] } },
    });
    const ask = {
      goLiveId: goLive.id,
      challengeId: id,
      idempotencyKey: 'd1',
      command: { type: 'decisionRequest', input: { level: 'itd', question: 'Ny drivrutin?' } },
    } as const;
    outbox.failNextEnqueue();
    await expect(applyChallengeCommand(s, ask)).rejects.toThrow('outbox unreachable');
    expect(outbox.kinds()).toEqual(['challengeRaised']);
    const replay = await applyChallengeCommand(s, ask);
    expect(replay.effect.kind).toBe('none');
    expect(outbox.kinds()).toEqual(['challengeRaised', 'decisionRequested']);
  } finally {
    await repo.close();
  }
});
