/** Notification settings at start-up: defaults for `npm start`, and a missing setting of an enabled channel named. */
import { ConfigError, loadConfig } from '../../shared/config';

const fails = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('notification configuration', () => {
  it('defaults to the embedded channels, a one-minute delivery timer and 30 mails a minute', () => {
    expect(loadConfig({})).toMatchObject({
      NOTIFY_EMAIL: 'embedded',
      NOTIFY_TEAMS_WEBHOOK: 'embedded',
      NOTIFY_TEAMS_ACTIVITY: 'embedded',
      NOTIFY_SCHEDULE: '0 */1 * * * *',
      ACS_MAX_PER_MINUTE: 30,
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
    });
  });

  it('ACS e-mail needs an endpoint (or a local connection string) and a sender', () => {
    const message = fails({ NOTIFY_EMAIL: 'acs' });
    expect(message).toMatch(
      /ACS_ENDPOINT: ACS_ENDPOINT \(or, for local servers, ACS_CONNECTION_STRING\) is required when NOTIFY_EMAIL=acs/,
    );
    expect(message).toMatch(/ACS_SENDER: ACS_SENDER is required when NOTIFY_EMAIL=acs/);
    expect(
      loadConfig({
        NOTIFY_EMAIL: 'acs',
        ACS_ENDPOINT: 'https://driftpuls.europe.communication.azure.com',
        ACS_SENDER: 'DoNotReply@driftpuls.example.se',
      }).NOTIFY_EMAIL,
    ).toBe('acs');
    expect(
      loadConfig({ NOTIFY_EMAIL: 'acs', ACS_CONNECTION_STRING: 'endpoint=http://127.0.0.1:9000/;accesskey=abc=', ACS_SENDER: 'a@b.se' })
        .NOTIFY_EMAIL,
    ).toBe('acs');
  });

  it('Teams channel posts need all three forums’ workflow URLs, naming each that is missing', () => {
    const message = fails({ NOTIFY_TEAMS_WEBHOOK: 'on', TEAMS_WEBHOOK_DSL: 'https://prod.westeurope.logic.azure.com/workflows/1' });
    expect(message).toMatch(/TEAMS_WEBHOOK_CSL: TEAMS_WEBHOOK_CSL is required when NOTIFY_TEAMS_WEBHOOK=on/);
    expect(message).toMatch(/TEAMS_WEBHOOK_LGV/);
    expect(message).not.toMatch(/TEAMS_WEBHOOK_DSL/);
  });

  it('the Graph activity feed needs tenant, app registration and Teams app', () => {
    const message = fails({ NOTIFY_TEAMS_ACTIVITY: 'graph', GRAPH_TENANT_ID: 'contoso.onmicrosoft.com' });
    expect(message).toMatch(/GRAPH_CLIENT_ID: GRAPH_CLIENT_ID is required when NOTIFY_TEAMS_ACTIVITY=graph/);
    expect(message).toMatch(/TEAMS_APP_ID: TEAMS_APP_ID is required/);
    expect(message).not.toMatch(/GRAPH_TENANT_ID/);
  });

  it('refuses unknown channel modes and malformed values, naming the setting', () => {
    expect(fails({ NOTIFY_EMAIL: 'smtp' })).toMatch(/NOTIFY_EMAIL/);
    expect(fails({ ACS_CONNECTION_STRING: 'just-a-key' })).toMatch(/ACS_CONNECTION_STRING: expected endpoint=…;accesskey=…/);
    expect(fails({ ACS_MAX_PER_MINUTE: '0' })).toMatch(/ACS_MAX_PER_MINUTE/);
    expect(fails({ TEAMS_WEBHOOK_DSL: 'not a url' })).toMatch(/TEAMS_WEBHOOK_DSL/);
  });

  it('a channel that is off needs nothing', () => {
    expect(loadConfig({ NOTIFY_EMAIL: 'off', NOTIFY_TEAMS_WEBHOOK: 'off', NOTIFY_TEAMS_ACTIVITY: 'off' })).toMatchObject({
      NOTIFY_EMAIL: 'off',
    });
  });
});

describe('an unresolved Key Vault reference (issue 18, item 6)', () => {
  const REF = '@Microsoft.KeyVault(VaultName=kv-driftpuls;SecretName=teams-webhook-dsl)';
  const on = { NOTIFY_TEAMS_WEBHOOK: 'on', TEAMS_WEBHOOK_CSL: 'https://example.org/csl', TEAMS_WEBHOOK_LGV: 'https://example.org/lgv' };

  it('does not stop start-up: the setting is left out and named in `unresolved`', () => {
    const config = loadConfig({ ...on, TEAMS_WEBHOOK_DSL: REF, MACHINE_KEYS: REF.replace('teams-webhook-dsl', 'machine-keys') });
    expect(config.unresolved).toEqual(['MACHINE_KEYS', 'TEAMS_WEBHOOK_DSL']);
    expect(config.TEAMS_WEBHOOK_DSL).toBeUndefined();
    expect(config.MACHINE_KEYS).toBeUndefined();
    expect(config.TEAMS_WEBHOOK_CSL).toBe('https://example.org/csl');
  });

  it('a setting that is simply missing or malformed still stops start-up, naming it', () => {
    expect(fails(on)).toMatch(/TEAMS_WEBHOOK_DSL is required when NOTIFY_TEAMS_WEBHOOK=on/);
    expect(fails({ ...on, TEAMS_WEBHOOK_DSL: 'KeyVault(teams-webhook-dsl)' })).toMatch(/TEAMS_WEBHOOK_DSL/);
  });

  it("names only the app's own settings, and nothing when all resolved", () => {
    expect(loadConfig({ SOME_PLATFORM_SETTING: REF }).unresolved).toBeUndefined();
    expect(loadConfig({ ...on, TEAMS_WEBHOOK_DSL: 'https://example.org/dsl' }).unresolved).toBeUndefined();
  });
});
