/**
 * Who the app believes (issue 13, R1), through the running app: in appservice mode only a
 * principal for our app registration and tenant counts, and people are matched by their
 * Entra object id, never by an e-mail or preferred_username; dev mode refuses to start
 * where a platform hosts it.
 */
import { startApi, type Api } from './harness';

const CLIENT = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const LEAD_OID = '0f6c0000-0000-4000-8000-00000000001e';
const NEW_OID = '0f6c0000-0000-4000-8000-0000000000e1';
const ORG_KEY = 'organisation-secret-0123456789';
const G = 'identitet';

const principal = (claims: Record<string, string | string[]>, overrides: Partial<{ aud: string; iss: string }> = {}) =>
  Buffer.from(
    JSON.stringify({
      auth_typ: 'aad',
      name_typ: 'name',
      role_typ: 'roles',
      claims: Object.entries({
        aud: overrides.aud ?? CLIENT,
        iss: overrides.iss ?? `https://login.microsoftonline.com/${TENANT}/v2.0`,
        ...claims,
      }).flatMap(([typ, v]) => (Array.isArray(v) ? v : [v]).map((val) => ({ typ, val }))),
    }),
  ).toString('base64');
const as = (claims: Record<string, string | string[]>, overrides?: Partial<{ aud: string; iss: string }>) => ({
  'x-ms-client-principal': principal(claims, overrides),
});
const OID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

const ENV = {
  AUTH_MODE: 'appservice',
  AUTH_CLIENT_ID: CLIENT,
  AUTH_TENANT_ID: TENANT,
  WEBSITE_AUTH_ENABLED: 'True',
  MACHINE_KEYS: `org-bot:organisation:${ORG_KEY}`,
};

describe('appservice mode: principals for our app only, people by object id', () => {
  let api: Api;
  beforeAll(async () => {
    Object.assign(process.env, ENV);
    api = await startApi({ start: '2026-11-27T10:00:00Z' });
    const put = await api.put(
      `/golives/${G}`,
      {
        name: 'Identitet',
        startDate: '2026-11-27',
        forvaltningar: [{ id: 'f', name: 'F', units: [{ id: 'u1', name: 'U1' }] }],
        people: [
          { id: 'lead', name: 'Lena Lead', email: 'lena@region.example', roles: ['goLiveLead'], entraObjectId: LEAD_OID.toUpperCase() },
          { id: 'rut', name: 'Rut Rapportör', email: 'rut@region.example', roles: ['unitReporter'], unitIds: ['u1'] },
        ],
      },
      { 'x-functions-key': ORG_KEY },
    );
    expect(put.status).toBe(201);
    expect(put.json.people[0].entraObjectId).toBe(LEAD_OID);
  });
  afterAll(async () => {
    await api?.close();
    for (const k of Object.keys(ENV)) delete process.env[k];
  });

  const incident = { title: 'Inloggning långsam', priority: 2 };

  it('a hand-made principal for another app or tenant is refused with 401, even with the admin role', async () => {
    for (const forged of [
      as({ [OID_CLAIM]: LEAD_OID, roles: 'admin' }, { aud: 'api://another-app' }),
      as({ [OID_CLAIM]: LEAD_OID, roles: 'admin' }, { iss: 'https://sts.windows.net/bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee/' }),
    ]) {
      const r = await api.put(`/golives/${G}`, { name: 'Kapad', startDate: '2026-11-27' }, forged);
      expect(r.status).toBe(401);
      expect(r.json.detail).toBe('Inloggningen gäller inte den här tjänsten. Logga in igen.');
    }
    expect((await api.get(`/golives/${G}`, as({ [OID_CLAIM]: LEAD_OID }))).json.name).toBe('Identitet');
  });

  it("the lead's e-mail as preferred_username gives nothing: people are matched by object id", async () => {
    const r = await api.post(
      `/golives/${G}/incidents`,
      incident,
      as({ [OID_CLAIM]: NEW_OID, preferred_username: 'lena@region.example', email: 'lena@region.example' }),
    );
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain(`Ditt Entra-objekt-id är ${NEW_OID}`);
    // Without an object id there is no principal at all.
    expect((await api.get(`/golives/${G}`, as({ preferred_username: 'lena@region.example' }))).status).toBe(401);
    // The lead by object id (any case) is the lead.
    expect((await api.get(`/golives/${G}`, as({ [OID_CLAIM]: LEAD_OID.toUpperCase() }))).status).toBe(200);
  });

  it('an administrator binds a signed-in person to their object id; then they act as that person', async () => {
    const rut = as({ [OID_CLAIM]: NEW_OID, preferred_username: 'rut@region.example' });
    const report = { colour: 'gul', explanation: 'Långsamt' };
    expect((await api.post(`/golives/${G}/units/u1/reports`, report, rut)).status).toBe(403);
    // Only leads, coordinators, app admins or the organisation key may bind.
    expect((await api.put(`/golives/${G}/people/rut/entra-object-id`, { entraObjectId: NEW_OID }, rut)).status).toBe(403);
    const bind = await api.put(`/golives/${G}/people/rut/entra-object-id`, { entraObjectId: NEW_OID }, as({ [OID_CLAIM]: LEAD_OID }));
    expect(bind.status).toBe(200);
    expect(bind.json.people.find((p: { id: string }) => p.id === 'rut').entraObjectId).toBe(NEW_OID);
    expect((await api.post(`/golives/${G}/units/u1/reports`, report, rut)).status).toBe(201);
    // The same id on someone else is refused; a bad id names the field.
    const taken = await api.put(`/golives/${G}/people/lead/entra-object-id`, { entraObjectId: NEW_OID }, as({ [OID_CLAIM]: LEAD_OID }));
    expect(taken.status).toBe(409);
    const bad = await api.put(
      `/golives/${G}/people/rut/entra-object-id`,
      { entraObjectId: 'rut@region.example' },
      as({ [OID_CLAIM]: LEAD_OID }),
    );
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('entraObjectId');
    expect(
      (
        await api.put(
          `/golives/${G}/people/ingen/entra-object-id`,
          { entraObjectId: '0f6c0000-0000-4000-8000-0000000000e2' },
          as({ [OID_CLAIM]: LEAD_OID }),
        )
      ).status,
    ).toBe(404);
  });
});

describe('the app refuses to start on a configuration that trusts the wrong callers', () => {
  afterEach(() => {
    for (const k of ['CONTAINER_APP_NAME', 'KUBERNETES_SERVICE_HOST', 'WEBSITE_SITE_NAME', 'AUTH_MODE']) delete process.env[k];
  });

  it.each([['CONTAINER_APP_NAME'], ['KUBERNETES_SERVICE_HOST'], ['WEBSITE_SITE_NAME']])(
    'dev mode with %s set does not start (it served the default administrator)',
    async (name) => {
      process.env[name] = 'hosted';
      await expect(startApi({ start: '2026-11-27T10:00:00Z' })).rejects.toThrow(new RegExp(`AUTH_MODE: dev is refused.*${name}`));
    },
  );

  it('appservice mode without App Service Authentication in front does not start', async () => {
    Object.assign(process.env, { AUTH_MODE: 'appservice', AUTH_CLIENT_ID: CLIENT, AUTH_TENANT_ID: TENANT });
    try {
      await expect(startApi({ start: '2026-11-27T10:00:00Z' })).rejects.toThrow(/WEBSITE_AUTH_ENABLED/);
    } finally {
      delete process.env.AUTH_CLIENT_ID;
      delete process.env.AUTH_TENANT_ID;
    }
  });
});
