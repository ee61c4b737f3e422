import type { AppPorts, Ports } from '../../ports/app.port';
import type { ChallengeStore, GoLiveStore, IncidentStore, MeetingStore, NoteStore } from '../../ports/repository.port';
import type { AgendaStores } from '../../app/calendar/agenda';
import type { AgendaChallenge, AgendaDecision } from '../../domain/agenda';
import type { Actor } from '../../domain/audit';
import type {
  Challenge,
  ChallengeEvent,
  ChallengeInput,
  DecisionLevel,
  Effect,
  LogLevel,
  MeetingSlot,
  PendingDecision,
  StandaloneDecisionInput,
} from '../domain/challenge';
import {
  applyDeadline,
  applyEvent,
  DECIDING_FORUM,
  DECISION_FORUM,
  DECISION_LEVEL_LABELS,
  DecisionRecord,
  DEFAULT_ESCALATION_RULES,
  defaultDecisionDeadline,
  isOpen,
  nextWake,
  replayedEffect,
  triageDeadline,
} from '../domain/challenge';
import { mayDecide } from '../../domain/access';
import { DomainError, invalidField, notFound, type Texts } from '../../domain/errors';
import type { GoLive, Role } from '../../domain/golive';
import { localWhen } from '../../domain/local-time';
import { meetingsBetween, nextMeeting } from '../../domain/meetings';
import { pages } from '../../domain/pages';
import type { NotificationKind, NotificationRequest, Recipients } from '../../ports/notifier.port';
import { challengeWithLinks } from '../../domain/links';
import { requireGoLive } from '../../app/golives';
import { assertSameRequest, recordId, requestHash } from '../../app/idempotency';
import { retryOnConflict } from '../../app/retry-on-conflict';

/**
 * What telling people of a challenge's effect touches: the notifier when there is one, and the
 * stores the agenda reads (a notice names the meeting where the challenge is discussed).
 */
type Notifying = Ports<AgendaStores, 'clock'> & Partial<Pick<AppPorts, 'notifier'>>;

const HOUR = 3_600_000;

/** Scheduled and ad-hoc meetings around `at`, as the deadline rules need them. */
async function meetingSlots(s: Ports<MeetingStore>, goLive: GoLive, at: string): Promise<MeetingSlot[]> {
  const from = new Date(Date.parse(at) - 4 * HOUR);
  const to = new Date(Date.parse(at) + DEFAULT_ESCALATION_RULES.lookAheadHours * HOUR);
  const adHoc = await s.repo.listMeetings(goLive.id, { from: from.toISOString(), to: to.toISOString() });
  return meetingsBetween(goLive, from, to, { adHoc }).map((m) => ({ forum: m.forum, start: m.start, end: m.end }));
}

/**
 * The deadline a decision asked for now at `level` would get (R8), so the page shows it
 * before the request is sent (issue 16); the same rule `requestDecision` applies.
 */
export async function decisionDeadlinePreview(
  s: Ports<GoLiveStore & MeetingStore, 'clock'>,
  goLiveId: string,
  level: DecisionLevel,
): Promise<{ level: DecisionLevel; requestedAt: string; deadline: string }> {
  const goLive = await requireGoLive(s, goLiveId);
  const now = s.clock.now().toISOString();
  return { level, requestedAt: now, deadline: defaultDecisionDeadline(level, now, await meetingSlots(s, goLive, now)) };
}

export async function requireChallenge(s: Ports<ChallengeStore>, goLiveId: string, challengeId: string) {
  const found = await s.repo.getChallenge(goLiveId, challengeId);
  if (!found) throw notFound('CHALLENGE.NOT_FOUND', challengeId);
  return found;
}

/** The durable instance of a challenge's escalation: derived from go-live and challenge ids. */
export const escalationInstanceId = (goLiveId: string, challengeId: string): string => `escalation~${goLiveId}~${challengeId}`;

const areaCoordinators = (goLive: GoLive, areaId: string): string[] =>
  goLive.people.filter((p) => p.roles.includes('areaCoordinator') && p.areaIds.includes(areaId)).map((p) => p.id);

/** The challenge's page (issue 15 item 11: links lead to pages, never to JSON). */
const link = (c: Challenge): string => pages.challenge(c.goLiveId, c.id);

function notification(
  c: Challenge,
  kind: NotificationKind,
  dedupeKey: string,
  recipients: Recipients,
  subject: Texts,
  text: Texts,
  now: string,
  data: Record<string, unknown> = {},
  extra: Pick<NotificationRequest, 'repeat'> = {},
): NotificationRequest {
  return {
    goLiveId: c.goLiveId,
    kind,
    dedupeKey,
    recipients,
    subject,
    text,
    link: link(c),
    about: { type: 'challenge', id: c.id },
    data: { challengeId: c.id, colour: c.colour, ...data },
    createdAt: now,
    ...extra,
  };
}

