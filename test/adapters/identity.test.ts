/**
 * In Azure the app signs in as its user-assigned managed identity and nothing else
 * (issue 18, item 12): ManagedIdentityCredential, not DefaultAzureCredential's chain.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { appCredential } from '../../shared/adapters/identity';

const ROOT = path.resolve(__dirname, '../..');

describe('the credential the app signs in with', () => {
  it('in Azure: the user-assigned managed identity named by AZURE_CLIENT_ID', async () => {
    const credential = await appCredential({ WEBSITE_SITE_NAME: 'func-api-x', AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555' });
    expect(credential).toBeInstanceOf(ManagedIdentityCredential);
    expect(credential).not.toBeInstanceOf(DefaultAzureCredential);
  });

  it("elsewhere: DefaultAzureCredential (a developer's az login)", async () => {
    expect(await appCredential({})).toBeInstanceOf(DefaultAzureCredential);
  });

  it('is the only place the app makes a DefaultAzureCredential (Cosmos, ACS and Graph use it)', () => {
    const files = ['shared', 'functions', 'local', 'orchestrations'].flatMap((dir) =>
      fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(dir, f)),
    );
    const makers = files.filter((f) => /new DefaultAzureCredential\(/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(makers).toEqual([path.join('shared', 'adapters', 'identity.ts')]);
    for (const user of [
      'shared/adapters/cosmos/connection.ts',
      'shared/adapters/email/acs-email.transport.ts',
      'shared/composition/notifications.ts',
    ])
      expect(fs.readFileSync(path.join(ROOT, user), 'utf8')).toMatch(/appCredential\(\)/);
  });
});
