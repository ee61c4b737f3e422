/**
 * The escalation's signal is never lost (issue 13 item 10, R7, R8), through the local
 * runtime's durable host (the durable-functions replay engine): every challenge request,
 * replays included, makes sure the process runs and is signalled; starting it is idempotent,
 * so concurrent requests for one challenge never answer 500; and the same Idempotency-Key
 * with another body is 422 (item 11), not a silent replay.
 */
import { escalationInstanceId } from '../../shared/escalation/app/challenges';
import { startApi, type Api } from '../http/harness';

const G = '/golives/sig';
const ORG = {
  name: 'Signal',
  startDate: '2026-11-27',
  forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
  people: [{ id: 'karl', name: 'Karl', email: 'karl@example.org', roles: ['goLiveCoordinator'] }],
};
const RAISE = { title: 'Behörigheter saknas', colour: 'gul', areaId: 'behorigheter', needFromOthers: 'Hjälp från Teknik' };

let api: Api;
beforeAll(async () => {
  api = await startApi({ start: '2026-11-28T07:10:00Z' });
  expect((await api.put(G, ORG)).status).toBe(201);
});
afterAll(async () => api?.close());

const instanceUrl = (challengeId: string, action = '') =>
  `${new URL(api.url).origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(escalationInstanceId('sig', challengeId))}${action}`;
const runtimeStatus = async (challengeId: string): Promise<string> =>
  ((await (await fetch(instanceUrl(challengeId))).json()) as { runtimeStatus: string }).runtimeStatus;
const terminate = async (challengeId: string) => {
  expect((await fetch(instanceUrl(challengeId, '/terminate?reason=test'), { method: 'POST' })).status).toBe(202);
  await api.advance('PT1S');
  expect(await runtimeStatus(challengeId)).toBe('Terminated');
};

it('concurrent requests for one challenge all answer 202: starting the process is idempotent (no 500 from a durable 409)', async () => {
  const replies = await Promise.all(
    Array.from({ length: 24 }, () => api.post(`${G}/challenges`, RAISE, { 'idempotency-key': 'concurrent-raise' })),
  );
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 202));
  const id = replies[0]!.json.id as string;
  expect(new Set(replies.map((r) => r.json.id))).toEqual(new Set([id]));
  expect(await runtimeStatus(id)).toBe('Running');
});

it('different keys at once: every raise answers 202 and has its own running process', async () => {
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      api.post(`${G}/challenges`, { ...RAISE, title: `Utmaning ${i}` }, { 'idempotency-key': `k-${i}` }),
    ),
  );
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 202));
  for (const r of replies) expect(await runtimeStatus(r.json.id)).toBe('Running');
});

it('a replayed event restarts a process that is no longer running (the signal lost after the write)', async () => {
  const id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'lost-signal' })).json.id as string;
  const triage = await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' }, { 'idempotency-key': 'triage-1' });
  expect(triage.status).toBe(200);
  await terminate(id); // as if the process had died, or the signal had never reached it
  const replay = await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' }, { 'idempotency-key': 'triage-1' });
  expect(replay.status).toBe(200);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(await runtimeStatus(id)).toBe('Running');
  // A replayed raise does the same.
  await terminate(id);
  expect((await api.post(`${G}/challenges`, { ...RAISE, id: 'lost-signal' })).status).toBe(202);
  expect(await runtimeStatus(id)).toBe('Running');
});

it('the same Idempotency-Key with another body on a challenge event is 422 and stores nothing (item 11)', async () => {
  const id = (await api.post(`${G}/challenges`, { ...RAISE, id: 'key-reuse' })).json.id as string;
  const first = await api.post(
    `${G}/challenges/${id}/updates`,
    { facts: 'Tio användare saknar behörighet' },
    { 'idempotency-key': 'upd-1' },
  );
  expect(first.status).toBe(200);
  const same = await api.post(
    `${G}/challenges/${id}/updates`,
    { facts: 'Tio användare saknar behörighet' },
    { 'idempotency-key': 'upd-1' },
  );
  expect(same.status).toBe(200);
  expect(same.headers.get('idempotent-replayed')).toBe('true');
  const other = await api.post(
    `${G}/challenges/${id}/updates`,
    { facts: 'Alla användare saknar behörighet' },
    { 'idempotency-key': 'upd-1' },
  );
  expect(other.status).toBe(422);
  expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(other.json.code).toBe('IDEMPOTENCY.KEY_REUSED');
  const stored = (await api.get(`${G}/challenges/${id}`)).json;
  expect(stored.situation.facts).toBe('Tio användare saknar behörighet');
  expect(stored.timeline.filter((t: { type: string }) => t.type === 'updated')).toHaveLength(1);
  expect(JSON.stringify(stored)).not.toContain('requestHash');
  // The same client event id with another body is refused too.
  expect((await api.post(`${G}/challenges/${id}/resolve`, { eventId: 'close-1', reason: 'Klart' })).status).toBe(200);
  expect((await api.post(`${G}/challenges/${id}/resolve`, { eventId: 'close-1', reason: 'Något annat' })).status).toBe(422);
});
