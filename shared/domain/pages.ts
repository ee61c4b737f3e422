/**
 * Where a person reads and acts on each thing (issue 16): the paths of the pages, relative
 * to the deployment's public base URL. Every link a person receives (e-mail, Teams card,
 * Teams activity, agenda) is built here, so a notification never points at raw JSON and the
 * pages and the links cannot drift apart. The pages are served by `functions/http/board.ts`.
 */
const seg = encodeURIComponent;

export const pages = {
  /** The status board (R10.1). */
  board: (goLiveId: string): string => `/api/board/${seg(goLiveId)}`,
  /** The list of challenges (R7). */
  challenges: (goLiveId: string): string => `/api/board/${seg(goLiveId)}/challenges`,
  /** One challenge: timeline, situation, pending decision, actions (R7, R8). */
  challenge: (goLiveId: string, challengeId: string): string => `/api/board/${seg(goLiveId)}/challenges/${seg(challengeId)}`,
  /** One meeting in meeting mode, with its live agenda (R5, R6). */
  meeting: (goLiveId: string, meetingId: string): string => `/api/board/${seg(goLiveId)}/meetings/${seg(meetingId)}`,
  /** Incidents (R9). */
  incidents: (goLiveId: string): string => `/api/board/${seg(goLiveId)}/incidents`,
  /** One incident (R9). */
  incident: (goLiveId: string, incidentId: string): string => `/api/board/${seg(goLiveId)}/incidents/${seg(incidentId)}`,
  /** The decision log (R8.5). */
  decisions: (goLiveId: string): string => `/api/board/${seg(goLiveId)}/decisions`,
  /** One delivery area: its latest report and history (R4). */
  area: (goLiveId: string, areaId: string): string => `/api/board/${seg(goLiveId)}/areas/${seg(areaId)}`,
  /** One care unit (R3). */
  unit: (goLiveId: string, unitId: string): string => `/api/board/${seg(goLiveId)}/units/${seg(unitId)}`,
} as const;
