/**
 * The HTTP API end to end, through the local runtime in-process (the worker shim, the
 * programming model's invocation path, the embedded store) on a simulated clock.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/vag-1';

const org = {
  name: 'Våg 1',
  startDate: '2026-11-27',
  forvaltningar: [
    {
      id: 'sjukhuset',
      name: 'Sjukhuset',
      units: [
        { id: 'akuten', name: 'Akuten' },
        { id: 'avd-12', name: 'Avdelning 12' },
      ],
    },
    { id: 'primarvarden', name: 'Primärvården', units: [{ id: 'vc-norr', name: 'VC Norr' }] },
  ],
  people: [{ id: 'ivan', name: 'Ivan IM', roles: ['incidentManager'] }],
};

beforeAll(async () => {
  // 11:00 local on day 0 (Friday 27 November 2026, CET).
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  const r = await api.put(G, org);
  expect(r.status).toBe(201);
});
afterAll(async () => api?.close());

const unitReports = async (unitId: string) => (await api.get(`${G}/units/${unitId}/reports?limit=1000`)).json.items as { id: string }[];

describe('go-lives (R2)', () => {
  it('PUT creates (201) then replaces (200) and keeps createdAt', async () => {
    const first = await api.get(G);
    expect(first.status).toBe(200);
    expect(first.json.areas).toHaveLength(7);
    await api.advance('PT1M');
    const again = await api.put(G, org);
    expect(again.status).toBe(200);
    expect(again.json.createdAt).toBe(first.json.createdAt);
    expect(again.json.updatedAt > first.json.updatedAt).toBe(true);
  });

  it('an id that is not a slug is a 400 naming goLiveId', async () => {
    const r = await api.put('/golives/Not%20OK', org);
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(['goLiveId']);
  });
});

describe('unit reports (R3)', () => {
  it('stores a report with Swedish colour and answers 201 with its location', async () => {
    const r = await api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'Långsam läkemedelslista' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      unitId: 'akuten',
      forvaltningId: 'sjukhuset',
      colour: 'yellow',
      reportedAt: '2026-11-27T10:01:00.000Z',
      source: 'api',
    });
    expect(r.json.requestHash).toBeUndefined();
    expect(r.headers.get('location')).toBe(`/api${G}/units/akuten/reports/${r.json.id}`);
  });

  it('an Idempotency-Key replay answers the same record and stores nothing twice; another body with it is 422', async () => {
    const before = (await unitReports('avd-12')).length;
    const body = { colour: 'red', explanation: 'Kan inte skriva ut remisser' };
    const a = await api.post(`${G}/units/avd-12/reports`, body, { 'idempotency-key': 'avd12-0900' });
    await api.advance('PT1M');
    const b = await api.post(`${G}/units/avd-12/reports`, body, { 'idempotency-key': 'avd12-0900' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await unitReports('avd-12')).length).toBe(before + 1);
    const c = await api.post(`${G}/units/avd-12/reports`, { ...body, colour: 'green' }, { 'idempotency-key': 'avd12-0900' });
    expect(c.status).toBe(422);
    expect(c.json.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect((await unitReports('avd-12')).length).toBe(before + 1);
  });

  it('a client id works as the idempotency key too', async () => {
    const body = { id: 'vc-norr-1', colour: 'green', explanation: 'OK' };
    expect((await api.post(`${G}/units/vc-norr/reports`, body)).status).toBe(201);
    expect((await api.post(`${G}/units/vc-norr/reports`, body)).headers.get('idempotent-replayed')).toBe('true');
    expect((await unitReports('vc-norr')).filter((r) => r.id === 'vc-norr-1')).toHaveLength(1);
  });

  it('100 concurrent reports for one unit all land, exactly once each', async () => {
    const before = (await unitReports('akuten')).length;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api.post(
          `${G}/units/akuten/reports`,
          { colour: i % 2 ? 'green' : 'yellow', explanation: `rapport ${i}` },
          { 'idempotency-key': `burst-${i}` },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    const ids = new Set(results.map((r) => r.json.id));
    expect(ids.size).toBe(100);
    const stored = await unitReports('akuten');
    expect(stored.length).toBe(before + 100);
    for (const id of ids) expect(stored.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('refuses a report dated in the future, naming reportedAt', async () => {
    const r = await api.post(`${G}/units/akuten/reports`, { colour: 'green', explanation: 'x', reportedAt: '2026-11-28T10:00:00Z' });
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(['reportedAt']);
  });
});

describe('bad input: the right status, a problem body, nothing stored', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of every route
  const cases: [string, () => Promise<{ status: number; json: any; headers: Headers }>, number, string, string[] | undefined][] = [
    [
      'malformed JSON',
      () => api.raw('POST', `${G}/units/akuten/reports`, '{"colour": "grön",', 'application/json'),
      400,
      'HTTP.BAD_JSON',
      ['body'],
    ],
    [
      'wrong types',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'blå', explanation: 42, reportedAt: 'igår' }),
      400,
      'VALIDATION.FAILED',
      ['colour', 'explanation', 'reportedAt'],
    ],
    ['an empty body', () => api.raw('POST', `${G}/units/akuten/reports`, '', 'application/json'), 400, 'VALIDATION.FAILED', ['body']],
    ['a JSON array', () => api.post(`${G}/units/akuten/reports`, [1, 2]), 400, 'VALIDATION.FAILED', ['body']],
    [
      'an unknown go-live',
      () => api.post('/golives/finns-inte/units/akuten/reports', { colour: 'green', explanation: 'x' }),
      404,
      'GOLIVE.NOT_FOUND',
      undefined,
    ],
    [
      'an unknown unit',
      () => api.post(`${G}/units/finns-inte/reports`, { colour: 'green', explanation: 'x' }),
      404,
      'UNIT.NOT_FOUND',
      undefined,
    ],
    ['an unknown area', () => api.post(`${G}/areas/finns-inte/reports`, { summary: 'x' }), 404, 'AREA.NOT_FOUND', undefined],
    ['an unknown incident', () => api.post(`${G}/incidents/finns-inte/updates`, { text: 'x' }), 404, 'INCIDENT.NOT_FOUND', undefined],
    [
      'a body over 64 KiB',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'green', explanation: 'x'.repeat(70 * 1024) }),
      413,
      'HTTP.TOO_LARGE',
      undefined,
    ],
    [
      'not JSON',
      () => api.raw('POST', `${G}/units/akuten/reports`, 'colour=green', 'application/x-www-form-urlencoded'),
      415,
      'HTTP.UNSUPPORTED_MEDIA',
      undefined,
    ],
    // No patient data by any door (issue 13 item 1, R-guard): body, path id, query string, header.
    [
      'a personnummer with an en dash in the body',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'Patient 121212\u20131212 fick fel dos' }),
      400,
      'DATA.PERSONAL_IDENTITY_NUMBER',
      ['explanation'],
    ],
    [
      'a personnummer as a path id',
      () => api.post('/golives/19121212-1212/units/akuten/reports', { colour: 'gul', explanation: 'x' }),
      400,
      'DATA.PERSONAL_IDENTITY_NUMBER',
      ['goLiveId'],
    ],
    [
      'a personnummer in the query string',
      () => api.post(`${G}/units/akuten/reports?ref=121212-1212`, { colour: 'gul', explanation: 'x' }),
      400,
      'DATA.PERSONAL_IDENTITY_NUMBER',
      ['ref'],
    ],
    [
      'a personnummer as the Idempotency-Key',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'x' }, { 'idempotency-key': 'pnr 121212-1212' }),
      400,
      'DATA.PERSONAL_IDENTITY_NUMBER',
      ['Idempotency-Key'],
    ],
    // Time bounds (issue 13 item 12): instants within a year of the go-live's start (2026-11-27).
    [
      'an instant in year 0000',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'x', reportedAt: '0000-01-01T00:00:00Z' }),
      400,
      'VALIDATION.FAILED',
      ['reportedAt'],
    ],
    [
      'an instant over a year before the start',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'x', reportedAt: '2025-11-20T08:00:00Z' }),
      400,
      'VALIDATION.FAILED',
      ['reportedAt'],
    ],
    // Control characters (issue 13 item 14): refused, naming the field.
    [
      'a NUL in a text',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'före\u0000efter' }),
      400,
      'DATA.FORBIDDEN_CHARACTERS',
      ['explanation'],
    ],
    [
      'a bidi override in a text',
      () => api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'x', reporter: { name: 'Rut \u202Egnisrev' } }),
      400,
      'DATA.FORBIDDEN_CHARACTERS',
      ['reporter.name'],
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, code, fields) => {
    const before = await unitReports('akuten');
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json).toMatchObject({ status, code, type: expect.any(String) });
    expect(typeof r.json.title).toBe('string');
    expect(JSON.stringify(r.json)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
    if (fields) expect(r.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
    expect(await unitReports('akuten')).toEqual(before);
    expect(JSON.stringify(r.json)).not.toMatch(/1212|\u0000|\u202E/); // the refused text is never echoed
  });

  it('a JSON body with a UTF-8 byte-order mark is read as JSON (issue 13 item 14)', async () => {
    const r = await api.raw('POST', `${G}/units/akuten/reports`, '\uFEFF{"colour":"gul","explanation":"Med BOM"}', 'application/json');
    expect(r.status).toBe(201);
    expect(r.json.explanation).toBe('Med BOM');
  });

  it('a go-live whose id is a personnummer is never created', async () => {
    const r = await api.put('/golives/121212-1212', org);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'DATA.PERSONAL_IDENTITY_NUMBER', errors: [{ field: 'goLiveId' }] });
    expect(r.json.instance).toBeUndefined();
    expect((await api.get('/golives/121212-1212')).status).toBe(400);
  });

  it('speaks Swedish by default and English on request', async () => {
    const sv = await api.post(`${G}/units/finns-inte/reports`, { colour: 'green', explanation: 'x' });
    const en = await api.post(
      `${G}/units/finns-inte/reports`,
      { colour: 'green', explanation: 'x' },
      { 'accept-language': 'en-GB,en;q=0.9' },
    );
    expect(sv.json.title).toBe('Hittades inte');
    expect(sv.json.detail).toBe("Enheten 'finns-inte' finns inte.");
    expect(en.json.title).toBe('Not found');
    expect(en.json.detail).toBe("Care unit 'finns-inte' does not exist.");
  });
});

describe('area reports (R4)', () => {
  const problem = {
    title: 'Remissutskrift',
    size: 'stor',
    situation: { facts: 'Kön fastnar' },
    actions: 'Ny drivrutin',
    obstacles: 'Beslut behövs',
  };

  it('applies the suggested colour when none is given (R4.3)', async () => {
    const r = await api.post(`${G}/areas/teknik/reports`, { summary: 'Utskrifter', problems: [problem] });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ colour: 'yellow', suggestedColour: 'yellow' });
  });

  it('keeps an override with its reason, and refuses one without', async () => {
    await api.advance('PT1M');
    const bad = await api.post(`${G}/areas/teknik/reports`, { summary: 'x', colour: 'röd', problems: [problem] });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(['overrideReason']);
    const ok = await api.post(`${G}/areas/teknik/reports`, {
      summary: 'x',
      colour: 'röd',
      overrideReason: 'Vården larmar',
      problems: [problem],
    });
    expect(ok.json).toMatchObject({ colour: 'red', suggestedColour: 'yellow', overrideReason: 'Vården larmar' });
    const list = await api.get(`${G}/areas/teknik/reports`);
    expect(list.json.items.map((r: { colour: string }) => r.colour)).toEqual(['red', 'yellow']);
  });
});

describe('incidents (R9) and the overview (R10.1)', () => {
  it('tracks a P2 from open to resolved and shows it on the overview only while open', async () => {
    const created = await api.post(`${G}/incidents`, {
      id: 'inc-1',
      title: 'Utskrift',
      priority: 2,
      incidentManagerId: 'ivan',
      areaIds: ['teknik'],
    });
    expect(created.status).toBe(201);
    await api.post(`${G}/incidents`, { id: 'inc-3', title: 'Småfel', priority: 3 });
    let overview = await api.get(`${G}/overview`);
    expect(overview.json.majorIncidents.map((i: { id: string }) => i.id)).toEqual(['inc-1']);

    await api.advance('PT5M');
    const upd = await api.post(
      `${G}/incidents/inc-1/updates`,
      { text: 'Åtgärdat', status: 'resolved' },
      { 'idempotency-key': 'inc-1-fixed' },
    );
    expect(upd.status).toBe(201);
    expect(upd.json).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    const replay = await api.post(
      `${G}/incidents/inc-1/updates`,
      { text: 'Åtgärdat', status: 'resolved' },
      { 'idempotency-key': 'inc-1-fixed' },
    );
    expect(replay.json.updates).toHaveLength(1);
    const again = await api.post(`${G}/incidents/inc-1/updates`, { text: 'Igen' });
    expect(again.status).toBe(409);
    overview = await api.get(`${G}/overview`);
    expect(overview.json.majorIncidents).toEqual([]);
    expect((await api.get(`${G}/incidents?status=open`)).json.items.map((i: { id: string }) => i.id)).toEqual(['inc-3']);
  });

  it('reads one incident by its id, and answers 404 problem+json for an unknown one (issue 16)', async () => {
    const one = await api.get(`${G}/incidents/inc-1`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: 'inc-1', title: 'Utskrift', status: 'resolved', updates: [{ text: 'Åtgärdat' }] });
    expect(one.json.requestHash).toBeUndefined();
    const missing = await api.get(`${G}/incidents/inc-404`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.json).toMatchObject({ status: 404, code: 'INCIDENT.NOT_FOUND' });
    expect(missing.json.detail).toMatch(/inc-404/);
    expect((await api.get(`/golives/nowhere/incidents/inc-1`)).json.code).toBe('GOLIVE.NOT_FOUND');
  });

  it('shows units by colour per förvaltning, and marks a unit stale after 3 reporting hours (R3.3)', async () => {
    let o = (await api.get(`${G}/overview`)).json;
    const vc = o.forvaltningar.find((f: { forvaltningId: string }) => f.forvaltningId === 'primarvarden');
    expect(vc.units[0]).toMatchObject({ unitId: 'vc-norr', colour: 'green', stale: false });
    expect(o.units.total).toBe(3);
    expect(o.areas.find((a: { areaId: string }) => a.areaId === 'teknik')).toMatchObject({ colour: 'red', trend: 'worse' });
    await api.advance('PT3H30M');
    o = (await api.get(`${G}/overview`)).json;
    expect(o.units.stale).toBe(3);
  });
});

describe('OpenAPI', () => {
  it('describes every route, generated from the zod schemas', async () => {
    const r = await api.get('/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    // Every route of the foundation, at least; later routes are covered by the access-matrix and fuzz tests.
    expect(Object.keys(r.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/golives/{goLiveId}',
        '/api/golives/{goLiveId}/areas/{areaId}/reports',
        '/api/golives/{goLiveId}/incidents',
        '/api/golives/{goLiveId}/incidents/{incidentId}/updates',
        '/api/golives/{goLiveId}/overview',
        '/api/golives/{goLiveId}/units/{unitId}/reports',
        '/api/health',
        '/api/openapi.json',
      ]),
    );
    const post = r.json.paths['/api/golives/{goLiveId}/units/{unitId}/reports'].post;
    expect(post.requestBody.content['application/json'].schema.properties.colour.enum).toEqual([
      'green',
      'yellow',
      'red',
      'grön',
      'gul',
      'röd',
    ]);
    expect(post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
  });
});

describe('health and the heartbeat timer', () => {
  it('reports the store and the last heartbeat, which the simulated clock drives', async () => {
    const before = (await api.get('/health')).json;
    expect(before).toMatchObject({ status: 'ok', store: 'embedded' });
    await api.advance('PT2M');
    const after = (await api.get('/health')).json;
    expect(after.lastHeartbeat).toBe(after.now.replace(/:\d\d\.\d{3}Z$/, ':00.000Z'));
    expect(after.lastHeartbeat).not.toBe(before.lastHeartbeat);
  });
});
