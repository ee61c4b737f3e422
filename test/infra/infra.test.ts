/**
 * Facts the code and infra/ must agree on besides the app settings (no Bicep compiler runs
 * offline, so these are read from the files).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('infra/ and the code agree', () => {
  it('the Cosmos container is partitioned by the key the adapters write (/goLiveId)', () => {
    const bicep = read('infra/app/cosmos.bicep');
    expect(bicep).toMatch(/partitionKey: \{\s*paths: \[\s*'\/goLiveId'\s*\]/);
    // Both Cosmos adapters (repository, outbox) open the container through this one module.
    expect(read('shared/adapters/cosmos/connection.ts')).toContain("paths: ['/goLiveId']");
    for (const adapter of ['shared/adapters/cosmos/cosmos.repository.ts', 'shared/adapters/outbox/cosmos.outbox.ts'])
      expect(read(adapter)).toContain('openContainer(opts)');
  });

  it('Sweden Central is the only region (healthcare data stays in Sweden)', () => {
    const main = read('infra/main.bicep');
    const allowed = /@allowed\(\[\s*([^\]]*)\]\)\s*@metadata\(\{\s*azd: \{\s*type: 'location'/.exec(main);
    expect(allowed?.[1]?.trim()).toBe("'swedencentral'");
    expect(main).toMatch(/^param location string = 'swedencentral'$/m);
    expect(read('infra/main.parameters.json')).toContain('${AZURE_LOCATION=swedencentral}');
  });

  it('azd deploys the api service to the Function App tagged for it, on Node 22 (functionAppConfig.runtime), as CI tests', () => {
    expect(read('azure.yaml')).toMatch(/^services:\n {2}api:\n {4}project: \.\n {4}language: ts\n {4}host: function$/m);
    expect(read('infra/app/api.bicep')).toMatch(/^param serviceName string = 'api'$/m);
    expect(read('infra/main.bicep')).toMatch(/runtimeName: 'node'\n\s*runtimeVersion: '22'/);
    expect(read('infra/app/api.bicep')).toMatch(/runtime: \{\s*name: runtimeName\s*version: runtimeVersion\s*\}/);
    expect(read('infra/app/api.bicep')).not.toMatch(/linuxFxVersion/); // Flex takes functionAppConfig.runtime only
    // The package declares the Node it runs on in Azure, and CI runs the tests on that major.
    expect(JSON.parse(read('package.json')).engines.node).toBe('>=22');
    expect(read('.ci/run')).toMatch(/^NODE22_VERSION=22\.\d+\.\d+$/m);
    expect(read('.ci/run')).toMatch(/^PATH="\$NODE22\/bin:\$PATH" npm test$/m);
    expect(JSON.parse(read('package.json')).main).toBe('dist/functions/index.js');
  });

  it('connections are by identity: no keys, no connection strings, no client secrets', () => {
    const all = fs
      .readdirSync(path.join(ROOT, 'infra'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.bicep'))
      .map((f) => read(path.join('infra', f)))
      .join('\n');
    expect(all).toMatch(/allowSharedKeyAccess: false/);
    // Cosmos DB, Application Insights, Communication Services.
    expect(all.match(/disableLocalAuth: true/g)).toHaveLength(3);
    expect(all).not.toMatch(/listKeys\(|listConnectionStrings\(|primaryMasterKey|AccountKey=/);
  });
});
