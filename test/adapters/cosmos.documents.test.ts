import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { CosmosClient } from '@azure/cosmos';
import { openContainer } from '../../shared/adapters/cosmos/connection';
import { CosmosRepository } from '../../shared/adapters/cosmos/cosmos.repository';
import { CosmosCalls, CosmosDocuments, emptyStats } from '../../shared/adapters/cosmos/documents';
import { DOCS } from '../../shared/adapters/doc-types';
import type { UnitReport } from '../../shared/domain/unit-report';
import { Note } from '../../shared/domain/notes';
import { StoreConflictError } from '../../shared/ports/repository.port';
import { EMULATOR_KEY, startCosmosServer } from '../support/cosmos-server';
import { makeChallenge, makeGoLive, makeIncident, makeUnitReport, uniqueId } from '../builders';
import { makeAdHocMeeting, makeDispatch } from '../calendar/builders';

/*
 * CosmosDocuments (shared/adapters/cosmos/documents.ts): the document plumbing every aggregate
 * of the Cosmos adapter shares, with the real SDK against @vercel/cosmosdb-server. The layout
 * test pins the documents as the adapter wrote them before the helper existed (issue 19 item 5):
 * data already in a container must read back, and lists must keep their order.
 */

const CONTAINER = 'golives';

let cosmos: Awaited<ReturnType<typeof startCosmosServer>>;
let client: CosmosClient;
let container: Container;
let databaseId: string;

beforeAll(async () => {
  cosmos = await startCosmosServer();
  databaseId = `test-${randomUUID()}`;
  ({ client, container } = await openContainer({ endpoint: cosmos.endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER }));
});
afterAll(async () => {
  client.dispose();
  await cosmos.close();
});

describe('the documents the Cosmos adapter writes (layout unchanged by CosmosDocuments)', () => {
  it('keeps id `type:key`, the partition in goLiveId and `instant|id` as sortKey for every aggregate', async () => {
    const repo = await CosmosRepository.connect({ endpoint: cosmos.endpoint, key: EMULATOR_KEY, databaseId, containerId: CONTAINER });
    try {
      const goLive = makeGoLive();
      const g = goLive.id;
      const report = makeUnitReport({ goLiveId: g });
      const incident = makeIncident({ goLiveId: g });
      const challenge = makeChallenge({ goLiveId: g });
      const meeting = makeAdHocMeeting({ goLiveId: g });
      const dispatch = makeDispatch({ goLiveId: g });
      const note = Note.parse({ id: 'n1', goLiveId: g, kind: 'decision', at: '2026-11-27T09:00:00.000Z', data: {} });
      await repo.saveGoLive(goLive, null);
      await repo.addUnitReport(report);
      await repo.createIncident(incident);
      await repo.createChallenge(challenge);
      await repo.createMeeting(meeting);
      await repo.claimDispatch(dispatch);
      await repo.createNote(note);
      await repo.saveTickCursor({ goLiveId: g, at: '2026-11-27T09:00:00.000Z', updatedAt: '2026-11-27T09:00:00.000Z' }, null);
      const marker = `layout ${uniqueId('m')}/x`;
      await repo.putMarker({ name: marker, at: '2026-11-27T09:00:00.000Z' });

      const raw = async (pk: string, id: string) => {
        const { resource } = await container.item(id, pk).read<Record<string, unknown>>();
        if (!resource) throw new Error(`${pk}/${id} not stored`);
        return { id: resource.id, type: resource.type, goLiveId: resource.goLiveId, sortKey: resource.sortKey };
      };
      expect(await raw(g, `golive:${g}`)).toEqual({ id: `golive:${g}`, type: 'golive', goLiveId: g, sortKey: undefined });
      expect(await raw(g, `unitReport:${report.id}`)).toEqual({
        id: `unitReport:${report.id}`,
        type: 'unitReport',
        goLiveId: g,
        sortKey: `${report.reportedAt}|${report.id}`,
      });
      expect(await raw(g, `unitStatus:${report.unitId}`)).toEqual({
        id: `unitStatus:${report.unitId}`,
        type: 'unitStatus',
        goLiveId: g,
        sortKey: undefined,
      });
      expect((await raw(g, `incident:${incident.id}`)).sortKey).toBe(`${incident.openedAt}|${incident.id}`);
      expect((await raw(g, `challenge:${challenge.id}`)).sortKey).toBe(`${challenge.raisedAt}|${challenge.id}`);
      expect((await raw(g, `meeting:${meeting.id}`)).sortKey).toBe(`${meeting.start}|${meeting.id}`);
      expect((await raw(g, `dispatch:${dispatch.actionId}`)).sortKey).toBe(`${dispatch.dueAt}|${dispatch.actionId}`);
      expect(await raw(g, 'note:decision:n1')).toEqual({ id: 'note:decision:n1', type: 'note', goLiveId: g, sortKey: `${note.at}|n1` });
      expect(await raw(g, 'tickCursor:calendar')).toEqual({
        id: 'tickCursor:calendar',
        type: 'tickCursor',
        goLiveId: g,
        sortKey: undefined,
      });
      expect(await raw('_runtime', `marker:${encodeURIComponent(marker)}`)).toMatchObject({ type: 'marker', goLiveId: '_runtime' });

      // And back: the domain ids come back from the document ids, the envelope goes.
      expect((await repo.getNote(g, 'decision', 'n1'))?.value).toEqual(note);
      expect(await repo.getMarker(marker)).toEqual({ name: marker, at: '2026-11-27T09:00:00.000Z' });
      expect((await repo.getGoLive(g))?.value).toEqual(goLive);
    } finally {
      await repo.close();
    }
  });
});

