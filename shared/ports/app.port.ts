import type { Clock } from './clock.port';
import type { Notifier } from './notifier.port';
import type { Repository } from './repository.port';

/**
 * What a use case may be given: ports, never adapters. The composition root
 * (`shared/composition/`) wires adapters behind them; a use case names the ports it needs
 * with `Pick<AppPorts, …>`, so a test hands it exactly those (docs/architecture.md).
 */
export interface AppPorts {
  repo: Repository;
  clock: Clock;
  /** The one notification port every sender uses (outbox first, then delivery). */
  notifier: Notifier;
  /** The deployment's public base URL, for links people open (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
}