/** A deadline as people read it at `now`, in the go-live's zone (issue 15 item 5). */
const when = (goLive: GoLive, instant: string, now: string): Texts => localWhen(goLive.timeZone, instant, now);

const colourWord = (c: Challenge): Texts => (c.colour === 'red' ? { sv: 'Röd', en: 'Red' } : { sv: 'Gul', en: 'Yellow' });

const DECIDERS: Record<PendingDecision['level'], Role[]> = {
  itd: ['itdManager', 'goLiveLead'],
  lgv: ['lgvLiaison', 'goLiveLead', 'goLiveCoordinator'],
  workPractice: ['chiefMedicalOfficer', 'cslChair', 'goLiveCoordinator'],
  forvaltning: ['cslChair', 'cslRepresentative', 'goLiveCoordinator'],
};

/** Who hears of what (R7.2–R7.4, R8.4), Swedish first. */
function notificationsFor(goLive: GoLive, c: Challenge, effect: Effect, now: string, place?: Texts): NotificationRequest[] {
  const coordinators = areaCoordinators(goLive, c.areaId);
  const title = c.title;
  switch (effect.kind) {
    case 'none':
    case 'updated':
      return [];
    case 'triaged':
      return effect.teamStarted
        ? [
            notification(
              c,
              'teamStarted',
              `teamStarted:${c.id}:${c.triage?.at}`,
              { roles: ['programmeManager', 'goLiveLead'], personIds: coordinators, forums: ['DSL'] },
              { sv: title, en: title },
              {
                sv: `DSL har startat ett team för "${title}". Deltar: ${c.team?.members.join(', ') || '–'}. Berörda områdessamordnare, programledare och driftsättningsledare möts direkt efter DSL.`,
                en: `DSL started a team for "${title}". Taking part: ${c.team?.members.join(', ') || '–'}. The area coordinators, programme manager and go-live lead meet right after DSL.`,
              },
              now,
            ),
          ]
        : [];
    case 'decisionRequested': {
      const p = effect.pending;
      const forum = DECIDING_FORUM[p.level];
      return [
        notification(
          c,
          'decisionRequested',
          `decisionRequested:${c.id}:${p.requestId}`,
          { roles: DECIDERS[p.level], personIds: coordinators, forums: [forum] },
          { sv: title, en: title },
          {
            sv: `${DECISION_LEVEL_LABELS[p.level].sv}: ${p.question}\nSenast: ${when(goLive, p.deadline, now).sv}`,
            en: `${DECISION_LEVEL_LABELS[p.level].en}: ${p.question}\nBy: ${when(goLive, p.deadline, now).en}`,
          },
          now,
          { level: p.level, deadline: p.deadline },
        ),
      ];
    }
    case 'decisionMade': {
      const r = effect.record;
      return [
        notification(
          c,
          'decisionMade',
          `decisionMade:${c.id}:${r.id}`,
          // R11.4: a changed work practice also goes to the CSL channel and representatives, who bring it into the units.
          r.level === 'workPractice'
            ? {
                roles: ['goLiveCoordinator', 'goLiveLead', 'cslRepresentative', 'cslChair'],
                personIds: coordinators,
                forums: ['DSL', 'CSL'],
              }
            : { roles: ['goLiveCoordinator', 'goLiveLead'], personIds: coordinators, forums: ['DSL'] },
          { sv: `${title}${r.late ? ' (försenat)' : ''}`, en: `${title}${r.late ? ' (late)' : ''}` },
          {
            sv: `${r.decision}\nVarför: ${r.rationale}\nBeslutat av: ${r.decidedBy}`,
            en: `${r.decision}\nWhy: ${r.rationale}\nDecided by: ${r.decidedBy}`,
          },
          now,
          { level: r.level, late: r.late },
        ),
      ];
    }
    case 'closed':
      return [
        notification(
          c,
          'challengeResolved',
          `closed:${c.id}`,
          { roles: ['goLiveCoordinator', 'goLiveLead'], personIds: coordinators, forums: ['DSL'] },
          effect.state === 'resolved'
            ? { sv: `${title} (löst)`, en: `${title} (resolved)` }
            : { sv: `${title} (återkallad)`, en: `${title} (withdrawn)` },
          { sv: `"${title}" är ${effect.state === 'resolved' ? 'löst' : 'återkallad'}.`, en: `"${title}" is ${effect.state}.` },
          now,
        ),
      ];
    case 'notTriaged':
      return [
        notification(
          c,
          'challengeNotTriaged',
          `notTriaged:${c.id}:${c.triageDeadline}`,
          { roles: ['goLiveCoordinator'], personIds: coordinators },
          { sv: title, en: title },
          {
            sv: `${colourWord(c).sv} utmaning "${title}" prioriterades inte på förra DSL-mötet. ${place?.sv ?? 'Den tas upp på nästa DSL-möte.'}`,
            en: `${colourWord(c).en} challenge "${title}" was not prioritised at the last DSL meeting. ${place?.en ?? 'It comes up at the next DSL meeting.'}`,
          },
          now,
        ),
      ];
    case 'decisionOverdue': {
      const p = effect.pending;
      const forum = DECIDING_FORUM[p.level];
      return [
        notification(
          c,
          'decisionOverdue',
          `decisionOverdue:${c.id}:${p.requestId}:${p.remindersSent}`,
          { roles: ['goLiveCoordinator', 'goLiveLead'], forums: forum === 'DSL' ? ['DSL'] : ['DSL', forum] },
          { sv: title, en: title },
          {
            sv: `Beslutet (${DECISION_LEVEL_LABELS[p.level].sv}) skulle ha fattats senast ${when(goLive, p.deadline, now).sv}: ${p.question}${effect.first ? '' : ` (påminnelse ${p.remindersSent})`}`,
            en: `The decision (${DECISION_LEVEL_LABELS[p.level].en}) was due by ${when(goLive, p.deadline, now).en}: ${p.question}${effect.first ? '' : ` (reminder ${p.remindersSent})`}`,
          },
          now,
          { level: p.level, deadline: p.deadline, reminder: p.remindersSent },
          // Raised again after the first: held in the quiet night window (issue 15 item 6).
          { repeat: !effect.first },
        ),
      ];
    }
  }
}

