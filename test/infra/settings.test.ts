/**
 * The app settings infra/ gives the Function App and the environment shared/config.ts
 * validates, kept in step (deployment issue). Whoever adds a setting to one side gets told,
 * by name, what to add to the other.
 *
 * Rules:
 * - every key of ConfigSchema is set by infra/, or is deliberately local-only (LOCAL_ONLY,
 *   with a reason) and has a default or is optional;
 * - every app setting infra/ sets is read by ConfigSchema, or is a platform setting
 *   (PLATFORM, with who reads it);
 * - every %SETTING% the Functions host resolves (host.json, trigger bindings) is set;
 * - where infra/ takes a setting from a parameter with a default, and the code has a default
 *   too, the two agree.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigSchema } from '../../shared/config';
import { percentSettings, settingsBlocks, stringParamDefaults, type SettingsBlock } from './bicep';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Keys of ConfigSchema that Azure never sets, and why. Each must have a default or be optional. */
const LOCAL_ONLY: Record<string, string> = {
  COSMOS_KEY: 'account keys only for local Cosmos servers; in Azure local auth is off and the managed identity signs in',
  DRIFTPULS_DATA_DIR: 'folder of the embedded SQLite store, which Azure does not use (COSMOS_ENDPOINT is set)',
  EMBEDDED_SYNCHRONOUS: 'durability of the embedded SQLite store, which Azure does not use',
  EMBEDDED_STORE_THREAD: 'where the embedded SQLite store runs (worker thread or event loop), which Azure does not use',
  EMBEDDED_STORE_TIMEOUT_MS: 'bounded wait of the embedded SQLite store, which Azure does not use',
  DURABLE_STORE_THREAD: 'where the local runtime keeps its durable store, which Azure does not use',
  SHARED_ANSWER_MS: 'answers are shared by the embedded store’s state version only; on Cosmos nothing is shared',
  ACS_CONNECTION_STRING: 'access keys only for local e-mail servers and tests; in Azure ACS_ENDPOINT and the managed identity',
  OUTBOX_DIR: 'folder of embedded deliveries (.eml, card JSON); Azure delivers for real',
  GRAPH_BASE_URL: 'tests point it at a local server; Azure uses the default, Microsoft Graph itself',
};

/**
 * App settings infra/ sets that ConfigSchema does not read, and who does. Not here, because
 * Flex Consumption refuses them: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION
 * (functionAppConfig.runtime), WEBSITE_TIME_ZONE (timers run in UTC; local times are computed
 * in code).
 */
const PLATFORM: Record<string, string> = {
  AzureWebJobsStorage__credential: 'Functions host: AzureWebJobsStorage by managed identity',
  AzureWebJobsStorage__clientId: 'Functions host: which user-assigned identity',
  AzureWebJobsStorage__blobServiceUri: 'Functions host: blobs (locks, timer schedules, Durable large messages)',
  AzureWebJobsStorage__queueServiceUri: 'Durable Functions (Azure Storage backend): control and work-item queues',
  AzureWebJobsStorage__tableServiceUri: 'Durable Functions (Azure Storage backend): history and instances tables',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'Functions host and shared/observability.ts: telemetry',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Functions host: telemetry with Entra ID (local auth off)',
  OTEL_TRACES_SAMPLER: "@azure/monitor-opentelemetry (shared/observability.ts): the sampler of the app's spans",
  OTEL_TRACES_SAMPLER_ARG: '@azure/monitor-opentelemetry: the share of spans kept (overrides TRACE_SAMPLING_RATIO in code)',
  AZURE_CLIENT_ID: 'shared/adapters/identity.ts: ManagedIdentityCredential of the user-assigned identity (Cosmos, e-mail, Graph)',
  DURABLE_TASK_HUB: 'host.json extensions.durableTask.hubName (%DURABLE_TASK_HUB%)',
  OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: 'App Service Authentication: the managed identity stands in for a client secret',
};

const MAIN = 'infra/main.bicep';
const API = 'infra/app/api.bicep';

function blocksOf(file: string): SettingsBlock[] {
  return settingsBlocks(read(file));
}

const mainBlocks = blocksOf(MAIN);
const apiBlocks = blocksOf(API);
/** The app's own settings, passed to the api module from main.bicep. */
const appBlock = mainBlocks.find((b) => b.name === 'appSettings');
const allBlocks = [...mainBlocks, ...apiBlocks];

/** Key → where infra/ sets it. */
const infraSettings = new Map<string, string>();
for (const [file, blocks] of [
  [MAIN, mainBlocks],
  [API, apiBlocks],
] as const)
  for (const b of blocks) for (const key of b.entries.keys()) infraSettings.set(key, `${file} (${b.name}, from line ${b.line})`);

const shape = ConfigSchema.shape as Record<string, z.ZodType>;
const configKeys = Object.keys(shape);

