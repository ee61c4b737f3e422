import type { Ports } from '../ports/app.port';
import type { GoLiveStore } from '../ports/repository.port';
import { ACCESS_MATRIX } from '../domain/access';
import type { Role } from '../domain/golive';
import type { Principal } from '../domain/principal';
import { authorize, membershipOf } from '../domain/principal';
import { requireGoLive } from './golives';

/**
 * The actions the pages offer (issue 16), by route name in the access matrix. The pages show
 * an action only to a person the matrix lets take it, so what is offered and what is allowed
 * come from one table; the API still decides every call (a scoped or state-dependent refusal
 * comes back as the API's own 403/409 text).
 */
export const PAGE_ACTIONS = [
  'postChallenge',
  'triageChallenge',
  'requestDecision',
  'recordDecision',
  'updateChallenge',
  'resolveChallenge',
  'withdrawChallenge',
  'postIncident',
  'postIncidentUpdate',
  'postMeeting',
] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];

export interface WhoAmI {
  goLiveId: string;
  /** How the app knows people: `appservice` (Entra ID sign-in) or `dev` (the `x-dev-user` header, local only). */
  authMode: 'appservice' | 'dev';
  /** The signed-in person as the go-live lists them, if they are listed. */
  person: { id: string; name: string; email?: string } | null;
  /** The caller as signed in (name from the sign-in, when the go-live does not list them). */
  name: string;
  roles: Role[];
  admin: boolean;
  /** Route name → may this person call it (unscoped: area/unit scope is decided per call). */
  may: Record<PageAction, boolean>;
  /** The app's clock: pages count time left against it, not the device's clock. */
  now: string;
}

/** Who the caller is in one go-live, with their roles and the actions the pages may offer them. */
export async function whoAmI(
  s: Ports<GoLiveStore, 'clock'>,
  goLiveId: string,
  principal: Principal,
  authMode: 'appservice' | 'dev',
): Promise<WhoAmI> {
  const goLive = await requireGoLive(s, goLiveId);
  const m = membershipOf(principal, goLive);
  const may = Object.fromEntries(
    PAGE_ACTIONS.map((a) => {
      const access = ACCESS_MATRIX[a]!;
      // Scoped rules are asked for one of the person's own targets: the page offers the action, the API decides per target.
      const params = { goLiveId, areaId: m.person?.areaIds[0], unitId: m.person?.unitIds[0] };
      return [a, authorize(access, principal, goLive, params).allowed];
    }),
  ) as Record<PageAction, boolean>;
  const person = m.person ? { id: m.person.id, name: m.person.name, ...(m.person.email ? { email: m.person.email } : {}) } : null;
  const name =
    person?.name ?? (principal.kind === 'user' ? (principal.name ?? principal.id) : principal.kind === 'machine' ? principal.id : '');
  return { goLiveId, authMode, person, name, roles: [...m.roles].sort(), admin: m.admin, may, now: s.clock.now().toISOString() };
}
