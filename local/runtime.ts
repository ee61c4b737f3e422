import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KEY_VAULT_REFERENCE, loadConfig } from '../shared/config';
import { configureServices, getServices, resetServices } from '../shared/composition';
import { clockRoutes } from './clock-api';
import type { LocalClock } from './clock';
import { SimulatedClock, SystemClock } from './clock';
import type { LogSink } from './core-shim';
import { FunctionRegistry, installCoreShim } from './core-shim';
import { DurableHost } from './durable/durable-host';
import { durableClientBindingData, durableHttpApi, DURABLE_WEBHOOK_PATH } from './durable/http-api';
import { parseMachineKeys } from '../shared/http/auth';
import { assertBindable, HttpHost, isLoopbackHost, RemoteBindRefusedError, type HostAccess, type HttpHostOptions } from './http-host';
import { setDefaultExtraInputs } from './invoke';
import { resolveAppSettings, TimerHost } from './timer-host';

/*
 * The local runtime: loads the app through the same registrations Azure sees, then hosts its
 * HTTP and timer triggers on a real or simulated clock. `main.ts` is a thin CLI over this, and
 * tests start it in-process.
 */

export interface LocalRuntimeOptions {
  /** 0 picks a free port. Default 7071, as `func start`. */
  port?: number;
  host?: string;
  allowRemote?: boolean;
  clock?: 'system' | 'simulated';
  /** Start of simulated time; default now. */
  start?: Date;
  /** Seed the demo go-live when the store is empty. Default true. */
  demo?: boolean;
  /** Folder of the embedded store; becomes DRIFTPULS_DATA_DIR before config is read. */
  dataDir?: string;
  /** Module that registers the functions. Default: the app entry next to this file (`../functions/index`). */
  appEntry?: string;
  /**
   * Registrations already captured (tests under jest, whose module loader bypasses the
   * shim). When given, nothing is loaded.
   */
  registry?: FunctionRegistry;
  /** Folder with host.json; default: found by walking up from this file. */
  appRoot?: string;
  log?: LogSink;
  /** App settings for `%NAME%` in trigger options; default process.env over the config defaults. */
  settings?: Record<string, string | undefined>;
  accessLog?: boolean;
  /** Load shedding of the HTTP host (issue 17); default `DEFAULT_ADMISSION`, `false` turns it off. */
  admission?: HttpHostOptions['admission'];
  /** Records each invocation's phases (diagnostic; `main.ts` sets it from `DRIFTPULS_PHASES_FILE`). */
  phases?: HttpHostOptions['phases'];
}

export interface LocalRuntime {
  /** `http://127.0.0.1:7071/api` (the route prefix included). */
  url: string;
  clock: LocalClock;
  registry: FunctionRegistry;
  timers: TimerHost;
  http: HttpHost;
  /**
   * Orchestrations and activities (Durable Functions), when the app registers any: start
   * instances, raise events, `settle()` until nothing is due. Undefined otherwise.
   */
  durable?: DurableHost;
  /** Lines for the console: where it listens and what it hosts. */
  describe(): string[];
  close(): Promise<void>;
}

/** The folder holding host.json, searched upwards from `from` (src and dist layouts both work). */
export function findAppRoot(from = __dirname): string | undefined {
  let dir = path.resolve(from);
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'host.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

const HostJson = z.object({
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().optional() }).optional(),
      durableTask: z.object({ hubName: z.string().optional() }).optional(),
    })
    .optional(),
});

export function readRoutePrefix(appRoot: string | undefined): string {
  if (!appRoot) return 'api';
  const file = path.join(appRoot, 'host.json');
  if (!fs.existsSync(file)) return 'api';
  const parsed = HostJson.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return parsed.data.extensions?.http?.routePrefix ?? 'api';
}

