/**
 * Least privilege (issue 18, item 8), read from infra/ (no Bicep compiler runs offline) and,
 * for the Entra script, by running it against stand-ins for `az` and `azd` that record calls.
 * docs/deploy.md (Least privilege) gives the sources.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIVITY_TYPE, teamsDeepLink } from '../../shared/adapters/graph/activity-request';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const rbac = read('infra/app/rbac.bicep');
const main = read('infra/main.bicep');
const params = (JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> }).parameters;

/** The body of `resource <name> '…' = … {` up to its closing brace at column 0. */
function resourceBlock(bicep: string, name: string): string {
  const m = new RegExp(`^resource ${name} '[^']+' = [^\\n]*\\{\\n([\\s\\S]*?)^\\}`, 'm').exec(bicep);
  expect(m).not.toBeNull();
  return m![1]!;
}

describe('Communication Services: a role that can send, not own', () => {
  it('defines a custom role with exactly the documented send permissions, assignable in the resource group only', () => {
    const def = resourceBlock(rbac, 'emailSenderDefinition');
    expect(rbac).toMatch(
      /^resource emailSenderDefinition 'Microsoft\.Authorization\/roleDefinitions@[^']+' = if \(emailSenderRole == 'custom'\)/m,
    );
    const actions = /var emailSenderActions = \[\n([\s\S]*?)\n\]/
      .exec(rbac)![1]!
      .trim()
      .split(/\s*\n\s*/);
    expect(actions).toEqual([
      "'Microsoft.Communication/CommunicationServices/Read'",
      "'Microsoft.Communication/CommunicationServices/Write'",
      "'Microsoft.Communication/EmailServices/write'",
    ]);
    expect(def).toMatch(/actions: emailSenderActions\s*notActions: \[\]\s*dataActions: \[\]/);
    expect(def).toMatch(/assignableScopes: \[\s*resourceGroup\(\)\.id\s*\]/);
    // Nothing that lists keys, deletes, or reaches other resources.
    expect(actions.join()).not.toMatch(/\*|ListKeys|delete|RegenerateKey/i);
  });

  it('assigns it on the one Communication Service, by default; the built-in owner role only when asked', () => {
    const assignment = resourceBlock(rbac, 'emailSender');
    expect(assignment).toMatch(/scope: communicationService\n/);
    expect(assignment).toMatch(/roleDefinitionId: emailSenderRoleId/);
    const ownerRole = /subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', roles\.communicationAndEmailServiceOwner\)/;
    expect(rbac).toMatch(
      new RegExp(/var emailSenderRoleId = emailSenderRole == 'custom'\s*\? emailSenderDefinition\.id\s*: /.source + ownerRole.source),
    );
    expect(main).toMatch(/^param emailSenderRole string = 'custom'$/m);
    expect(rbac).toMatch(/^param emailSenderRole string = 'custom'$/m);
    expect(main).toMatch(/emailSenderRole: emailSenderRole/);
    expect(params.emailSenderRole?.value).toBe('${EMAIL_SENDER_ROLE=custom}');
  });

  it('every role assignment is scoped to one resource, none to the resource group or subscription', () => {
    const assignments = [...rbac.matchAll(/^resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[^']+' = \{/gm)].map((m) => m[1]!);
    expect(assignments.length).toBeGreaterThanOrEqual(6);
    for (const a of assignments)
      expect(resourceBlock(rbac, a)).toMatch(/^ {2}scope: (storageAccount|applicationInsights|keyVault|communicationService)$/m);
  });
});

describe('Cosmos DB: the data role reaches the app’s database only', () => {
  it('scopes the Built-in Data Contributor assignment to /dbs/<database>, not the account', () => {
    const cosmos = resourceBlock(rbac, 'cosmosData');
    expect(cosmos).toMatch(/scope: '\$\{cosmosAccount\.id\}\/dbs\/\$\{cosmosDatabaseName\}'/);
    expect(cosmos).not.toMatch(/scope: cosmosAccount\.id/);
    expect(cosmos).toMatch(/sqlRoleDefinitions\/\$\{cosmosDataContributor\}/);
    expect(rbac).toMatch(/var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'/);
    // The database the app uses (COSMOS_DATABASE) is the one the role is scoped to.
    expect(main).toMatch(/cosmosDatabaseName: cosmos\.outputs\.databaseName/);
    expect(main).toMatch(/COSMOS_DATABASE: cosmosDatabaseName/);
    expect(read('infra/app/cosmos.bicep')).toMatch(/output databaseName string = database\.name/);
  });
});

describe('Teams activity feed by resource-specific consent (TeamsActivity.Send.User)', () => {
  const manifest = JSON.parse(read('infra/teams/manifest.json')) as {
    manifestVersion: string;
    webApplicationInfo: { id: string; resource: string };
    authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
    activities: { activityTypes: { type: string; templateText: string }[] };
    staticTabs: { entityId: string; scopes: string[] }[];
  };

  it('the manifest asks for TeamsActivity.Send.User only, tied to the app registration', () => {
    const [major, minor] = manifest.manifestVersion.split('.').map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(112); // RSC in the manifest needs 1.12 or later
    expect(manifest.webApplicationInfo.id).toBe('{{AUTH_CLIENT_ID}}');
    expect(manifest.webApplicationInfo.resource).toMatch(/\S/);
    expect(manifest.authorization.permissions.resourceSpecific).toEqual([{ name: 'TeamsActivity.Send.User', type: 'Application' }]);
  });

  it('declares the activity type, template and tab the Graph adapter sends', () => {
    expect(manifest.activities.activityTypes).toEqual([{ type: ACTIVITY_TYPE, description: expect.any(String), templateText: '{title}' }]);
    const entity = /\/l\/entity\/[^/]+\/([^?]+)\?/.exec(teamsDeepLink('app', 'https://x.se/a'))![1];
    expect(manifest.staticTabs.map((t) => t.entityId)).toContain(entity);
    expect(manifest.staticTabs.find((t) => t.entityId === entity)!.scopes).toEqual(['personal']);
  });

  /** Runs entra-app.sh link with stand-ins for az and azd; returns the az calls. */
  function runLink(env: Record<string, string> = {}): string[] {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-az-'));
    const log = path.join(bin, 'calls.log');
    const values: Record<string, string> = {
      AUTH_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
      SERVICE_API_URI: 'https://func-api-x.azurewebsites.net',
      PUBLIC_BASE_URL: 'https://func-api-x.azurewebsites.net',
      API_IDENTITY_PRINCIPAL_ID: '22222222-2222-4222-8222-222222222222',
      AZURE_TENANT_ID: '33333333-3333-4333-8333-333333333333',
    };
    fs.writeFileSync(
      path.join(bin, 'azd'),
      `#!/usr/bin/env bash\ncase "$3" in\n${Object.entries(values)
        .map(([k, v]) => `  ${k}) echo '${v}' ;;`)
        .join('\n')}\n  *) exit 1 ;;\nesac\n`,
      { mode: 0o755 },
    );
    // az: record every call; answer the queries the script makes.
    fs.writeFileSync(
      path.join(bin, 'az'),
      [
        '#!/usr/bin/env bash',
        `echo "az $*" >> '${log}'`,
        'case "$*" in',
        `  *"appRoles[?value=='TeamsActivity.Send']"*) echo 'role-id-teamsactivity-send' ;;`,
        `  *"federated-credential list"*) echo 'driftpuls-managed-identity' ;;`,
        'esac',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    execFileSync('bash', [path.join(ROOT, 'infra/scripts/entra-app.sh'), 'link'], {
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: bin, ...env },
      stdio: 'pipe',
    });
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    fs.rmSync(bin, { recursive: true, force: true });
    return calls;
  }

  it('entra-app.sh link requests no tenant-wide Graph application permission by default', () => {
    const calls = runLink();
    expect(calls.some((c) => c.startsWith('az ad app update') && c.includes('--web-redirect-uris'))).toBe(true);
    expect(calls.filter((c) => /permission add .*=Role/.test(c))).toEqual([]);
    expect(calls.some((c) => c.includes('TeamsActivity.Send'))).toBe(false);
  });

  it('and requests TeamsActivity.Send only with GRAPH_PERMISSION=tenant', () => {
    const calls = runLink({ GRAPH_PERMISSION: 'tenant' });
    expect(calls.filter((c) => /permission add .*--api-permissions role-id-teamsactivity-send=Role/.test(c))).toHaveLength(1);
  });
});