/**
 * Where a challenge stands on the next DSL meeting's agenda, as the agenda is built now
 * (issue 15 item 8): "punkt 5 (…), som nummer 2 av 3, på DSL kl. 10:00". Undefined when
 * there is no next DSL meeting or the challenge is not on it.
 */
export async function agendaPlace(
  s: Ports<AgendaStores, 'clock'>,
  goLive: GoLive,
  challengeId: string,
  now: string,
): Promise<Texts | undefined> {
  const at = new Date(now);
  const adHoc = await s.repo.listMeetings(goLive.id, {
    from: now,
    to: new Date(at.getTime() + DEFAULT_ESCALATION_RULES.lookAheadHours * HOUR).toISOString(),
  });
  const next = nextMeeting(goLive, 'DSL', at, { adHoc, startingAfter: true });
  if (!next) return undefined;
  // Loaded when needed: the agenda reads this module's sources, so a static import would be a cycle.
  const { getAgenda } = await import('../../app/calendar/agenda');
  const texts: Partial<Texts> = {};
  for (const lang of ['sv', 'en'] as const) {
    const agenda = await getAgenda(s, goLive.id, next.id, lang);
    for (const section of agenda.sections) {
      const i = section.items.findIndex((item) => item.ref?.type === 'challenge' && item.ref.id === challengeId);
      if (i < 0) continue;
      const where =
        section.number !== undefined ? `${lang === 'sv' ? 'punkt' : 'point'} ${section.number} (${section.title})` : section.title;
      const time = localWhen(goLive.timeZone, next.start, now)[lang];
      texts[lang] =
        lang === 'sv'
          ? `På dagordningen för DSL ${/^\d/.test(time) ? 'kl. ' : ''}${time} står den under ${where}, som nummer ${i + 1} av ${section.items.length}.`
          : `On the agenda of DSL at ${time} it is under ${where}, number ${i + 1} of ${section.items.length}.`;
      break;
    }
  }
  return texts.sv && texts.en ? { sv: texts.sv, en: texts.en } : undefined;
}

async function notify(s: Notifying, goLive: GoLive, c: Challenge, effects: Effect[], now: string): Promise<void> {
  if (!s.notifier) return;
  for (const effect of effects) {
    const place = effect.kind === 'notTriaged' ? await agendaPlace(s, goLive, c.id, now).catch(() => undefined) : undefined;
    for (const n of notificationsFor(goLive, c, effect, now, place)) await s.notifier.enqueue(n);
  }
}

/** Every id named must be an incident of the go-live (issue 15 item 4): 400 naming the field otherwise. */
async function requireIncidents(s: Ports<IncidentStore>, goLiveId: string, ids: readonly string[] | undefined): Promise<void> {
  for (const [i, id] of (ids ?? []).entries())
    if (!(await s.repo.getIncident(goLiveId, id)))
      throw invalidField(`incidentIds.${i}`, { sv: `okänd incident '${id}'`, en: `unknown incident '${id}'` });
}

