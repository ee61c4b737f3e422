import { ACCESS_MATRIX } from '../../shared/domain/access';
import type { Services } from '../../shared/composition';
import { z } from 'zod';
import {
  applyChallengeCommand,
  decisionLog,
  listChallenges,
  raiseChallenge,
  recordStandaloneDecision,
  challengeWithIncidents,
  requireChallenge,
  type ChallengeCommand,
} from '../../shared/escalation/app/challenges';
import {
  Challenge,
  ChallengeInput,
  ChallengeUpdateInput,
  CloseInput,
  DecisionInput,
  DecisionRecord,
  DecisionRequestInput,
  StandaloneDecisionInput,
  TriageInput,
} from '../../shared/escalation/domain/challenge';
import { requireGoLive } from '../../shared/app/golives';
import type { Role } from '../../shared/domain/golive';
import { membershipOf, type Principal } from '../../shared/domain/principal';
import { Slug } from '../../shared/domain/ids';
import { durableClient, signalEscalation } from '../../orchestrations/escalation/client';
import { exportDecisions } from '../../shared/app/excel/escalation-exports';
import { fileResult } from './exports';
import { GoLiveParams } from './params';
import { created, defineRoute, publicView } from './route';

const ChallengeParams = GoLiveParams.extend({ challengeId: z.string().min(1).max(80) });
const PublicChallenge = Challenge.omit({ requestHash: true });

defineRoute(
  {
    name: 'postChallenge',
    method: 'POST',
    route: 'golives/{goLiveId}/challenges',
    summary: 'Lyft en röd eller gul utmaning (R7.1); eskaleringen startar / raise a red or yellow challenge; its escalation starts',
    tag: 'challenges',
    params: GoLiveParams,
    body: ChallengeInput,
    idempotent: true,
    // An area coordinator raises for their own areas only (issue 13 item 6).
    target: async ({ body }) => ({ areaId: body.areaId }),
    extraInputs: durableClient,
    responses: { 202: { description: 'Lyft; eskaleringen körs / raised; the escalation runs', schema: PublicChallenge } },
  },
  async ({ params, body, idempotencyKey, services, actor, context }) => {
    const r = await raiseChallenge(services, { goLiveId: params.goLiveId, input: body, idempotencyKey, actor });
    const instanceId = await signalEscalation(context, params.goLiveId, r.value.id);
    const location = `/api/golives/${params.goLiveId}/challenges/${r.value.id}`;
    return {
      status: 202,
      json: { ...publicView(r.value), escalation: { instanceId, statusUri: location } },
      headers: { location, ...(r.created ? {} : { 'idempotent-replayed': 'true' }) },
    };
  },
);

defineRoute(
  {
    name: 'listChallenges',
    method: 'GET',
    route: 'golives/{goLiveId}/challenges',
    summary: 'Utmaningar, filtrerbara på färg, läge och område / challenges by colour, state and area',
    tag: 'challenges',
    params: GoLiveParams,
    query: z.object({
      colour: z.enum(['red', 'yellow']).optional(),
      state: z.enum(['open', 'raised', 'triaged', 'resolved', 'withdrawn']).optional(),
      areaId: Slug.optional(),
    }),
    responses: { 200: { description: 'Utmaningarna / the challenges', schema: z.object({ items: z.array(PublicChallenge) }) } },
  },
  async ({ params, query, services }) => ({
    status: 200,
    json: { items: publicView(await listChallenges(services, params.goLiveId, query)) },
  }),
);

defineRoute(
  {
    name: 'getChallenge',
    method: 'GET',
    route: 'golives/{goLiveId}/challenges/{challengeId}',
    summary:
      'En utmaning: läge, tidslinje, väntande beslut och dess tidsgräns / a challenge: state, timeline, pending decision and deadline',
    tag: 'challenges',
    params: ChallengeParams,
    responses: { 200: { description: 'Utmaningen / the challenge', schema: PublicChallenge } },
  },
  async ({ params, services }) => ({
    status: 200,
    json: publicView(await challengeWithIncidents(services, params.goLiveId, params.challengeId)),
  }),
);

/** The six ways a person moves a challenge (R7.2–R7.4, R8); each answers 409 when it does not fit. */
const COMMANDS = [
  {
    name: 'triageChallenge',
    path: 'triage',
    type: 'triage',
    body: TriageInput,
    summary: 'DSL prioriterar: starta team eller vänta (R7.2, R7.3) / DSL triage: start a team or wait',
  },
  {
    name: 'requestDecision',
    path: 'decision-requests',
    type: 'decisionRequest',
    body: DecisionRequestInput,
    summary: 'Beslut behövs: ITD, LGV eller arbetssätt, med tidsgräns (R8) / request a decision',
  },
  {
    name: 'recordDecision',
    path: 'decisions',
    type: 'decision',
    body: DecisionInput,
    summary: 'Beslutet: vem, när, vad och varför (R8.5) / the decision',
  },
  {
    name: 'updateChallenge',
    path: 'updates',
    type: 'update',
    body: ChallengeUpdateInput,
    summary: 'Uppdatering: färg, åtgärder, fakta och antaganden / an update',
  },
  { name: 'resolveChallenge', path: 'resolve', type: 'resolve', body: CloseInput, summary: 'Löst / resolved' },
  { name: 'withdrawChallenge', path: 'withdraw', type: 'withdraw', body: CloseInput, summary: 'Återkallad / withdrawn' },
] as const;

