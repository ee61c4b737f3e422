import { z } from 'zod';

/**
 * The environment, parsed once with zod; a bad value fails start-up with its name.
 * Names match the app settings in infra/ (a test keeps the two in step).
 */
export const ConfigSchema = z
  .object({
    /** Cosmos DB account endpoint; set → Cosmos is the store, unset → the embedded store. */
    COSMOS_ENDPOINT: z.url().optional(),
    /** Key for local Cosmos servers only; in Azure the managed identity is used. */
    COSMOS_KEY: z.string().min(1).optional(),
    COSMOS_DATABASE: z.string().min(1).default('driftpuls'),
    COSMOS_CONTAINER: z.string().min(1).default('golives'),
    /** Folder of the embedded store (SQLite file). */
    DRIFTPULS_DATA_DIR: z.string().min(1).default('.data'),
    /**
     * SQLite durability: NORMAL (WAL) survives a process crash such as kill -9; FULL also
     * survives power loss, at roughly half the write throughput.
     */
    EMBEDDED_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
    /** NCRONTAB schedule of the heartbeat timer (UTC, six fields). */
    HEARTBEAT_SCHEDULE: z.string().min(1).default('0 */1 * * * *'),
    /**
     * Who callers are: `appservice` trusts `x-ms-client-principal` from App Service
     * Authentication (Azure); `dev` accepts a developer principal and is refused in Azure.
     */
    AUTH_MODE: z.enum(['appservice', 'dev']).default('dev'),
    /** Machine keys for imports and Power Automate: `name:scope:secret;…` (Key Vault in Azure). */
    MACHINE_KEYS: z
      .string()
      .optional()
      .refine((v) => v === undefined || /^([^:;]+:[^:;]+:[^;]{16,})(;[^:;]+:[^:;]+:[^;]{16,})*;?$/.test(v.trim()), {
        message: 'MACHINE_KEYS must be name:scope:secret entries separated by ; (secret ≥ 16 characters)',
      }),
    /** Public base URL of the app, used in links people receive. */
    PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:7071'),
  })
  .superRefine((c, ctx) => {
    if (c.COSMOS_KEY && !c.COSMOS_ENDPOINT) ctx.addIssue({ code: 'custom', path: ['COSMOS_ENDPOINT'], message: 'COSMOS_KEY is set but COSMOS_ENDPOINT is not' });
  });
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws one error naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  // The dev principal would let anyone act as anyone: never where Azure runs us.
  if (result.data.AUTH_MODE === 'dev' && (env.WEBSITE_INSTANCE_ID || env.WEBSITE_SITE_NAME))
    throw new ConfigError('Invalid configuration:\n  AUTH_MODE: dev is refused in Azure (WEBSITE_SITE_NAME is set); use appservice');
  return result.data;
}