/** One challenge with its incidents in both directions (`challengeWithLinks`); 404 if absent. */
export async function challengeWithIncidents(
  s: Ports<ChallengeStore & IncidentStore>,
  goLiveId: string,
  challengeId: string,
): Promise<Challenge> {
  const [found, incidents] = await Promise.all([requireChallenge(s, goLiveId, challengeId), s.repo.listIncidents(goLiveId)]);
  return challengeWithLinks(found.value, incidents);
}

/**
 * Raises a challenge (R7.1, R7.2 step 1). Idempotent by id / Idempotency-Key. The triage
 * deadline is the end of the next DSL meeting (R7.4).
 */
export async function raiseChallenge(
  s: Ports<GoLiveStore & IncidentStore & ChallengeStore & MeetingStore> & Notifying,
  cmd: { goLiveId: string; input: ChallengeInput; idempotencyKey?: string; actor?: Actor },
): Promise<{ value: Challenge; created: boolean }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  if (!goLive.areas.some((a) => a.id === cmd.input.areaId))
    throw invalidField('areaId', { sv: `okänt område '${cmd.input.areaId}'`, en: `unknown area '${cmd.input.areaId}'` });
  await requireIncidents(s, goLive.id, cmd.input.incidentIds);
  const now = s.clock.now().toISOString();
  const raisedAt = cmd.input.raisedAt ?? now;
  const hash = requestHash(cmd.input);
  const id = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: 'challenge' });
  const deadline = triageDeadline(raisedAt, await meetingSlots(s, goLive, raisedAt));
  const challenge: Challenge = {
    id,
    goLiveId: goLive.id,
    title: cmd.input.title,
    colour: cmd.input.colour as Challenge['colour'],
    areaId: cmd.input.areaId,
    needFromOthers: cmd.input.needFromOthers,
    ...(cmd.input.ideas ? { ideas: cmd.input.ideas } : {}),
    ...(cmd.input.needsTeam !== undefined ? { needsTeam: cmd.input.needsTeam } : {}),
    sdReferences: cmd.input.sdReferences,
    incidentIds: cmd.input.incidentIds,
    state: 'raised',
    raisedAt,
    ...(cmd.actor ? { raisedBy: cmd.actor } : {}),
    ...(deadline ? { triageDeadline: deadline } : {}),
    notTriagedNotified: false,
    situation: {},
    decisions: [],
    lastChangeAt: raisedAt,
    timeline: [
      {
        id: `raise:${id}`,
        type: 'raised',
        at: raisedAt,
        ...(cmd.actor ? { by: cmd.actor } : {}),
        data: { colour: cmd.input.colour, areaId: cmd.input.areaId },
      },
    ],
    requestHash: hash,
  };
  const result = await s.repo.createChallenge(challenge);
  if (!result.created) assertSameRequest(result.value, hash);
  // Replays too: if the first attempt stored the challenge and failed before this, the retry
  // queues the notice (the outbox keeps one per dedupe key).
  await notifyRaised(s, result.value, now);
  return result;
}

async function notifyRaised(s: Notifying, challenge: Challenge, now: string): Promise<void> {
  if (s.notifier)
    await s.notifier.enqueue(
      notification(
        challenge,
        'challengeRaised',
        `challengeRaised:${challenge.id}`,
        { roles: ['goLiveCoordinator', 'goLiveLead'], forums: ['DSL'] },
        {
          sv: `${challenge.title} (${colourWord(challenge).sv.toLowerCase()})`,
          en: `${challenge.title} (${colourWord(challenge).en.toLowerCase()})`,
        },
        { sv: `Behov från andra områden: ${challenge.needFromOthers}`, en: `Needed from other areas: ${challenge.needFromOthers}` },
        now,
        { areaId: challenge.areaId },
      ),
    );
}

export type ChallengeCommand =
  | { type: 'triage'; input: Extract<ChallengeEvent, { type: 'triage' }>['input'] }
  | { type: 'decisionRequest'; input: Extract<ChallengeEvent, { type: 'decisionRequest' }>['input'] }
  | { type: 'decision'; input: Extract<ChallengeEvent, { type: 'decision' }>['input'] }
  | { type: 'update'; input: Extract<ChallengeEvent, { type: 'update' }>['input'] }
  | { type: 'resolve'; input: Extract<ChallengeEvent, { type: 'resolve' }>['input'] }
  | { type: 'withdraw'; input: Extract<ChallengeEvent, { type: 'withdraw' }>['input'] };