for (const c of COMMANDS)
  defineRoute(
    {
      name: c.name,
      method: 'POST',
      route: `golives/{goLiveId}/challenges/{challengeId}/${c.path}`,
      summary: c.summary,
      tag: 'challenges',
      params: ChallengeParams,
      body: c.body as z.ZodType,
      idempotent: true,
      extraInputs: durableClient,
      // An area coordinator updates, resolves and withdraws only their own areas' challenges
      // (issue 13 item 6): every command whose matrix entry has an `area` own rule names the
      // challenge's area as its target.
      ...(ownRuleOf(c.name) === 'area'
        ? {
            target: async ({ params, services }: { params: { goLiveId: string; challengeId: string }; services: Services }) => ({
              areaId: (await requireChallenge(services, params.goLiveId, params.challengeId)).value.areaId,
            }),
          }
        : {}),
      responses: { 200: { description: 'Utmaningen efter händelsen / the challenge after the event', schema: PublicChallenge } },
    },
    async ({ params, body, idempotencyKey, services, actor, context, principal }) => {
      const callerRoles = await callerRolesOf(services, principal, params.goLiveId);
      const r = await applyChallengeCommand(services, {
        goLiveId: params.goLiveId,
        challengeId: params.challengeId,
        command: { type: c.type, input: body } as ChallengeCommand,
        idempotencyKey,
        actor,
        ...(callerRoles ? { callerRoles } : {}),
      });
      // Replays too (R7, R8): the first attempt may have stored the event and lost the signal.
      await signalEscalation(context, params.goLiveId, params.challengeId);
      return {
        status: 200,
        json: publicView(r.challenge),
        ...(r.effect.kind === 'none' ? { headers: { 'idempotent-replayed': 'true' } } : {}),
      };
    },
  );

/** The `own` rule of a route's matrix entry, if any. */
function ownRuleOf(name: string): string | undefined {
  const access = ACCESS_MATRIX[name];
  return access?.kind === 'roles' ? access.own?.what : undefined;
}

/** A person's roles in the go-live, for rules the matrix narrows by data (who may decide at a level); none for administrators and keys. */
async function callerRolesOf(
  services: Parameters<typeof requireGoLive>[0],
  principal: Principal,
  goLiveId: string,
): Promise<ReadonlySet<Role> | undefined> {
  if (principal.kind !== 'user') return undefined;
  const m = membershipOf(principal, await requireGoLive(services, goLiveId));
  return m.admin ? undefined : m.roles;
}

defineRoute(
  {
    name: 'postDecision',
    method: 'POST',
    route: 'golives/{goLiveId}/decisions',
    summary:
      'Ett beslut utan begäran: samordnande beslut, CSL:s beslut om åtgärder, eller ett beslut på valfri nivå, med eller utan utmaning (R8.5, R11.5, R11.6) / a decision on its own',
    tag: 'challenges',
    params: GoLiveParams,
    body: StandaloneDecisionInput,
    idempotent: true,
    responses: { 201: { description: 'Beslutet i beslutsloggen / the decision as logged', schema: DecisionRecord } },
  },
  async ({ params, body, idempotencyKey, services, actor, principal }) => {
    const callerRoles = await callerRolesOf(services, principal, params.goLiveId);
    const r = await recordStandaloneDecision(services, {
      goLiveId: params.goLiveId,
      input: body,
      idempotencyKey,
      actor,
      ...(callerRoles ? { callerRoles } : {}),
    });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/decisions`);
  },
);

defineRoute(
  {
    name: 'listDecisions',
    method: 'GET',
    route: 'golives/{goLiveId}/decisions',
    summary: 'Beslutsloggen (R8.5): vem, när, nivå, vad, varför, tid mot tidsgräns; ?format=csv|xlsx / the decision log',
    tag: 'challenges',
    params: GoLiveParams,
    query: z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json') }),
    responses: { 200: { description: 'Beslutsloggen / the decision log', schema: z.object({ items: z.array(DecisionRecord) }) } },
  },
  async ({ params, query, services, lang }) => {
    if (query.format !== 'json')
      return fileResult(await exportDecisions(services, { goLiveId: params.goLiveId, format: query.format, lang }));
    const items = await decisionLog(services, params.goLiveId);
    return { status: 200, json: { items } };
  },
);
