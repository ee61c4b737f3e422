import type { OutboxNotification, OutboxStore } from '../../shared/ports/outbox.port';
import { StoreConflictError } from '../../shared/ports/repository.port';
import { minutesAfter, uniqueId } from '../builders';

const T0 = '2026-11-27T08:00:00.000Z';

/** A stored notification as the notifier builds it; one e-mail delivery, due at `dueAt`. */
export function makeOutboxNotification(overrides: Partial<OutboxNotification> = {}): OutboxNotification {
  const dueAt = overrides.dueAt ?? T0;
  return {
    id: uniqueId('n'),
    goLiveId: 'gl-outbox',
    goLiveName: 'Våg 1',
    kind: 'decisionOverdue',
    dedupeKey: uniqueId('dk'),
    subject: { sv: 'Försenat', en: 'Overdue' },
    text: { sv: 'Text', en: 'Text' },
    link: 'http://127.0.0.1:7071/x',
    requested: { roles: ['goLiveLead'] },
    unresolved: [{ personId: 'nils', name: 'Nils', reason: 'noEmail' }],
    deliveries: [
      {
        id: 'email:1',
        channel: 'email',
        to: [{ address: 'anna@example.org', name: 'Anna', personId: 'anna' }],
        status: 'pending',
        attempts: 0,
        nextAttemptAt: dueAt,
      },
    ],
    status: 'pending',
    createdAt: T0,
    enqueuedAt: T0,
    dueAt,
    ...overrides,
  };
}

/**
 * What every OutboxStore must do (SQLite and Cosmos): create-if-absent by id, ETag-checked
 * replace, the due query across go-lives, the filtered log of one go-live.
 */
