/**
 * Issue 17: a DSL agenda reads the go-live's challenges (and the decision notes) once, though
 * its challenge section, its decision section and its work practices (R6.1, R8.4, R11.4) all
 * use them; and it still shows what they contain.
 */
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import { getAgenda } from '../../shared/app/calendar/agenda';
import { GoLive } from '../../shared/domain/golive';
import type { Repository } from '../../shared/ports/repository.port';
import { makeChallenge } from '../builders';
import { calendarOrg, FakeClock } from './support';

it('a DSL agenda asks the store for the challenges and the decision notes once each', async () => {
  const store = SqliteRepository.open(':memory:');
  try {
    const goLive = GoLive.parse({
      ...calendarOrg(),
      id: 'vag-1',
      createdAt: '2026-11-20T00:00:00.000Z',
      updatedAt: '2026-11-20T00:00:00.000Z',
    });
    await store.saveGoLive(goLive, null);
    const raisedAt = '2026-11-27T07:30:00.000Z';
    await store.createChallenge(
      makeChallenge({
        id: 'skrivare',
        goLiveId: 'vag-1',
        title: 'Remissutskrift fungerar inte',
        raisedAt,
        pendingDecision: {
          requestId: 'beslut-1',
          level: 'itd',
          question: 'Rulla ut drivrutinen?',
          requestedAt: raisedAt,
          deadline: '2026-11-27T08:00:00.000Z',
        },
      } as never),
    );
    const calls = new Map<string, number>();
    const repo = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Repository;
    const agenda = await getAgenda(
      { repo, clock: new FakeClock(Date.parse('2026-11-27T08:50:00.000Z')) },
      'vag-1',
      'dsl-2026-11-27T1000',
      'sv',
    );
    expect(calls.get('listChallenges')).toBe(1);
    expect(calls.get('listNotes')).toBeLessThanOrEqual(2); // 'decision' once, 'communicated' once
    const texts = JSON.stringify(agenda);
    expect(texts).toContain('Remissutskrift fungerar inte'); // the challenge section
    expect(texts).toContain('Rulla ut drivrutinen?'); // the overdue decision heads the agenda (R8.4)
  } finally {
    await store.close();
  }
});
