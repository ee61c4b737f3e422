/**
 * Issue 15 item 4 (R7.5, R9): an incident links to the challenges it causes and back, and
 * SD+ references are searchable. Through the running app: a link named on either side shows
 * on both (challenge JSON `incidentIds`, incident JSON `challengeIds`); an unknown id is a
 * 400 naming the field with nothing stored; the search finds challenges and incidents by SD+
 * reference, exact matches first, then prefixes.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/links';

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  const put = await api.put(G, {
    name: 'Länkar',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
    people: [{ id: 'ivan', name: 'Ivan IM', roles: ['incidentManager'] }],
  });
  expect(put.status).toBe(201);
});
afterAll(async () => api?.close());

const challenge = (id: string, extra: Record<string, unknown> = {}) =>
  api.post(`${G}/challenges`, { id, title: `Utmaning ${id}`, colour: 'röd', areaId: 'teknik', needFromOthers: 'Hjälp', ...extra });
const incidents = async () => (await api.get(`${G}/incidents`)).json.items as { id: string; challengeIds: string[] }[];
const incidentLinks = async (id: string) => (await incidents()).find((i) => i.id === id)?.challengeIds;
const challengeLinks = async (id: string) => (await api.get(`${G}/challenges/${id}`)).json.incidentIds as string[];

describe('incident ↔ challenge links', () => {
  it('a challenge raised naming an incident shows on the incident, and the other way round', async () => {
    expect((await api.post(`${G}/incidents`, { id: 'inc-a', title: 'Utskrifter', priority: 3, sdReference: 'SD-1042' })).status).toBe(201);
    expect((await challenge('ch-a', { incidentIds: ['inc-a'], sdReferences: ['SD-1042', 'SD-2001'] })).status).toBe(202);
    expect(await challengeLinks('ch-a')).toEqual(['inc-a']);
    expect(await incidentLinks('inc-a')).toEqual(['ch-a']);
    expect((await api.get(`${G}/incidents/inc-a`)).json.challengeIds).toEqual(['ch-a']);

    // Registered naming a challenge: the challenge shows it (its list and its own JSON).
    expect((await challenge('ch-b')).status).toBe(202);
    const b = await api.post(`${G}/incidents`, { id: 'inc-b', title: 'Inloggning', priority: 4, challengeIds: ['ch-b'] });
    expect(b.status).toBe(201);
    expect(b.json.challengeIds).toEqual(['ch-b']);
    expect(await challengeLinks('ch-b')).toEqual(['inc-b']);
    const listed = (await api.get(`${G}/challenges`)).json.items as { id: string; incidentIds: string[] }[];
    expect(listed.find((c) => c.id === 'ch-b')?.incidentIds).toEqual(['inc-b']);
  });

  it('an incident update and a challenge update add links, once each', async () => {
    expect((await challenge('ch-c')).status).toBe(202);
    const u = await api.post(`${G}/incidents/inc-a/updates`, { text: 'Orsakar också detta', challengeIds: ['ch-c', 'ch-a'] });
    expect(u.status).toBe(201);
    // Its own ids first (as named), then those of challenges that name it; each once.
    expect(await incidentLinks('inc-a')).toEqual(['ch-c', 'ch-a']);
    expect(await challengeLinks('ch-c')).toEqual(['inc-a']);

    const cu = await api.post(`${G}/challenges/ch-c/updates`, { incidentIds: ['inc-b', 'inc-a'] });
    expect(cu.status).toBe(200);
    expect(await challengeLinks('ch-c')).toEqual(['inc-b', 'inc-a']);
    expect(await incidentLinks('inc-b')).toEqual(['ch-b', 'ch-c']);
  });

  it('an unknown id is a 400 naming the field, and nothing is stored', async () => {
    const r = await api.post(`${G}/incidents`, { id: 'inc-x', title: 'X', priority: 3, challengeIds: ['ch-a', 'finns-inte'] });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(['challengeIds.1']);
    expect((await incidents()).map((i) => i.id)).not.toContain('inc-x');

    const u = await api.post(`${G}/incidents/inc-b/updates`, { text: 'x', challengeIds: ['finns-inte'] });
    expect(u.status).toBe(400);
    expect(u.json.errors.map((e: { field: string }) => e.field)).toEqual(['challengeIds.0']);
    expect(await incidentLinks('inc-b')).toEqual(['ch-b', 'ch-c']);

    const cu = await api.post(`${G}/challenges/ch-b/updates`, { incidentIds: ['inc-a', 'finns-inte'] });
    expect(cu.status).toBe(400);
    expect(cu.json.errors.map((e: { field: string }) => e.field)).toEqual(['incidentIds.1']);
    expect(await challengeLinks('ch-b')).toEqual(['inc-b']);

    const raised = await challenge('ch-x', { incidentIds: ['finns-inte'] });
    expect(raised.status).toBe(400);
    expect(raised.json.errors.map((e: { field: string }) => e.field)).toEqual(['incidentIds.0']);
    expect((await api.get(`${G}/challenges/ch-x`)).status).toBe(404);
  });
});

describe('SD+ search (R7.5)', () => {
  beforeAll(async () => {
    expect((await api.post(`${G}/incidents`, { id: 'inc-c', title: 'Remisser', priority: 2, sdReference: 'SD-10420' })).status).toBe(201);
    await api.advance('PT1M');
    expect((await challenge('ch-d', { sdReferences: ['sd 1042'] })).status).toBe(202);
  });

  const search = async (q: string) => {
    const r = await api.get(`${G}/search?sdplus=${encodeURIComponent(q)}`);
    expect(r.status).toBe(200);
    return (r.json.items as { type: string; id: string; match: string; references: string[]; link: string }[]).map(
      (h) => `${h.match} ${h.type} ${h.id} ${h.references.join('|')}`,
    );
  };

  // Exact before prefix, each newest first.
  it('finds challenges and incidents by exact reference first, then by prefix; case, spaces and hyphens do not matter', async () => {
    expect(await search('SD-1042')).toEqual([
      'exact challenge ch-d sd 1042',
      'exact challenge ch-a SD-1042',
      'exact incident inc-a SD-1042',
      'prefix incident inc-c SD-10420',
    ]);
    expect(await search('sd1042')).toEqual(await search('SD-1042'));
    expect(await search('SD-2')).toEqual(['prefix challenge ch-a SD-2001']);
    expect(await search('SD-9')).toEqual([]);
  });

  it('each hit links to its page', async () => {
    const r = await api.get(`${G}/search?sdplus=SD-10420`);
    expect(r.json.items).toEqual([
      expect.objectContaining({
        type: 'incident',
        id: 'inc-c',
        title: 'Remisser',
        state: 'open',
        link: '/api/board/links/incidents/inc-c',
      }),
    ]);
  });

  it('without a query it is a 400 naming sdplus', async () => {
    const r = await api.get(`${G}/search`);
    expect(r.status).toBe(400);
    expect(r.json.errors.map((e: { field: string }) => e.field)).toEqual(['sdplus']);
  });

  it('is in the OpenAPI document, generated from the zod schemas', async () => {
    const doc = (await api.get('/openapi.json')).json;
    const op = doc.paths['/api/golives/{goLiveId}/search'].get;
    expect(op.operationId).toBe('searchSdReferences');
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('sdplus');
    const inc = doc.paths['/api/golives/{goLiveId}/incidents'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(inc.properties)).toContain('challengeIds');
  });
});
