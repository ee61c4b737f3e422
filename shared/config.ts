import { z } from 'zod';

/**
 * Notification channels (e-mail, Teams channel posts, Teams activity feed). Each channel is
 * `off`, `embedded` (written under OUTBOX_DIR, the default for `npm start`) or its real
 * provider; an enabled provider without its settings fails start-up naming the setting.
 */
const NotificationSettings = {
  /** E-mail: `acs` = Azure Communication Services, `embedded` = .eml files, `off`. */
  NOTIFY_EMAIL: z.enum(['acs', 'embedded', 'off']).default('embedded'),
  /** ACS resource endpoint (https://<name>.<region>.communication.azure.com); the app's managed identity signs in. */
  ACS_ENDPOINT: z.url().optional(),
  /** ACS connection string (`endpoint=…;accesskey=…`): local servers and tests only; in Azure use ACS_ENDPOINT. */
  ACS_CONNECTION_STRING: z
    .string()
    .regex(/endpoint=[^;]+;\s*accesskey=[^;]+/i, { message: 'expected endpoint=…;accesskey=…' })
    .optional(),
  /** Sender address on a domain connected to the ACS resource, e.g. DoNotReply@driftpuls.example.se. */
  ACS_SENDER: z.email().optional(),
  /** ACS e-mail rate limit: mails per minute (a new resource allows about 30). */
  ACS_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Teams channel posts per forum (R5.4): `on` = Teams workflow webhooks, `embedded` = card JSON files, `off`. */
  NOTIFY_TEAMS_WEBHOOK: z.enum(['on', 'embedded', 'off']).default('embedded'),
  /** Workflow webhook URLs ("when a Teams webhook request is received"), one per forum channel; secrets (Key Vault). */
  TEAMS_WEBHOOK_DSL: z.url().optional(),
  TEAMS_WEBHOOK_CSL: z.url().optional(),
  TEAMS_WEBHOOK_LGV: z.url().optional(),
  /** Teams activity feed to coordinators: `graph` = Microsoft Graph sendActivityNotification, `embedded`, `off`. */
  NOTIFY_TEAMS_ACTIVITY: z.enum(['graph', 'embedded', 'off']).default('embedded'),
  /** Entra tenant and app registration (client id) of the Teams app: RSC TeamsActivity.Send.User (docs/deploy.md). */
  GRAPH_TENANT_ID: z.string().min(1).optional(),
  GRAPH_CLIENT_ID: z.string().min(1).optional(),
  /** Microsoft Graph root; tests point it at a local server. */
  GRAPH_BASE_URL: z.url().default('https://graph.microsoft.com'),
  /** The Teams app's org-catalog id (Teams admin center → App ID; not the manifest id), installed for the recipients; activity notices link into it. */
  TEAMS_APP_ID: z.string().min(1).optional(),
  /** NCRONTAB schedule of the outbox delivery timer (UTC, six fields). */
  NOTIFY_SCHEDULE: z.string().min(1).default('0 */1 * * * *'),
  /** Folder for embedded deliveries (.eml, card JSON); default `<DRIFTPULS_DATA_DIR>/outbox`. */
  OUTBOX_DIR: z.string().min(1).optional(),
};

type NotificationConfig = z.output<z.ZodObject<typeof NotificationSettings>>;

function checkNotificationSettings(c: NotificationConfig, ctx: z.RefinementCtx, unresolved: ReadonlySet<string>): void {
  const need = (setting: keyof NotificationConfig, because: string) => {
    // An unresolved Key Vault reference is reported by health; only its sender fails (degrade).
    if (c[setting] === undefined && !unresolved.has(setting))
      ctx.addIssue({ code: 'custom', path: [setting], message: `${setting} is required when ${because}` });
  };
  if (c.NOTIFY_EMAIL === 'acs') {
    if (!c.ACS_ENDPOINT && !c.ACS_CONNECTION_STRING)
      ctx.addIssue({
        code: 'custom',
        path: ['ACS_ENDPOINT'],
        message: 'ACS_ENDPOINT (or, for local servers, ACS_CONNECTION_STRING) is required when NOTIFY_EMAIL=acs',
      });
    need('ACS_SENDER', 'NOTIFY_EMAIL=acs');
  }
  if (c.NOTIFY_TEAMS_WEBHOOK === 'on') {
    need('TEAMS_WEBHOOK_DSL', 'NOTIFY_TEAMS_WEBHOOK=on');
    need('TEAMS_WEBHOOK_CSL', 'NOTIFY_TEAMS_WEBHOOK=on');
    need('TEAMS_WEBHOOK_LGV', 'NOTIFY_TEAMS_WEBHOOK=on');
  }
  if (c.NOTIFY_TEAMS_ACTIVITY === 'graph') {
    need('GRAPH_TENANT_ID', 'NOTIFY_TEAMS_ACTIVITY=graph');
    need('GRAPH_CLIENT_ID', 'NOTIFY_TEAMS_ACTIVITY=graph');
    need('TEAMS_APP_ID', 'NOTIFY_TEAMS_ACTIVITY=graph');
  }
}