export function outboxContract(name: string, setup: () => Promise<{ outbox: OutboxStore; teardown: () => Promise<void> }>): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let outbox: OutboxStore;
    let teardown: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ outbox, teardown } = await setup());
    });
    afterAll(async () => {
      await teardown?.();
    });

    it('adds a notification once: a second add of the id returns the stored one, unchanged', async () => {
      const n = makeOutboxNotification({ goLiveId: uniqueId('gl') });
      const first = await outbox.add(n);
      expect(first.created).toBe(true);
      expect(first.value.value).toEqual(n);
      const again = await outbox.add({ ...n, subject: { sv: 'Annat', en: 'Other' } });
      expect(again.created).toBe(false);
      expect(again.value.value).toEqual(n);
      expect(again.value.etag).toBe(first.value.etag);
      expect(await outbox.get(n.goLiveId, n.id)).toEqual(first.value);
    });

    it('reads nothing for an unknown id, and the same id in another go-live is another notification', async () => {
      const n = makeOutboxNotification({ goLiveId: uniqueId('gl') });
      await outbox.add(n);
      expect(await outbox.get(uniqueId('gl'), n.id)).toBeUndefined();
      expect(await outbox.get(n.goLiveId, uniqueId('n'))).toBeUndefined();
      const other = { ...n, goLiveId: uniqueId('gl') };
      expect((await outbox.add(other)).created).toBe(true);
    });

    it('replaces only the version it was given', async () => {
      const n = makeOutboxNotification({ goLiveId: uniqueId('gl') });
      const v1 = (await outbox.add(n)).value;
      const sent = {
        ...n,
        status: 'sent' as const,
        dueAt: undefined,
        deliveries: [{ ...n.deliveries[0]!, status: 'sent' as const, attempts: 1, sentAt: T0 }],
      };
      const { dueAt: _d, ...withoutDue } = sent;
      const v2 = await outbox.replace(withoutDue, v1.etag);
      expect(v2.etag).not.toBe(v1.etag);
      await expect(outbox.replace({ ...n, status: 'failed' }, v1.etag)).rejects.toBeInstanceOf(StoreConflictError);
      expect(await outbox.get(n.goLiveId, n.id)).toEqual({ value: withoutDue, etag: v2.etag });
    });

    it('refuses to replace a notification that does not exist', async () => {
      await expect(outbox.replace(makeOutboxNotification({ goLiveId: uniqueId('gl') }), 'etag')).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('lists due notifications across go-lives, earliest first, up to the limit; done ones never', async () => {
      const base = '2031-01-01T00:00:00.000Z'; // far from other tests' due times
      const a = makeOutboxNotification({ goLiveId: uniqueId('gl'), dueAt: minutesAfter(base, 2) });
      const b = makeOutboxNotification({ goLiveId: uniqueId('gl'), dueAt: minutesAfter(base, 1) });
      const later = makeOutboxNotification({ goLiveId: a.goLiveId, dueAt: minutesAfter(base, 10) });
      const { dueAt: _x, ...done } = makeOutboxNotification({ goLiveId: a.goLiveId, status: 'sent' });
      for (const n of [a, b, later, done]) await outbox.add(n);
      const ours = (refs: { goLiveId: string; id: string }[]) => refs.filter((r) => [a.id, b.id, later.id, done.id].includes(r.id));
      expect(ours(await outbox.listDue(minutesAfter(base, 5), 1000))).toEqual([
        { goLiveId: b.goLiveId, id: b.id },
        { goLiveId: a.goLiveId, id: a.id },
      ]);
      expect(ours(await outbox.listDue(minutesAfter(base, 1), 1000))).toEqual([{ goLiveId: b.goLiveId, id: b.id }]);
      expect(ours(await outbox.listDue(minutesAfter(base, 60), 1000)).map((r) => r.id)).toEqual([b.id, a.id, later.id]);
      expect(await outbox.listDue(minutesAfter(base, 60), 0)).toEqual([]);
      const two = await outbox.listDue(minutesAfter(base, 60), 2);
      expect(two).toHaveLength(2);
    });

    it('moves a notification in the due list when its dueAt changes', async () => {
      const base = '2032-01-01T00:00:00.000Z';
      const n = makeOutboxNotification({ goLiveId: uniqueId('gl'), dueAt: base });
      const v1 = (await outbox.add(n)).value;
      await outbox.replace({ ...n, dueAt: minutesAfter(base, 30), lease: { owner: 'x', until: minutesAfter(base, 30) } }, v1.etag);
      const ids = async (at: string) => (await outbox.listDue(at, 1000)).map((r) => r.id).filter((id) => id === n.id);
      expect(await ids(minutesAfter(base, 10))).toEqual([]);
      expect(await ids(minutesAfter(base, 30))).toEqual([n.id]);
    });

    it('lists a go-live’s notifications newest first, filtered by kind, status and since', async () => {
      const g = uniqueId('gl');
      const n1 = makeOutboxNotification({ goLiveId: g, createdAt: minutesAfter(T0, 1), kind: 'agenda' });
      const n2 = makeOutboxNotification({ goLiveId: g, createdAt: minutesAfter(T0, 2), kind: 'decisionOverdue', status: 'failed' });
      const n3 = makeOutboxNotification({ goLiveId: g, createdAt: minutesAfter(T0, 3), kind: 'agenda' });
      await outbox.add(makeOutboxNotification({ goLiveId: uniqueId('gl') }));
      for (const n of [n1, n2, n3]) await outbox.add(n);
      const ids = (list: OutboxNotification[]) => list.map((n) => n.id);
      expect(ids(await outbox.list(g, { limit: 100 }))).toEqual([n3.id, n2.id, n1.id]);
      expect(ids(await outbox.list(g, { limit: 2 }))).toEqual([n3.id, n2.id]);
      expect(ids(await outbox.list(g, { kind: 'agenda', limit: 100 }))).toEqual([n3.id, n1.id]);
      expect(ids(await outbox.list(g, { status: 'failed', limit: 100 }))).toEqual([n2.id]);
      expect(ids(await outbox.list(g, { since: minutesAfter(T0, 2), limit: 100 }))).toEqual([n3.id, n2.id]);
      expect(ids(await outbox.list(g, { kind: 'agenda', since: minutesAfter(T0, 2), limit: 100 }))).toEqual([n3.id]);
      expect(await outbox.list(uniqueId('gl'), { limit: 100 })).toEqual([]);
      expect((await outbox.list(g, { limit: 100 }))[0]).toEqual(n3);
    });
  });
}
