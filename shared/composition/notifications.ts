import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { HungDisk } from '../adapters/faults/sqlite-faults';
import type { Config } from '../config';
import type { Clock } from '../ports/clock.port';
import type { NotificationChannel } from '../ports/notification-channel.port';
import type { Notifier } from '../ports/notifier.port';
import type { NotificationFilter, OutboxStore } from '../ports/outbox.port';
import type { Repository } from '../ports/repository.port';
import type { DeliveryPolicy, NotifyLog, Transports } from '../app/notifications/dispatcher';
import { channelsOf } from '../app/notifications/channels';
import { Dispatcher } from '../app/notifications/dispatcher';
import { OutboxNotifier } from '../app/notifications/notifier';

/** What tests (and hosts) may swap: the store, single transports, the policy, the log. */
export interface NotificationOverrides {
  outbox?: OutboxStore;
  transports?: Partial<Transports>;
  /** Further channels, registered after the configured ones through the same interface (tests: a fake SMS). */
  channels?: NotificationChannel[];
  policy?: Partial<DeliveryPolicy>;
  log?: NotifyLog;
  /** Replaces the app-only Graph identity (tests: a fake token against a local Graph). */
  graphCredential?: TokenCredential;
  /** Tests: a simulated frozen file system under the embedded outbox's worker thread. */
  storeHang?: HungDisk;
}

