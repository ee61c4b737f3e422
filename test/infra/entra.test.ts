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
