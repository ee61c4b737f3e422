import type { Clock } from './clock.port';
import type { Notifier } from './notifier.port';
import type { Repository } from './repository.port';

/**
 * What a use case may be given: ports, never adapters. The composition root
 * (`shared/composition/`) wires adapters behind them; a use case names the ports it needs
 * with `Ports<…>` (below), so a test hands it exactly those (docs/architecture.md).
 */
export interface AppPorts {
  repo: Repository;
  clock: Clock;
  /** The one notification port every sender uses (outbox first, then delivery). */
  notifier: Notifier;
  /** The deployment's public base URL, for links people open (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
}

/**
 * The ports one use case takes: `repo` narrowed to the stores of the aggregates it touches
 * (`shared/ports/store/`), and the other ports by name. `Ports<GoLiveStore & NoteStore, 'clock'>`
 * reads "this use case touches go-lives and notes, and tells the time"; a test hands it
 * exactly those, and the composition root's whole `Repository` fits every one.
 */
export type Ports<Stores, K extends Exclude<keyof AppPorts, 'repo'> = never> = { repo: Stores } & Pick<AppPorts, K>;
