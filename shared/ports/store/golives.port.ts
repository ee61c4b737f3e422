import type { GoLive } from '../../domain/golive';
import type { Versioned } from './common';

/** The go-live aggregate: its organisation, people, schedules and settings (R1, R2). */
export interface GoLiveStore {
  /**
   * Reads a go-live with its organisation, or undefined. The value may be shared with other
   * callers and is frozen: copy it to change it. Always the stored version at the time of the
   * call (a change made through another instance included), but not parsed again while the
   * version is unchanged.
   */
  getGoLive(goLiveId: string): Promise<Versioned<GoLive> | undefined>;
  /**
   * Writes a go-live. `expectedEtag`: a string = replace only that version;
   * `null` = create only if absent; undefined = unconditional upsert.
   */
  saveGoLive(goLive: GoLive, expectedEtag?: string | null): Promise<Versioned<GoLive>>;
  /** Lists go-lives (id and name), for hosts and timers that walk all of them. */
  listGoLives(): Promise<{ id: string; name: string }[]>;
}