/**
 * A person moves the challenge (triage, decision request, decision, update, resolve,
 * withdraw). Applied at once so the answer says whether it fitted (409 if not); the
 * escalation orchestration is told afterwards so its timers follow. Idempotent by event id.
 */
export async function applyChallengeCommand(
  s: Ports<GoLiveStore & IncidentStore & ChallengeStore & MeetingStore> & Notifying,
  cmd: {
    goLiveId: string;
    challengeId: string;
    command: ChallengeCommand;
    idempotencyKey?: string;
    actor?: Actor;
    callerRoles?: ReadonlySet<Role>;
  },
): Promise<{ challenge: Challenge; effect: Effect }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  if (cmd.command.type === 'update') await requireIncidents(s, goLive.id, cmd.command.input.incidentIds);
  const eventId = recordId({
    clientId: cmd.command.input.eventId,
    idempotencyKey: cmd.idempotencyKey,
    scope: `challenge/${cmd.challengeId}/${cmd.command.type}`,
  });
  const hash = requestHash({ type: cmd.command.type, input: cmd.command.input });
  return retryOnConflict(
    10,
    { sv: 'Utmaningen ändrades samtidigt av andra. Försök igen.', en: 'The challenge was changed concurrently. Try again.' },
    async () => {
      const found = await requireChallenge(s, cmd.goLiveId, cmd.challengeId);
      const now = s.clock.now().toISOString();
      let event: ChallengeEvent;
      if (cmd.command.type === 'decisionRequest') {
        const deadline =
          cmd.command.input.deadline ?? defaultDecisionDeadline(cmd.command.input.level, now, await meetingSlots(s, goLive, now));
        if (deadline <= now) throw invalidField('deadline', { sv: 'måste ligga i framtiden', en: 'must be in the future' });
        event = { type: 'decisionRequest', input: cmd.command.input, deadline };
      } else if (cmd.command.type === 'decision') {
        // Who may decide follows the level asked for (R8, R11): 403 with the reason otherwise.
        const level = found.value.pendingDecision?.level;
        const onBehalfOf = level ? assertMayDecide(level, cmd.callerRoles) : undefined;
        event = { type: 'decision', input: cmd.command.input, ...(onBehalfOf ? { onBehalfOf } : {}) };
      } else event = cmd.command as ChallengeEvent;
      const { challenge, effect } = applyEvent(found.value, event, {
        eventId,
        now,
        requestHash: hash,
        ...(cmd.actor ? { by: cmd.actor } : {}),
      });
      if (effect.kind === 'none') {
        // A replay: queue again what the event announced, in case the first attempt stored it and failed before that.
        await notify(s, goLive, challenge, [replayedEffect(challenge, eventId)], now);
        return { challenge, effect };
      }
      const saved = await s.repo.replaceChallenge(challenge, found.etag);
      await notify(s, goLive, saved.value, [effect], now);
      return { challenge: saved.value, effect };
    },
  );
}

/** What the escalation process waits for next: nothing (ended), a person, or the clock at `wakeAt`. */
export interface EscalationPlan {
  ended: boolean;
  wakeAt?: string;
  reason?: string;
}

export async function planEscalation(s: Ports<ChallengeStore>, goLiveId: string, challengeId: string): Promise<EscalationPlan> {
  const found = await s.repo.getChallenge(goLiveId, challengeId);
  if (!found || !isOpen(found.value)) return { ended: true };
  const wake = nextWake(found.value);
  return wake ? { ended: false, wakeAt: wake.at, reason: wake.reason } : { ended: false };
}

/**
 * The clock reached `at` (R7.4, R8.4): flag a missed triage, make a late decision overdue,
 * repeat the overdue notice at the next meeting of the deciding forum. Safe to run twice:
 * the domain ignores a deadline already handled and notifications dedupe by key.
 */
export async function handleEscalationDeadline(
  s: Ports<GoLiveStore & ChallengeStore & MeetingStore> & Notifying,
  goLiveId: string,
  challengeId: string,
  at: string,
): Promise<EscalationPlan> {
  const goLive = await requireGoLive(s, goLiveId);
  return retryOnConflict(10, { sv: 'Samtidig ändring. Försök igen.', en: 'Concurrent change. Try again.' }, async () => {
    const found = await s.repo.getChallenge(goLiveId, challengeId);
    if (!found) return { ended: true };
    const { challenge, effects } = applyDeadline(found.value, at, await meetingSlots(s, goLive, at));
    if (effects.length === 0) return planEscalation(s, goLiveId, challengeId);
    const saved = await s.repo.replaceChallenge(challenge, found.etag);
    await notify(s, goLive, saved.value, effects, at);
    return planEscalation(s, goLiveId, challengeId);
  });
}

