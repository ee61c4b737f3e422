/**
 * Long work shares the event loop (issue 13 item 9): an import of 100,000 rows used to run
 * from start to end in microtasks, so no other request (health included) was answered until
 * it finished. Loops over rows yield to the event loop every `YIELD_EVERY` rows and after
 * every write batch, so requests that arrive meanwhile are served between chunks.
 */
export const YIELD_EVERY = 500;

/** Lets timers, I/O and other requests run before the work goes on. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
