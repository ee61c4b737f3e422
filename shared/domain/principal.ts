import type { Access } from './access';
import type { GoLive, Person, Role } from './golive';
import { ROLES } from './golive';
import { FORUM_CHAIRS } from './discussed';
import type { Forum } from './schedule';

/**
 * Who is calling. Users come signed in through App Service Authentication (Entra ID) in
 * Azure, or as a documented dev principal locally; machines (imports, Power Automate) come
 * with a key that carries a named scope.
 */
export type Principal =
  /**
   * `oid`: the Entra object id, set for people signed in through App Service Authentication
   * and the only thing they are matched by (R1); dev principals have none and are matched by
   * person id or e-mail.
   */
  | { kind: 'user'; id: string; oid?: string; name?: string; email?: string; appRoles: readonly string[] }
  | { kind: 'machine'; id: string; scope: string }
  | { kind: 'anonymous' };

/** The Entra app role that makes someone an administrator of every go-live. */
export const ADMIN_APP_ROLE = 'admin';

const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

export interface Membership {
  /** The person entry of the go-live that matches the principal, if any. */
  person?: Person;
  /** Roles from the person entry and from Entra app roles named as R1 roles. */
  roles: Set<Role>;
  admin: boolean;
}

/**
 * The people of one go-live by what a principal is matched with (issue 17): the position of
 * the first person with each id, e-mail and Entra object id (both lower-cased), so matching a
 * caller is a few Map lookups instead of a scan of every person per request.
 */
interface PeopleIndex {
  byId: Map<string, number>;
  byEmail: Map<string, number>;
  byOid: Map<string, number>;
}

function indexPeople(people: readonly Person[]): PeopleIndex {
  const index: PeopleIndex = { byId: new Map(), byEmail: new Map(), byOid: new Map() };
  const add = (map: Map<string, number>, key: string | undefined, i: number) => {
    if (key !== undefined && !map.has(key)) map.set(key, i);
  };
  people.forEach((p, i) => {
    add(index.byId, p.id, i);
    add(index.byEmail, p.email?.toLowerCase(), i);
    add(index.byOid, p.entraObjectId?.toLowerCase(), i);
  });
  return index;
}

/**
 * Indexes of frozen people lists, built once per list: the repositories hand out one frozen
 * go-live per stored version (shared/adapters/version-cache.ts), so this is once per version
 * per instance, and a list the garbage collector takes takes its index along. A list that is
 * not frozen (built by a use case or a test, and free to change) is indexed per call.
 */
const PEOPLE_INDEXES = new WeakMap<readonly Person[], PeopleIndex>();

function peopleIndex(people: readonly Person[]): PeopleIndex {
  if (!Object.isFrozen(people)) return indexPeople(people);
  let index = PEOPLE_INDEXES.get(people);
  if (!index) PEOPLE_INDEXES.set(people, (index = indexPeople(people)));
  return index;
}

/**
 * The person entry a user is. Signed in with Entra: the person whose `entraObjectId` is the
 * principal's object id, nothing else (e-mail and preferred_username are mutable and not for
 * authorisation). Dev principals: the first person with that id or e-mail.
 */
export function personOf(principal: Extract<Principal, { kind: 'user' }>, goLive: GoLive | undefined): Person | undefined {
  if (!goLive) return undefined;
  const index = peopleIndex(goLive.people);
  let at: number | undefined;
  if (principal.oid !== undefined) at = index.byOid.get(principal.oid.toLowerCase());
  else {
    const byId = index.byId.get(principal.id);
    const byEmail = principal.email !== undefined ? index.byEmail.get(principal.email.toLowerCase()) : undefined;
    at = byId === undefined ? byEmail : byEmail === undefined ? byId : Math.min(byId, byEmail);
  }
  return at === undefined ? undefined : goLive.people[at];
}

/** A user's roles in one go-live: the go-live's own people list, plus Entra app roles (R1). */
export function membershipOf(principal: Principal, goLive: GoLive | undefined): Membership {
  if (principal.kind !== 'user') return { roles: new Set(), admin: false };
  const person = personOf(principal, goLive);
  const roles = new Set<Role>([...(person?.roles ?? []), ...principal.appRoles.filter(isRole)]);
  return { person, roles, admin: principal.appRoles.includes(ADMIN_APP_ROLE) };
}

/** What a request names, for the `own` rules of the matrix (issue 13 item 6). */
export interface Target {
  /** The delivery area of the challenge raised or acted on. */
  areaId?: string;
  /** `reporter.personId` of a report. */
  reporterPersonId?: string;
  /** The forum of the meeting acted on. */
  forum?: Forum;
}

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403; reason: { sv: string; en: string } };

const LEADS: readonly Role[] = ['goLiveLead', 'goLiveCoordinator'];
const ALLOW: Decision = { allowed: true };
const UNAUTHENTICATED: Decision = {
  allowed: false,
  status: 401,
  reason: { sv: 'Logga in för att fortsätta.', en: 'Sign in to continue.' },
};
const forbid = (sv: string, en: string): Decision => ({ allowed: false, status: 403, reason: { sv, en } });

