import { authenticate, parseClientPrincipal, parseMachineKeys } from '../../shared/http/auth';
import { loadConfig } from '../../shared/config';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const principalHeader = (claims: { typ: string; val: string }[]) =>
  Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');

const CLIENT = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const APP = { clientId: CLIENT, tenantId: TENANT };
const OID = '0f6c0000-0000-4000-8000-000000000001';

describe('App Service Authentication principal (Entra ID)', () => {
  const claims = [
    { typ: 'aud', val: CLIENT },
    { typ: 'iss', val: `https://login.microsoftonline.com/${TENANT}/v2.0` },
    { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: TENANT },
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OID },
    { typ: 'preferred_username', val: 'Karl.Koordinator@region.se' },
    { typ: 'name', val: 'Karl Koordinator' },
    { typ: 'roles', val: 'goLiveCoordinator' },
    { typ: 'roles', val: 'admin' },
  ];
  const header = principalHeader(claims);
  const without = (typ: string) => principalHeader(claims.filter((c) => c.typ !== typ));
  const replaced = (typ: string, val: string) => principalHeader(claims.map((c) => (c.typ === typ ? { typ, val } : c)));

  it('reads object id, e-mail, name and app roles from x-ms-client-principal for our app and tenant', () => {
    expect(parseClientPrincipal(header, APP)).toEqual({
      principal: {
        kind: 'user',
        id: OID,
        oid: OID,
        email: 'Karl.Koordinator@region.se',
        name: 'Karl Koordinator',
        appRoles: ['goLiveCoordinator', 'admin'],
      },
    });
    // v1.0 issuer and the api:// audience are the same app and tenant.
    const v1 = principalHeader(
      claims.map((c) =>
        c.typ === 'iss'
          ? { typ: 'iss', val: `https://sts.windows.net/${TENANT}/` }
          : c.typ === 'aud'
            ? { typ: 'aud', val: `api://${CLIENT}` }
            : c,
      ),
    );
    expect(parseClientPrincipal(v1, APP)).toHaveProperty('principal.oid', OID);
  });

  it('refuses a principal for another app, another tenant, without audience/issuer or object id (issue 13)', () => {
    expect(parseClientPrincipal(replaced('aud', '99999999-2222-3333-4444-555555555555'), APP)).toEqual({ refused: 'audience' });
    expect(parseClientPrincipal(without('aud'), APP)).toEqual({ refused: 'audience' });
    expect(
      parseClientPrincipal(replaced('iss', 'https://login.microsoftonline.com/bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee/v2.0'), APP),
    ).toEqual({ refused: 'issuer' });
    expect(parseClientPrincipal(replaced('iss', `https://evil.example/${TENANT}.attacker/v2.0`), APP)).toEqual({ refused: 'issuer' });
    expect(parseClientPrincipal(without('iss'), APP)).toEqual({ refused: 'issuer' });
    expect(
      parseClientPrincipal(replaced('http://schemas.microsoft.com/identity/claims/tenantid', 'bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee'), APP),
    ).toEqual({ refused: 'issuer' });
    // Only the lead's e-mail as preferred_username, no object id: nobody.
    expect(parseClientPrincipal(without('http://schemas.microsoft.com/identity/claims/objectidentifier'), APP)).toEqual({
      refused: 'no-object-id',
    });
    // Without a configured app registration nothing is trusted.
    expect(parseClientPrincipal(header, undefined)).toEqual({ refused: 'not-configured' });
  });

  it('in appservice mode, no header means anonymous, dev headers mean nothing, a refused header is 401 not anonymous', () => {
    const a = authenticate(headers({ 'x-dev-user': 'anna@x.se', 'x-dev-roles': 'admin' }), 'appservice', [], APP);
    expect(a).toEqual({ ok: true, principal: { kind: 'anonymous' } });
    const b = authenticate(headers({ 'x-ms-client-principal': header }), 'appservice', [], APP);
    expect(b.ok && b.principal.kind).toBe('user');
    expect(authenticate(headers({ 'x-ms-client-principal': replaced('aud', 'other') }), 'appservice', [], APP)).toEqual({
      ok: false,
      refused: 'audience',
    });
  });

  it('a malformed principal header is refused', () => {
    expect(parseClientPrincipal('bm90IGpzb24=', APP)).toEqual({ refused: 'malformed' });
    expect(parseClientPrincipal(Buffer.from(JSON.stringify({ claims: [] })).toString('base64'), APP)).toEqual({ refused: 'no-object-id' });
  });
});

