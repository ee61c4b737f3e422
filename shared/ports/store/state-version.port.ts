/**
 * A cheap token that changes whenever anything in the store may have changed (issue 17 item 5):
 * answers computed from the store's state (the overview, the DSL agenda) are shared between
 * callers while it stays the same (shared/app/shared-answers.ts).
 */
export interface StateVersionStore {
  /** Undefined, or absent, when the store cannot tell cheaply (Cosmos): then nothing is shared. */
  stateVersion?(): Promise<string | undefined>;
}