/** What the schema does with an unset key: a default, optional, or required. */
function whenUnset(key: string): { kind: 'default'; value: unknown } | { kind: 'optional' } | { kind: 'required' } {
  const r = shape[key]!.safeParse(undefined);
  if (!r.success) return { kind: 'required' };
  return r.data === undefined ? { kind: 'optional' } : { kind: 'default', value: r.data };
}

const fail = (problems: string[]) => {
  if (problems.length) throw new Error(`\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
};

describe('infra/ is readable by this test', () => {
  it('main.bicep passes the app settings to the api module, api.bicep adds the platform ones', () => {
    expect(appBlock).toBeDefined();
    expect(appBlock!.entries.size).toBeGreaterThan(3);
    expect(apiBlocks.map((b) => b.name)).toEqual(['platformAppSettings']);
    // Nothing reaches the Function App except through these two objects.
    const api = read(API);
    expect(api).toMatch(/^var allAppSettings = union\(appSettings, platformAppSettings\)$/m);
    expect(api).toMatch(/^\s*appSettingsKeyValuePairs: allAppSettings$/m);
    expect(api.match(/appSettingsKeyValuePairs/g)).toHaveLength(1);
  });

  it('no key is set twice', () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const b of allBlocks)
      for (const key of b.entries.keys()) {
        if (seen.has(key)) problems.push(`${key} is set in ${seen.get(key)} and again in ${b.name}: union() keeps only one`);
        seen.set(key, b.name);
      }
    fail(problems);
  });
});

describe('app settings and shared/config.ts are in step', () => {
  it('every setting the code reads is set by infra/, or is local-only with a default', () => {
    const problems: string[] = [];
    for (const key of configKeys) {
      if (infraSettings.has(key)) continue;
      if (key in LOCAL_ONLY) continue;
      problems.push(
        `shared/config.ts reads ${key}, but infra/ does not set it. Add "${key}: <value>" to appSettings of module api in ${MAIN} ` +
          `(a secret: a Key Vault reference, see infra/app/keyvault.bicep), or, if it only makes sense on a developer's machine ` +
          `and has a default, add it with the reason to LOCAL_ONLY in test/infra/settings.test.ts.`,
      );
    }
    fail(problems);
  });

  it('every setting infra/ sets is read by the code, or is a platform setting', () => {
    const problems: string[] = [];
    for (const [key, where] of infraSettings) {
      if (configKeys.includes(key) || key in PLATFORM) continue;
      problems.push(
        `${where} sets ${key}, but shared/config.ts does not read it. Add ${key} to ConfigSchema, remove it from infra/, ` +
          `or, if the platform, the Functions host or an SDK reads it, add it with the reader to PLATFORM in test/infra/settings.test.ts.`,
      );
    }
    fail(problems);
  });

  it('local-only settings have a default or are optional, and Azure does not set them', () => {
    const problems: string[] = [];
    for (const key of Object.keys(LOCAL_ONLY)) {
      if (!configKeys.includes(key))
        problems.push(`LOCAL_ONLY lists ${key}, which shared/config.ts no longer reads: remove it from the list.`);
      else if (whenUnset(key).kind === 'required')
        problems.push(`${key} is local-only but required by shared/config.ts: give it a default, or set it in infra/.`);
      if (infraSettings.has(key))
        problems.push(`${key} is listed as local-only, but ${infraSettings.get(key)} sets it: remove one of the two.`);
    }
    fail(problems);
  });

  it('platform settings are set by infra/ and not read by the code (the list is not stale)', () => {
    const problems: string[] = [];
    for (const key of Object.keys(PLATFORM)) {
      if (!infraSettings.has(key)) problems.push(`PLATFORM lists ${key}, which infra/ does not set: remove it from the list.`);
      if (configKeys.includes(key))
        problems.push(`${key} is listed as a platform setting, but shared/config.ts reads it: remove it from PLATFORM.`);
    }
    fail(problems);
  });

  it('where both sides have a default, infra/ and the code agree', () => {
    const params = stringParamDefaults(read(MAIN));
    const problems: string[] = [];
    for (const [key, expr] of appBlock!.entries) {
      const fromParam = params.get(expr);
      if (fromParam === undefined || !configKeys.includes(key)) continue;
      const code = whenUnset(key);
      if (code.kind === 'default' && code.value !== fromParam)
        problems.push(
          `${key}: param ${expr} in ${MAIN} defaults to '${fromParam}', shared/config.ts to '${String(code.value)}'. Make them the same.`,
        );
    }
    fail(problems);
  });
});

describe('settings the Functions host resolves (%NAME%)', () => {
  const sources = ['host.json', ...listTs('functions'), ...listTs('orchestrations')];
  it.each(sources)('%s: every %%SETTING%% is set by infra/', (file) => {
    const missing = percentSettings(read(file)).filter((name) => !infraSettings.has(name));
    fail(
      missing.map(
        (name) =>
          `${file} uses %${name}%, which infra/ does not set: the host would not start the function in Azure. Add ${name} to appSettings in ${MAIN}.`,
      ),
    );
  });
});

function listTs(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}
