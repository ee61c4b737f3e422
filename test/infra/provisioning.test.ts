/**
 * Provisioning that works the first time and again after `azd down` (issue 18, items 4 and 5),
 * read from the files (no Bicep compiler runs offline; docs/deploy.md says what was not
 * validated).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const main = read('infra/main.bicep');
const params = (JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> }).parameters;

/** The decorators written right above `param <name>`. */
function decorators(bicep: string, name: string): string {
  const lines = bicep.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^param ${name}\\b`).test(l));
  expect(at).toBeGreaterThan(0);
  const out: string[] = [];
  for (let i = at - 1; i >= 0 && lines[i]!.startsWith('@'); i--) out.unshift(lines[i]!);
  return out.join('\n');
}

describe('e-mail sender', () => {
  it('defaults to DoNotReply@<domain>, which a custom domain has before any quota increase', () => {
    expect(main).toMatch(/^param emailSenderUsername string = 'DoNotReply'$/m);
    const comm = read('infra/app/communication.bicep');
    expect(comm).toMatch(/^param senderUsername string = 'DoNotReply'$/m);
    // No sender-username resource for DoNotReply (it exists already; others are refused until the quota is raised).
    expect(comm).toMatch(/var extraSender = !empty\(customDomain\) && toLower\(senderUsername\) != 'donotreply'/);
    expect(comm).toMatch(/resource customSender '[^']+' = if \(extraSender\)/);
    expect(comm).toMatch(
      /\? '\$\{senderUsername\}@\$\{customDomain\}'\s*: 'DoNotReply@\$\{managedDomain\.properties\.mailFromSenderDomain\}'/,
    );
    expect(params.emailSenderUsername?.value).toBe('${ACS_SENDER_USERNAME=DoNotReply}');
  });
});

describe('Key Vault after azd down (purge protection holds the name for 90 days)', () => {
  it('a salt gives the environment a new vault name, and only when set', () => {
    expect(main).toMatch(
      /var keyVaultToken = empty\(keyVaultNameSalt\) \? resourceToken : toLower\(uniqueString\(subscription\(\)\.id, environmentName, location, keyVaultNameSalt\)\)/,
    );
    expect(main).toMatch(/name: '\$\{abbrs\.keyVaultVaults\}\$\{keyVaultToken\}'/);
    expect(params.keyVaultNameSalt?.value).toBe('${KEY_VAULT_NAME_SALT}');
  });

  it('or the soft-deleted vault is recovered with its secrets, for one provision', () => {
    expect(main).toMatch(/^param keyVaultRecover bool = false$/m);
    expect(main).toMatch(/recoverSoftDeleted: keyVaultRecover/);
    expect(read('infra/app/keyvault.bicep')).toMatch(/createMode: recoverSoftDeleted \? 'recover' : 'default'/);
    expect(params.keyVaultRecover?.value).toBe('${KEY_VAULT_RECOVER=false}');
  });
});

describe('Flex Consumption limits', () => {
  it('maximumInstanceCount cannot go below the documented minimum of 40', () => {
    expect(decorators(main, 'maximumInstanceCount')).toMatch(/@minValue\(40\)/);
    expect(decorators(main, 'maximumInstanceCount')).toMatch(/@maxValue\(1000\)/);
    expect(main).toMatch(/^param maximumInstanceCount int = (\d+)$/m);
    expect(Number(/^param maximumInstanceCount int = (\d+)$/m.exec(main)![1])).toBeGreaterThanOrEqual(40);
    expect(params.maximumInstanceCount?.value).toBe('${MAXIMUM_INSTANCE_COUNT=40}');
  });
});

describe('Durable Functions on Flex Consumption', () => {
  it('keeps one instance of the durable group always ready by default', () => {
    expect(main).toMatch(/^param durableAlwaysReadyInstances int = 1$/m);
    expect(decorators(main, 'durableAlwaysReadyInstances')).toMatch(/@minValue\(0\)/);
    expect(main).toMatch(/durableAlwaysReadyInstances: durableAlwaysReadyInstances/);
    expect(read('infra/app/api.bicep')).toMatch(/name: 'durable'\s*instanceCount: durableAlwaysReadyInstances/);
    expect(params.durableAlwaysReadyInstances?.value).toBe('${DURABLE_ALWAYS_READY_INSTANCES=1}');
  });

  it('polls its queues at least every 10 s', () => {
    const host = JSON.parse(read('host.json')) as {
      extensions: { durableTask: { storageProvider?: { maxQueuePollingInterval?: string } } };
    };
    const interval = host.extensions.durableTask.storageProvider?.maxQueuePollingInterval ?? '00:00:30'; // the default is 30 s
    const [h, m, sec] = interval.split(':').map(Number);
    expect(h! * 3600 + m! * 60 + sec!).toBeLessThanOrEqual(10);
  });

  it('and the cost estimate shows what that costs', () => {
    expect(read('docs/deploy.md')).toMatch(/^\| always-ready instance for Durable \(`DURABLE_ALWAYS_READY_INSTANCES=1`\) \|/m);
  });
});
