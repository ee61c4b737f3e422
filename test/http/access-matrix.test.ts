/**
 * Every route × role cell of the access matrix (R1, R7, R8), allowed and refused, through
 * the running app. Routes come from the app's own OpenAPI description, so a route added
 * later is covered without touching this file. The oracle below restates the matrix rules
 * independently of shared/domain/principal.ts.
 */
import { ACCESS_MATRIX, type Access } from '../../shared/domain/access';
import { ROLES, type Role } from '../../shared/domain/golive';
import { startApi, type Api } from './harness';

const G = 'matrix';
const LEADS: Role[] = ['goLiveLead', 'goLiveCoordinator'];
const KEY_SECRET = 'unit-import-secret-0123456789';
const OTHER_KEY_SECRET = 'organisation-secret-0123456789';

type Caller =
  | { label: string; kind: 'role'; role: Role; headers: Record<string, string> }
  | { label: string; kind: 'anonymous' | 'nonMember' | 'admin'; headers: Record<string, string> }
  | { label: string; kind: 'machine'; scope: string; headers: Record<string, string> };

const callers: Caller[] = [
  ...ROLES.map((role): Caller => ({ label: role, kind: 'role', role, headers: { 'x-dev-user': `${role.toLowerCase()}@example.org` } })),
  { label: 'anonymous', kind: 'anonymous', headers: { 'x-dev-user': 'anonymous' } },
  { label: 'not a member', kind: 'nonMember', headers: { 'x-dev-user': 'stranger@example.org' } },
  { label: 'app admin', kind: 'admin', headers: { 'x-dev-user': 'boss@example.org', 'x-dev-roles': 'admin' } },
  { label: 'key unit-reports', kind: 'machine', scope: 'unit-reports', headers: { 'x-functions-key': KEY_SECRET } },
  { label: 'key organisation', kind: 'machine', scope: 'organisation', headers: { 'x-functions-key': OTHER_KEY_SECRET } },
];

/** The matrix as the README states it. */
function expected(access: Access, caller: Caller, ownTarget: boolean): 'allowed' | 401 | 403 {
  if (access.kind === 'public') return 'allowed';
  if (caller.kind === 'anonymous') return 401;
  if (caller.kind === 'machine') return access.kind !== 'member' && access.machineScope === caller.scope ? 'allowed' : 403;
  if (caller.kind === 'admin') return 'allowed';
  if (caller.kind !== 'role') return 403; // not a member
  const role = caller.role;
  if (access.kind === 'member') return 'allowed';
  if (access.kind === 'admin') return LEADS.includes(role) ? 'allowed' : 403;
  if (!access.roles.includes(role)) return 403;
  if (LEADS.includes(role) || ownTarget) return 'allowed';
  if (access.scope) return 403;
  // The own rule narrows a caller whose roles on the route are all its roles (each caller here
  // has one). A förvaltning rule refuses rows, not the request: see `rowRefused` below.
  if (access.own && access.own.what !== 'forvaltning' && access.own.roles.includes(role)) return 403;
  return 'allowed';
}

/** For a förvaltning own rule: whether the caller's row for another förvaltning's unit is a row error. */
function rowRefused(access: Access, caller: Caller): boolean {
  return (
    access.kind === 'roles' &&
    access.own?.what === 'forvaltning' &&
    caller.kind === 'role' &&
    !LEADS.includes(caller.role) &&
    access.own.roles.includes(caller.role)
  );
}

let api: Api;
let routes: { name: string; method: string; path: string }[] = [];