export async function listChallenges(
  s: Ports<GoLiveStore & ChallengeStore & IncidentStore>,
  goLiveId: string,
  filter: { colour?: 'red' | 'yellow'; state?: Challenge['state'] | 'open'; areaId?: string },
): Promise<Challenge[]> {
  await requireGoLive(s, goLiveId);
  const [challenges, incidents] = await Promise.all([s.repo.listChallenges(goLiveId), s.repo.listIncidents(goLiveId)]);
  return challenges
    .filter(
      (c) =>
        (!filter.colour || c.colour === filter.colour) &&
        (!filter.areaId || c.areaId === filter.areaId) &&
        (!filter.state || (filter.state === 'open' ? isOpen(c) : c.state === filter.state)),
    )
    .map((c) => challengeWithLinks(c, incidents));
}

const minutesBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 60_000);

/**
 * DSL's own decisions on a challenge (R7.2, R11.6): each triage — start a team or wait, with
 * its priority and who takes part — as a line of the decision log, from the timeline.
 */
export function triageRecords(c: Challenge): DecisionRecord[] {
  return c.timeline
    .filter((e) => e.type === 'triaged')
    .map((e) => {
      const d = e.data as { decision?: string; priority?: number; participants?: string[]; note?: string };
      const prio = d.priority !== undefined ? `, prioritet ${d.priority}` : '';
      const who = d.participants?.length ? `; deltar: ${d.participants.join(', ')}` : '';
      const deadline = c.triageDeadline ?? e.at;
      return {
        id: `triage:${e.id}`,
        goLiveId: c.goLiveId,
        challengeId: c.id,
        challengeTitle: c.title,
        level: 'dsl' as const,
        question: `Starta tvärprofessionellt team eller avvakta (${c.colour === 'red' ? 'röd' : 'gul'} utmaning)`,
        decision: `${d.decision === 'startTeam' ? 'Starta tvärprofessionellt team' : 'Avvakta'}${prio}${who}`,
        rationale: d.note ?? '–',
        decidedBy: `DSL${e.by ? ` (${e.by.name ?? e.by.id})` : ''}`,
        decidedAt: e.at,
        ...(e.by ? { recordedBy: e.by } : {}),
        requestedAt: c.raisedAt,
        deadline,
        minutesTaken: minutesBetween(c.raisedAt, e.at),
        minutesAgainstDeadline: minutesBetween(deadline, e.at),
        late: e.at > deadline,
      };
    });
}