describe('CosmosDocuments', () => {
  const stats = emptyStats();
  let reports: CosmosDocuments<UnitReport>;
  beforeAll(() => {
    reports = new CosmosDocuments(new CosmosCalls(container, stats), DOCS.unitReport);
  });

  it('creates once: a second create of the id answers the stored value, not the one sent (409 → created: false)', async () => {
    const report = makeUnitReport({ goLiveId: uniqueId('gl') });
    expect(await reports.create(report)).toEqual({ value: report, created: true });
    const before = { ...stats };
    expect(await reports.create({ ...report, explanation: 'replay with another body' })).toEqual({ value: report, created: false });
    expect(stats.writes - before.writes).toBe(1);
    expect(stats.pointReads - before.pointReads).toBe(1);
    expect(stats.requestCharge).toBeGreaterThan(before.requestCharge);
  });

  it('reads undefined for a missing id (404), and the value with its ETag otherwise', async () => {
    const report = makeUnitReport({ goLiveId: uniqueId('gl') });
    expect(await reports.get(report.goLiveId, report.id)).toBeUndefined();
    const { etag } = await reports.claim(report);
    expect(await reports.get(report.goLiveId, report.id)).toEqual({ value: report, etag });
  });

  it('replaces under If-Match: a stale ETag or a missing document is StoreConflictError naming the value', async () => {
    const report = makeUnitReport({ goLiveId: uniqueId('gl') });
    const { etag } = await reports.claim(report);
    const next = await reports.replace({ ...report, colour: 'red' }, etag);
    expect(next.etag).not.toBe(etag);
    await expect(reports.replace({ ...report, colour: 'yellow' }, etag)).rejects.toThrow(
      new StoreConflictError(`unit report '${report.id}' changed or does not exist`),
    );
    await expect(reports.replace(makeUnitReport({ goLiveId: report.goLiveId }), etag)).rejects.toBeInstanceOf(StoreConflictError);
    expect((await reports.get(report.goLiveId, report.id))?.value.colour).toBe('red');
  });

  it('lists one partition by ref and sortKey, newest first with a limit, and asks nothing for limit 0', async () => {
    const g = uniqueId('gl');
    const at = (h: number) => `2026-11-27T${String(h).padStart(2, '0')}:00:00.000Z`;
    const rs = [8, 10, 9].map((h) => makeUnitReport({ goLiveId: g, unitId: 'avd-12', reportedAt: at(h) }));
    for (const r of [...rs, makeUnitReport({ goLiveId: g, unitId: 'avd-14' }), makeUnitReport({ goLiveId: uniqueId('gl') })])
      await reports.create(r);
    expect((await reports.list(g, { ref: 'avd-12', order: 'DESC', limit: 2 })).map((r) => r.reportedAt)).toEqual([at(10), at(9)]);
    expect((await reports.list(g, { from: at(9), before: at(10) })).map((r) => r.reportedAt)).toEqual([at(9)]);
    expect(await reports.list(g)).toHaveLength(4);
    const before = stats.queries;
    expect(await reports.list(g, { ref: 'avd-12', limit: 0 })).toEqual([]);
    expect(stats.queries).toBe(before);
  });
});
