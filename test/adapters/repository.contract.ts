import type { Repository } from '../../shared/ports/repository.port';
import { StoreConflictError } from '../../shared/ports/repository.port';
import { makeAreaReport, makeChallenge, makeGoLive, makeIncident, makeUnitReport, minutesAfter, uniqueId } from '../builders';
import { makeAdHocMeeting, makeDispatch } from '../calendar/builders';

const T0 = '2026-11-27T08:00:00.000Z';

/**
 * The behaviour every `Repository` adapter must share. Each adapter's test file calls this
 * with a factory for a fresh store; tests use their own go-live ids, so they can share it.
 */
export function repositoryContract(
  name: string,
  setup: () => Promise<{
    repo: Repository;
    teardown: () => Promise<void>;
    /** A second instance on the same store (another process or Flex instance), closed by teardown. */
    another: () => Promise<Repository>;
  }>,
): void {
  describe(`Repository contract: ${name}`, () => {
    let repo: Repository;
    let another: () => Promise<Repository>;
    let teardown: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ repo, teardown, another } = await setup());
    });
    afterAll(async () => {
      await teardown?.();
    });

    describe('go-lives', () => {
      it('reads nothing for an unknown id', async () => {
        expect(await repo.getGoLive(uniqueId('gl'))).toBeUndefined();
      });

      it('creates with null etag, reads back the value and its etag', async () => {
        const g = makeGoLive();
        const saved = await repo.saveGoLive(g, null);
        expect(saved.value).toEqual(g);
        expect(saved.etag).toEqual(expect.any(String));
        expect(await repo.getGoLive(g.id)).toEqual({ value: g, etag: saved.etag });
      });

      it('refuses a create-only save of an existing go-live and keeps the stored one', async () => {
        const g = makeGoLive();
        await repo.saveGoLive(g, null);
        await expect(repo.saveGoLive({ ...g, name: 'Annan' }, null)).rejects.toBeInstanceOf(StoreConflictError);
        expect((await repo.getGoLive(g.id))?.value.name).toBe(g.name);
      });

      it('replaces only the version it was given', async () => {
        const g = makeGoLive();
        const v1 = await repo.saveGoLive(g, null);
        const v2 = await repo.saveGoLive({ ...g, name: 'Version 2' }, v1.etag);
        expect(v2.etag).not.toBe(v1.etag);
        await expect(repo.saveGoLive({ ...g, name: 'Stale writer' }, v1.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await repo.getGoLive(g.id)).toEqual({ value: { ...g, name: 'Version 2' }, etag: v2.etag });
      });

      it('refuses a conditional replace of a go-live that does not exist', async () => {
        await expect(repo.saveGoLive(makeGoLive(), 'some-etag')).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('upserts without an etag, whether or not it exists', async () => {
        const g = makeGoLive();
        const v1 = await repo.saveGoLive(g);
        const v2 = await repo.saveGoLive({ ...g, name: 'Upserted' });
        expect(v2.etag).not.toBe(v1.etag);
        expect((await repo.getGoLive(g.id))?.value.name).toBe('Upserted');
      });

      it('lists go-lives by id and name, and nothing else', async () => {
        const a = makeGoLive({ input: { name: 'Våg A' } });
        const b = makeGoLive({ input: { name: 'Våg B' } });
        await repo.saveGoLive(a, null);
        await repo.saveGoLive(b, null);
        await repo.addUnitReport(makeUnitReport({ goLiveId: a.id }));
        await repo.putMarker({ name: uniqueId('marker'), at: T0 });
        const list = await repo.listGoLives();
        expect(list).toEqual(
          expect.arrayContaining([
            { id: a.id, name: 'Våg A' },
            { id: b.id, name: 'Våg B' },
          ]),
        );
        for (const item of list) expect(Object.keys(item).sort()).toEqual(['id', 'name']);
        expect(new Set(list.map((g) => g.id)).size).toBe(list.length);
      });
    });

    describe('go-lives kept parsed in memory (issue 17)', () => {
      it('sees a change saved through another instance on the next read, the snapshot included', async () => {
        const here = repo;
        const there = await another();
        const g = makeGoLive({ input: { name: 'Version 1' } });
        await here.saveGoLive(g, null);
        // Both instances have read (and keep) version 1.
        const v1 = (await here.getGoLive(g.id))!;
        expect((await there.getGoLive(g.id))?.etag).toBe(v1.etag);
        expect((await here.getStatusSnapshot(g.id))?.goLive.name).toBe('Version 1');

        const v2 = await there.saveGoLive({ ...g, name: 'Version 2' }, v1.etag);
        expect(await here.getGoLive(g.id)).toEqual({ value: { ...g, name: 'Version 2' }, etag: v2.etag });
        expect((await here.getStatusSnapshot(g.id))?.goLive.name).toBe('Version 2');

        // And back the other way, with an unconditional upsert.
        await here.saveGoLive({ ...g, name: 'Version 3' });
        expect((await there.getGoLive(g.id))?.value.name).toBe('Version 3');
        expect((await there.getStatusSnapshot(g.id))?.goLive.name).toBe('Version 3');
        // A stale writer is still refused: the kept copy does not hide the stored version.
        await expect(there.saveGoLive({ ...g, name: 'Stale' }, v2.etag)).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('hands out a frozen value that the saver cannot change afterwards', async () => {
        const g = makeGoLive();
        await repo.saveGoLive(g, null);
        g.forvaltningar[0]!.name = 'Ändrad efteråt';
        const first = (await repo.getGoLive(g.id))!.value;
        expect(first.forvaltningar[0]!.name).not.toBe('Ändrad efteråt');
        const second = (await repo.getGoLive(g.id))!.value;
        expect(second).toEqual(first);
        expect(Object.isFrozen(second)).toBe(true);
        // By message, not class: a value from the store thread is built in Node's realm, not jest's.
        expect(() => {
          (second.forvaltningar[0]!.units as unknown[]).push({});
        }).toThrow(/not extensible/);
        expect((await repo.getGoLive(g.id))!.value).toEqual(first);
      });

      it('sees a go-live created by another instance after this one found none', async () => {
        const there = await another();
        const g = makeGoLive();
        expect(await repo.getGoLive(g.id)).toBeUndefined();
        expect(await repo.getStatusSnapshot(g.id)).toBeUndefined();
        await there.saveGoLive(g, null);
        expect((await repo.getGoLive(g.id))?.value).toEqual(g);
      });
    });

    describe('unit reports', () => {
      it('stores a new report and lists it', async () => {
        const r = makeUnitReport({ goLiveId: uniqueId('gl') });
        expect(await repo.addUnitReport(r)).toEqual({ value: r, created: true });
        expect(await repo.listUnitReports(r.goLiveId, r.unitId, 10)).toEqual([r]);
      });

      it('treats a replayed id as the same report: created false, the stored value, stored once', async () => {
        const r = makeUnitReport({ goLiveId: uniqueId('gl'), colour: 'red', explanation: 'Först' });
        await repo.addUnitReport(r);
        const replay = await repo.addUnitReport({ ...r, colour: 'green', explanation: 'Annan text', requestHash: 'hash-2' });
        expect(replay).toEqual({ value: r, created: false });
        expect(await repo.listUnitReports(r.goLiveId, r.unitId, 10)).toEqual([r]);
      });

      it('lists newest reportedAt first, ties by id descending, up to the limit, for that unit only', async () => {
        const goLiveId = uniqueId('gl');
        const at = (m: number, id: string) => makeUnitReport({ goLiveId, id, reportedAt: minutesAfter(T0, m) });
        const reports = [at(30, 'r-c'), at(10, 'r-a'), at(50, 'r-e'), at(20, 'r-b'), at(50, 'r-d')];
        for (const r of reports) await repo.addUnitReport(r);
        await repo.addUnitReport(makeUnitReport({ goLiveId, unitId: 'avd-14', reportedAt: minutesAfter(T0, 99) }));

        const top3 = await repo.listUnitReports(goLiveId, 'avd-12', 3);
        expect(top3.map((r) => r.id)).toEqual(['r-e', 'r-d', 'r-c']);
        expect((await repo.listUnitReports(goLiveId, 'avd-12', 100)).map((r) => r.id)).toEqual(['r-e', 'r-d', 'r-c', 'r-b', 'r-a']);
        expect(await repo.listUnitReports(goLiveId, 'avd-12', 0)).toEqual([]);
        expect(await repo.listUnitReports(goLiveId, 'no-such-unit', 10)).toEqual([]);
      });

      it('keeps the newest reportedAt as current status, whatever the arrival order', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        const newer = makeUnitReport({ goLiveId: goLive.id, colour: 'red', reportedAt: minutesAfter(T0, 60) });
        const older = makeUnitReport({ goLiveId: goLive.id, colour: 'green', reportedAt: minutesAfter(T0, 30) });
        await repo.addUnitReport(newer);
        expect((await repo.addUnitReport(older)).created).toBe(true);

        const status = (await repo.getStatusSnapshot(goLive.id))?.unitStatuses;
        expect(status).toEqual([
          {
            goLiveId: goLive.id,
            unitId: 'avd-12',
            forvaltningId: 'kirurgi',
            colour: 'red',
            explanation: newer.explanation,
            reportedAt: newer.reportedAt,
            reportId: newer.id,
          },
        ]);

        const newest = makeUnitReport({ goLiveId: goLive.id, colour: 'yellow', reportedAt: minutesAfter(T0, 90) });
        await repo.addUnitReport(newest);
        expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => [s.reportId, s.colour])).toEqual([[newest.id, 'yellow']]);
      });

      it('breaks a reportedAt tie by the larger report id, in either arrival order', async () => {
        for (const order of [
          ['tie-b', 'tie-a'],
          ['tie-a', 'tie-b'],
        ]) {
          const goLive = makeGoLive();
          await repo.saveGoLive(goLive, null);
          for (const id of order) await repo.addUnitReport(makeUnitReport({ goLiveId: goLive.id, id, reportedAt: T0 }));
          expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => s.reportId)).toEqual(['tie-b']);
        }
      });
    });

    describe('area reports', () => {
      it('keeps the newest report as area status, with the colour before it for the trend', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        const first = makeAreaReport({ goLiveId: goLive.id, colour: 'green', reportedAt: minutesAfter(T0, 0) });
        const second = makeAreaReport({
          goLiveId: goLive.id,
          colour: 'red',
          suggestedColour: 'red',
          summary: 'Inloggningen ligger nere',
          problems: [
            { title: 'Inloggning', size: 'veryLarge', situation: { facts: 'Ingen kan logga in' }, actions: 'Felsöker', obstacles: 'Inga' },
          ],
          reportedAt: minutesAfter(T0, 60),
        });
        const late = makeAreaReport({
          goLiveId: goLive.id,
          colour: 'yellow',
          suggestedColour: 'green',
          overrideReason: 'Osäkert',
          reportedAt: minutesAfter(T0, 30),
        });

        expect((await repo.addAreaReport(first)).created).toBe(true);
        let statuses = (await repo.getStatusSnapshot(goLive.id))?.areaStatuses;
        expect(statuses).toHaveLength(1);
        expect(statuses?.[0]?.colour).toBe('green');
        expect(statuses?.[0]?.previousColour).toBeUndefined();

        await repo.addAreaReport(second);
        await repo.addAreaReport(late);
        expect(await repo.addAreaReport({ ...second, summary: 'replay' })).toEqual({ value: second, created: false });

        statuses = (await repo.getStatusSnapshot(goLive.id))?.areaStatuses;
        expect(statuses).toEqual([
          {
            goLiveId: goLive.id,
            areaId: 'support',
            colour: 'red',
            suggestedColour: 'red',
            summary: 'Inloggningen ligger nere',
            reportedAt: second.reportedAt,
            reportId: second.id,
            previousColour: 'green',
            openProblems: 1,
          },
        ]);
        expect((await repo.listAreaReports(goLive.id, 'support', 10)).map((r) => r.id)).toEqual([second.id, late.id, first.id]);
        expect((await repo.listAreaReports(goLive.id, 'support', 1)).map((r) => r.id)).toEqual([second.id]);
        expect(await repo.listAreaReports(goLive.id, 'teknik', 10)).toEqual([]);
      });

      it('reads one area report by id, in its own go-live only (a replay answers it, issue 14)', async () => {
        const goLive = makeGoLive();
        const other = makeGoLive();
        const r = makeAreaReport({ goLiveId: goLive.id, suggestedFromUnits: [{ forvaltningId: 'f', green: 1, yellow: 0, red: 2 }] });
        await repo.addAreaReport(r);
        expect(await repo.getAreaReport(goLive.id, r.id)).toEqual(r);
        expect(await repo.getAreaReport(other.id, r.id)).toBeUndefined();
        expect(await repo.getAreaReport(goLive.id, 'missing')).toBeUndefined();
      });
    });

    describe('report history of a go-live (exports, imports)', () => {
      it('lists unit reports of every unit oldest first, ties by id, that go-live only, and pages with `after`', async () => {
        const goLiveId = uniqueId('gl');
        const at = (m: number, id: string, unitId = 'avd-12') => makeUnitReport({ goLiveId, id, unitId, reportedAt: minutesAfter(T0, m) });
        const reports = [
          at(30, 'h-c', 'akuten'),
          at(10, 'h-a'),
          at(50, 'h-e'),
          at(20, 'h-b', 'avd-14'),
          at(50, 'h-d', 'akuten'),
          at(50, 'h-f'),
        ];
        for (const r of reports) await repo.addUnitReport(r);
        await repo.addUnitReport(makeUnitReport({ goLiveId: uniqueId('gl'), reportedAt: minutesAfter(T0, 40) }));
        await repo.addAreaReport(makeAreaReport({ goLiveId, reportedAt: minutesAfter(T0, 40) }));

        const order = ['h-a', 'h-b', 'h-c', 'h-d', 'h-e', 'h-f'];
        const all = await repo.listUnitReportsByGoLive(goLiveId);
        expect(all.map((r) => r.id)).toEqual(order);
        expect(all[0]).toEqual(reports[1]);

        const seen: string[] = [];
        let after: { reportedAt: string; id: string } | undefined;
        for (;;) {
          const page = await repo.listUnitReportsByGoLive(goLiveId, { limit: 4, ...(after ? { after } : {}) });
          seen.push(...page.map((r) => r.id));
          const last = page[page.length - 1];
          if (page.length < 4 || !last) break;
          after = { reportedAt: last.reportedAt, id: last.id };
        }
        expect(seen).toEqual(order);
        // A cursor inside a group of equal times continues after it, by id.
        expect(
          (await repo.listUnitReportsByGoLive(goLiveId, { after: { reportedAt: minutesAfter(T0, 50), id: 'h-d' } })).map((r) => r.id),
        ).toEqual(['h-e', 'h-f']);
      });

      it('takes `since` inclusively, combines it with `after`, and answers nothing for limit 0 or an unknown go-live', async () => {
        const goLiveId = uniqueId('gl');
        for (const [m, id] of [
          [10, 's-a'],
          [20, 's-b'],
          [20, 's-c'],
          [30, 's-d'],
        ] as const)
          await repo.addUnitReport(makeUnitReport({ goLiveId, id, reportedAt: minutesAfter(T0, m) }));
        expect((await repo.listUnitReportsByGoLive(goLiveId, { since: minutesAfter(T0, 20) })).map((r) => r.id)).toEqual([
          's-b',
          's-c',
          's-d',
        ]);
        expect(
          (
            await repo.listUnitReportsByGoLive(goLiveId, {
              since: minutesAfter(T0, 20),
              after: { reportedAt: minutesAfter(T0, 20), id: 's-b' },
              limit: 1,
            })
          ).map((r) => r.id),
        ).toEqual(['s-c']);
        expect((await repo.listUnitReportsByGoLive(goLiveId, { since: minutesAfter(T0, 31) })).map((r) => r.id)).toEqual([]);
        expect(await repo.listUnitReportsByGoLive(goLiveId, { limit: 0 })).toEqual([]);
        expect(await repo.listUnitReportsByGoLive(uniqueId('gl'))).toEqual([]);
      });

      it('stores a batch of unit reports as one by one would: replays, ties and the newest status included', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        const existing = makeUnitReport({ goLiveId: goLive.id, id: 'b-0', reportedAt: minutesAfter(T0, 5) });
        await repo.addUnitReport(existing);
        const batch = [
          makeUnitReport({ goLiveId: goLive.id, id: 'b-2', colour: 'red', reportedAt: minutesAfter(T0, 30) }),
          { ...existing, colour: 'yellow' as const },
          makeUnitReport({ goLiveId: goLive.id, id: 'b-1', unitId: 'akuten', forvaltningId: 'medicin', reportedAt: minutesAfter(T0, 10) }),
          makeUnitReport({ goLiveId: goLive.id, id: 'b-3', colour: 'green', reportedAt: minutesAfter(T0, 20) }),
        ];
        const results = await repo.addUnitReports(batch);
        expect(results.map((r) => [r.value.id, r.created])).toEqual([
          ['b-2', true],
          ['b-0', false],
          ['b-1', true],
          ['b-3', true],
        ]);
        expect(results[1]!.value).toEqual(existing);
        expect((await repo.listUnitReportsByGoLive(goLive.id)).map((r) => r.id)).toEqual(['b-0', 'b-1', 'b-3', 'b-2']);
        expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((u) => [u.unitId, u.reportId]).sort()).toEqual([
          ['akuten', 'b-1'],
          ['avd-12', 'b-2'],
        ]);
        expect(await repo.addUnitReports([])).toEqual([]);
      });

      it('lists area reports of every area oldest first, whole, and pages the same way', async () => {
        const goLiveId = uniqueId('gl');
        const second = makeAreaReport({
          goLiveId,
          id: 'ah-b',
          areaId: 'teknik',
          colour: 'yellow',
          suggestedColour: 'green',
          overrideReason: 'Osäkert',
          reportedAt: minutesAfter(T0, 20),
        });
        const first = makeAreaReport({ goLiveId, id: 'ah-a', areaId: 'support', reportedAt: minutesAfter(T0, 10) });
        const third = makeAreaReport({ goLiveId, id: 'ah-c', areaId: 'support', reportedAt: minutesAfter(T0, 30) });
        for (const r of [second, third, first]) await repo.addAreaReport(r);
        await repo.addUnitReport(makeUnitReport({ goLiveId, reportedAt: minutesAfter(T0, 15) }));
        expect(await repo.listAreaReportsByGoLive(goLiveId)).toEqual([first, second, third]);
        expect(
          (await repo.listAreaReportsByGoLive(goLiveId, { after: { reportedAt: first.reportedAt, id: first.id }, limit: 1 })).map(
            (r) => r.id,
          ),
        ).toEqual(['ah-b']);
        expect((await repo.listAreaReportsByGoLive(goLiveId, { since: minutesAfter(T0, 20) })).map((r) => r.id)).toEqual(['ah-b', 'ah-c']);
      });
    });

    describe('incidents', () => {
      it('creates once, reads with an etag, and replaces only the current version', async () => {
        const incident = makeIncident({ goLiveId: uniqueId('gl') });
        expect(await repo.createIncident(incident)).toEqual({ value: incident, created: true });
        expect(await repo.createIncident({ ...incident, title: 'Replay' })).toEqual({ value: incident, created: false });

        const read = await repo.getIncident(incident.goLiveId, incident.id);
        expect(read?.value).toEqual(incident);
        const resolved = {
          ...incident,
          status: 'resolved' as const,
          resolvedAt: minutesAfter(T0, 45),
          lastUpdateAt: minutesAfter(T0, 45),
          updates: [
            {
              id: 'u1',
              text: 'Löst',
              status: 'resolved' as const,
              at: minutesAfter(T0, 45),
              receivedAt: minutesAfter(T0, 45),
              requestHash: 'h',
            },
          ],
        };
        const replaced = await repo.replaceIncident(resolved, read!.etag);
        expect(replaced.value).toEqual(resolved);
        expect(replaced.etag).not.toBe(read!.etag);
        await expect(repo.replaceIncident({ ...incident, title: 'Stale' }, read!.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await repo.getIncident(incident.goLiveId, incident.id)).toEqual({ value: resolved, etag: replaced.etag });
      });

      it('refuses to replace an incident that does not exist, and reads nothing for it', async () => {
        const incident = makeIncident({ goLiveId: uniqueId('gl') });
        await expect(repo.replaceIncident(incident, 'whatever')).rejects.toBeInstanceOf(StoreConflictError);
        expect(await repo.getIncident(incident.goLiveId, incident.id)).toBeUndefined();
      });

      it('lists a go-live’s incidents newest openedAt first', async () => {
        const goLiveId = uniqueId('gl');
        const a = makeIncident({ goLiveId, openedAt: minutesAfter(T0, 10) });
        const b = makeIncident({ goLiveId, openedAt: minutesAfter(T0, 30), status: 'resolved', resolvedAt: minutesAfter(T0, 40) });
        const c = makeIncident({ goLiveId, openedAt: minutesAfter(T0, 20) });
        for (const i of [a, b, c]) await repo.createIncident(i);
        await repo.createIncident(makeIncident({ goLiveId: uniqueId('gl') }));
        expect((await repo.listIncidents(goLiveId)).map((i) => i.id)).toEqual([b.id, c.id, a.id]);
      });
    });

    describe('status snapshot', () => {
      it('is undefined for a go-live that does not exist', async () => {
        expect(await repo.getStatusSnapshot(uniqueId('gl'))).toBeUndefined();
      });

      it('holds the go-live, every unit and area status and only open incidents, of that go-live only', async () => {
        const goLive = makeGoLive();
        const other = makeGoLive();
        await repo.saveGoLive(goLive, null);
        await repo.saveGoLive(other, null);
        for (const g of [goLive, other]) {
          await repo.addUnitReport(makeUnitReport({ goLiveId: g.id, unitId: 'avd-12', forvaltningId: 'kirurgi', colour: 'yellow' }));
          await repo.addUnitReport(makeUnitReport({ goLiveId: g.id, unitId: 'akuten', forvaltningId: 'medicin', colour: 'red' }));
          await repo.addAreaReport(makeAreaReport({ goLiveId: g.id, areaId: 'cosmic' }));
          await repo.createIncident(makeIncident({ goLiveId: g.id, status: 'resolved', resolvedAt: T0 }));
        }
        const open = makeIncident({ goLiveId: goLive.id, priority: 1 });
        await repo.createIncident(open);
        await repo.createIncident(makeIncident({ goLiveId: other.id }));

        const snapshot = await repo.getStatusSnapshot(goLive.id);
        expect(snapshot?.goLive).toEqual(goLive);
        expect(snapshot?.unitStatuses.map((s) => `${s.unitId}:${s.colour}`).sort()).toEqual(['akuten:red', 'avd-12:yellow']);
        expect(snapshot?.areaStatuses.map((s) => s.areaId)).toEqual(['cosmic']);
        expect(snapshot?.openIncidents).toEqual([open]);
        const goLiveIds = [
          ...snapshot!.unitStatuses,
          ...snapshot!.areaStatuses,
          ...snapshot!.openIncidents,
          ...snapshot!.openChallenges,
        ].map((x) => x.goLiveId);
        expect(new Set(goLiveIds)).toEqual(new Set([goLive.id]));

        const current = await repo.getIncident(goLive.id, open.id);
        await repo.replaceIncident({ ...open, status: 'resolved', resolvedAt: minutesAfter(T0, 5) }, current!.etag);
        expect((await repo.getStatusSnapshot(goLive.id))?.openIncidents).toEqual([]);
      });

      it('holds the open challenges (raised, triaged) of that go-live only, for the overview', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        const raised = makeChallenge({ goLiveId: goLive.id });
        const triaged = makeChallenge({ goLiveId: goLive.id, state: 'triaged' });
        for (const c of [
          raised,
          triaged,
          makeChallenge({ goLiveId: goLive.id, state: 'resolved', endedAt: T0 }),
          makeChallenge({ goLiveId: goLive.id, state: 'withdrawn', endedAt: T0 }),
          makeChallenge({ goLiveId: uniqueId('gl') }),
        ])
          await repo.createChallenge(c);
        const open = (await repo.getStatusSnapshot(goLive.id))!.openChallenges;
        expect([...open].sort((a, b) => a.id.localeCompare(b.id))).toEqual([raised, triaged].sort((a, b) => a.id.localeCompare(b.id)));

        const current = await repo.getChallenge(goLive.id, raised.id);
        await repo.replaceChallenge({ ...raised, state: 'withdrawn', endedAt: T0 }, current!.etag);
        expect((await repo.getStatusSnapshot(goLive.id))!.openChallenges.map((c) => c.id)).toEqual([triaged.id]);
      });
    });

    describe('markers', () => {
      it('upserts by name and reads back, also names that are not ids', async () => {
        const name = `${uniqueId('timer')}/heartbeat?#1 å`;
        expect(await repo.getMarker(name)).toBeUndefined();
        await repo.putMarker({ name, at: T0 });
        expect(await repo.getMarker(name)).toEqual({ name, at: T0 });
        await repo.putMarker({ name, at: minutesAfter(T0, 1), detail: { ticks: 2, ok: true } });
        expect(await repo.getMarker(name)).toEqual({ name, at: minutesAfter(T0, 1), detail: { ticks: 2, ok: true } });
      });
    });

    describe('the go-live calendar (R5, R6.5)', () => {
      it('stores an ad-hoc meeting once (R5.1): a replay returns the stored one', async () => {
        const m = makeAdHocMeeting({ goLiveId: uniqueId('gl') });
        expect(await repo.createMeeting(m)).toEqual({ value: m, created: true });
        expect(await repo.createMeeting({ ...m, reason: 'Annan' })).toEqual({ value: m, created: false });
        expect(await repo.getMeeting(m.goLiveId, m.id)).toEqual(m);
        expect(await repo.getMeeting(m.goLiveId, 'no-such-meeting')).toBeUndefined();
      });

      it('lists ad-hoc meetings starting in [from, to), earliest first, ties by id, of that go-live only', async () => {
        const goLiveId = uniqueId('gl');
        const at = (m: number, id: string) => makeAdHocMeeting({ goLiveId, id, start: minutesAfter(T0, m), end: minutesAfter(T0, m + 30) });
        for (const m of [at(60, 'm-c'), at(0, 'm-a'), at(60, 'm-b'), at(120, 'm-d'), at(-1, 'm-before')]) await repo.createMeeting(m);
        await repo.createMeeting(makeAdHocMeeting({ goLiveId: uniqueId('gl'), start: minutesAfter(T0, 10) }));
        const list = await repo.listMeetings(goLiveId, { from: T0, to: minutesAfter(T0, 120) });
        expect(list.map((m) => m.id)).toEqual(['m-a', 'm-b', 'm-c']);
        expect(await repo.listMeetings(goLiveId, { from: minutesAfter(T0, 500), to: minutesAfter(T0, 600) })).toEqual([]);
      });

      it('creates the tick cursor only if absent and replaces only the version it read', async () => {
        const goLiveId = uniqueId('gl');
        expect(await repo.getTickCursor(goLiveId)).toBeUndefined();
        const v1 = await repo.saveTickCursor({ goLiveId, at: T0, updatedAt: T0 }, null);
        await expect(repo.saveTickCursor({ goLiveId, at: minutesAfter(T0, 5), updatedAt: T0 }, null)).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        const v2 = await repo.saveTickCursor({ goLiveId, at: minutesAfter(T0, 1), updatedAt: minutesAfter(T0, 1) }, v1.etag);
        expect(v2.etag).not.toBe(v1.etag);
        await expect(repo.saveTickCursor({ goLiveId, at: minutesAfter(T0, 9), updatedAt: T0 }, v1.etag)).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await repo.getTickCursor(goLiveId)).toEqual({
          value: { goLiveId, at: minutesAfter(T0, 1), updatedAt: minutesAfter(T0, 1) },
          etag: v2.etag,
        });
      });

      it('claims an action once: a second claim gets the stored record and its etag', async () => {
        const d = makeDispatch({ goLiveId: uniqueId('gl') });
        const first = await repo.claimDispatch(d);
        expect(first).toEqual({ value: d, created: true, etag: expect.any(String) });
        const second = await repo.claimDispatch({ ...d, claimToken: 'someone-else', claimedAt: minutesAfter(T0, 1) });
        expect(second).toEqual({ value: d, created: false, etag: first.etag });

        const done = {
          ...d,
          state: 'done' as const,
          completedAt: minutesAfter(T0, 1),
          notificationCount: 1,
          notifications: [{ dedupeKey: 'agenda:x', kind: 'agenda', created: true }],
        };
        const updated = await repo.updateDispatch(done, first.etag);
        expect(updated.value).toEqual(done);
        await expect(repo.updateDispatch({ ...d, state: 'skipped' }, first.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect((await repo.claimDispatch(d)).value).toEqual(done);
      });

      it('lets exactly one of 20 concurrent claims of one action win', async () => {
        const d = makeDispatch({ goLiveId: uniqueId('gl') });
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.claimDispatch({ ...d, claimToken: `t-${i}` })));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const winner = results.find((r) => r.created)!.value.claimToken;
        for (const r of results) expect(r.value.claimToken).toBe(winner);
      });

      it('refuses to update a dispatch record that does not exist', async () => {
        await expect(repo.updateDispatch(makeDispatch({ goLiveId: uniqueId('gl') }), 'whatever')).rejects.toBeInstanceOf(
          StoreConflictError,
        );
      });

      it('lists dispatch records due in [from, to), earliest first, ties by action id', async () => {
        const goLiveId = uniqueId('gl');
        const at = (m: number, actionId: string) => makeDispatch({ goLiveId, actionId, dueAt: minutesAfter(T0, m) });
        for (const d of [at(30, 'agenda:b'), at(0, 'unitCheckpoint:x'), at(30, 'agenda:a'), at(90, 'agenda:late')])
          await repo.claimDispatch(d);
        const list = await repo.listDispatches(goLiveId, { from: T0, to: minutesAfter(T0, 90) });
        expect(list.map((d) => d.actionId)).toEqual(['unitCheckpoint:x', 'agenda:a', 'agenda:b']);
      });
    });

    describe('concurrency', () => {
      it('lands 100 concurrent reports for one unit exactly once each, the newest as status', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        // Oldest first is the hardest order for a read-then-write status update.
        const reports = Array.from({ length: 100 }, (_, i) =>
          makeUnitReport({ goLiveId: goLive.id, id: `c-${String(i).padStart(3, '0')}`, reportedAt: minutesAfter(T0, i) }),
        );
        const results = await Promise.all(reports.map((r) => repo.addUnitReport(r)));
        expect(results.every((r) => r.created)).toBe(true);

        const stored = await repo.listUnitReports(goLive.id, 'avd-12', 1000);
        expect(stored).toHaveLength(100);
        expect(new Set(stored.map((r) => r.id))).toEqual(new Set(reports.map((r) => r.id)));
        expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => s.reportId)).toEqual(['c-099']);
      });

      it('stores 100 concurrent replays of one id once', async () => {
        const goLive = makeGoLive();
        await repo.saveGoLive(goLive, null);
        const r = makeUnitReport({ goLiveId: goLive.id });
        const results = await Promise.all(Array.from({ length: 100 }, () => repo.addUnitReport(r)));
        expect(results.filter((x) => x.created)).toHaveLength(1);
        for (const x of results) expect(x.value).toEqual(r);
        expect(await repo.listUnitReports(goLive.id, r.unitId, 1000)).toEqual([r]);
        expect((await repo.getStatusSnapshot(goLive.id))?.unitStatuses.map((s) => s.reportId)).toEqual([r.id]);
      });
    });

    describe('challenges (R7, R8)', () => {
      it('creates once, reads, replaces under ETag, lists newest first, per go-live', async () => {
        const goLive = makeGoLive();
        const other = makeGoLive();
        const first = makeChallenge({ goLiveId: goLive.id, raisedAt: '2026-11-28T08:00:00.000Z' });
        const second = makeChallenge({ goLiveId: goLive.id, raisedAt: '2026-11-28T09:00:00.000Z' });
        expect((await repo.createChallenge(first)).created).toBe(true);
        expect(await repo.createChallenge({ ...first, title: 'another' })).toEqual({ value: first, created: false });
        await repo.createChallenge(second);
        await repo.createChallenge(makeChallenge({ goLiveId: other.id }));
        const read = await repo.getChallenge(goLive.id, first.id);
        expect(read?.value).toEqual(first);
        const triaged = { ...first, state: 'triaged' as const, lastChangeAt: '2026-11-28T09:10:00.000Z' };
        const saved = await repo.replaceChallenge(triaged, read!.etag);
        await expect(repo.replaceChallenge({ ...first, title: 'stale' }, read!.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await repo.getChallenge(goLive.id, first.id)).toEqual(saved);
        expect((await repo.listChallenges(goLive.id)).map((c) => c.id)).toEqual([second.id, first.id]);
        expect(await repo.getChallenge(goLive.id, 'missing')).toBeUndefined();
        await expect(repo.replaceChallenge(makeChallenge({ goLiveId: goLive.id, id: 'missing' }), saved.etag)).rejects.toBeInstanceOf(
          StoreConflictError,
        );
      });
    });

    describe('notes (R6.5, R8.5, R11)', () => {
      it('creates once per kind and id, reads, replaces under ETag, lists one kind oldest first, per go-live', async () => {
        const goLive = makeGoLive();
        const other = makeGoLive();
        const late = {
          id: 'b',
          goLiveId: goLive.id,
          kind: 'decision' as const,
          at: '2026-11-28T09:00:00.000Z',
          data: { decision: 'Starta team' },
        };
        const early = {
          id: 'a',
          goLiveId: goLive.id,
          kind: 'decision' as const,
          at: '2026-11-28T08:00:00.000Z',
          data: { decision: 'Vänta' },
        };
        expect((await repo.createNote(late)).created).toBe(true);
        expect(await repo.createNote({ ...late, data: { decision: 'annat' } })).toEqual({ value: late, created: false });
        await repo.createNote(early);
        // The same id in another kind, and another go-live, are other notes.
        await repo.createNote({ ...early, kind: 'cslAssessment', data: { text: 'x' } });
        await repo.createNote({ ...early, goLiveId: other.id });
        expect((await repo.listNotes(goLive.id, 'decision')).map((n) => n.id)).toEqual(['a', 'b']);
        expect(await repo.listNotes(goLive.id, 'cslAssessment')).toEqual([{ ...early, kind: 'cslAssessment', data: { text: 'x' } }]);
        const read = await repo.getNote(goLive.id, 'decision', 'b');
        expect(read?.value).toEqual(late);
        const saved = await repo.replaceNote({ ...late, data: { decision: 'ändrat' } }, read!.etag);
        await expect(repo.replaceNote(late, read!.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await repo.getNote(goLive.id, 'decision', 'b')).toEqual(saved);
        expect(await repo.getNote(goLive.id, 'sentAgenda', 'b')).toBeUndefined();
        await expect(repo.replaceNote({ ...late, id: 'missing' }, saved.etag)).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('keeps an agenda as sent whole, once per meeting: a second send finds the first (issue 14 item 6)', async () => {
        const goLive = makeGoLive();
        const section = {
          key: 'point6',
          number: 6,
          title: 'Nya gula händelser?',
          prompts: [],
          items: [{ text: 'Teknik: Utskrifter – å', colour: 'yellow', details: ['a', 'b'], ref: { type: 'area', id: 'teknik' } }],
        };
        const sent = {
          id: 'dsl-2026-11-27T0800',
          goLiveId: goLive.id,
          kind: 'sentAgenda' as const,
          at: '2026-11-27T06:50:00.000Z',
          data: {
            meetingId: 'dsl-2026-11-27T0800',
            meetingEnd: '2026-11-27T07:30:00.000Z',
            sentAt: '2026-11-27T06:50:00.000Z',
            sv: { sections: [section] },
            en: { sections: [] },
          },
        };
        expect((await repo.createNote(sent)).created).toBe(true);
        expect(await repo.createNote({ ...sent, at: '2026-11-27T06:52:00.000Z', data: { ...sent.data, sentAt: 'later' } })).toEqual({
          value: sent,
          created: false,
        });
        expect((await repo.getNote(goLive.id, 'sentAgenda', 'dsl-2026-11-27T0800'))?.value).toEqual(sent);
        expect(await repo.getNote(goLive.id, 'sentAgenda', 'dsl-2026-11-27T1000')).toBeUndefined();
      });

      it('keeps a meeting’s discussed marks (issue 16): one note per meeting, nested marks intact, two writers never both win', async () => {
        const goLive = makeGoLive();
        const mark = {
          discussed: true,
          byName: 'Anna Ledare',
          by: { kind: 'user', id: 'anna-lead', name: 'Anna' },
          at: '2026-11-27T10:00:00.000Z',
        };
        const marks = {
          items: { 'point4/challenge:c1': mark },
          applied: [{ id: 'k-1', requestHash: 'h1', itemKey: 'point4/challenge:c1', byName: 'Anna Ledare', at: mark.at }],
        };
        const note = { id: 'dsl-2026-11-27T1000', goLiveId: goLive.id, kind: 'discussed' as const, at: mark.at, data: marks };
        expect((await repo.createNote(note)).created).toBe(true);
        // A second chair's first tick at the same moment finds the note there: it must re-read, not overwrite.
        expect((await repo.createNote({ ...note, data: { items: {}, applied: [] } })).created).toBe(false);
        const read = await repo.getNote(goLive.id, 'discussed', note.id);
        expect(read?.value).toEqual(note);
        const cleared = { ...marks, items: { 'point4/challenge:c1': { ...mark, discussed: false } } };
        await repo.replaceNote({ ...note, data: cleared }, read!.etag);
        await expect(repo.replaceNote({ ...note, data: marks }, read!.etag)).rejects.toBeInstanceOf(StoreConflictError);
        expect((await repo.getNote(goLive.id, 'discussed', note.id))?.value.data).toEqual(cleared);
        expect(await repo.getNote(goLive.id, 'discussed', 'dsl-2026-11-27T1100')).toBeUndefined();
      });
    });
  });
}
