import type { LogLevel } from '../escalation/domain/challenge';
import type { Texts } from './errors';
import type { Role } from './golive';
import { ROLE_LABELS } from './golive';

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
  | { kind: 'roles'; roles: readonly Role[]; scope?: 'unit' | 'area'; machineScope?: string; own?: Own }
  | { kind: 'admin'; machineScope?: string };

/**
 * What a request names must be the caller's own (issue 13 item 6), checked once the body (or
 * the record it acts on) is known. It narrows a caller whose roles on the route are all in
 * `roles`; leads, coordinators, app administrators and keys, and anyone who holds another of
 * the route's roles, are not narrowed.
 * - `forvaltning`: every unit in an import belongs to the caller's förvaltning;
 * - `area`: the challenge's delivery area is one of the caller's areas (`areaIds`);
 * - `reporter`: `reporter.personId` on a report is the caller's own person id;
 * - `forum`: the meeting's forum is one the caller chairs or coordinates (`FORUM_CHAIRS`).
 */
export interface Own {
  what: 'forvaltning' | 'area' | 'reporter' | 'forum';
  roles: readonly Role[];
}

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
  postUnitReport: {
    kind: 'roles',
    roles: ['unitReporter', ...LEADS],
    scope: 'unit',
    machineScope: 'unit-reports',
    own: { what: 'reporter', roles: ['unitReporter'] },
  },
  listUnitReports: { kind: 'member' },
  postAreaReport: { kind: 'roles', roles: ['areaCoordinator', 'contactPerson', ...LEADS], scope: 'area' },
  listAreaReports: { kind: 'member' },
  // What the area report form suggests before sending (R4.3, R3.5; issue 14 item 13).
  getAreaSuggestion: { kind: 'member' },
  // The contact person registers and updates incidents with IM, as the team's incident coordinator (R11.7).
  postIncident: { kind: 'roles', roles: ['incidentManager', 'contactPerson', ...LEADS] },
  postIncidentUpdate: { kind: 'roles', roles: ['incidentManager', 'contactPerson', ...LEADS] },
  listIncidents: { kind: 'member' },
  getIncident: { kind: 'member' },
  // Finding challenges and incidents by SD+ reference (R7.5, issue 15 item 4): like the lists, for members.
  searchSdReferences: { kind: 'member' },
  getOverview: { kind: 'member' },
  // Excel in, Excel out (R3.4, R8.5). A förvaltning's status list is imported by the leads,
  // the CSL representative (the förvaltning's FVIS contact) or a key for unit reports; the
  // organisation by administrators or a key for it. Templates and exports are for members.
  // The FVIS project lead is the contact for the förvaltning's reporting list (R2, R11.8).
  importUnitReports: {
    kind: 'roles',
    roles: [...LEADS, 'cslRepresentative', 'fvisLead'],
    machineScope: 'unit-reports',
    own: { what: 'forvaltning', roles: ['cslRepresentative', 'fvisLead'] },
  },
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
    roles: [
      ...LEADS,
      'programmeManager',
      'areaCoordinator',
      'incidentManager',
      'cslChair',
      'cslRepresentative',
      'chiefMedicalOfficer',
      'lgvLiaison',
    ],
  },
  getAgenda: { kind: 'member' },
  // "Avklarad" in meeting mode (issue 16): the chair or coordinator of the meeting's forum
  // (FORUM_CHAIRS in discussed.ts); the leads any forum, the CSL chair CSL, the LGV liaison LGV.
  markDiscussed: { kind: 'roles', roles: [...LEADS, 'cslChair', 'lgvLiaison'], own: { what: 'forum', roles: ['cslChair', 'lgvLiaison'] } },
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
  // CSL raises needs to DSL and asks for decisions (R11.2).
  postChallenge: {
    kind: 'roles',
    roles: ['areaCoordinator', 'contactPerson', 'cslChair', 'cslRepresentative', ...LEADS],
    own: { what: 'area', roles: ['areaCoordinator'] },
  },
  listChallenges: { kind: 'member' },
  getChallenge: { kind: 'member' },
  triageChallenge: { kind: 'roles', roles: [...LEADS] },
  requestDecision: { kind: 'roles', roles: ['areaCoordinator', 'cslChair', 'cslRepresentative', ...LEADS] },
  // Who may record a decision: anyone who decides at some level; the use case then narrows it
  // to the level's deciders (`DECISION_AUTHORITY`, 403 DECISION.NOT_AUTHORISED with the reason).
  recordDecision: {
    kind: 'roles',
    roles: ['goLiveLead', 'itdManager', 'lgvLiaison', 'chiefMedicalOfficer', 'cslChair', 'cslRepresentative'],
  },
  postDecision: { kind: 'roles', roles: [...LEADS, 'itdManager', 'lgvLiaison', 'chiefMedicalOfficer', 'cslChair', 'cslRepresentative'] },
  // An area coordinator updates, resolves and withdraws only their own areas' challenges (issue 13 item 6).
  updateChallenge: {
    kind: 'roles',
    roles: ['areaCoordinator', 'contactPerson', 'programmeManager', ...LEADS],
    own: { what: 'area', roles: ['areaCoordinator'] },
  },
  resolveChallenge: { kind: 'roles', roles: ['areaCoordinator', ...LEADS], own: { what: 'area', roles: ['areaCoordinator'] } },
  withdrawChallenge: { kind: 'roles', roles: ['areaCoordinator', ...LEADS], own: { what: 'area', roles: ['areaCoordinator'] } },
  listDecisions: { kind: 'member' },
  // CSL's qualitative assessment per förvaltning (R11.1): the CSL chair and representatives note it.
  postCslAssessment: { kind: 'roles', roles: ['cslChair', 'cslRepresentative', ...LEADS] },
  listCslAssessments: { kind: 'member' },
  // R11.4: the CSL representatives bring changed work practices into the units and mark it.
  markCommunicated: { kind: 'roles', roles: ['cslRepresentative', 'cslChair', ...LEADS] },
  exportDecisions: { kind: 'member' },
  exportChallenges: { kind: 'member' },
};