beforeAll(async () => {
  process.env.MACHINE_KEYS = `import-bot:unit-reports:${KEY_SECRET};org-bot:organisation:${OTHER_KEY_SECRET}`;
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  const people = ROLES.map((role) => ({
    id: role.toLowerCase(),
    name: role,
    email: `${role.toLowerCase()}@example.org`,
    roles: [role],
    unitIds: role === 'unitReporter' ? ['u1'] : [],
    areaIds: role === 'areaCoordinator' || role === 'contactPerson' ? ['teknik'] : [],
    // A CSL representative and an FVIS project lead belong to a förvaltning (R11.8).
    ...(role === 'cslRepresentative' || role === 'fvisLead' ? { forvaltningId: 'f' } : {}),
  }));
  const put = await api.put(`/golives/${G}`, {
    name: 'Matris',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'f',
        name: 'F',
        units: [
          { id: 'u1', name: 'U1' },
          { id: 'u2', name: 'U2' },
        ],
      },
      { id: 'g', name: 'G', units: [{ id: 'u3', name: 'U3' }] },
    ],
    people,
  });
  expect(put.status).toBe(201);
  const openapi = (await api.get('/openapi.json')).json as { paths: Record<string, Record<string, { operationId: string }>> };
  routes = Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: op.operationId, method: method.toUpperCase(), path })),
  );
});
afterAll(async () => {
  delete process.env.MACHINE_KEYS;
  await api?.close();
});

const fill = (path: string, own: boolean) =>
  path
    .replace(/^\/api/, '')
    .replace('{goLiveId}', G)
    .replace('{unitId}', own ? 'u1' : 'u2')
    .replace('{areaId}', own ? 'teknik' : 'support')
    .replace(/\{[^}]+\}/g, 'x');

it('every registered route has a matrix entry, and every entry a route', () => {
  expect(routes.length).toBeGreaterThanOrEqual(12);
  expect(routes.map((r) => r.name).sort()).toEqual(Object.keys(ACCESS_MATRIX).sort());
});

/** A challenge raised by the lead in `areaId`, for a route that acts on one (one per route and target). */
const challenges = new Map<string, string>();
async function challengeFor(route: string, areaId: string): Promise<string> {
  const key = `${route}:${areaId}`;
  if (!challenges.has(key)) {
    const raised = await api.post(
      `/golives/${G}/challenges`,
      { title: `svep ${key}`, colour: 'red', areaId, needFromOthers: 'hjälp' },
      { 'x-dev-user': 'golivelead@example.org' },
    );
    expect(raised.status).toBe(202);
    challenges.set(key, raised.json.id as string);
  }
  return challenges.get(key)!;
}

/**
 * A meeting of `forum` (the first of the schedule) and the key of an item on its agenda, for
 * the forum rule of `markDiscussed` (issue 16). A P1 puts an item on every forum's agenda
 * (R6.1, R6.4); it is registered once, on first use.
 */
let p1: Promise<unknown> | undefined;
async function meetingOf(forum: 'DSL' | 'CSL' | 'LGV'): Promise<{ id: string; itemKey: string }> {
  p1 ??= api.post(`/golives/${G}/incidents`, { title: 'Inloggning', priority: 1 }, { 'x-dev-user': 'golivelead@example.org' });
  await p1;
  const id = (
    (await api.get(`/golives/${G}/meetings?forum=${forum}`, { 'x-dev-user': 'golivelead@example.org' })).json.items as { id: string }[]
  )[0]!.id;
  const sections = (await api.get(`/golives/${G}/meetings/${id}/agenda`, { 'x-dev-user': 'golivelead@example.org' })).json.sections as {
    items: { key: string }[];
  }[];
  return { id, itemKey: sections.flatMap((s) => s.items)[0]!.key };
}

/**
 * The request of one cell. A route with an `own` rule gets a valid body that names the
 * caller's own target or someone else's (issue 13 item 6), so the own check is reached, not
 * stopped at validation: a challenge's area (in the body, or the challenge acted on), a
 * report's `reporter.personId`, an imported row's unit. Other writes send `{}`.
 */
