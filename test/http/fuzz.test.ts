/**
 * Property-based tests (fast-check) on every write route: valid, invalid and hostile bodies.
 * Whatever arrives: never a 5xx, always a problem document on refusal, never a stack trace,
 * and never a partial write (a refused request changes nothing; an accepted one adds exactly
 * its record). Routes come from the app's OpenAPI description; routes without a tailored
 * generator still get the hostile and random bodies.
 */
import fc from 'fast-check';
import { startApi, type Api } from './harness';

const RUNS = 80;
const G = 'fuzz';
let api: Api;
let writeRoutes: { name: string; method: string; path: string }[] = [];

beforeAll(async () => {
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
  const put = await api.put(`/golives/${G}`, {
    name: 'Fuzz',
    startDate: '2026-11-27',
    forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
  });
  expect(put.status).toBe(201);
  expect((await api.post(`/golives/${G}/incidents`, { id: 'i', title: 'T', priority: 2 })).status).toBe(201);
  const openapi = (await api.get('/openapi.json')).json as { paths: Record<string, Record<string, { operationId: string }>> };
  writeRoutes = Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => m !== 'get')
      .map(([method, op]) => ({ name: op.operationId, method: method.toUpperCase(), path })),
  );
});
afterAll(async () => api?.close());

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('', ' ', '\u0000', '<script>alert(1)</script>', '=1+1', '../../etc/passwd', '121212-1212'),
);
const colour = fc.oneof(fc.constantFrom('green', 'yellow', 'red', 'grön', 'gul', 'röd', 'GRÖN', 'blå'), fc.string());
const instant = fc.oneof(
  fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Bodies shaped like the route expects, with every field sometimes wrong. (A go-live PUT keeps unit `u`, so the counts below stay readable.) */
const shaped: Record<string, fc.Arbitrary<unknown>> = {
  postUnitReport: fc.record({ colour, explanation: text, reportedAt: maybe(instant), id: maybe(fc.string()) }, { requiredKeys: [] }),
  postAreaReport: fc.record(
    {
      colour: maybe(colour),
      summary: text,
      overrideReason: maybe(text),
      problems: fc.array(
        fc.record(
          {
            title: text,
            size: fc.constantFrom('veryLarge', 'large', 'small', 'stor', 'liten', 'huge'),
            actions: maybe(text),
            obstacles: maybe(text),
            situation: maybe(fc.record({ facts: text })),
          },
          { requiredKeys: ['title', 'size'] },
        ),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: [] },
  ),
  postIncident: fc.record(
    {
      title: text,
      priority: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.string()),
      description: maybe(text),
      areaIds: maybe(fc.array(fc.string(), { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
  postIncidentUpdate: fc.record(
    { text, priority: maybe(fc.integer({ min: 0, max: 5 })), status: maybe(fc.constantFrom('open', 'resolved', 'closed')) },
    { requiredKeys: [] },
  ),
  putGoLive: fc.record(
    {
      name: text,
      startDate: fc.oneof(fc.constant('2026-11-27'), fc.string()),
      timeZone: maybe(fc.constantFrom('Europe/Stockholm', 'Mars/Olympus', '')),
      forvaltningar: fc.constant([{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }]),
    },
    { requiredKeys: ['forvaltningar'] },
  ),
};

/** Bodies that no route expects. */
const hostile = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__":{"admin":true},"colour":"red","explanation":"x"}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[]',
    'null',
    '"x"',
    '1e999',
    '{"a":' + '['.repeat(2000) + ']'.repeat(2000) + '}',
  ),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ maxLength: 500 }),
);

const stackTrace = /\bat .+\.(ts|js):\d+|node_modules|Error: /;

async function countRecords(): Promise<number> {
  const reports = (await api.get(`/golives/${G}/units/u/reports?limit=1000`)).json.items.length as number;
  const areas = (await api.get(`/golives/${G}/areas/teknik/reports?limit=1000`)).json.items.length as number;
  const incidents = (await api.get(`/golives/${G}/incidents`)).json.items as { updates: unknown[] }[];
  return reports + areas + incidents.length + incidents.reduce((n, i) => n + i.updates.length, 0);
}

const fill = (path: string) =>
  path
    .replace(/^\/api/, '')
    .replace('{goLiveId}', G)
    .replace('{unitId}', 'u')
    .replace('{areaId}', 'teknik')
    .replace('{incidentId}', 'i')
    .replace(/\{[^}]+\}/g, 'x');

it('has write routes to fuzz', () => expect(writeRoutes.length).toBeGreaterThanOrEqual(5));

it('every write route: no 5xx, problem documents, no stack traces, no partial writes', async () => {
  const perRoute: Record<string, number> = {};
  for (const route of writeRoutes) {
    const path = fill(route.path);
    const bodies = fc.oneof(
      { arbitrary: (shaped[route.name] ?? hostile).map((b) => (typeof b === 'string' ? b : JSON.stringify(b))), weight: 3 },
      { arbitrary: hostile, weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const before = await countRecords();
        const r = await api.raw(route.method, path, body, 'application/json');
        const after = await countRecords();
        if (r.status >= 500) throw new Error(`${route.name}: ${r.status} for ${body.slice(0, 200)}`);
        if (stackTrace.test(r.text)) throw new Error(`${route.name}: stack trace in ${r.text.slice(0, 300)}`);
        if (r.status >= 400) {
          expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(after).toBe(before);
        } else if (route.name !== 'putGoLive') {
          expect(after - before).toBeLessThanOrEqual(1);
        }
        perRoute[route.name] = (perRoute[route.name] ?? 0) + 1;
      }),
      { numRuns: RUNS, seed: 20261127 },
    );
  }
  console.log(`fuzz cases per route: ${JSON.stringify(perRoute)}`);
  for (const r of writeRoutes) expect(perRoute[r.name]).toBe(RUNS);
}, 400_000);
