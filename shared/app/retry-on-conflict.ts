import { DomainError, type Texts } from '../domain/errors';
import { StoreConflictError } from '../ports/repository.port';

/**
 * Read–decide–write under an ETag: when a concurrent writer wins (`StoreConflictError`) the
 * whole attempt runs again on fresh data, never overwriting blindly. After `tries` the caller
 * gets CONFLICT.CONCURRENT_UPDATE (409) with `exhausted` as the text.
 */
export async function retryOnConflict<T>(tries: number, exhausted: Texts, attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; i < tries; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
    }
  }
  throw new DomainError('CONFLICT.CONCURRENT_UPDATE', exhausted);
}
