/** The one source of time for the app: system time in Azure, simulated in rehearsals and tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
