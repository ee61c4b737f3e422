/**
 * The Entra app registration's app roles (infra/entra/app-roles.json, applied by
 * infra/scripts/entra-app.sh) are the roles of R1 plus the administrator role, with the
 * Swedish labels people see when roles are assigned, and ids that never change (an id change
 * would drop every assignment).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROLE_LABELS, ROLES } from '../../shared/domain/golive';
import { ADMIN_APP_ROLE } from '../../shared/domain/principal';

const AppRole = z.strictObject({
  id: z.uuid(),
  value: z.string().regex(/^[A-Za-z][A-Za-z0-9.]*$/),
  displayName: z.string().min(1).max(120),
  description: z.string().min(1),
  allowedMemberTypes: z.array(z.enum(['User', 'Application'])).min(1),
  isEnabled: z.literal(true),
});

const file = path.resolve(__dirname, '../../infra/entra/app-roles.json');
const roles = z.array(AppRole).parse(JSON.parse(fs.readFileSync(file, 'utf8')));

describe('app roles of the Entra app registration', () => {
  it('are exactly the roles of R1 and the administrator role', () => {
    expect(roles.map((r) => r.value).sort()).toEqual([ADMIN_APP_ROLE, ...ROLES].sort());
  });

  it('carry the Swedish label of each role', () => {
    for (const role of ROLES) expect(roles.find((r) => r.value === role)?.displayName).toBe(ROLE_LABELS[role].sv);
  });

  it('have distinct ids', () => {
    expect(new Set(roles.map((r) => r.id)).size).toBe(roles.length);
  });
});

describe('sign-in declarations (issue 18, item 7)', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

  it('the app registration declares the delegated Graph permissions sign-in asks for', () => {
    const delegated = z
      .array(z.strictObject({ value: z.string(), id: z.uuid() }))
      .parse(JSON.parse(read('infra/entra/graph-delegated.json')));
    expect(delegated.map((p) => p.value)).toEqual(['openid', 'profile', 'email', 'User.Read']);
    // Microsoft Graph's published ids of these delegated permissions.
    expect(delegated.map((p) => p.id)).toEqual([
      '37f7f235-527c-4136-accd-4a02d197296e',
      '14dad69e-099b-42c9-810b-d002981feec1',
      '64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0',
      'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
    ]);
    const script = read('infra/scripts/entra-app.sh');
    expect(script).toContain('delegated_file="$here/../entra/graph-delegated.json"');
    expect(script).toMatch(/az ad app permission add --id "\$app_id" --api "\$graph_app_id" --api-permissions \$scopes/);
  });

  it('Easy Auth accepts tokens for this app only (audience and client application)', () => {
    const api = read('infra/app/api.bicep');
    expect(api).toMatch(/allowedAudiences: \[\s*'api:\/\/\$\{authClientId\}'\s*authClientId\s*\]/);
    expect(api).toMatch(/defaultAuthorizationPolicy: \{\s*allowedApplications: \[\s*authClientId\s*\]/);
  });
});
