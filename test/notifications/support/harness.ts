import { SqliteRepository } from '../../../shared/adapters/embedded/sqlite.repository';
import { SqliteOutbox } from '../../../shared/adapters/outbox/sqlite.outbox';
import type { DeliveryPolicy, NotifyLog, Transports } from '../../../shared/app/notifications/dispatcher';
import { Dispatcher } from '../../../shared/app/notifications/dispatcher';
import { OutboxNotifier } from '../../../shared/app/notifications/notifier';
import type { GoLive } from '../../../shared/domain/golive';
import type { OutboxStore } from '../../../shared/ports/outbox.port';
import { FakeClock, notificationGoLive, T0 } from './fixtures';

export interface Harness {
  repo: SqliteRepository;
  outbox: OutboxStore;
  clock: FakeClock;
  dispatcher: Dispatcher;
  notifier: OutboxNotifier;
  goLive: GoLive;
  logs: { level: string; message: string }[];
  /** Another dispatcher on the same outbox (a second instance). */
  another(owner?: string): Dispatcher;
  close(): Promise<void>;
}

export const PUBLIC_BASE_URL = 'https://driftpuls.example.se';

/** An in-memory store and outbox, a fake clock, and the dispatcher and notifier over them. */
export async function harness(opts: {
  transports: Transports;
  policy?: Partial<DeliveryPolicy>;
  outbox?: OutboxStore;
  clock?: FakeClock;
  providerClock?: FakeClock;
}): Promise<Harness> {
  const repo = SqliteRepository.open(':memory:');
  const outbox = opts.outbox ?? SqliteOutbox.open(':memory:');
  const clock = opts.clock ?? new FakeClock(T0);
  const logs: { level: string; message: string }[] = [];
  const log: NotifyLog = (level, message) => logs.push({ level, message });
  const make = (owner?: string) =>
    new Dispatcher({
      outbox,
      transports: opts.transports,
      clock,
      providerClock: opts.providerClock ?? clock,
      policy: opts.policy,
      log,
      ...(owner ? { owner } : {}),
    });
  const dispatcher = make('dispatcher-a');
  const notifier = new OutboxNotifier({ repo, outbox, clock, publicBaseUrl: PUBLIC_BASE_URL, dispatcher });
  const goLive = notificationGoLive();
  await repo.saveGoLive(goLive, null);
  return {
    repo,
    outbox,
    clock,
    dispatcher,
    notifier,
    goLive,
    logs,
    another: (owner = 'dispatcher-b') => make(owner),
    close: async () => {
      await dispatcher.idle();
      await outbox.close();
      await repo.close();
    },
  };
}
