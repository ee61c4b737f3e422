/**
 * The escalation orchestrator through the durable-functions replay engine (the local
 * runtime's durable host): a decision in time, duplicate and out-of-order events, and a
 * restart of the runtime while the process waits on a timer and while it waits on an event.
 * Nothing is lost and nothing is done twice: notifications are counted per kind.
 */
import { escalationInstanceId } from '../../shared/escalation/app/challenges';
import { startApi, type Api } from '../http/harness';

const G = '/golives/orch';
const ORG = {
  name: 'Orkestrering',
  startDate: '2026-11-27',
  forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
  people: [{ id: 'karl', name: 'Karl', email: 'karl@example.org', roles: ['goLiveCoordinator'] }],
};
const RAISE = { title: 'Behörigheter saknas', colour: 'gul', areaId: 'behorigheter', needFromOthers: 'Hjälp från Teknik' };

async function world(start: string, dataDir?: string): Promise<Api> {
  const api = await startApi({ start, dataDir });
  if (!dataDir) expect((await api.put(G, ORG)).status).toBe(201);
  return api;
}

const status = async (api: Api, challengeId: string) => {
  const origin = new URL(api.url).origin;
  const r = await fetch(
    `${origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(escalationInstanceId('orch', challengeId))}`,
  );
  return (await r.json()) as { runtimeStatus: string; customStatus?: { state: string; wakeAt: string | null } };
};
/**
 * The instance's status once its custom status shows `expected`, asked again until it does (at
 * most 250 times): a route answers once its event is queued (raiseEvent answers 202) and the
 * orchestrator's episode runs after that, so a status read at once may still show the state before.
 */
const statusShowing = async (api: Api, challengeId: string, expected: Record<string, unknown>) => {
  let s = await status(api, challengeId);
  for (let i = 0; i < 250; i++) {
    const custom = s.customStatus as Record<string, unknown> | undefined;
    if (custom && Object.entries(expected).every(([k, v]) => custom[k] === v)) break;
    s = await status(api, challengeId);
  }
  return s;
};
const kinds = async (api: Api, challengeId: string) =>
  ((await api.get(`${G}/notifications?limit=1000`)).json.items as { kind: string; about?: { id: string } }[])
    .filter((n) => n.about?.id === challengeId)
    .map((n) => n.kind)
    .sort();

