import { withGoLiveRead } from '../../functions/http/route';
import { SqliteRepository } from '../../shared/adapters/embedded/sqlite.repository';
import type { Services } from '../../shared/composition';
import { submitUnitReport } from '../../shared/app/reports';
import type { Repository } from '../../shared/ports/repository.port';
import { makeGoLive } from '../builders';

/*
 * Issue 17: the go-live the route read to authorise a user is the one the use case gets, so a
 * unit report reads (and, in Cosmos, pays for) the go-live once, not twice.
 */
describe('withGoLiveRead: one go-live read per request', () => {
  let store: SqliteRepository;
  let reads: string[];
  let services: Services;
  const clock = { now: () => new Date('2026-11-28T08:00:00Z') };

  beforeEach(() => {
    store = SqliteRepository.open(':memory:');
    reads = [];
    const counting = new Proxy(store, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop === 'getGoLive') return (id: string) => (reads.push(id), target.getGoLive(id));
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Repository;
    services = {
      config: {} as Services['config'],
      repo: counting,
      notifier: {} as Services['notifier'],
      notifications: {} as Services['notifications'],
      publicBaseUrl: 'http://localhost',
      get clock() {
        return clock;
      },
    };
  });
  afterEach(() => store.close());

  it('answers the use case with the read made for authorisation, and later reads from the store', async () => {
    const g = makeGoLive();
    await store.saveGoLive(g, null);
    const read = (await services.repo.getGoLive(g.id))!;
    expect(reads).toEqual([g.id]);

    const scoped = withGoLiveRead(services, read);
    const unit = g.forvaltningar[0]!.units[0]!;
    const result = await submitUnitReport(scoped, {
      goLiveId: g.id,
      unitId: unit.id,
      input: { colour: 'yellow', explanation: 'Långsamt' },
    });
    expect(result.created).toBe(true);
    // The use case read no go-live of its own; its write reached the store.
    expect(reads).toEqual([g.id]);
    expect(await store.listUnitReports(g.id, unit.id, 5)).toHaveLength(1);

    // A second read (e.g. after a conflict) goes to the store, as does another go-live.
    await scoped.repo.getGoLive(g.id);
    await scoped.repo.getGoLive('another');
    expect(reads).toEqual([g.id, g.id, 'another']);
    // Everything else is the shared services, the clock getter included.
    expect(scoped.clock.now()).toEqual(clock.now());
    expect(scoped.config).toBe(services.config);
  });
});