/**
 * Who may decide, per level (R8, R11): the second step of `recordDecision` and `postDecision`,
 * after the route's roles. App administrators may record any level.
 * - ITD quick decision (R8.1): the ITD managers.
 * - LGV decision case (R8.2): recorded for LGV by its liaison or the go-live lead.
 * - Changed work practice (R8.3, R11.9): the regional chief medical officer, or the CSL chair
 *   on their behalf (recorded as such: `onBehalfOf`).
 * - Förvaltning level (R11.3): recorded by the CSL chair or a CSL representative for the
 *   förvaltningsledning that decided.
 * - DSL's triage and coordination decisions (R7.2, R11.6): the go-live lead, recorded by the
 *   lead or the go-live coordinator who keeps DSL's decision log.
 * - CSL's decisions on actions (R11.5): the CSL chair.
 */
export const DECISION_AUTHORITY: Record<LogLevel, { deciders: readonly Role[]; onBehalfOf?: { recorder: Role; of: Role } }> = {
  itd: { deciders: ['itdManager'] },
  lgv: { deciders: ['lgvLiaison', 'goLiveLead'] },
  workPractice: { deciders: ['chiefMedicalOfficer', 'cslChair'], onBehalfOf: { recorder: 'cslChair', of: 'chiefMedicalOfficer' } },
  forvaltning: { deciders: ['cslChair', 'cslRepresentative'] },
  dsl: { deciders: [...LEADS] },
  coordination: { deciders: [...LEADS] },
  csl: { deciders: ['cslChair'] },
};

export type DecisionPermission = { allowed: true; onBehalfOf?: Role } | { allowed: false; reason: Texts };

/** May someone holding `roles` record a decision at `level`? Pure; `admin` may record any. */
export function mayDecide(level: LogLevel, roles: ReadonlySet<Role>, admin = false): DecisionPermission {
  if (admin) return { allowed: true };
  const rule = DECISION_AUTHORITY[level];
  const held = rule.deciders.filter((r) => roles.has(r));
  if (held.length === 0) {
    // "Regional chefsläkare" → "regional chefsläkare", but "CSL …", "ITD:s chef", "IM" stay.
    const word = (x: string) => (/^[A-ZÅÄÖ][A-ZÅÄÖ]/.test(x) ? x : x.charAt(0).toLowerCase() + x.slice(1));
    const who = (lang: 'sv' | 'en') => rule.deciders.map((r) => word(ROLE_LABELS[r][lang])).join(lang === 'sv' ? ' eller ' : ' or ');
    return {
      allowed: false,
      reason: {
        sv: `Det här beslutet fattas av ${who('sv')}; din roll får inte registrera det.`,
        en: `This decision is made by ${who('en')}; your role may not record it.`,
      },
    };
  }
  // Someone who holds the deciding role itself decides in their own name.
  const own = held.some((r) => r !== rule.onBehalfOf?.recorder);
  return rule.onBehalfOf && !own ? { allowed: true, onBehalfOf: rule.onBehalfOf.of } : { allowed: true };
}