/**
 * The one place where the access matrix is enforced (issue: trust). `params` are the
 * validated route parameters (`unitId`, `areaId` for scoped rules); `goLive` is the go-live
 * the route is about, if any.
 */
export function authorize(access: Access, principal: Principal, goLive: GoLive | undefined, params: Record<string, unknown>): Decision {
  if (access.kind === 'public') return ALLOW;
  if (principal.kind === 'anonymous') return UNAUTHENTICATED;
  if (principal.kind === 'machine') {
    const scope = access.kind === 'roles' || access.kind === 'admin' ? access.machineScope : undefined;
    if (scope && principal.scope === scope) return ALLOW;
    return forbid('Nyckeln gäller inte för den här åtgärden.', 'This key is not valid for this action.');
  }
  const m = membershipOf(principal, goLive);
  if (m.admin) return ALLOW;
  const member = m.person !== undefined || m.roles.size > 0;
  if (!member)
    return principal.oid
      ? // Signed in but not yet bound (issue 13): say what the administrator needs to bind.
        forbid(
          `Du är inte med i den här driftsättningen. Ditt Entra-objekt-id är ${principal.oid}: be driftsättningsledaren koppla det till dig.`,
          `You are not a member of this go-live. Your Entra object id is ${principal.oid}: ask the go-live lead to bind it to you.`,
        )
      : forbid('Du är inte med i den här driftsättningen.', 'You are not a member of this go-live.');
  switch (access.kind) {
    case 'member':
      return ALLOW;
    case 'admin':
      return LEADS.some((r) => m.roles.has(r))
        ? ALLOW
        : forbid('Bara driftsättningsledare och koordinatorer får göra detta.', 'Only the go-live lead and coordinators may do this.');
    case 'roles': {
      const held = access.roles.filter((r) => m.roles.has(r));
      if (held.length === 0) return forbid('Din roll får inte göra detta.', 'Your role may not do this.');
      // Leads act for every unit and area; others only for their own (R1).
      if (!access.scope || held.some((r) => LEADS.includes(r))) return ALLOW;
      const key = access.scope === 'unit' ? 'unitId' : 'areaId';
      const own = access.scope === 'unit' ? m.person?.unitIds : m.person?.areaIds;
      const target = params[key];
      if (typeof target === 'string' && own?.includes(target)) return ALLOW;
      return access.scope === 'unit'
        ? forbid('Du rapporterar bara för dina egna enheter.', 'You report only for your own units.')
        : forbid('Du rapporterar bara för ditt eget leveransområde.', 'You report only for your own delivery area.');
    }
  }
}

/**
 * The person a route's `own` rule narrows (access.ts), or `free` when it does not narrow the
 * caller: no rule, keys, app administrators, or a caller holding a route role outside `own.roles`.
 */
function narrowed(access: Access, principal: Principal, goLive: GoLive | undefined): { free: true } | { free: false; person?: Person } {
  if (access.kind !== 'roles' || !access.own || principal.kind !== 'user') return { free: true };
  const m = membershipOf(principal, goLive);
  const own = access.own.roles;
  if (m.admin || access.roles.some((r) => m.roles.has(r) && !own.includes(r))) return { free: true };
  return { free: false, person: m.person };
}

/**
 * The `own` rule of a route against what the request names (issue 13 item 6). Runs after
 * `authorize` allowed the caller; a target the request does not name is not checked.
 */
export function authorizeTarget(access: Access, principal: Principal, goLive: GoLive | undefined, target: Target): Decision {
  const who = narrowed(access, principal, goLive);
  if (who.free || access.kind !== 'roles') return ALLOW;
  if (access.own?.what === 'area' && target.areaId !== undefined && !who.person?.areaIds.includes(target.areaId))
    return forbid(
      'Du arbetar bara med utmaningar för dina egna leveransområden.',
      'You work only with challenges of your own delivery areas.',
    );
  if (access.own?.what === 'reporter' && target.reporterPersonId !== undefined && target.reporterPersonId !== who.person?.id)
    return forbid('Du rapporterar bara i ditt eget namn (reporter.personId).', 'You report only in your own name (reporter.personId).');
  if (access.own?.what === 'forum' && target.forum !== undefined && !FORUM_CHAIRS[target.forum].some((r) => who.person?.roles.includes(r)))
    return forbid(
      `Bara ordföranden eller koordinatorn för ${target.forum} markerar punkter i dess möten.`,
      `Only the chair or coordinator of ${target.forum} marks items in its meetings.`,
    );
  return ALLOW;
}

/**
 * For a route whose `own` rule is `forvaltning`: the förvaltningar the caller may act for, or
 * undefined for all. A narrowed caller (a CSL representative) has their person's förvaltning, or none.
 */
export function forvaltningScope(access: Access, principal: Principal, goLive: GoLive | undefined): string[] | undefined {
  if (access.kind !== 'roles' || access.own?.what !== 'forvaltning') return undefined;
  const who = narrowed(access, principal, goLive);
  if (who.free) return undefined;
  return who.person?.forvaltningId ? [who.person.forvaltningId] : [];
}
