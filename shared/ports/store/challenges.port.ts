import type { Challenge } from '../../escalation/domain/challenge';
import type { CreateResult, Versioned } from './common';

/** Challenges (R7, R8): one document each, their triage and decisions inside. */
export interface ChallengeStore {
  /** Creates a challenge if its id is new (R7.1). */
  createChallenge(challenge: Challenge): Promise<CreateResult<Challenge>>;
  getChallenge(goLiveId: string, challengeId: string): Promise<Versioned<Challenge> | undefined>;
  /** Replaces a challenge if `etag` still matches, else (or if it no longer exists) throws `StoreConflictError`. */
  replaceChallenge(challenge: Challenge, etag: string): Promise<Versioned<Challenge>>;
  /** Every challenge of a go-live, newest `raisedAt` first (open and ended; the decision log reads their decisions). */
  listChallenges(goLiveId: string): Promise<Challenge[]>;
}