/**
 * The environment, parsed once with zod; a bad value fails start-up with its name.
 * Names match the app settings in infra/ (a test keeps the two in step).
 */
const ConfigObject = z.object({
  /** Cosmos DB account endpoint; set → Cosmos is the store, unset → the embedded store. */
  COSMOS_ENDPOINT: z.url().optional(),
  /** Key for local Cosmos servers only; in Azure the managed identity is used. */
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().min(1).default('driftpuls'),
  COSMOS_CONTAINER: z.string().min(1).default('golives'),
  /** Folder of the embedded store (SQLite file). */
  DRIFTPULS_DATA_DIR: z.string().min(1).default('.data'),
  /**
   * SQLite durability: FULL (the default) syncs every commit, so an acknowledged write
   * survives power loss and a file system gone read-only; NORMAL (WAL) survives a process
   * crash such as kill -9 only (issue 13: 70 of 1,045 acknowledged writes lost). Costs in bench/README.md.
   */
  EMBEDDED_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('FULL'),
  /**
   * Where the embedded store calls SQLite (issue 13 item 9): `worker` runs it (and the outbox) in
   * worker threads (the default), so a frozen file system answers 503 after EMBEDDED_STORE_TIMEOUT_MS
   * instead of blocking every request; `main` calls it on the event loop (docs/storage.md).
   */
  EMBEDDED_STORE_THREAD: z.enum(['worker', 'main']).default('worker'),
  /**
   * The local runtime's durable store (durable.sqlite): `worker` (the default) in a worker thread
   * with the same bounded wait (a synchronous thread hop per call); `main` on the event loop.
   */
  DURABLE_STORE_THREAD: z.enum(['worker', 'main']).default('worker'),
  /** How long a request waits for the embedded store (and /api/health for its file system) before 503. */
  EMBEDDED_STORE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5_000),
  /**
   * How long (ms) an overview or DSL agenda computed on one state of the store may be given to
   * later callers on the same state (issue 17 item 5, shared/app/shared-answers.ts); any write
   * ends the sharing at once. 0 shares nothing.
   */
  SHARED_ANSWER_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** NCRONTAB schedule of the heartbeat timer (UTC, six fields). */
  HEARTBEAT_SCHEDULE: z.string().min(1).default('0 */1 * * * *'),
  /**
   * NCRONTAB schedule of the calendar tick (UTC, six fields): each tick sends the reminders
   * and agendas that fell due since the last (R3.3, R4.4, R6.5, R9.1). Every minute, so a
   * reminder is at most a minute late; the go-live's local times are computed in code.
   */
  SCHEDULE_TICK: z.string().min(1).default('0 */1 * * * *'),
  /**
   * Who callers are: `appservice` trusts `x-ms-client-principal` from App Service
   * Authentication (Azure); `dev` accepts a developer principal and is refused in Azure.
   */
  AUTH_MODE: z.enum(['appservice', 'dev']).default('dev'),
  /**
   * The Entra app registration (client id) and tenant whose sign-ins the app accepts: a
   * principal whose audience or issuer is another is refused. Required with AUTH_MODE=appservice.
   */
  AUTH_CLIENT_ID: z.string().trim().min(1).optional(),
  AUTH_TENANT_ID: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, { message: 'the tenant id (a GUID)' })
    .optional(),
  /** Machine keys for imports and Power Automate: `name:scope:secret;…` (Key Vault in Azure). */
  MACHINE_KEYS: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^([^:;]+:[^:;]+:[^;]{16,})(;[^:;]+:[^:;]+:[^;]{16,})*;?$/.test(v.trim()), {
      message: 'MACHINE_KEYS must be name:scope:secret entries separated by ; (secret ≥ 16 characters)',
    }),
  /** Public base URL of the app, used in links people receive. */
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:7071'),
  ...NotificationSettings,
});

