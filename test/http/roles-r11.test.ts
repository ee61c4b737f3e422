/**
 * Issue 14 item 14 (R11.7, R11.8) through the running app: the FVIS project lead is a role of its
 * own per förvaltning — named on the förvaltning and holding the role, importing its reporting
 * list for its own förvaltning only, in CSL where the region adds it — and the contact person helps form the
 * cross-functional team.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/roller';
const as = (who: string) => ({ 'x-dev-user': `${who}@example.org` });

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T09:00:00Z' }); // 10:00 local, day 0
  const r = await api.put(G, {
    name: 'Roller',
    startDate: '2026-11-27',
    forvaltningar: [
      { id: 'sjukhuset', name: 'Sjukhuset', units: [{ id: 'akuten', name: 'Akuten' }] },
      { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
    ],
    people: [
      { id: 'anna', name: 'Anna Ledare', email: 'anna@example.org', roles: ['goLiveLead'] },
      { id: 'fia', name: 'Fia FVIS', email: 'fia@example.org', roles: ['fvisLead'], forvaltningId: 'sjukhuset' },
      { id: 'kim', name: 'Kim Kontakt', email: 'kim@example.org', roles: ['contactPerson'], areaIds: ['teknik'] },
      { id: 'rut', name: 'Rut Rapportör', email: 'rut@example.org', roles: ['unitReporter'], unitIds: ['akuten'] },
    ],
  });
  expect(r.status).toBe(201);
});
afterAll(async () => api?.close());

describe('the FVIS project lead (R2, R11.8)', () => {
  it('is the förvaltning’s FVIS lead by holding the role for it', async () => {
    const g = (await api.get(G)).json;
    expect(g.forvaltningar.map((f: { fvisLeadId?: string }) => f.fvisLeadId)).toEqual(['fia', undefined]);
    expect(g.people.find((p: { id: string }) => p.id === 'fia')).toMatchObject({ roles: ['fvisLead'], forvaltningId: 'sjukhuset' });
    const me = (await api.get(`${G}/me`, as('fia'))).json;
    expect(me.roles).toEqual(['fvisLead']);
  });

  it('imports its förvaltning’s reporting list, and not another förvaltning’s (R3.4)', async () => {
    const csv = (unit: string) => `Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;09:50;${unit};Gul;Långsam inloggning\n`;
    const send = (unit: string) => api.raw('POST', `${G}/imports/unit-reports`, csv(unit), 'text/csv', as('fia'));
    const own = await send('akuten');
    expect(own.status).toBe(200);
    expect(own.json.summary).toMatchObject({ created: 1 });
    const other = await send('vc-norr');
    expect(JSON.stringify(other.json)).toContain('du importerar bara för din egen förvaltning');
    expect((await api.get(`${G}/units/vc-norr/reports`)).json.items).toEqual([]);
  });

  it('is no default forum participant (the routine lists none); a region that adds it to CSL gets it there', async () => {
    const start = '2026-11-27T10:40:00Z';
    const refused = await api.post(`${G}/meetings`, { forum: 'CSL', start, reason: 'Akuten' }, as('fia'));
    expect(refused.status).toBe(403);
    expect((await api.get(`${G}/meetings?forum=CSL`)).json.items[0].participantRoles).not.toContain('fvisLead');
    // R5.2: the region adds the FVIS project leads to CSL.
    const g = (await api.get(G)).json;
    const schedules = structuredClone(g.schedules);
    schedules.forums.CSL.participants.push('fvisLead');
    expect((await api.raw('PATCH', G, JSON.stringify({ schedules }), 'application/merge-patch+json')).status).toBe(200);
    const csl = (await api.get(`${G}/meetings?forum=CSL&from=${start}`)).json.items[0];
    expect(csl.participantRoles).toContain('fvisLead');
    expect(JSON.stringify(csl.participants)).toContain('Fia FVIS');
  });

  it('may not report an area, triage or decide: those are other roles’ (403, nothing stored)', async () => {
    expect((await api.post(`${G}/areas/teknik/reports`, { summary: 'x' }, as('fia'))).status).toBe(403);
    expect((await api.get(`${G}/areas/teknik/reports`)).json.items).toEqual([]);
  });
});

describe('the contact person helps form the team (R7.3, R11.7)', () => {
  it('sets the team’s members on a challenge; a unit reporter may not', async () => {
    const raised = await api.post(
      `${G}/challenges`,
      { id: 'skrivare', title: 'Skrivare', colour: 'röd', areaId: 'teknik', needFromOthers: 'Tekniker' },
      as('anna'),
    );
    expect(raised.status).toBe(202);
    const triage = await api.post(
      `${G}/challenges/skrivare/triage`,
      { decision: 'startTeam', participants: ['Kim Kontakt', 'Område: Teknik'] },
      as('anna'),
    );
    expect(triage.status).toBe(200);
    const team = { teamMembers: ['Kim Kontakt', 'Rut Rapportör', 'Anna Ledare'] };
    expect((await api.post(`${G}/challenges/skrivare/updates`, team, as('rut'))).status).toBe(403);
    const r = await api.post(`${G}/challenges/skrivare/updates`, team, as('kim'));
    expect(r.status).toBe(200);
    expect((await api.get(`${G}/challenges/skrivare`)).json.team).toMatchObject({ members: team.teamMembers });
  });
});
