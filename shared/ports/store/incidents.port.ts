import type { Incident } from '../../domain/incident';
import type { CreateResult, Versioned } from './common';

/** Incidents (R9), their updates inside. */
export interface IncidentStore {
  /** Creates an incident if its id is new. */
  createIncident(incident: Incident): Promise<CreateResult<Incident>>;
  getIncident(goLiveId: string, incidentId: string): Promise<Versioned<Incident> | undefined>;
  /** Replaces an incident if `etag` still matches, else (or if it no longer exists) throws `StoreConflictError`. */
  replaceIncident(incident: Incident, etag: string): Promise<Versioned<Incident>>;
  /** All incidents of a go-live, newest `openedAt` first. */
  listIncidents(goLiveId: string): Promise<Incident[]>;
}
