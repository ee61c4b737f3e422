import type { Role } from './golive';

/**
 * Who may call a route (R1, R7, R8). Written once as data (`ACCESS_MATRIX`) and enforced in
 * one place (functions/http/route.ts); a route without an entry fails at registration.
 *
 * - `public`: anyone (health, OpenAPI).
 * - `member`: any signed-in member of the go-live (reading the overview, lists).
 * - `roles`: a member holding one of the roles; `scope` narrows it to the person's own care
 *   units (`unit`, route param `unitId`) or delivery areas (`area`, route param `areaId`).
 * - `admin`: the go-live's lead and coordinators, or an app-level administrator.
 * - `machine`: a function key with the named scope (imports, Power Automate), besides any of the above.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'member' }
  | { kind: 'roles'; roles: readonly Role[]; scope?: 'unit' | 'area'; machineScope?: string }
  | { kind: 'admin'; machineScope?: string };

const LEADS: readonly Role[] = ['goLiveLead', 'goLiveCoordinator'];

/** The authorisation matrix: route name → access rule. Keep the README table in step. */
export const ACCESS_MATRIX: Record<string, Access> = {
  health: { kind: 'public' },
  openapi: { kind: 'public' },
  putGoLive: { kind: 'admin', machineScope: 'organisation' },
  // Binding a signed-in person's Entra object id to their person entry (issue 13) is organisation work.
  bindPersonObjectId: { kind: 'admin', machineScope: 'organisation' },
  patchGoLive: { kind: 'admin', machineScope: 'organisation' },
  getGoLive: { kind: 'member' },
  // Who am I (issue 16): the caller's own person, roles and the actions the pages offer them.
  getMe: { kind: 'member' },
  getDecisionDeadline: { kind: 'member' },
  postUnitReport: { kind: 'roles', roles: ['unitReporter', ...LEADS], scope: 'unit', machineScope: 'unit-reports' },
  listUnitReports: { kind: 'member' },
  postAreaReport: { kind: 'roles', roles: ['areaCoordinator', 'contactPerson', ...LEADS], scope: 'area' },
  listAreaReports: { kind: 'member' },
  postIncident: { kind: 'roles', roles: ['incidentManager', ...LEADS] },
  postIncidentUpdate: { kind: 'roles', roles: ['incidentManager', ...LEADS] },
  listIncidents: { kind: 'member' },
  getOverview: { kind: 'member' },
  // Excel in, Excel out (R3.4, R8.5). A förvaltning's status list is imported by the leads,
  // the CSL representative (the förvaltning's FVIS contact) or a key for unit reports; the
  // organisation by administrators or a key for it. Templates and exports are for members.
  importUnitReports: { kind: 'roles', roles: [...LEADS, 'cslRepresentative'], machineScope: 'unit-reports' },
  importOrganisation: { kind: 'admin', machineScope: 'organisation' },
  getUnitReportsTemplate: { kind: 'member' },
  getOrganisationTemplate: { kind: 'member' },
  exportUnitReports: { kind: 'member' },
  exportAreaReports: { kind: 'member' },
  // The go-live calendar (R5, R6). Any member reads meetings, agendas and the feed; an extra
  // meeting (R5.1) may be called by the forums' participants, and the use case narrows it to
  // the participants of the forum asked for (or the leads).
  listMeetings: { kind: 'member' },
  getMeeting: { kind: 'member' },
  postMeeting: {
    kind: 'roles',
    roles: [...LEADS, 'programmeManager', 'areaCoordinator', 'incidentManager', 'cslChair', 'cslRepresentative', 'chiefMedicalOfficer', 'lgvLiaison'],
  },
  getAgenda: { kind: 'member' },
  getCalendar: { kind: 'member' },
  listDispatches: { kind: 'member' },
  listNotifications: { kind: 'member' },
  getDayPicture: { kind: 'member' },
  // The board page and its assets hold no data (the page reads the member-only APIs above
  // from the browser), so they are public: signing in happens when those calls need it.
  getBoard: { kind: 'public' },
  getBoardAsset: { kind: 'public' },
  // The pages people work in (issue 16, paths in shared/domain/pages.ts): shells like the board.
  getChallengesPage: { kind: 'public' },
  getChallengePage: { kind: 'public' },
  getMeetingPage: { kind: 'public' },
  getIncidentsPage: { kind: 'public' },
  getIncidentPage: { kind: 'public' },
  getDecisionsPage: { kind: 'public' },
  getAreaPage: { kind: 'public' },
  getUnitPage: { kind: 'public' },
  // Escalation (R7, R8). The area coordinator raises (R7.1); DSL, chaired by the go-live lead,
  // triages (R7.2); the lead and the area coordinator take a decision to ITD or LGV (R7.2
  // step 4); the deciders, or the coordinator who keeps the decision log, record it (R8.5).
  postChallenge: { kind: 'roles', roles: ['areaCoordinator', 'contactPerson', ...LEADS] },
  listChallenges: { kind: 'member' },
  getChallenge: { kind: 'member' },
  triageChallenge: { kind: 'roles', roles: [...LEADS] },
  requestDecision: { kind: 'roles', roles: ['areaCoordinator', ...LEADS] },
  recordDecision: { kind: 'roles', roles: [...LEADS, 'itdManager', 'lgvLiaison', 'chiefMedicalOfficer'] },
  updateChallenge: { kind: 'roles', roles: ['areaCoordinator', 'contactPerson', 'programmeManager', ...LEADS] },
  resolveChallenge: { kind: 'roles', roles: ['areaCoordinator', ...LEADS] },
  withdrawChallenge: { kind: 'roles', roles: ['areaCoordinator', ...LEADS] },
  listDecisions: { kind: 'member' },
  exportDecisions: { kind: 'member' },
  exportChallenges: { kind: 'member' },
};