describe('machine keys', () => {
  const keys = parseMachineKeys('import:unit-reports:0123456789abcdef;flow:organisation:fedcba9876543210');
  it('a right key gives its scope, a wrong one is refused', () => {
    expect(authenticate(headers({ 'x-functions-key': '0123456789abcdef' }), 'appservice', keys)).toEqual({
      ok: true,
      principal: { kind: 'machine', id: 'import', scope: 'unit-reports' },
    });
    expect(authenticate(headers({ 'x-functions-key': 'nope' }), 'appservice', keys)).toEqual({ ok: false, refused: 'key' });
  });
  it('refuses short secrets at start-up', () => {
    expect(() => parseMachineKeys('a:b:short')).toThrow(/16/);
    expect(() => loadConfig({ MACHINE_KEYS: 'a:b:short' })).toThrow(/MACHINE_KEYS/);
  });
});

describe('the configuration refuses to trust the wrong callers (issue 13)', () => {
  const appservice = { AUTH_MODE: 'appservice', AUTH_CLIENT_ID: CLIENT, AUTH_TENANT_ID: TENANT };

  it.each([
    ['WEBSITE_SITE_NAME', 'func-driftpuls'],
    ['WEBSITE_INSTANCE_ID', 'abc'],
    ['WEBSITE_HOSTNAME', 'func-driftpuls.azurewebsites.net'],
    ['CONTAINER_APP_NAME', 'driftpuls'],
    ['KUBERNETES_SERVICE_HOST', '10.0.0.1'],
  ])('refuses AUTH_MODE=dev when %s is set', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`AUTH_MODE: dev is refused.*${name}`));
  });

  it('refuses AUTH_MODE=appservice without App Service Authentication in front', () => {
    expect(() => loadConfig(appservice)).toThrow(/WEBSITE_AUTH_ENABLED/);
    expect(() => loadConfig({ ...appservice, WEBSITE_AUTH_ENABLED: 'False' })).toThrow(/WEBSITE_AUTH_ENABLED/);
    expect(loadConfig({ ...appservice, WEBSITE_AUTH_ENABLED: 'True', WEBSITE_SITE_NAME: 'func-driftpuls' }).AUTH_MODE).toBe('appservice');
  });

  it('refuses AUTH_MODE=appservice without the app registration and tenant, or when the platform signs in for another', () => {
    expect(() => loadConfig({ AUTH_MODE: 'appservice', WEBSITE_AUTH_ENABLED: 'True' })).toThrow(
      /AUTH_CLIENT_ID is required[\s\S]*AUTH_TENANT_ID is required/,
    );
    expect(() => loadConfig({ ...appservice, WEBSITE_AUTH_ENABLED: 'True', WEBSITE_AUTH_CLIENT_ID: 'someone-else' })).toThrow(
      /AUTH_CLIENT_ID: App Service Authentication signs in for/,
    );
    expect(() =>
      loadConfig({
        ...appservice,
        WEBSITE_AUTH_ENABLED: 'True',
        WEBSITE_AUTH_OPENID_ISSUER: 'https://sts.windows.net/bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee/',
      }),
    ).toThrow(/AUTH_TENANT_ID/);
    expect(
      loadConfig({
        ...appservice,
        WEBSITE_AUTH_ENABLED: 'True',
        WEBSITE_AUTH_CLIENT_ID: CLIENT,
        WEBSITE_AUTH_OPENID_ISSUER: `https://sts.windows.net/${TENANT}/v2.0`,
      }).AUTH_CLIENT_ID,
    ).toBe(CLIENT);
  });
});