/** The task hub from host.json (`%SETTING%` resolved); `TestHubName`, as `func start`, when unset. */
export function readTaskHub(appRoot: string | undefined, settings: Record<string, string | undefined>): string {
  const file = appRoot ? path.join(appRoot, 'host.json') : undefined;
  if (!file || !fs.existsSync(file)) return 'TestHubName';
  const hubName = HostJson.safeParse(JSON.parse(fs.readFileSync(file, 'utf8'))).data?.extensions?.durableTask?.hubName;
  if (!hubName) return 'TestHubName';
  try {
    return resolveAppSettings(hubName, settings);
  } catch {
    return 'TestHubName';
  }
}

/** Orchestrations, activities or entities registered, or a function with a durable client input. */
function usesDurable(registry: FunctionRegistry): boolean {
  return [...registry.functions.values()].some(
    (f) =>
      ['orchestrationtrigger', 'activitytrigger', 'entitytrigger'].includes(f.triggerType) ||
      Object.values(f.metadata.bindings).some((b) => /^(durableclient|orchestrationclient)$/i.test(String(b.type))),
  );
}

/**
 * The durable store sits next to the app's embedded store, with the same durability setting; in
 * a worker thread with the same bounded wait unless DURABLE_STORE_THREAD=main (EMBEDDED_STORE_TIMEOUT_MS).
 */
function durableStoreOptions(): {
  file: string;
  synchronous: 'NORMAL' | 'FULL';
  storeThread: 'worker' | 'main';
  storeTimeoutMs?: number;
} {
  let dataDir = process.env.DRIFTPULS_DATA_DIR || '.data';
  let synchronous: 'NORMAL' | 'FULL' = 'NORMAL';
  let storeThread: 'worker' | 'main' = 'worker';
  let storeTimeoutMs: number | undefined;
  try {
    const config = loadConfig();
    dataDir = config.DRIFTPULS_DATA_DIR;
    synchronous = config.EMBEDDED_SYNCHRONOUS;
    storeThread = config.DURABLE_STORE_THREAD;
    storeTimeoutMs = config.EMBEDDED_STORE_TIMEOUT_MS;
  } catch {
    // A bad setting is reported where the app reads it; the durable store keeps its defaults.
  }
  return { file: path.resolve(dataDir, 'durable.sqlite'), synchronous, storeThread, ...(storeTimeoutMs ? { storeTimeoutMs } : {}) };
}

/**
 * Settings visible to `%NAME%`: the environment, falling back to the defaults of the app's
 * config schema, so `npm start` works without a local.settings.json while Azure gets every
 * value from the app settings in infra/.
 */
function defaultSettings(): Record<string, string | undefined> {
  let defaults: Record<string, unknown> = {};
  try {
    defaults = loadConfig({});
  } catch {
    // A schema with required settings has no complete set of defaults; use none.
  }
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(defaults)) if (typeof v === 'string') out[k] = v;
  return { ...out, ...process.env };
}

/** The machine-key scope that opens the host APIs (Durable HTTP API, `_local/clock`) from outside loopback. */
export const HOST_SCOPE = 'host';

/**
 * Host APIs from outside loopback (issue 13 item 7): only a machine key from MACHINE_KEYS with
 * scope `host`, sent as the app takes it (`x-functions-key` or `x-driftpuls-key`). Not
 * `x-ms-client-principal`: no App Service Authentication stands in front of the local runtime,
 * so anyone could write that header.
 */
export function hostAccessFor(settings: Record<string, string | undefined>): HostAccess {
  // An unresolved Key Vault reference is no key (the app degrades the same way, shared/config.ts).
  const raw = settings.MACHINE_KEYS;
  const keys = parseMachineKeys(raw && KEY_VAULT_REFERENCE.test(raw) ? undefined : raw).filter((k) => k.scope === HOST_SCOPE);
  return (headers) => {
    const key = headers.get('x-functions-key') ?? headers.get('x-driftpuls-key');
    if (key === null || keys.length === 0) return false;
    const hash = createHash('sha256').update(key).digest();
    return keys.some((k) => timingSafeEqual(k.sha256, hash));
  };
}