/** The decision log from what is stored: challenges' decisions, DSL's triage, and decisions on their own. */
export function decisionLogFrom(challenges: readonly Challenge[], standalone: readonly DecisionRecord[]): DecisionRecord[] {
  return [...challenges.flatMap((c) => [...c.decisions, ...triageRecords(c)]), ...standalone].sort(
    (a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.id.localeCompare(b.id),
  );
}

async function standaloneDecisions(s: Ports<NoteStore>, goLiveId: string): Promise<DecisionRecord[]> {
  return (await s.repo.listNotes(goLiveId, 'decision')).map((n) => DecisionRecord.parse(n.data));
}

/**
 * The decision log (R8.5, R11.5, R11.6): every decision with who, when, on what, why, and its
 * time against the deadline — challenges' decisions, DSL's triage outcomes, and coordination
 * and CSL decisions taken on their own.
 */
export async function decisionLog(s: Ports<GoLiveStore & ChallengeStore & NoteStore>, goLiveId: string): Promise<DecisionRecord[]> {
  await requireGoLive(s, goLiveId);
  const [challenges, standalone] = await Promise.all([s.repo.listChallenges(goLiveId), standaloneDecisions(s, goLiveId)]);
  return decisionLogFrom(challenges, standalone);
}

/** A decision the caller may not record at this level: 403 with who may (R8, R11). */
function assertMayDecide(level: LogLevel, callerRoles: ReadonlySet<Role> | undefined): Role | undefined {
  if (!callerRoles) return undefined; // an administrator or a key: the route decided
  const p = mayDecide(level, callerRoles);
  if (!p.allowed) throw new DomainError('DECISION.NOT_AUTHORISED', p.reason);
  return p.onBehalfOf;
}

/**
 * Records a decision taken on its own (R8.5, R11.5, R11.6): a coordination decision of the
 * go-live lead, CSL's decision on actions, or any level's decision, optionally about a
 * challenge. Who may follows the level (403 otherwise). Idempotent by id / Idempotency-Key.
 */
export async function recordStandaloneDecision(
  s: Ports<GoLiveStore & ChallengeStore & NoteStore, 'clock'> & Partial<Pick<AppPorts, 'notifier'>>,
  cmd: { goLiveId: string; input: StandaloneDecisionInput; idempotencyKey?: string; actor?: Actor; callerRoles?: ReadonlySet<Role> },
): Promise<{ value: DecisionRecord; created: boolean }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const onBehalfOf = assertMayDecide(cmd.input.level, cmd.callerRoles);
  const challenge = cmd.input.challengeId ? (await requireChallenge(s, goLive.id, cmd.input.challengeId)).value : undefined;
  const now = s.clock.now().toISOString();
  const decidedAt = cmd.input.decidedAt ?? now;
  const id = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: 'decision' });
  const record: DecisionRecord = {
    id,
    goLiveId: goLive.id,
    ...(challenge ? { challengeId: challenge.id, challengeTitle: challenge.title } : {}),
    level: cmd.input.level,
    question: cmd.input.question,
    decision: cmd.input.decision,
    rationale: cmd.input.rationale,
    decidedBy: cmd.input.decidedBy,
    decidedAt,
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    // Taken on the spot: asked and decided at once, no deadline to miss.
    requestedAt: decidedAt,
    deadline: decidedAt,
    minutesTaken: 0,
    minutesAgainstDeadline: 0,
    late: false,
    ...(onBehalfOf ? { onBehalfOf } : {}),
    ...(cmd.input.meetingId ? { meetingId: cmd.input.meetingId } : {}),
  };
  const hash = requestHash(cmd.input);
  const stored = await s.repo.createNote({
    id,
    goLiveId: goLive.id,
    kind: 'decision',
    at: decidedAt,
    data: { ...record, requestHash: hash },
  });
  if (!stored.created) {
    assertSameRequest(stored.value.data as { requestHash: string }, hash);
    return { value: DecisionRecord.parse(stored.value.data), created: false };
  }
  if (s.notifier)
    await s.notifier.enqueue({
      goLiveId: goLive.id,
      kind: 'decisionMade',
      dedupeKey: `decisionMade:standalone:${id}`,
      recipients:
        record.level === 'workPractice'
          ? { roles: ['goLiveCoordinator', 'goLiveLead', 'cslRepresentative', 'cslChair'], forums: ['DSL', 'CSL'] }
          : { roles: ['goLiveCoordinator', 'goLiveLead'], forums: [DECISION_FORUM[record.level] === 'CSL' ? 'CSL' : 'DSL'] },
      subject: {
        sv: `Beslut (${DECISION_LEVEL_LABELS[record.level].sv}): ${record.question}`,
        en: `Decision (${DECISION_LEVEL_LABELS[record.level].en}): ${record.question}`,
      },
      text: {
        sv: `${record.decision}\nVarför: ${record.rationale}\nBeslutat av: ${record.decidedBy}`,
        en: `${record.decision}\nWhy: ${record.rationale}\nDecided by: ${record.decidedBy}`,
      },
      link: `/api/golives/${goLive.id}/decisions`,
      about: { type: 'decision', id },
      data: { level: record.level, ...(challenge ? { challengeId: challenge.id } : {}) },
      createdAt: now,
    });
  return { value: record, created: true };
}

