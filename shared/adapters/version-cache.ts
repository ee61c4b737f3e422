/**
 * Parsed documents kept in memory by their store version (issue 17): a read that finds the
 * stored version unchanged hands back the value parsed last time instead of parsing the
 * document again. The store is asked for the version on every read (SQLite: the `etag`
 * column; Cosmos: a read with `If-None-Match`), so a change written by another instance is
 * seen by the next read here. Values are frozen, deeply: every caller shares one object,
 * and a use case that changed it would change it for everyone.
 */
export class VersionCache<T> {
  readonly #entries = new Map<string, { etag: string; value: T }>();

  /** The value parsed for exactly this version, if it is the one kept. */
  get(key: string, etag: string): T | undefined {
    const e = this.#entries.get(key);
    return e && e.etag === etag ? e.value : undefined;
  }

  /** The version kept for `key` (to ask the store whether it is still current). */
  etagOf(key: string): string | undefined {
    return this.#entries.get(key)?.etag;
  }

  /** Keeps `value` (frozen) as the parsed form of version `etag`, and returns it. */
  set(key: string, etag: string, value: T): T {
    const frozen = deepFreeze(value);
    this.#entries.set(key, { etag, value: frozen });
    return frozen;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** Freezes a plain JSON-like value and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