async function cellRequest(
  route: { name: string; method: string; path: string },
  access: Access,
  own: boolean,
  caller: Caller,
): Promise<{ path: string; body: string; type: string }> {
  let path = fill(route.path, own);
  const rule = access.kind === 'roles' ? access.own?.what : undefined;
  const area = own ? 'teknik' : 'support';
  if (rule === 'area' && route.path.includes('{challengeId}'))
    path = path.replace(/\/challenges\/x\//, `/challenges/${await challengeFor(route.name, area)}/`);
  const json = (b: unknown) => ({ path, body: JSON.stringify(b), type: 'application/json' });
  if (route.name === 'postChallenge') return json({ title: 'svep', colour: 'red', areaId: area, needFromOthers: 'hjälp' });
  if (route.name === 'updateChallenge') return json({ facts: 'svep' });
  if (route.name === 'resolveChallenge' || route.name === 'withdrawChallenge') return json({ reason: 'svep' });
  if (rule === 'reporter') {
    const self = caller.kind === 'role' ? caller.role.toLowerCase() : 'unitreporter';
    return json({ colour: 'yellow', explanation: 'svep', reporter: { personId: own ? self : 'incidentmanager' } });
  }
  if (rule === 'forvaltning')
    return { path, body: `Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;09:00;${own ? 'u1' : 'u3'};Gul;svep\n`, type: 'text/csv' };
  if (rule === 'forum') {
    // Own: a meeting of the forum the caller chairs (FORUM_CHAIRS); other: a DSL meeting, which only the leads chair.
    const role = caller.kind === 'role' ? caller.role : undefined;
    const m = await meetingOf(own && role === 'cslChair' ? 'CSL' : own && role === 'lgvLiaison' ? 'LGV' : 'DSL');
    return { ...json({ itemKey: m.itemKey, discussed: false }), path: path.replace('/meetings/x/', `/meetings/${m.id}/`) };
  }
  if (rule) throw new Error(`the sweep has no own/other request for ${route.name} (own: ${rule})`);
  return { path, body: '{}', type: 'application/json' };
}

it('each route × caller cell answers as the matrix says', async () => {
  const failures: string[] = [];
  let cells = 0;
  let ownCells = 0;
  for (const route of routes) {
    const access = ACCESS_MATRIX[route.name]!;
    const targeted = access.kind === 'roles' && (access.scope !== undefined || access.own !== undefined);
    for (const own of targeted ? [true, false] : [true]) {
      for (const caller of callers) {
        cells++;
        const want = expected(access, caller, own);
        const req = await cellRequest(route, access, own, caller);
        const res =
          route.method === 'GET'
            ? await api.get(req.path, caller.headers)
            : await api.raw(route.method, req.path, req.body, req.type, caller.headers);
        const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        if (got !== want)
          failures.push(`${route.method} ${req.path} as ${caller.label}: want ${want}, got ${res.status} ${res.text.slice(0, 120)}`);
        if (got !== 'allowed') expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        if (access.kind === 'roles' && access.own && caller.kind === 'role' && access.own.roles.includes(caller.role)) {
          ownCells++;
          // Reached the own check: not stopped by validation.
          if (res.status === 400)
            failures.push(`${route.method} ${req.path} as ${caller.label}: 400 before the own check ${res.text.slice(0, 120)}`);
          if (got === 'allowed' && access.own.what === 'forvaltning') {
            const refusedRows = (res.json as { summary: { rowsWithErrors: number } }).summary.rowsWithErrors;
            const wantRefused = !own && rowRefused(access, caller) ? 1 : 0;
            if (refusedRows !== wantRefused)
              failures.push(`${route.method} ${req.path} as ${caller.label}: want ${wantRefused} row refused, got ${refusedRows}`);
          }
        }
      }
    }
  }
  expect(failures).toEqual([]);
  // The README reports these figures.
  expect(cells).toBeGreaterThanOrEqual(routes.length * callers.length);
  expect(ownCells).toBeGreaterThanOrEqual(2 * Object.values(ACCESS_MATRIX).filter((a) => a.kind === 'roles' && a.own).length);
  console.log(
    `access matrix: ${cells} route × caller cells over ${routes.length} routes; ${ownCells} of them own/other cells of an own rule`,
  );
}, 180_000);

describe('refused writes store nothing', () => {
  const report = { colour: 'red', explanation: 'x' };
  const count = async (unit: string) => (await api.get(`/golives/${G}/units/${unit}/reports`)).json.items.length as number;

  it('a unit reporter reports for their own unit, not another (R1)', async () => {
    const as = { 'x-dev-user': 'unitreporter@example.org' };
    // The sweep above stored reports for u2 as the leads: count from here.
    const before = await count('u2');
    expect((await api.post(`/golives/${G}/units/u1/reports`, report, as)).status).toBe(201);
    const refused = await api.post(`/golives/${G}/units/u2/reports`, report, as);
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Du rapporterar bara för dina egna enheter.');
    expect(await count('u2')).toBe(before);
  });

  it('an area coordinator cannot report for another area; an IM cannot report a unit', async () => {
    const area = { summary: 'x', problems: [] };
    const before = await count('u2');
    expect((await api.post(`/golives/${G}/areas/support/reports`, area, { 'x-dev-user': 'areacoordinator@example.org' })).status).toBe(403);
    expect((await api.post(`/golives/${G}/areas/teknik/reports`, area, { 'x-dev-user': 'areacoordinator@example.org' })).status).toBe(201);
    expect((await api.post(`/golives/${G}/units/u2/reports`, report, { 'x-dev-user': 'incidentmanager@example.org' })).status).toBe(403);
    expect(await count('u2')).toBe(before);
  });

  it('a wrong key is refused, not treated as anonymous', async () => {
    const before = await count('u2');
    const r = await api.post(`/golives/${G}/units/u2/reports`, report, { 'x-functions-key': 'guess-guess-guess-guess' });
    expect(r.status).toBe(401);
    expect(await count('u2')).toBe(before);
  });

  it('the audit trail records who wrote', async () => {
    const r = await api.post(
      `/golives/${G}/units/u1/reports`,
      { ...report, explanation: 'audit' },
      { 'x-dev-user': 'unitreporter@example.org' },
    );
    expect(r.json.recordedBy).toEqual({ kind: 'user', id: 'unitreporter@example.org', name: 'unitreporter@example.org' });
    const k = await api.post(`/golives/${G}/units/u1/reports`, { ...report, explanation: 'by key' }, { 'x-functions-key': KEY_SECRET });
    expect(k.json.recordedBy).toEqual({ kind: 'machine', id: 'import-bot' });
  });
});

describe('what a request names is the caller’s own (issue 13 item 6)', () => {
  const coordinator = { 'x-dev-user': 'areacoordinator@example.org' };
  const lead = { 'x-dev-user': 'golivelead@example.org' };
  const challenge = (areaId: string, title: string) => ({ title, colour: 'red', areaId, needFromOthers: 'hjälp' });
  const titles = async () =>
    ((await api.get(`/golives/${G}/challenges`)).json.items as { title: string; state: string }[]).map((c) => `${c.title}:${c.state}`);

  it('an area coordinator raises a challenge for their own area only (R7.1)', async () => {
    const refused = await api.post(`/golives/${G}/challenges`, challenge('support', 'annans område'), coordinator);
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Du arbetar bara med utmaningar för dina egna leveransområden.');
    expect(await titles()).not.toContain('annans område:raised');
    expect((await api.post(`/golives/${G}/challenges`, challenge('teknik', 'eget område'), coordinator)).status).toBe(202);
    // The go-live lead raises for any area.
    expect((await api.post(`/golives/${G}/challenges`, challenge('support', 'ledarens'), lead)).status).toBe(202);
  });

  it('an area coordinator withdraws only their own area’s challenges; the lead any', async () => {
    const other = await api.post(`/golives/${G}/challenges`, challenge('support', 'att återkalla'), lead);
    expect(other.status).toBe(202);
    const withdraw = (id: string, as: Record<string, string>) => api.post(`/golives/${G}/challenges/${id}/withdraw`, { reason: 'fel' }, as);
    const refused = await withdraw(other.json.id, coordinator);
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Du arbetar bara med utmaningar för dina egna leveransområden.');
    expect(await titles()).toContain('att återkalla:raised');
    const own = await api.post(`/golives/${G}/challenges`, challenge('teknik', 'egen att återkalla'), coordinator);
    expect((await withdraw(own.json.id, coordinator)).status).toBe(200);
    expect((await withdraw(other.json.id, lead)).status).toBe(200);
  });

  it('an area coordinator updates and resolves only their own area’s challenges; the lead any', async () => {
    const other = await api.post(`/golives/${G}/challenges`, challenge('support', 'att lösa'), lead);
    expect(other.status).toBe(202);
    const update = (id: string, as: Record<string, string>) => api.post(`/golives/${G}/challenges/${id}/updates`, { facts: 'nytt' }, as);
    const resolve = (id: string, as: Record<string, string>) => api.post(`/golives/${G}/challenges/${id}/resolve`, { reason: 'löst' }, as);
    const timeline = async (id: string) => ((await api.get(`/golives/${G}/challenges/${id}`)).json.timeline as unknown[]).length;
    const before = await timeline(other.json.id);
    for (const refused of [await update(other.json.id, coordinator), await resolve(other.json.id, coordinator)]) {
      expect(refused.status).toBe(403);
      expect(refused.json.detail).toBe('Du arbetar bara med utmaningar för dina egna leveransområden.');
    }
    expect(await timeline(other.json.id)).toBe(before);
    expect(await titles()).toContain('att lösa:raised');
    const own = await api.post(`/golives/${G}/challenges`, challenge('teknik', 'egen att lösa'), coordinator);
    expect((await update(own.json.id, coordinator)).status).toBe(200);
    expect((await resolve(own.json.id, coordinator)).status).toBe(200);
    expect((await update(other.json.id, lead)).status).toBe(200);
    expect((await resolve(other.json.id, lead)).status).toBe(200);
    expect(await titles()).toEqual(expect.arrayContaining(['att lösa:resolved', 'egen att lösa:resolved']));
  });

  it('a unit reporter reports in their own name only; a key names anyone', async () => {
    const as = { 'x-dev-user': 'unitreporter@example.org' };
    const count = async () => (await api.get(`/golives/${G}/units/u1/reports`)).json.items.length as number;
    const before = await count();
    const refused = await api.post(
      `/golives/${G}/units/u1/reports`,
      { colour: 'yellow', explanation: 'i någon annans namn', reporter: { personId: 'golivelead' } },
      as,
    );
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe('Du rapporterar bara i ditt eget namn (reporter.personId).');
    expect(await count()).toBe(before);
    const own = { colour: 'yellow', explanation: 'i eget namn', reporter: { personId: 'unitreporter' } };
    expect((await api.post(`/golives/${G}/units/u1/reports`, own, as)).status).toBe(201);
    const byKey = { colour: 'yellow', explanation: 'via nyckel', reporter: { personId: 'golivelead' } };
    expect((await api.post(`/golives/${G}/units/u1/reports`, byKey, { 'x-functions-key': KEY_SECRET })).status).toBe(201);
  });
});

describe('the forum rule: a meeting’s items are ticked by its forum’s chair or coordinator (issue 16)', () => {
  it('each forum × role cell of markDiscussed answers as FORUM_CHAIRS says', async () => {
    const allowed: Record<string, Role[]> = {
      DSL: ['goLiveLead', 'goLiveCoordinator'],
      CSL: ['goLiveLead', 'goLiveCoordinator', 'cslChair'],
      LGV: ['goLiveLead', 'goLiveCoordinator', 'lgvLiaison'],
    };
    const failures: string[] = [];
    for (const forum of ['DSL', 'CSL', 'LGV']) {
      const { id: meetingId, itemKey } = await meetingOf(forum as 'DSL' | 'CSL' | 'LGV');
      for (const role of ROLES) {
        const r = await api.post(
          `/golives/${G}/meetings/${meetingId}/agenda/discussed`,
          { itemKey, discussed: false },
          { 'x-dev-user': `${role.toLowerCase()}@example.org` },
        );
        const want = allowed[forum]!.includes(role) ? 200 : 403;
        if (r.status !== want) failures.push(`${forum} as ${role}: want ${want}, got ${r.status} ${r.text.slice(0, 100)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
