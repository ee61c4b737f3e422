/**
 * One red challenge from raise to resolution through the HTTP API, on the simulated clock,
 * with the escalation orchestrator run by the local runtime's durable host (the library's
 * own replay engine): not triaged at the next DSL (R7.4) → triaged with a team (R7.2, R7.3)
 * → ITD decision requested (R8.1) → overdue and notified (R8.4) → repeated at the next DSL
 * → decided late → resolved. Then the decision log, the agenda and the notifications.
 *
 * Times: go-live Friday 27 Nov 2026 (CET, UTC+1); Saturday's DSL meets every hour on the hour
 * local time (R5), 30 minutes (R5.3).
 */
import { startApi, type Api } from '../http/harness';

let api: Api;
const G = '/golives/esk';

beforeAll(async () => {
  api = await startApi({ start: '2026-11-28T07:10:00Z' }); // Saturday 08:10 local
  const put = await api.put(G, {
    name: 'Eskalering',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
    people: [
      { id: 'anna', name: 'Anna Ledare', email: 'anna@example.org', roles: ['goLiveLead'] },
      { id: 'karl', name: 'Karl Koordinator', email: 'karl@example.org', roles: ['goLiveCoordinator'] },
      { id: 'omar', name: 'Omar Teknik', email: 'omar@example.org', roles: ['areaCoordinator'], areaIds: ['teknik'] },
      { id: 'ida', name: 'Ida ITD', email: 'ida@example.org', roles: ['itdManager'] },
    ],
  });
  expect(put.status).toBe(201);
});
afterAll(async () => api?.close());

const as = (email: string) => ({ 'x-dev-user': email });
const get = async (id: string) => (await api.get(`${G}/challenges/${id}`)).json;