/** Challenges and decisions as the agenda builder takes them (R6.1, R6.2, R6.4, R8.4). */
export function escalationAgendaSources(s: Ports<ChallengeStore & NoteStore>) {
  const FORUM_OF = DECISION_FORUM;
  return {
    async challenges(goLive: GoLive, _meeting: unknown, since: string | undefined): Promise<AgendaChallenge[]> {
      return (await s.repo.listChallenges(goLive.id))
        .filter((c) => isOpen(c) || (since !== undefined && (c.endedAt ?? '') >= since))
        .map((c) => ({
          id: c.id,
          title: c.title,
          colour: c.colour as 'red' | 'yellow',
          areaId: c.areaId,
          raisedAt: c.raisedAt,
          open: isOpen(c),
          lastChangeAt: c.lastChangeAt,
          // R7.2, R7.3: a decision when one is requested; a team only where the raiser or DSL said so.
          ...(c.pendingDecision
            ? { needs: 'decision' as const }
            : c.triage?.decision === 'startTeam'
              ? { needs: 'team' as const, teamNeededBy: 'dsl' as const }
              : c.needsTeam
                ? { needs: 'team' as const, teamNeededBy: 'raiser' as const }
                : {}),
          ...(c.situation.obstacles ? { obstacles: c.situation.obstacles } : {}),
          ...(c.situation.facts ? { facts: c.situation.facts } : {}),
          ...(c.situation.assumptions ? { assumptions: c.situation.assumptions } : {}),
          ...(c.situation.actions ? { actions: c.situation.actions } : {}),
          ...(c.ideas ? { ideas: c.ideas } : {}),
          ...(c.sdReferences.length ? { sdReferences: c.sdReferences } : {}),
          ...(c.triage
            ? {
                triage: {
                  decision: c.triage.decision,
                  ...(c.triage.priority !== undefined ? { priority: c.triage.priority } : {}),
                  team: c.team?.members ?? c.triage.participants,
                },
              }
            : {}),
          summary: c.needFromOthers,
          ...(c.notTriagedNotified && c.state === 'raised' ? { notPrioritised: true } : {}),
          ...(c.pendingDecision && (c.pendingDecision.level === 'itd' || c.pendingDecision.level === 'lgv')
            ? { escalatedTo: FORUM_OF[c.pendingDecision.level] as 'ITD' | 'LGV' }
            : {}),
        }));
    },
    async decisions(goLive: GoLive, _meeting: unknown, since: string | undefined): Promise<AgendaDecision[]> {
      const rows: { d: AgendaDecision; overdue: boolean }[] = [];
      const challenges = await s.repo.listChallenges(goLive.id);
      for (const c of challenges) {
        const p = c.pendingDecision;
        if (p && isOpen(c))
          rows.push({
            d: {
              id: p.requestId,
              title: `${c.title}: ${p.question}${p.overdueSince ? ' (FÖRSENAT)' : ''}`,
              forum: FORUM_OF[p.level],
              status: 'waiting',
              requestedAt: p.requestedAt,
              deadline: p.deadline,
              challengeId: c.id,
            },
            overdue: p.overdueSince !== undefined,
          });
      }
      for (const d of decisionLogFrom(challenges, await standaloneDecisions(s, goLive.id)))
        if (since !== undefined && d.decidedAt >= since && d.level !== 'dsl')
          rows.push({
            d: {
              id: d.id,
              title: `${d.challengeTitle ? `${d.challengeTitle}: ` : ''}${d.decision}`,
              forum: FORUM_OF[d.level],
              status: 'decided',
              requestedAt: d.requestedAt,
              deadline: d.deadline,
              ...(d.challengeId ? { challengeId: d.challengeId } : {}),
            },
            overdue: false,
          });
      // Overdue first (R8.4: an overdue decision heads the agenda), then by deadline.
      return rows
        .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.d.deadline ?? '').localeCompare(b.d.deadline ?? ''))
        .map((r) => r.d);
    },
  };
}

/**
 * R11.4: a CSL representative (or the chair) marks that a changed work practice has been
 * communicated into a förvaltning's units. Idempotent: marking again changes nothing.
 */
export async function markCommunicated(
  s: Ports<GoLiveStore & ChallengeStore & NoteStore, 'clock'>,
  cmd: { goLiveId: string; decisionId: string; forvaltningId: string; actor?: Actor },
): Promise<{ created: boolean }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  if (!goLive.forvaltningar.some((f) => f.id === cmd.forvaltningId))
    throw invalidField('forvaltningId', {
      sv: `okänd förvaltning '${cmd.forvaltningId}'`,
      en: `unknown förvaltning '${cmd.forvaltningId}'`,
    });
  const d = (await decisionLog(s, goLive.id)).find((x) => x.id === cmd.decisionId);
  if (!d || d.level !== 'workPractice')
    throw invalidField('decisionId', {
      sv: 'inget beslut om ändrat arbetssätt med det id:t',
      en: 'no changed-work-practice decision with that id',
    });
  const at = s.clock.now().toISOString();
  const r = await s.repo.createNote({
    id: `${cmd.decisionId}~${cmd.forvaltningId}`,
    goLiveId: goLive.id,
    kind: 'communicated',
    at,
    data: { decisionId: cmd.decisionId, forvaltningId: cmd.forvaltningId, at, ...(cmd.actor ? { by: cmd.actor } : {}) },
  });
  return { created: r.created };
}

/** Changed work practices decided and the förvaltningar where they are not yet communicated (DSL point 9, R11.4). */
export async function workPracticesOutstanding(
  s: Ports<GoLiveStore & ChallengeStore & NoteStore>,
  goLive: GoLive,
): Promise<{ id: string; text: string; outstanding: string[] }[]> {
  const log = (await decisionLog(s, goLive.id)).filter((d) => d.level === 'workPractice');
  if (!log.length) return [];
  const done = new Set((await s.repo.listNotes(goLive.id, 'communicated')).map((n) => n.id));
  return log
    .map((d) => ({
      id: d.id,
      text: d.decision,
      outstanding: goLive.forvaltningar.filter((f) => !done.has(`${d.id}~${f.id}`)).map((f) => f.name),
    }))
    .filter((w) => w.outstanding.length > 0);
}
