/**
 * Dev mode never serves its default administrator to another machine (issue 13 item 7). The
 * local runtime bound to 0.0.0.0 with --allow-remote and MACHINE_KEYS: a keyless caller from
 * this machine's own non-loopback address (so the server sees a remote peer) gets 401
 * problem+json on the app's routes, and so does one that names a dev user; a machine key works
 * as its scope says; what anyone may read (health) stays readable; loopback is unchanged.
 */
import os from 'node:os';
import { startApi, type Api } from './harness';

const ORG_KEY = 'org-secret-0123456789abcdef';
const OUTSIDE = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
// A machine with loopback only cannot be called from "outside": the test shows as skipped there.
const itFromOutside = OUTSIDE ? it : it.skip;
if (!OUTSIDE) console.warn('remote-dev: no non-loopback IPv4 interface here; the outside-caller test is skipped');

let api: Api;
beforeAll(async () => {
  process.env.MACHINE_KEYS = `org-bot:organisation:${ORG_KEY}`;
  api = await startApi({ start: '2026-11-27T10:00:00Z', host: '0.0.0.0', allowRemote: true });
});
afterAll(async () => {
  delete process.env.MACHINE_KEYS;
  await api?.close();
});

const GOLIVE = {
  name: 'Fjärr',
  startDate: '2026-11-27',
  forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'akuten', name: 'Akuten' }] }],
  people: [{ id: 'lena', name: 'Lena', email: 'lena@example.org', roles: ['goLiveLead'] }],
};

itFromOutside('a keyless or dev-user caller from outside loopback gets 401 problem+json; a key and loopback work', async () => {
  const port = new URL(api.url).port;
  const remote = (p: string, init: RequestInit = {}) => fetch(`http://${OUTSIDE!}:${port}/api${p}`, init);
  const json = { 'content-type': 'application/json' };

  for (const headers of [{}, { 'x-dev-user': 'lena@example.org' }, { 'x-dev-user': 'lena', 'x-dev-roles': 'admin' }] as Record<
    string,
    string
  >[]) {
    const put = await remote('/golives/fjarr', { method: 'PUT', headers: { ...json, ...headers }, body: JSON.stringify(GOLIVE) });
    expect(put.status).toBe(401);
    expect(put.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await put.json()) as { code: string }).code).toBe('AUTH.UNAUTHENTICATED');
    const get = await remote('/golives/demo/overview', { headers });
    expect(get.status).toBe(401);
    expect(get.headers.get('content-type')).toMatch(/application\/problem\+json/);
  }
  // A forged peer header is replaced by the host's own.
  const forged = await remote('/golives/fjarr', {
    method: 'PUT',
    headers: { ...json, 'x-driftpuls-peer': 'loopback' },
    body: JSON.stringify(GOLIVE),
  });
  expect(forged.status).toBe(401);
  expect((await api.get('/golives/fjarr')).status).toBe(404);

  // What anyone may read stays readable; a key acts as its scope says.
  expect((await remote('/health')).status).toBe(200);
  const keyed = await remote('/golives/fjarr', {
    method: 'PUT',
    headers: { ...json, 'x-functions-key': ORG_KEY },
    body: JSON.stringify(GOLIVE),
  });
  expect(keyed.status).toBe(201);

  // Loopback: the developer's default administrator, as before.
  expect((await api.get('/golives/fjarr')).status).toBe(200);
  expect((await api.put('/golives/fjarr', { ...GOLIVE, name: 'Fjärr 2' })).status).toBe(200);
});