function withChecks(unresolved: ReadonlySet<string>) {
  return ConfigObject.superRefine((c, ctx) => {
    if (c.AUTH_MODE === 'appservice') {
      if (!c.AUTH_CLIENT_ID)
        ctx.addIssue({ code: 'custom', path: ['AUTH_CLIENT_ID'], message: 'AUTH_CLIENT_ID is required when AUTH_MODE=appservice' });
      if (!c.AUTH_TENANT_ID)
        ctx.addIssue({ code: 'custom', path: ['AUTH_TENANT_ID'], message: 'AUTH_TENANT_ID is required when AUTH_MODE=appservice' });
    }
    if (c.COSMOS_KEY && !c.COSMOS_ENDPOINT)
      ctx.addIssue({ code: 'custom', path: ['COSMOS_ENDPOINT'], message: 'COSMOS_KEY is set but COSMOS_ENDPOINT is not' });
    checkNotificationSettings(c, ctx, unresolved);
  });
}

export const ConfigSchema = withChecks(new Set());
export type Config = z.infer<typeof ConfigSchema> & {
  /**
   * App settings whose Key Vault reference App Service could not resolve (issue 18, item 6):
   * the value is still `@Microsoft.KeyVault(…)`. The app starts without them, `/api/health`
   * names them, and only what needs one fails (a forum's Teams posts, machine keys).
   */
  unresolved?: readonly string[];
};

/** What App Service leaves in an app setting whose Key Vault reference it could not resolve. */
export const KEY_VAULT_REFERENCE = /^\s*@Microsoft\.KeyVault\(/i;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws one error naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const set = Object.entries(env).filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  const unresolved = set
    .filter(([, v]) => KEY_VAULT_REFERENCE.test(v))
    .map(([k]) => k)
    .sort();
  const cleaned = Object.fromEntries(set.filter(([, v]) => !KEY_VAULT_REFERENCE.test(v)));
  const result = withChecks(new Set(unresolved)).safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const refusals = [...hostingRefusals(result.data, env)];
  if (refusals.length) throw new ConfigError(`Invalid configuration:\n  ${refusals.join('\n  ')}`);
  const known = unresolved.filter((k) => k in ConfigObject.shape);
  return known.length ? { ...result.data, unresolved: known } : result.data;
}

/**
 * Environment variables that say we run hosted (App Service / Functions, Container Apps,
 * Kubernetes), not on a developer's machine.
 */
const HOSTED_MARKERS = ['CONTAINER_APP_NAME', 'CONTAINER_APP_ENV_DNS_SUFFIX', 'KUBERNETES_SERVICE_HOST'];

function hostedBy(env: Record<string, string | undefined>): string | undefined {
  const website = Object.keys(env).find((k) => k.startsWith('WEBSITE_') && env[k]);
  return website ?? HOSTED_MARKERS.find((k) => env[k]);
}

/**
 * Who may be trusted where (issue 13): `dev` lets anyone act as anyone, so it is refused
 * wherever a platform hosts us; `appservice` trusts x-ms-client-principal, so it is refused
 * unless App Service Authentication is verifiably in front (the platform sets
 * WEBSITE_AUTH_ENABLED=True, and its client id and issuer, when it names them, are ours).
 */
function* hostingRefusals(c: Config, env: Record<string, string | undefined>): Generator<string> {
  if (c.AUTH_MODE === 'dev') {
    const marker = hostedBy(env);
    if (marker) yield `AUTH_MODE: dev is refused where a platform hosts the app (${marker} is set); use appservice`;
    return;
  }
  if (env.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() !== 'true')
    yield 'AUTH_MODE: appservice needs App Service Authentication in front of the app (WEBSITE_AUTH_ENABLED=True is not set); without it anyone can send x-ms-client-principal';
  const platformClient = env.WEBSITE_AUTH_CLIENT_ID?.trim().toLowerCase();
  if (platformClient && c.AUTH_CLIENT_ID && platformClient !== c.AUTH_CLIENT_ID.toLowerCase())
    yield `AUTH_CLIENT_ID: App Service Authentication signs in for client id ${platformClient}, not ${c.AUTH_CLIENT_ID}`;
  const platformIssuer = env.WEBSITE_AUTH_OPENID_ISSUER?.trim().toLowerCase();
  if (platformIssuer && c.AUTH_TENANT_ID && !platformIssuer.includes(c.AUTH_TENANT_ID.toLowerCase()))
    yield `AUTH_TENANT_ID: App Service Authentication's issuer ${platformIssuer} is not tenant ${c.AUTH_TENANT_ID}`;
}
