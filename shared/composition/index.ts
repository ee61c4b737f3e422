import path from 'node:path';
import type { Config } from '../config';
import { loadConfig } from '../config';
import type { Clock } from '../ports/clock.port';
import { systemClock } from '../ports/clock.port';
import type { Repository } from '../ports/repository.port';
import { retrying } from '../adapters/resilience/retrying.repository';
import type { StoreProbe } from '../adapters/embedded/store-probe';
import type { HungDisk } from '../adapters/faults/sqlite-faults';
import { workerStoreProbe } from '../adapters/embedded/store-probe';
import type { Notifier } from '../ports/notifier.port';
import type { AppPorts } from '../ports/app.port';
import type { NotificationOverrides, Notifications } from './notifications';
import { createNotifications } from './notifications';

/** Everything a handler needs, wired once from validated config: the ports use cases take, and more. */
export interface Services extends AppPorts {
  config: Config;
  /** The outbox behind the notifier: the dispatcher the timer drives, the log the API shows. */
  notifications: Notifications;
  /** Embedded store: does its file system answer, asked off the event loop (issue 13 item 9). */
  storeProbe?: StoreProbe;
}

let services: Promise<Services> | undefined;
let clockOverride: Clock | undefined;
let repoOverride: Repository | undefined;
let notificationOverrides: NotificationOverrides | undefined;
let storeProbeOverride: StoreProbe | undefined;
/** Tests: a simulated frozen file system under the embedded store's threads (issue 13 item 9). */
let storeHang: HungDisk | undefined;
/** Tests may record what senders ask for instead of going through the outbox. */
let notifierOverride: Notifier | undefined;
/** Follows the override, so the dispatcher sees the local runtime's simulated clock too. */
const currentClock: Clock = { now: () => (clockOverride ?? systemClock).now() };

async function createRepository(config: Config): Promise<Repository> {
  if (config.COSMOS_ENDPOINT) {
    const { CosmosRepository } = await import('../adapters/cosmos/cosmos.repository');
    return CosmosRepository.connect({
      endpoint: config.COSMOS_ENDPOINT,
      key: config.COSMOS_KEY,
      databaseId: config.COSMOS_DATABASE,
      containerId: config.COSMOS_CONTAINER,
    });
  }
  const file = path.resolve(config.DRIFTPULS_DATA_DIR, 'driftpuls.sqlite');
  if (config.EMBEDDED_STORE_THREAD === 'main') {
    const { SqliteRepository } = await import('../adapters/embedded/sqlite.repository');
    // A simulated frozen disk blocks the event loop here, as a real one does (tests show the difference).
    const hang = storeHang && (await import('../adapters/faults/sqlite-faults')).hangHook(storeHang.signal, () => undefined);
    return SqliteRepository.open(file, { synchronous: config.EMBEDDED_SYNCHRONOUS, ...(hang ? { faults: hang } : {}) });
  }
  // SQLite in a worker thread, each call with a bounded wait: a frozen disk answers 503 (issue 13 item 9).
  const { openThreadedRepository } = await import('../adapters/embedded/store-thread');
  return openThreadedRepository(file, {
    synchronous: config.EMBEDDED_SYNCHRONOUS,
    timeoutMs: config.EMBEDDED_STORE_TIMEOUT_MS,
    ...(storeHang ? { hang: storeHang } : {}),
  });
}

/** The app's services, created on first use (config is read once and fails fast). */
export function getServices(): Promise<Services> {
  services ??= (async () => {
    const config = loadConfig();
    // Every store call is retried when the store throttles or blips: all writes are idempotent.
    const repo = repoOverride ?? retrying(await createRepository(config));
    const storeProbe =
      storeProbeOverride ??
      (repoOverride || config.COSMOS_ENDPOINT ? undefined : workerStoreProbe(path.resolve(config.DRIFTPULS_DATA_DIR, 'driftpuls.sqlite')));
    const notifications = await createNotifications(config, repo, currentClock, {
      ...notificationOverrides,
      ...(storeHang ? { storeHang } : {}),
    });
    return {
      config,
      repo,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      notifier: notifierOverride ?? notifications.notifier,
      notifications,
      ...(storeProbe ? { storeProbe } : {}),
      get clock() {
        return clockOverride ?? systemClock;
      },
    };
  })();
  return services;
}

/**
 * For hosts and tests: the local runtime installs its (possibly simulated) clock, tests a
 * repository of their own. Must be called before the first request for the repository.
 */
export function configureServices(opts: {
  clock?: Clock;
  repo?: Repository;
  notifications?: NotificationOverrides;
  notifier?: Notifier;
  storeProbe?: StoreProbe;
  /** Tests: a simulated frozen file system under the embedded store's worker threads. */
  storeHang?: HungDisk;
}): void {
  if (opts.clock) clockOverride = opts.clock;
  if (opts.storeHang) {
    storeHang = opts.storeHang;
    services = undefined;
  }
  if (opts.storeProbe) {
    storeProbeOverride = opts.storeProbe;
    services = undefined;
  }
  if (opts.notifier) {
    notifierOverride = opts.notifier;
    services = undefined;
  }
  if (opts.notifications) {
    notificationOverrides = opts.notifications;
    services = undefined;
  }
  if (opts.repo) {
    repoOverride = opts.repo;
    services = undefined;
  }
}

/** Closes the store and forgets the wiring (tests, graceful shutdown). */
export async function resetServices(): Promise<void> {
  const s = services;
  services = undefined;
  repoOverride = undefined;
  clockOverride = undefined;
  notificationOverrides = undefined;
  notifierOverride = undefined;
  storeProbeOverride = undefined;
  storeHang = undefined;
  if (s) {
    const resolved = await s;
    await resolved.notifications.close();
    await resolved.repo.close();
  }
}