/** The notification part of the app's services. */
export interface Notifications {
  notifier: Notifier;
  dispatcher: Dispatcher;
  outbox: OutboxStore;
  /** Waits for deliveries that `enqueue` started (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Embedded e-mail needs a From; ACS needs a real one (config refuses to start without). */
const EMBEDDED_SENDER = 'DoNotReply@driftpuls.invalid';

export function outboxDir(config: Config): string {
  return path.resolve(config.OUTBOX_DIR ?? path.join(config.DRIFTPULS_DATA_DIR, 'outbox'));
}

/**
 * Opens the store on first use, so wiring the services touches no file and no network
 * until a notification is sent or the timer looks for due ones.
 */
function lazyOutbox(open: () => Promise<OutboxStore>): OutboxStore {
  let store: Promise<OutboxStore> | undefined;
  const get = () =>
    (store ??= open().catch((e: unknown) => {
      store = undefined;
      throw e;
    }));
  return {
    add: async (n) => (await get()).add(n),
    get: async (g, id) => (await get()).get(g, id),
    replace: async (n, etag) => (await get()).replace(n, etag),
    listDue: async (now, limit) => (await get()).listDue(now, limit),
    list: async (g, f: NotificationFilter) => (await get()).list(g, f),
    close: async () => {
      const s = store;
      store = undefined;
      if (s) await (await s).close();
    },
  };
}

async function openOutbox(config: Config, storeHang?: HungDisk): Promise<OutboxStore> {
  if (config.COSMOS_ENDPOINT) {
    const { CosmosOutbox } = await import('../adapters/outbox/cosmos.outbox');
    return CosmosOutbox.connect({
      endpoint: config.COSMOS_ENDPOINT,
      key: config.COSMOS_KEY,
      databaseId: config.COSMOS_DATABASE,
      containerId: config.COSMOS_CONTAINER,
    });
  }
  const file = path.resolve(config.DRIFTPULS_DATA_DIR, 'driftpuls.sqlite');
  if (config.EMBEDDED_STORE_THREAD === 'main') {
    const { SqliteOutbox } = await import('../adapters/outbox/sqlite.outbox');
    return SqliteOutbox.open(file, { synchronous: config.EMBEDDED_SYNCHRONOUS });
  }
  // A worker thread of its own (its own connection, as before), every call with a bounded wait (issue 13 item 9).
  const { openThreadedOutbox } = await import('../adapters/embedded/store-thread');
  return openThreadedOutbox(file, {
    synchronous: config.EMBEDDED_SYNCHRONOUS,
    timeoutMs: config.EMBEDDED_STORE_TIMEOUT_MS,
    ...(storeHang ? { hang: storeHang } : {}),
  });
}

/**
 * App-only identity for Graph: the app registration GRAPH_CLIENT_ID (the Teams app's
 * webApplicationInfo.id, granted TeamsActivity.Send.User by resource-specific consent) signs in with a client assertion issued to the function app's managed
 * identity (a federated credential on the app registration), so no secret exists anywhere.
 */
async function graphCredential(config: Config): Promise<TokenCredential> {
  const { ClientAssertionCredential } = await import('@azure/identity');
  const { appCredential } = await import('../adapters/identity');
  const managedIdentity = await appCredential();
  return new ClientAssertionCredential(config.GRAPH_TENANT_ID!, config.GRAPH_CLIENT_ID!, async () => {
    const token = await managedIdentity.getToken('api://AzureADTokenExchange/.default');
    if (!token) throw new Error('the managed identity gave no token for api://AzureADTokenExchange');
    return token.token;
  });
}

/** Builds the transports that config turns on; real providers load their SDKs only when used. */
export async function createTransports(config: Config, opts: { graphCredential?: TokenCredential } = {}): Promise<Transports> {
  const dir = outboxDir(config);
  const t: Transports = {};
  if (config.NOTIFY_EMAIL === 'acs') {
    const { AcsEmailTransport } = await import('../adapters/email/acs-email.transport');
    t.email = new AcsEmailTransport({
      endpoint: config.ACS_ENDPOINT,
      connectionString: config.ACS_CONNECTION_STRING,
      sender: config.ACS_SENDER!,
    });
  } else if (config.NOTIFY_EMAIL === 'embedded') {
    const { FileEmailTransport } = await import('../adapters/outbox/file-transports');
    t.email = new FileEmailTransport(path.join(dir, 'email'), config.ACS_SENDER ?? EMBEDDED_SENDER);
  }
  if (config.NOTIFY_TEAMS_WEBHOOK === 'on') {
    const { TeamsWebhookTransport } = await import('../adapters/teams/teams-webhook.transport');
    // A URL is missing only when its Key Vault reference did not resolve (config refuses otherwise).
    t.teamsChannel = new TeamsWebhookTransport({
      urls: { DSL: config.TEAMS_WEBHOOK_DSL, CSL: config.TEAMS_WEBHOOK_CSL, LGV: config.TEAMS_WEBHOOK_LGV },
    });
  } else if (config.NOTIFY_TEAMS_WEBHOOK === 'embedded') {
    const { FileChannelTransport } = await import('../adapters/outbox/file-transports');
    t.teamsChannel = new FileChannelTransport(path.join(dir, 'teams'));
  }
  if (config.NOTIFY_TEAMS_ACTIVITY === 'graph') {
    const { GraphActivityTransport } = await import('../adapters/graph/graph-activity.transport');
    t.teamsActivity = new GraphActivityTransport({
      credential: opts.graphCredential ?? (await graphCredential(config)),
      teamsAppId: config.TEAMS_APP_ID!,
      baseUrl: config.GRAPH_BASE_URL,
    });
  } else if (config.NOTIFY_TEAMS_ACTIVITY === 'embedded') {
    const { FileActivityTransport } = await import('../adapters/outbox/file-transports');
    t.teamsActivity = new FileActivityTransport(path.join(dir, 'activity'), config.TEAMS_APP_ID ?? '00000000-0000-0000-0000-000000000000');
  }
  return t;
}

/**
 * The notification channels the settings turn on, in the order they plan: e-mail
 * (NOTIFY_EMAIL), a forum's Teams channel (NOTIFY_TEAMS_WEBHOOK), the Teams activity feed
 * (NOTIFY_TEAMS_ACTIVITY). Every channel is a NotificationChannel (plan, render, deliver);
 * a new one (SMS) is its adapter plus one line here behind its setting (docs/architecture.md).
 */
export async function createChannels(
  config: Config,
  opts: { graphCredential?: TokenCredential; transports?: Partial<Transports> } = {},
): Promise<NotificationChannel[]> {
  const transports: Transports = { ...(await createTransports(config, opts)), ...opts.transports };
  return channelsOf(transports);
}

/** Wires the outbox, the channels, the dispatcher and the notifier from validated config. */
export async function createNotifications(
  config: Config,
  repo: Pick<Repository, 'getGoLive'>,
  clock: Clock,
  overrides: NotificationOverrides = {},
): Promise<Notifications> {
  const outbox = overrides.outbox ?? lazyOutbox(() => openOutbox(config, overrides.storeHang));
  const channels = [...(await createChannels(config, overrides)), ...(overrides.channels ?? [])];
  const dispatcher = new Dispatcher({
    outbox,
    channels,
    clock,
    policy: { emailPerMinute: config.ACS_MAX_PER_MINUTE, ...overrides.policy },
    ...(overrides.log ? { log: overrides.log } : {}),
  });
  const notifier = new OutboxNotifier({ repo, outbox, clock, publicBaseUrl: config.PUBLIC_BASE_URL, dispatcher });
  return {
    notifier,
    dispatcher,
    outbox,
    idle: () => dispatcher.idle(),
    close: async () => {
      await dispatcher.idle();
      await outbox.close();
    },
  };
}
