/**
 * Cross-site writes (issue 13): a page on another site cannot make a browser store a report,
 * an import or a new go-live lead. Writes must declare JSON (or, for imports, a file type),
 * and a browser write for another site (Sec-Fetch-Site, or Origin) is a 403 problem.
 */
import { isCrossSiteWrite } from '../../functions/http/route';
import { startApi, type Api } from './harness';

const G = 'korsplats';
const KEY = 'import-secret-0123456789abcdef';
let api: Api;

beforeAll(async () => {
  process.env.MACHINE_KEYS = `import-bot:unit-reports:${KEY}`;
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  const put = await api.put(`/golives/${G}`, {
    name: 'Korsplats',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'akuten', name: 'Akuten' }] }],
    people: [{ id: 'lena', name: 'Lena', email: 'lena@example.org', roles: ['goLiveLead'] }],
  });
  expect(put.status).toBe(201);
});
afterAll(async () => {
  delete process.env.MACHINE_KEYS;
  await api?.close();
});

const REPORT = JSON.stringify({ colour: 'röd', explanation: 'Från en annan sida' });
const CSV = 'Datum;Tid;Enhet;Färg;Förklaring\n2026-11-27;09:00;akuten;Röd;Från en annan sida\n';
const count = async () => (await api.get(`/golives/${G}/units/akuten/reports`)).json.items.length as number;

describe('writes declare what they send', () => {
  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a urlencoded form', 'application/x-www-form-urlencoded'],
    ['no Content-Type', ''],
  ])('a JSON route refuses %s with 415 and stores nothing', async (_, type) => {
    const r = await api.raw('POST', `/golives/${G}/units/akuten/reports`, REPORT, type);
    expect(r.status).toBe(415);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await count()).toBe(0);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a urlencoded form', 'application/x-www-form-urlencoded'],
    ['no Content-Type', ''],
  ])('an import refuses %s with 415 and stores nothing', async (_, type) => {
    const r = await api.raw('POST', `/golives/${G}/imports/unit-reports`, CSV, type);
    expect(r.status).toBe(415);
    expect(r.json.detail).toMatch(/^Skicka en CSV- eller XLSX-fil/);
    expect(await count()).toBe(0);
  });

  it('JSON and the file types are taken', async () => {
    expect((await api.raw('POST', `/golives/${G}/units/akuten/reports`, REPORT, 'application/json; charset=utf-8')).status).toBe(201);
    expect((await api.raw('POST', `/golives/${G}/imports/unit-reports?dryRun=true`, CSV, 'text/csv')).status).toBe(200);
  });
});

describe('a browser write for another site is refused', () => {
  const lead = { 'x-dev-user': 'lena@example.org' };
  const cases: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['Origin of another site', { origin: 'https://elak.example' }],
    ['Origin null (a sandboxed page)', { origin: 'null' }],
  ];

  it.each(cases)('%s: a report, an import and a new go-live lead get 403 AUTH.CROSS_SITE, nothing stored', async (_, from) => {
    const before = await count();
    const report = await api.raw('POST', `/golives/${G}/units/akuten/reports`, REPORT, 'application/json', from);
    expect(report.status).toBe(403);
    expect(report.json).toMatchObject({
      code: 'AUTH.CROSS_SITE',
      detail: 'Ändringar tas bara emot från Driftpuls egna sidor. Öppna Driftpuls direkt och försök igen.',
    });
    const form = new FormData();
    form.append('fil', new Blob([CSV], { type: 'text/csv' }), 'lista.csv');
    const body = new Response(form);
    const imported = await api.raw(
      'POST',
      `/golives/${G}/imports/unit-reports`,
      Buffer.from(await body.arrayBuffer()) as never,
      body.headers.get('content-type')!,
      from,
    );
    expect(imported.status).toBe(403);
    const golive = (await api.get(`/golives/${G}`)).json;
    const takeover = await api.raw(
      'PUT',
      `/golives/${G}`,
      JSON.stringify({ ...golive, people: [{ id: 'x', name: 'Ny ledare', roles: ['goLiveLead'] }] }),
      'application/json',
      { ...from, ...lead },
    );
    expect(takeover.status).toBe(403);
    expect(await count()).toBe(before);
    expect((await api.get(`/golives/${G}`)).json.people.map((p: { id: string }) => p.id)).toEqual(['lena']);
  });

  it('same-origin pages, typed addresses and non-browser clients write; reads are never refused', async () => {
    for (const from of [
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      { origin: new URL(api.url).origin },
      {},
    ] as Record<string, string>[])
      expect((await api.raw('POST', `/golives/${G}/units/akuten/reports`, REPORT, 'application/json', from)).status).toBe(201);
    expect((await api.get(`/golives/${G}/overview`, { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('a machine key is no ambient credential: a keyed write is not a cross-site question', async () => {
    const r = await api.raw('POST', `/golives/${G}/units/akuten/reports`, REPORT, 'application/json', {
      'x-functions-key': KEY,
      'sec-fetch-site': 'cross-site',
    });
    expect(r.status).toBe(201);
  });

  it('the rule itself', () => {
    const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
    const url = 'https://func.example/api/golives/x';
    const base = 'https://driftpuls.example';
    expect(isCrossSiteWrite('GET', h({ 'sec-fetch-site': 'cross-site' }), url, base)).toBe(false);
    expect(isCrossSiteWrite('POST', h({ origin: 'https://driftpuls.example' }), url, base)).toBe(false);
    expect(isCrossSiteWrite('POST', h({ origin: 'https://func.example' }), url, base)).toBe(false);
    expect(isCrossSiteWrite('POST', h({ origin: 'https://driftpuls.example.evil.example' }), url, base)).toBe(true);
    expect(isCrossSiteWrite('PATCH', h({ 'sec-fetch-site': 'same-site', origin: 'https://driftpuls.example' }), url, base)).toBe(true);
  });
});
