/**
 * Faults between the app and its store, end to end: throttling, 503s, timeouts before and
 * after a write, ETag conflicts — 25 % of all store calls. Clients do what the API tells
 * them: on 503 they wait Retry-After and send the same request with the same key. At the
 * end every acknowledged write is stored exactly once, nothing unacknowledged is invented,
 * and no answer is a 500.
 */
import { startApi, type Api } from './harness';

let api: Api;
const G = '/golives/fel';

beforeAll(async () => {
  api = await startApi({
    start: '2026-11-27T10:00:00Z',
    faults: { rate: 0.25, faults: ['throttled', 'unavailable', 'timeoutBefore', 'timeoutAfter', 'conflict'], seed: 17 },
  });
  // The organisation itself is written through the same faults: retry until it lands.
  for (let i = 0; i < 20; i++) {
    const r = await api.put(G, {
      name: 'Fel',
      startDate: '2026-11-27',
      forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u', name: 'U' }] }],
    });
    if (r.status === 200 || r.status === 201) break;
    expect(r.status).toBe(503);
  }
});
afterAll(async () => api?.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of every route
async function untilAccepted(send: () => Promise<{ status: number; headers: Headers; json: any }>) {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await send();
    statuses.push(r.status);
    if (r.status !== 503) return { final: r, statuses };
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.json.code).toBe('STORE.UNAVAILABLE');
  }
  throw new Error(`never accepted: ${statuses.join(',')}`);
}

it('200 reports and 50 incident updates through faulty storage: each acknowledged write exactly once, never a 500', async () => {
  const seen: number[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const { final, statuses } = await untilAccepted(() =>
      api.post(`${G}/units/u/reports`, { colour: 'gul', explanation: `r${i}` }, { 'idempotency-key': `k${i}` }),
    );
    seen.push(...statuses);
    expect(final.status).toBe(201);
    ids.add(final.json.id);
  }
  const inc = await untilAccepted(() => api.post(`${G}/incidents`, { id: 'i1', title: 'T', priority: 1 }));
  expect(inc.final.status).toBe(201);
  for (let i = 0; i < 50; i++) {
    const { final, statuses } = await untilAccepted(() =>
      api.post(`${G}/incidents/i1/updates`, { text: `u${i}` }, { 'idempotency-key': `u${i}` }),
    );
    seen.push(...statuses);
    expect(final.status).toBe(201);
  }

  // Read back through faults too.
  const list = (await untilAccepted(() => api.get(`${G}/units/u/reports?limit=1000`))).final.json.items as { id: string }[];
  expect(list.map((r) => r.id).sort()).toEqual([...ids].sort());
  const incident = (await untilAccepted(() => api.get(`${G}/incidents`))).final.json.items[0];
  expect(incident.updates.map((u: { text: string }) => u.text)).toEqual(Array.from({ length: 50 }, (_, i) => `u${i}`));

  expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  const f = api.faults!;
  const injected = Object.values(f.injected).reduce((a, b) => a + b, 0);
  expect(f.injected.timeoutAfter).toBeGreaterThan(5);
  expect(f.injected.conflict).toBeGreaterThan(0);
  // Printed for the README's figures.
  console.log(
    `faults: ${injected} injected over ${f.calls} store calls ${JSON.stringify(f.injected)}; 503s seen by clients: ${seen.filter((s) => s === 503).length}`,
  );
});
