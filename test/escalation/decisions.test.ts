/**
 * The decision log and who may decide (R8, R11.2, R11.3, R11.5, R11.6; issue 14 items 8–10),
 * through the HTTP API on the simulated clock: DSL's triage outcomes and a coordination
 * decision on its own land in the log with who, when, on what and why; each level is decided
 * by its own deciders (403 with the reason for others); CSL raises needs and asks for decisions.
 */
import { startApi, type Api } from '../http/harness';

let api: Api;
const G = '/golives/beslut';
const as = (who: string) => ({ 'x-dev-user': `${who}@example.org` });

beforeAll(async () => {
  api = await startApi({ start: '2026-11-28T07:10:00Z' }); // Saturday 08:10 local
  const people = [
    ['anna', 'goLiveLead'],
    ['karl', 'goLiveCoordinator'],
    ['omar', 'areaCoordinator', 'teknik'],
    ['ida', 'itdManager'],
    ['lisa', 'lgvLiaison'],
    ['doc', 'chiefMedicalOfficer'],
    ['carl', 'cslChair'],
    ['frida', 'cslRepresentative'],
  ].map(([id, role, area]) => ({
    id,
    name: id,
    email: `${id}@example.org`,
    roles: [role],
    areaIds: area ? [area] : [],
    ...(role === 'cslRepresentative' ? { forvaltningId: 'f' } : {}),
  }));
  const put = await api.put(G, {
    name: 'Beslut',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'Sjukhuset', units: [{ id: 'u', name: 'U' }] }],
    people,
  });
  expect(put.status).toBe(201);
});
afterAll(async () => api?.close());

const raise = async (id: string, who = 'omar', extra: Record<string, unknown> = {}) => {
  const r = await api.post(
    `${G}/challenges`,
    { id, title: `Utmaning ${id}`, colour: 'röd', areaId: 'teknik', needFromOthers: 'Hjälp', ...extra },
    as(who),
  );
  expect(r.status).toBe(202);
};

it('item 8: three triage decisions and a coordination decision on its own fill the log', async () => {
  for (const id of ['t1', 't2', 't3']) await raise(id);
  await api.post(
    `${G}/challenges/t1/triage`,
    { decision: 'startTeam', priority: 1, participants: ['Teknik', 'Support'], note: 'Störst påverkan på vården' },
    as('anna'),
  );
  await api.post(`${G}/challenges/t2/triage`, { decision: 'wait', priority: 2 }, as('anna'));
  await api.post(`${G}/challenges/t3/triage`, { decision: 'wait', priority: 3 }, as('karl'));
  await api.advance('PT5M');
  const body = {
    id: 'samordning-1',
    question: 'Ska Support och Teknik dela jourlinje i natt?',
    decision: 'Ja, gemensam jourlinje 22–07',
    rationale: 'Färre överlämningar',
    decidedBy: 'Anna (driftsättningsledare)',
    meetingId: 'dsl-2026-11-28T0800',
  };
  const posted = await api.post(`${G}/decisions`, body, as('anna'));
  expect(posted.status).toBe(201);
  expect((await api.post(`${G}/decisions`, body, as('anna'))).headers.get('idempotent-replayed')).toBe('true');
  expect((await api.post(`${G}/decisions`, { ...body, decision: 'Nej' }, as('anna'))).status).toBe(422);
  // In time order; the three triages share a minute, so they are compared by challenge.
  const log = ((await api.get(`${G}/decisions`)).json.items as Record<string, unknown>[]).sort(
    (a, b) => String(a.decidedAt).localeCompare(String(b.decidedAt)) || String(a.challengeId).localeCompare(String(b.challengeId)),
  );
  expect(log.map((d) => [d.level, d.challengeId ?? null, d.decision])).toEqual([
    ['dsl', 't1', 'Starta tvärprofessionellt team, prioritet 1; deltar: Teknik, Support'],
    ['dsl', 't2', 'Avvakta, prioritet 2'],
    ['dsl', 't3', 'Avvakta, prioritet 3'],
    ['coordination', null, 'Ja, gemensam jourlinje 22–07'],
  ]);
  expect(log[0]).toMatchObject({
    rationale: 'Störst påverkan på vården',
    decidedBy: 'DSL (anna@example.org)',
    decidedAt: '2026-11-28T07:10:00.000Z',
  });
  expect(log[3]).toMatchObject({
    question: body.question,
    rationale: 'Färre överlämningar',
    decidedBy: body.decidedBy,
    meetingId: body.meetingId,
    recordedBy: { id: 'anna@example.org' },
  });
  // Nothing of a refused or invalid one is stored.
  expect((await api.post(`${G}/decisions`, { ...body, id: 'x', question: '' }, as('anna'))).status).toBe(400);
  expect((await api.post(`${G}/decisions`, { ...body, id: 'y' }, as('ida'))).status).toBe(403);
  expect((await api.get(`${G}/decisions`)).json.items).toHaveLength(4);
});

