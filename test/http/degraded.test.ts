/**
 * Start-up resilience (issue 18, item 6): a Key Vault reference App Service could not resolve
 * stays in the app setting as `@Microsoft.KeyVault(…)`. The app starts anyway, /api/health
 * names the setting, and only what needs it fails: here the machine keys and the DSL
 * channel's Teams posts, while everything else works.
 */
import { DEMO_GOLIVE_ID } from '../../shared/app/demo';
import { startApi, type Api } from './harness';

const REF = (secret: string) => `@Microsoft.KeyVault(VaultName=kv-driftpuls;SecretName=${secret})`;
const ENV: Record<string, string> = {
  MACHINE_KEYS: REF('machine-keys'),
  NOTIFY_TEAMS_WEBHOOK: 'on',
  TEAMS_WEBHOOK_DSL: REF('teams-webhook-dsl'),
  TEAMS_WEBHOOK_CSL: 'http://127.0.0.1:9/csl',
  TEAMS_WEBHOOK_LGV: 'http://127.0.0.1:9/lgv',
};

let api: Api;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  api = await startApi({ start: '2026-11-27T10:00:00Z', demo: true });
});
afterAll(async () => {
  await api?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

it('starts, and /api/health names the unresolved settings', async () => {
  const health = await api.get('/health');
  expect(health.status).toBe(200);
  expect(health.json).toMatchObject({ status: 'degraded', unresolvedSettings: ['MACHINE_KEYS', 'TEAMS_WEBHOOK_DSL'], store: 'embedded' });
});

it('serves everything that does not need them', async () => {
  expect((await api.get(`/golives/${DEMO_GOLIVE_ID}`)).status).toBe(200);
  expect((await api.get('/openapi.json')).status).toBe(200);
});

it('refuses machine keys (there are none without the secret)', async () => {
  const r = await api.get(`/golives/${DEMO_GOLIVE_ID}`, { 'x-functions-key': 'any-key-any-key-any-key' });
  expect(r.status).toBe(401);
});