it('walks a red challenge from raise to resolution', async () => {
  // Raised by the area coordinator (R7.1): 202, the escalation starts.
  const raised = await api.post(
    `${G}/challenges`,
    {
      title: 'Remissutskrift fungerar inte',
      colour: 'röd',
      areaId: 'teknik',
      needFromOthers: 'Beslut om ny drivrutin till alla klienter',
      sdReferences: ['SD-1042'],
    },
    { ...as('omar@example.org'), 'idempotency-key': 'raise-1' },
  );
  expect(raised.status).toBe(202);
  const id = raised.json.id as string;
  expect(raised.json).toMatchObject({ state: 'raised', colour: 'red', triageDeadline: '2026-11-28T08:30:00.000Z' });
  const again = await api.post(
    `${G}/challenges`,
    {
      title: 'Remissutskrift fungerar inte',
      colour: 'röd',
      areaId: 'teknik',
      needFromOthers: 'Beslut om ny drivrutin till alla klienter',
      sdReferences: ['SD-1042'],
    },
    { ...as('omar@example.org'), 'idempotency-key': 'raise-1' },
  );
  expect(again.json.id).toBe(id);
  expect(again.headers.get('idempotent-replayed')).toBe('true');

  // A decision before anyone asked for one does not fit: 409 saying why.
  const early = await api.post(
    `${G}/challenges/${id}/decisions`,
    { decision: 'x', rationale: 'y', decidedBy: 'Ida' },
    as('anna@example.org'),
  );
  expect(early.status).toBe(409);
  expect(early.json.detail).toMatch(/Inget beslut är begärt/);

  // Nobody triages it at the 09:00 DSL (08:00Z–08:30Z): one minute before its end nothing; at the end, the coordinator is told (R7.4).
  await api.advance('PT1H19M'); // 08:29Z
  expect((await get(id)).notTriagedNotified).toBe(false);
  await api.advance('PT1M'); // 08:30Z
  expect((await get(id)).notTriagedNotified).toBe(true);
  const agenda = (await api.get(`${G}/meetings/dsl-2026-11-28T1000/agenda`)).json;
  expect(JSON.stringify(agenda)).toContain(id);

  // The 10:00 DSL triages it and starts a team (R7.2, R7.3); the lead asks ITD for a quick decision (R8.1).
  await api.advance('PT10M'); // 08:40Z
  const triaged = await api.post(
    `${G}/challenges/${id}/triage`,
    { decision: 'startTeam', priority: 1, participants: ['Teknik', 'Support', 'Cambio'] },
    as('anna@example.org'),
  );
  expect(triaged.status).toBe(200);
  expect(triaged.json).toMatchObject({ state: 'triaged', team: { members: ['Teknik', 'Support', 'Cambio'] } });
  const refused = await api.post(`${G}/challenges/${id}/triage`, { decision: 'wait' }, as('omar@example.org'));
  expect(refused.status).toBe(403);
  await api.advance('PT5M'); // 08:45Z, no DSL in progress → due 60 min later
  const requested = await api.post(
    `${G}/challenges/${id}/decision-requests`,
    { level: 'itd', question: 'Kalla in fyra extra tekniker?' },
    { ...as('anna@example.org'), 'idempotency-key': 'req-1' },
  );
  expect(requested.status).toBe(200);
  expect(requested.json.pendingDecision).toMatchObject({ level: 'itd', deadline: '2026-11-28T09:45:00.000Z' });

  // Deadline passes: overdue (R8.4), then raised again at the next DSL (11:00 local = 10:00Z).
  await api.advance('PT59M'); // 09:44Z
  expect((await get(id)).pendingDecision.overdueSince).toBeUndefined();
  await api.advance('PT1M'); // 09:45Z
  expect((await get(id)).pendingDecision).toMatchObject({
    overdueSince: '2026-11-28T09:45:00.000Z',
    remindersSent: 1,
    nextReminderAt: '2026-11-28T10:00:00.000Z',
  });
  // The overview (R10.1): the open red challenge, and its decision waiting — overdue, first.
  const ov = (await api.get(`${G}/overview`)).json;
  expect(ov.challenges.counts).toEqual({ red: 1, yellow: 0 });
  expect(ov.challenges.open[0]).toMatchObject({ id, colour: 'red', ageMinutes: 155 });
  expect(ov.decisions.waiting[0]).toMatchObject({ challengeId: id, level: 'itd', overdue: true, minutesLeft: 0 });
  await api.advance('PT15M'); // 10:00Z
  expect((await get(id)).pendingDecision).toMatchObject({ remindersSent: 2, nextReminderAt: '2026-11-28T11:00:00.000Z' });

  // Decided late, by ITD (R8.5); the same request again is a replay.
  await api.advance('PT5M'); // 10:05Z
  const decision = { decision: 'Ja, fyra tekniker från 11:00', rationale: 'Kön i SD+ växer', decidedBy: 'Ida ITD' };
  const decided = await api.post(`${G}/challenges/${id}/decisions`, decision, { ...as('ida@example.org'), 'idempotency-key': 'dec-1' });
  expect(decided.status).toBe(200);
  expect(decided.json.pendingDecision).toBeUndefined();
  const replay = await api.post(`${G}/challenges/${id}/decisions`, decision, { ...as('ida@example.org'), 'idempotency-key': 'dec-1' });
  expect(replay.headers.get('idempotent-replayed')).toBe('true');

  // Resolved: the process ends; the hour after brings no more reminders.
  const resolved = await api.post(
    `${G}/challenges/${id}/resolve`,
    { reason: 'Drivrutinen utrullad, utskrifter fungerar' },
    as('omar@example.org'),
  );
  expect(resolved.json.state).toBe('resolved');
  await api.advance('PT2H');

  // The decision log (R8.5), JSON and CSV: DSL's triage (R11.6) and ITD's decision.
  const log = (await api.get(`${G}/decisions`)).json.items;
  expect(log).toEqual([
    expect.objectContaining({
      challengeId: id,
      level: 'dsl',
      decision: 'Starta tvärprofessionellt team, prioritet 1; deltar: Teknik, Support, Cambio',
      decidedBy: 'DSL (anna@example.org)',
      late: true,
    }),
    expect.objectContaining({
      challengeId: id,
      level: 'itd',
      decidedBy: 'Ida ITD',
      late: true,
      minutesTaken: 80,
      minutesAgainstDeadline: 20,
      recordedBy: { kind: 'user', id: 'ida@example.org', name: 'ida@example.org' },
    }),
  ]);
  const csv = await api.get(`${G}/decisions?format=csv`);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(csv.text.split('\r\n')[2]).toContain('Ja, fyra tekniker från 11:00');

  // The timeline tells the whole story, once each.
  const timeline = (await get(id)).timeline.map((t: { type: string }) => t.type);
  expect(timeline).toEqual([
    'raised',
    'notTriaged',
    'triaged',
    'decisionRequested',
    'decisionOverdue',
    'overdueReminder',
    'decisionMade',
    'resolved',
  ]);

  // Notifications, each exactly once (dedupe keys), to the coordinator and lead for the overdue ones.
  const notes = (await api.get(`${G}/notifications?limit=1000`)).json.items as {
    kind: string;
    dedupeKey: string;
    about?: { id: string };
  }[];
  const mine = notes.filter((n) => n.about?.id === id);
  const kinds = mine.map((n) => n.kind).sort();
  expect(kinds).toEqual(
    [
      'challengeNotTriaged',
      'challengeRaised',
      'challengeResolved',
      'decisionMade',
      'decisionOverdue',
      'decisionOverdue',
      'decisionRequested',
      'teamStarted',
    ].sort(),
  );
  expect(new Set(mine.map((n) => n.dedupeKey)).size).toBe(mine.length);
});

it('lists challenges by colour and state, and refuses a green one', async () => {
  const green = await api.post(`${G}/challenges`, { title: 'x', colour: 'green', areaId: 'teknik', needFromOthers: 'y' });
  expect(green.status).toBe(400);
  expect(green.json.errors.map((e: { field: string }) => e.field)).toEqual(['colour']);
  await api.post(`${G}/challenges`, {
    id: 'gul-1',
    title: 'Långsam inloggning',
    colour: 'gul',
    areaId: 'teknik',
    needFromOthers: 'Profilfelsökning',
  });
  expect((await api.get(`${G}/challenges?colour=yellow&state=open`)).json.items.map((c: { id: string }) => c.id)).toEqual(['gul-1']);
  expect((await api.get(`${G}/challenges?state=resolved`)).json.items).toHaveLength(1);
});