it('item 9: who may decide follows the level; others get 403 with the reason', async () => {
  await raise('wp');
  await api.post(`${G}/challenges/wp/triage`, { decision: 'startTeam' }, as('anna'));
  expect(
    (await api.post(`${G}/challenges/wp/decision-requests`, { level: 'workPractice', question: 'Pappersremiss tills vidare?' }, as('anna')))
      .status,
  ).toBe(200);
  const decision = { decision: 'Ja, pappersremiss till fredag', rationale: 'Patientsäkerhet', decidedBy: 'Regional chefsläkare' };
  const itd = await api.post(`${G}/challenges/wp/decisions`, decision, as('ida'));
  expect(itd.status).toBe(403);
  expect(itd.json).toMatchObject({
    code: 'DECISION.NOT_AUTHORISED',
    detail: 'Det här beslutet fattas av regional chefsläkare eller ordförande i CSL; din roll får inte registrera det.',
  });
  expect((await api.get(`${G}/challenges/wp?lang=en`)).json.pendingDecision).toBeDefined();
  const lead = await api.post(`${G}/challenges/wp/decisions?lang=en`, decision, as('anna'));
  expect(lead.status).toBe(403);
  expect(lead.json.detail).toBe('This decision is made by regional chief medical officer or CSL chair; your role may not record it.');
  // The CSL chair records it on the chief medical officer's behalf, and the log says so.
  const chair = await api.post(`${G}/challenges/wp/decisions`, decision, as('carl'));
  expect(chair.status).toBe(200);
  expect(chair.json.decisions.at(-1)).toMatchObject({ level: 'workPractice', onBehalfOf: 'chiefMedicalOfficer' });
  // R11.4 (item 12): DSL point 9 lists it until a CSL representative marks it communicated in each förvaltning.
  const point9 = async () =>
    (
      (await api.get(`${G}/meetings/dsl-2026-11-28T1000/agenda`)).json.sections.find((x: { key: string }) => x.key === 'point9').items as {
        text: string;
      }[]
    ).map((i) => i.text);
  expect(await point9()).toEqual(['Ändrat arbetssätt: Ja, pappersremiss till fredag – ej kommunicerat i: Sjukhuset']);
  const id = chair.json.decisions.at(-1).id as string;
  expect((await api.post(`${G}/decisions/${id}/communicated`, { forvaltningId: 'f' }, as('ida'))).status).toBe(403);
  expect((await api.post(`${G}/decisions/${id}/communicated`, { forvaltningId: 'f' }, as('frida'))).status).toBe(201);
  expect(
    (await api.post(`${G}/decisions/${id}/communicated`, { forvaltningId: 'f' }, as('frida'))).headers.get('idempotent-replayed'),
  ).toBe('true');
  expect(await point9()).toEqual([]);
  // The coordinator records no LGV case (its liaison or the lead does).
  expect(
    (await api.post(`${G}/decisions`, { level: 'lgv', question: 'q', decision: 'd', rationale: 'r', decidedBy: 'LGV' }, as('karl'))).status,
  ).toBe(403);
  expect(
    (await api.post(`${G}/decisions`, { level: 'lgv', question: 'q', decision: 'd', rationale: 'r', decidedBy: 'LGV' }, as('lisa'))).status,
  ).toBe(201);
});

it('item 10 and R11.3: CSL raises needs, asks for a förvaltning-level decision, and records it', async () => {
  await raise('csl-behov', 'frida', {
    areaId: 'verksamhetens-inforande',
    colour: 'gul',
    needFromOthers: 'Två tvärprofessionella team för akuten',
    needsTeam: true,
  });
  await raise('csl-behov-2', 'carl', { areaId: 'verksamhetens-inforande', colour: 'gul' });
  await api.post(`${G}/challenges/csl-behov/triage`, { decision: 'wait' }, as('anna'));
  const req = await api.post(
    `${G}/challenges/csl-behov/decision-requests`,
    { level: 'forvaltning', question: 'Ska Sjukhuset skjuta upp planerade mottagningsbesök?' },
    as('frida'),
  );
  expect(req.status).toBe(200);
  expect(req.json.pendingDecision).toMatchObject({ level: 'forvaltning', deadline: '2026-11-28T11:15:00.000Z' });
  // The CSL agenda carries it as CSL's to prepare.
  const agenda = (await api.get(`${G}/meetings/csl-2026-11-28T0830/agenda`)).json;
  expect(agenda.sections.find((s: { key: string }) => s.key === 'decisions').items.map((i: { text: string }) => i.text)).toEqual([
    'Utmaning csl-behov: Ska Sjukhuset skjuta upp planerade mottagningsbesök?',
  ]);
  expect(
    (
      await api.post(
        `${G}/challenges/csl-behov/decisions`,
        { decision: 'Ja', rationale: 'r', decidedBy: 'Förvaltningsledningen' },
        as('doc'),
      )
    ).status,
  ).toBe(403);
  const done = await api.post(
    `${G}/challenges/csl-behov/decisions`,
    { decision: 'Ja, i två dagar', rationale: 'Personalen behöver tid', decidedBy: 'Sjukhusets förvaltningsledning' },
    as('frida'),
  );
  expect(done.status).toBe(200);
  expect(done.json.decisions.at(-1)).toMatchObject({ level: 'forvaltning', decidedBy: 'Sjukhusets förvaltningsledning' });
});
