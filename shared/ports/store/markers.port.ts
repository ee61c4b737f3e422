/** Small operational facts, e.g. when the timer last ran (shown by /api/health). */
export interface RuntimeMarker {
  name: string;
  at: string;
  detail?: Record<string, unknown>;
}

/** Operational markers, outside every go-live. */
export interface MarkerStore {
  /** Records an operational marker (upsert by name). */
  putMarker(marker: RuntimeMarker): Promise<void>;
  getMarker(name: string): Promise<RuntimeMarker | undefined>;
}
