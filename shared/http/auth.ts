import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ADMIN_APP_ROLE, type Principal } from '../domain/principal';

/** How callers prove who they are. `appservice` in Azure; `dev` only on a developer's machine. */
export type AuthMode = 'appservice' | 'dev';

interface HeaderSource {
  get(name: string): string | null;
}

/** The App Service Authentication principal header: base64 JSON with typed claims. */
const ClientPrincipal = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).default([]),
});

const OID = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const TID = ['http://schemas.microsoft.com/identity/claims/tenantid', 'tid'];
const EMAIL = [
  'preferred_username',
  'email',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
];
const NAME = ['name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

/** The app registration and tenant whose sign-ins the app accepts (AUTH_CLIENT_ID, AUTH_TENANT_ID). */
export interface EntraApp {
  clientId: string;
  tenantId: string;
}

/** Why a principal header was refused; undefined when it was accepted. */
export type PrincipalRefusal = 'malformed' | 'no-object-id' | 'audience' | 'issuer' | 'not-configured';

const lower = (s: string | undefined) => s?.trim().toLowerCase();

/**
 * Reads `x-ms-client-principal` as App Service Authentication (Entra ID) sets it: base64
 * JSON with the ID token's claims. Accepted only when it names an object id (`oid`, the
 * person's immutable id in Entra) and its audience (`aud`) is our app registration and its
 * issuer (`iss`, and `tid` when present) our tenant. Without `app` (no AUTH_CLIENT_ID) nothing
 * is accepted. The e-mail claims are kept for notifications, never for matching.
 */
export function parseClientPrincipal(
  header: string | null,
  app?: EntraApp,
): { principal: Principal } | { refused: PrincipalRefusal } | undefined {
  if (!header) return undefined;
  let parsed: z.infer<typeof ClientPrincipal>;
  try {
    parsed = ClientPrincipal.parse(JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
  } catch {
    return { refused: 'malformed' };
  }
  const first = (types: string[]) => parsed.claims.find((c) => types.includes(c.typ))?.val;
  const oid = lower(first(OID));
  if (!oid) return { refused: 'no-object-id' };
  if (!app) return { refused: 'not-configured' };
  const clientId = app.clientId.toLowerCase();
  const tenantId = app.tenantId.toLowerCase();
  const aud = lower(first(['aud']));
  if (aud !== clientId && aud !== `api://${clientId}`) return { refused: 'audience' };
  // v2.0: https://login.microsoftonline.com/{tid}/v2.0; v1.0: https://sts.windows.net/{tid}/.
  const iss = lower(first(['iss']));
  const issuerTenant = iss ? /^https:\/\/[^/]+\/([0-9a-f-]{36})(\/|$)/.exec(iss)?.[1] : undefined;
  const tid = lower(first(TID));
  if (issuerTenant !== tenantId || (tid !== undefined && tid !== tenantId)) return { refused: 'issuer' };
  const roleType = parsed.role_typ ?? 'roles';
  const appRoles = parsed.claims.filter((c) => c.typ === roleType || c.typ === 'roles').map((c) => c.val);
  return { principal: { kind: 'user', id: oid, oid, name: first(NAME), email: first(EMAIL), appRoles: [...new Set(appRoles)] } };
}

/** One machine key: a name for the logs, the scope it grants, the secret's SHA-256. */
export interface MachineKey {
  name: string;
  scope: string;
  sha256: Buffer;
}

/** `name:scope:secret` entries separated by `;` (from Key Vault in Azure). */
export function parseMachineKeys(value: string | undefined): MachineKey[] {
  if (!value) return [];
  return value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, scope, ...rest] = entry.split(':');
      const secret = rest.join(':');
      if (!name || !scope || secret.length < 16)
        throw new Error('MACHINE_KEYS: each entry is name:scope:secret with a secret of at least 16 characters');
      return { name, scope, sha256: createHash('sha256').update(secret).digest() };
    });
}

/** The dev principal when no dev header is sent: an administrator, so curl works out of the box. */
export const DEFAULT_DEV_PRINCIPAL: Principal = { kind: 'user', id: 'utvecklare', name: 'Utvecklare (lokal)', appRoles: [ADMIN_APP_ROLE] };

export type Authentication = { ok: true; principal: Principal } | { ok: false; refused: 'key' | 'remote' | PrincipalRefusal };

/**
 * Set by the local runtime's HTTP host on every request it hands to a function: `remote` when
 * the socket peer is outside loopback, `loopback` otherwise. The host drops whatever a caller
 * sent under this name first, so it cannot be forged through that host (issue 13 item 7).
 */
export const PEER_HEADER = 'x-driftpuls-peer';

/**
 * Who is calling. A key header wins (`x-functions-key`, as Azure's function keys); a wrong
 * key is refused rather than treated as anonymous. Then the signed-in user: in `appservice`
 * mode from `x-ms-client-principal` (App Service Authentication strips that header from
 * outside requests; config refuses `appservice` unless it runs in front), checked against
 * `app`; a header that fails the check is refused, not treated as anonymous. In `dev` mode
 * from `x-dev-user` (a person id or e-mail of the go-live) and optional `x-dev-roles` (app
 * roles, comma-separated), or the default dev principal — but only from loopback: a request the
 * local host marks as from a remote peer (`PEER_HEADER`) needs a key, else it is refused.
 */
export function authenticate(headers: HeaderSource, mode: AuthMode, keys: readonly MachineKey[], app?: EntraApp): Authentication {
  const key = headers.get('x-functions-key') ?? headers.get('x-driftpuls-key');
  if (key !== null) {
    const hash = createHash('sha256').update(key).digest();
    const match = keys.find((k) => timingSafeEqual(k.sha256, hash));
    return match ? { ok: true, principal: { kind: 'machine', id: match.name, scope: match.scope } } : { ok: false, refused: 'key' };
  }
  if (mode === 'appservice') {
    const read = parseClientPrincipal(headers.get('x-ms-client-principal'), app);
    if (!read) return { ok: true, principal: { kind: 'anonymous' } };
    return 'principal' in read ? { ok: true, principal: read.principal } : { ok: false, refused: read.refused };
  }
  // Dev identities are for a developer's own machine: from outside loopback only a key says who
  // is calling (issue 13 item 7); no default administrator, no x-dev-user.
  if (headers.get(PEER_HEADER) === 'remote') return { ok: false, refused: 'remote' };
  const devUser = headers.get('x-dev-user')?.trim();
  if (!devUser) return { ok: true, principal: DEFAULT_DEV_PRINCIPAL };
  if (devUser === 'anonymous') return { ok: true, principal: { kind: 'anonymous' } };
  const roles = (headers.get('x-dev-roles') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    ok: true,
    principal: { kind: 'user', id: devUser, email: devUser.includes('@') ? devUser : undefined, name: devUser, appRoles: roles },
  };
}