describe('escalation orchestrator', () => {
  it('a decision in time: no overdue notice, and the process completes when the challenge is resolved', async () => {
    const api = await world('2026-11-28T07:10:00Z');
    try {
      const id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'in-time' })).json.id;
      await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' });
      await api.post(`${G}/challenges/${id}/decision-requests`, {
        level: 'workPractice',
        question: 'Manuell rutin?',
        deadline: '2026-11-28T09:10:00Z',
      });
      expect((await statusShowing(api, id, { state: 'waiting', wakeAt: '2026-11-28T09:10:00.000Z' })).customStatus).toMatchObject({
        state: 'waiting',
        wakeAt: '2026-11-28T09:10:00.000Z',
      });
      await api.advance('PT1H');
      await api.post(`${G}/challenges/${id}/decisions`, { decision: 'Ja', rationale: 'Säkrast', decidedBy: 'Chefsläkaren' });
      await api.advance('PT2H'); // past the old deadline: nothing fires
      expect((await api.get(`${G}/challenges/${id}`)).json.decisions[0]).toMatchObject({ late: false, minutesAgainstDeadline: -60 });
      await api.post(`${G}/challenges/${id}/resolve`, { reason: 'Klart' });
      await api.advance('PT1M');
      expect((await status(api, id)).runtimeStatus).toBe('Completed');
      expect(await kinds(api, id)).toEqual(['challengeRaised', 'challengeResolved', 'decisionMade', 'decisionRequested']);
    } finally {
      await api.close();
    }
  });

  it('duplicate and out-of-order events: replays change nothing, misfits are 409, signals do not double anything', async () => {
    const api = await world('2026-11-28T07:10:00Z');
    try {
      const id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'dupes' })).json.id;
      const triage = { eventId: 'dsl-0900-triage', decision: 'startTeam', participants: ['Teknik'] };
      const a = await api.post(`${G}/challenges/${id}/triage`, triage);
      const b = await api.post(`${G}/challenges/${id}/triage`, triage);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
      expect(b.json.timeline).toEqual(a.json.timeline);
      // Five identical update signals in a burst: one timeline entry, one orchestration.
      await Promise.all(
        Array.from({ length: 5 }, () => api.post(`${G}/challenges/${id}/updates`, { eventId: 'upd-1', actions: 'Felsökning pågår' })),
      );
      expect((await api.get(`${G}/challenges/${id}`)).json.timeline.filter((t: { id: string }) => t.id === 'upd-1')).toHaveLength(1);
      await api.post(`${G}/challenges/${id}/withdraw`, { reason: 'Dubblett' });
      const late = await api.post(`${G}/challenges/${id}/decision-requests`, { level: 'lgv', question: 'q' });
      expect(late.status).toBe(409);
      await api.advance('PT1M');
      expect((await status(api, id)).runtimeStatus).toBe('Completed');
      expect(await kinds(api, id)).toEqual(['challengeRaised', 'challengeResolved', 'teamStarted']);
    } finally {
      await api.close();
    }
  });

  it('a restart while waiting on a timer loses nothing and does nothing twice', async () => {
    let api = await world('2026-11-28T07:10:00Z');
    const dataDir = api.dataDir;
    const id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'restart-timer' })).json.id;
    await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' });
    await api.post(`${G}/challenges/${id}/decision-requests`, {
      level: 'itd',
      question: 'Fler behörighetsadministratörer?',
      deadline: '2026-11-28T08:00:00Z',
    });
    await api.advance('PT30M'); // 07:40Z, timer pending
    await api.close();

    api = await startApi({ start: '2026-11-28T07:40:00Z', dataDir });
    try {
      expect((await status(api, id)).customStatus).toMatchObject({ state: 'waiting', wakeAt: '2026-11-28T08:00:00.000Z' });
      await api.advance('PT20M'); // 08:00Z: overdue, once
      expect((await api.get(`${G}/challenges/${id}`)).json.pendingDecision).toMatchObject({
        overdueSince: '2026-11-28T08:00:00.000Z',
        remindersSent: 1,
      });
      expect((await kinds(api, id)).filter((k) => k === 'decisionOverdue')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('a restart while waiting on an event: the event after the restart drives the process on', async () => {
    let api = await world('2026-11-28T07:10:00Z');
    const dataDir = api.dataDir;
    let id: string;
    // Closed in `finally`: a runtime left open by a failed expectation keeps jest from exiting.
    try {
      id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'restart-event' })).json.id;
      await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' });
      expect((await statusShowing(api, id, { state: 'waiting', wakeAt: null })).customStatus).toMatchObject({
        state: 'waiting',
        wakeAt: null,
      });
    } finally {
      await api.close();
    }

    api = await startApi({ start: '2026-11-28T07:20:00Z', dataDir });
    try {
      const req = await api.post(`${G}/challenges/${id}/decision-requests`, {
        level: 'lgv',
        question: 'Beslutsärende?',
        deadline: '2026-11-28T08:20:00Z',
      });
      expect(req.status).toBe(200);
      expect((await statusShowing(api, id, { state: 'waiting', wakeAt: '2026-11-28T08:20:00.000Z' })).customStatus).toMatchObject({
        state: 'waiting',
        wakeAt: '2026-11-28T08:20:00.000Z',
      });
      await api.advance('PT1H');
      expect((await kinds(api, id)).filter((k) => k === 'decisionOverdue')).toHaveLength(1);
      expect((await api.get(`${G}/challenges/${id}`)).json.timeline.map((t: { type: string }) => t.type)).toEqual([
        'raised',
        'triaged',
        'decisionRequested',
        'decisionOverdue',
      ]);
    } finally {
      await api.close();
    }
  });
});