/**
 * `--allow-remote` on an address outside loopback needs a way to authenticate: in AUTH_MODE=dev
 * with no MACHINE_KEYS every caller is the default administrator, so the runtime refuses to start.
 */
export async function assertRemoteAuthentication(
  host: string,
  allowRemote: boolean,
  settings: Record<string, string | undefined>,
): Promise<void> {
  if (!allowRemote || (await isLoopbackHost(host))) return;
  const mode = settings.AUTH_MODE?.trim() || 'dev';
  if (mode === 'dev' && !settings.MACHINE_KEYS?.trim())
    throw new RemoteBindRefusedError(
      `Vägrar lyssna på ${host} med --allow-remote: AUTH_MODE=dev och inga MACHINE_KEYS, så alla som når adressen ` +
        'vore administratör och kunde avsluta eskaleringar och flytta klockan. Sätt MACHINE_KEYS (omfånget host öppnar ' +
        'värdens gränssnitt) eller AUTH_MODE=appservice, eller lyssna på 127.0.0.1. ' +
        `(Refusing to listen on ${host} with --allow-remote: AUTH_MODE=dev and no MACHINE_KEYS means anyone is administrator.)`,
    );
}

export async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const host = opts.host ?? '127.0.0.1';
  // Before anything loads or changes global state, so a refusal leaves nothing behind.
  await assertBindable(host, opts.allowRemote ?? false);
  await assertRemoteAuthentication(host, opts.allowRemote ?? false, opts.settings ?? process.env);
  if (opts.dataDir) process.env.DRIFTPULS_DATA_DIR = path.resolve(opts.dataDir);
  const appRoot = opts.appRoot ?? findAppRoot();
  const routePrefix = readRoutePrefix(appRoot);
  const clock: LocalClock = opts.clock === 'simulated' ? new SimulatedClock(opts.start ?? new Date()) : new SystemClock();
  // Before the app loads, so no module captures the system clock first.
  configureServices({ clock });

  const registry = opts.registry ?? new FunctionRegistry({ log: opts.log });
  let uninstallShim: (() => void) | undefined;
  let timers: TimerHost | undefined;
  let httpHost: HttpHost | undefined;
  let durable: DurableHost | undefined;

  let appStarted = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await httpHost?.close();
      await timers?.stop();
      // After the HTTP host (requests in flight may still start instances) and the timers.
      await durable?.close();
      setDefaultExtraInputs(registry, undefined);
      try {
        if (appStarted) await registry.runHooks('appTerminate', { hookData: registry.appLevelHookData, appHookData: registry.appHookData });
      } finally {
        await resetServices();
        uninstallShim?.();
      }
    })());

  try {
    if (!opts.registry) {
      uninstallShim = installCoreShim(registry.coreApi);
      const entry = opts.appEntry ?? path.resolve(__dirname, '../functions/index');
      require(entry);
    }
    if (registry.hasProgrammingModel) {
      const capabilities = (await registry.programmingModel.getCapabilities?.({})) ?? {};
      // With streaming the library waits for each request on its own proxy server, which this host does not feed.
      if (capabilities.HttpUri)
        throw new Error(
          'The app enables HTTP streaming (app.setup({ enableHttpStream: true })), which the local runtime does not support.',
        );
    }
    await registry.runHooks('appStart', {
      hookData: registry.appLevelHookData,
      appHookData: registry.appHookData,
      functionAppDirectory: appRoot ?? process.cwd(),
    });
    appStarted = true;
    registry.lock();

    if (opts.demo ?? true) {
      const { repo } = await getServices();
      if ((await repo.listGoLives()).length === 0) {
        const { seedDemo } = await import('../shared/app/demo');
        await seedDemo(repo, clock.now());
      }
    }

    const settings = opts.settings ?? defaultSettings();
    if (usesDurable(registry)) {
      const d = (durable = new DurableHost({ registry, clock, ...durableStoreOptions(), taskHub: readTaskHub(appRoot, settings) }));
      // As the extension does: the binding value points clients at this host's Durable HTTP API.
      const clientInput = (): { json: string } => ({
        json: JSON.stringify(durableClientBindingData(new URL(httpHost!.url).origin, d.taskHub)),
      });
      setDefaultExtraInputs(
        registry,
        new Map([
          ['durableclient', clientInput],
          ['orchestrationclient', clientInput],
        ]),
      );
    }

    httpHost = new HttpHost({
      registry,
      routePrefix,
      hostRoutes: clock instanceof SimulatedClock ? clockRoutes(clock) : [],
      mounts: durable ? [durableHttpApi(durable)] : [],
      hostAccess: hostAccessFor(settings),
      accessLog: opts.accessLog,
      ...(opts.admission !== undefined ? { admission: opts.admission } : {}),
      ...(opts.phases ? { phases: opts.phases } : {}),
    });
    const url = await httpHost.listen({ port: opts.port ?? 7071, host, allowRemote: opts.allowRemote });

    // Both after listen: an activity or a runOnStartup timer may call the durable client, which is HTTP to us.
    durable?.start();
    timers = new TimerHost({ registry, clock, env: settings });
    await timers.start();

    const h = httpHost;
    const t = timers;
    const d = durable;
    return {
      url,
      clock,
      registry,
      timers: t,
      http: h,
      durable: d,
      close,
      describe: () => describe(url, routePrefix, clock, registry, h, t, d),
    };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

function describe(
  url: string,
  prefix: string,
  clock: LocalClock,
  registry: FunctionRegistry,
  httpHost: HttpHost,
  timers: TimerHost,
  durable: DurableHost | undefined,
): string[] {
  const p = prefix ? `/${prefix}` : '';
  const origin = new URL(url).origin;
  const lines = [`Driftpuls lokal körning lyssnar på ${url} (health: ${p}/health)`];
  lines.push(
    clock instanceof SimulatedClock
      ? `Klocka: simulerad, står på ${clock.now().toISOString()} (flytta: POST ${p}/_local/clock {"advanceBy":"PT15M"})`
      : 'Klocka: systemets (UTC)',
  );
  lines.push('Funktioner:');
  const width = Math.max(0, ...[...registry.functions.values()].map((f) => f.name.length));
  for (const r of httpHost.routes()) lines.push(`  ${r.name.padEnd(width)}  [${r.methods.join(',')}] ${origin}${r.path}`);
  for (const t of timers.list()) {
    const detail = t.error
      ? `I FEL: ${t.error}`
      : `${t.expression}${t.expression !== t.schedule ? ` (${t.schedule})` : ''}, nästa ${t.next?.toISOString()}`;
    lines.push(`  ${t.name.padEnd(width)}  timer ${detail}`);
  }
  const durableKinds: Record<string, string> = {
    orchestrationtrigger: 'orkestrering',
    activitytrigger: 'aktivitet',
    entitytrigger: 'entitet (stöds inte av den lokala körningen)',
  };
  for (const f of registry.functions.values()) {
    if (f.triggerType === 'httptrigger' || f.triggerType === 'timertrigger') continue;
    const kind = durable ? durableKinds[f.triggerType] : undefined;
    lines.push(`  ${f.name.padEnd(width)}  ${kind ?? `${f.trigger.type} (körs inte av den lokala körningen än)`}`);
  }
  if (durable) {
    const counts = Object.entries(durable.counts())
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
    lines.push(
      `Durable Functions: ${origin}${DURABLE_WEBHOOK_PATH} (task hub ${durable.taskHub}, lagring ${durable.file}${counts ? `; instanser: ${counts}` : ''}); entiteter stöds inte`,
    );
  }
  return lines;
}
