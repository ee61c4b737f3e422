import { authenticate, parseClientPrincipal, parseMachineKeys } from '../../shared/http/auth';
import { loadConfig } from '../../shared/config';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const principalHeader = (claims: { typ: string; val: string }[]) =>
  Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');

describe('App Service Authentication principal (Entra ID)', () => {
  const header = principalHeader([
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '0f6c-oid' },
    { typ: 'preferred_username', val: 'Karl.Koordinator@region.se' },
    { typ: 'name', val: 'Karl Koordinator' },
    { typ: 'roles', val: 'goLiveCoordinator' },
    { typ: 'roles', val: 'admin' },
  ]);

  it('reads id, e-mail, name and app roles from x-ms-client-principal', () => {
    expect(parseClientPrincipal(header)).toEqual({
      kind: 'user',
      id: '0f6c-oid',
      email: 'Karl.Koordinator@region.se',
      name: 'Karl Koordinator',
      appRoles: ['goLiveCoordinator', 'admin'],
    });
  });

  it('in appservice mode, no header means anonymous, and dev headers mean nothing', () => {
    const a = authenticate(headers({ 'x-dev-user': 'anna@x.se', 'x-dev-roles': 'admin' }), 'appservice', []);
    expect(a).toEqual({ ok: true, principal: { kind: 'anonymous' } });
    const b = authenticate(headers({ 'x-ms-client-principal': header }), 'appservice', []);
    expect(b.ok && b.principal.kind).toBe('user');
  });

  it('a malformed principal header is anonymous, not an error', () => {
    expect(parseClientPrincipal('bm90IGpzb24=')).toBeUndefined();
    expect(parseClientPrincipal(Buffer.from(JSON.stringify({ claims: [] })).toString('base64'))).toBeUndefined();
  });
});

describe('machine keys', () => {
  const keys = parseMachineKeys('import:unit-reports:0123456789abcdef;flow:organisation:fedcba9876543210');
  it('a right key gives its scope, a wrong one is refused', () => {
    expect(authenticate(headers({ 'x-functions-key': '0123456789abcdef' }), 'appservice', keys)).toEqual({
      ok: true,
      principal: { kind: 'machine', id: 'import', scope: 'unit-reports' },
    });
    expect(authenticate(headers({ 'x-functions-key': 'nope' }), 'appservice', keys)).toEqual({ ok: false });
  });
  it('refuses short secrets at start-up', () => {
    expect(() => parseMachineKeys('a:b:short')).toThrow(/16/);
    expect(() => loadConfig({ MACHINE_KEYS: 'a:b:short' })).toThrow(/MACHINE_KEYS/);
  });
});

describe('the dev principal is never accepted in Azure', () => {
  it('refuses AUTH_MODE=dev when WEBSITE_SITE_NAME is set', () => {
    expect(() => loadConfig({ WEBSITE_SITE_NAME: 'func-driftpuls' })).toThrow(/AUTH_MODE/);
    expect(loadConfig({ WEBSITE_SITE_NAME: 'func-driftpuls', AUTH_MODE: 'appservice' }).AUTH_MODE).toBe('appservice');
  });
});
