import { z } from 'zod';
import { Actor } from '../../domain/audit';
import { ColourInput, COLOURS } from '../../domain/colour';
import { DomainError, type Texts } from '../../domain/errors';
import { Instant, Slug } from '../../domain/ids';
import { nextState, STORED_STATE, type EscalationState, type Step } from './transitions';

/*
 * Challenges and the escalation process (R7) with their decisions (R8), as pure rules: the
 * events people send, which state accepts which event, and the deadlines. The durable
 * orchestration only keeps time; everything it decides comes from here.
 */

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A challenge is red or yellow by definition (R7.1). */
export const ChallengeColourInput = ColourInput.refine((c) => c !== 'green', {
  message: 'en utmaning är röd eller gul / a challenge is red or yellow',
});

/**
 * The decision levels of R8 a challenge can ask for: ITD managers (R8.1), LGV decision case
 * (R8.2), changed work practice via CSL and the chief medical officer (R8.3), and a
 * förvaltningsledning's decision that CSL prepares (R11.3).
 */
export const DECISION_LEVELS = ['itd', 'lgv', 'workPractice', 'forvaltning'] as const;
export type DecisionLevel = (typeof DECISION_LEVELS)[number];

/**
 * Every level a decision in the log (R8.5) can have: the requestable ones, DSL's own triage
 * (start a team, wait, priority — R7.2), the go-live lead's coordination decisions (R11.6),
 * and CSL's decisions on actions and who does what (R11.5).
 */
export const LOG_LEVELS = [...DECISION_LEVELS, 'dsl', 'coordination', 'csl'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DECISION_LEVEL_LABELS: Record<LogLevel, Texts> = {
  itd: { sv: 'Snabbt beslut av ITD:s chefer', en: 'Quick decision by the IT department managers' },
  lgv: { sv: 'Beslutsärende till LGV', en: 'Decision case for LGV' },
  workPractice: {
    sv: 'Ändrat arbetssätt (CSL och regional chefsläkare)',
    en: 'Changed work practice (CSL and regional chief medical officer)',
  },
  forvaltning: { sv: 'Beslut av förvaltningsledning (förberett av CSL)', en: 'Decision by a förvaltning management (prepared by CSL)' },
  dsl: { sv: 'DSL:s prioritering (team eller avvakta)', en: "DSL's triage (team or wait)" },
  coordination: { sv: 'Samordnande beslut (driftsättningsledaren)', en: 'Coordination decision (go-live lead)' },
  csl: { sv: 'CSL:s beslut om åtgärder och fördelning', en: "CSL's decision on actions and who does what" },
};

/** Where an overdue decision is raised again at each meeting (R8.4). */
export const DECIDING_FORUM: Record<DecisionLevel, 'DSL' | 'LGV' | 'CSL'> = {
  itd: 'DSL',
  lgv: 'LGV',
  workPractice: 'CSL',
  forvaltning: 'CSL',
};

/** The forum each entry of the decision log belongs to, for filtering the log by forum (R8.5, R11.5, R11.6). */
export const LOG_LEVEL_FORUM: Record<LogLevel, 'DSL' | 'LGV' | 'CSL'> = { ...DECIDING_FORUM, dsl: 'DSL', coordination: 'DSL', csl: 'CSL' };

/** The agenda's name for who decides, per level in the log. */
export const DECISION_FORUM: Record<LogLevel, 'ITD' | 'LGV' | 'CSL' | 'DSL'> = {
  itd: 'ITD',
  lgv: 'LGV',
  workPractice: 'CSL',
  forvaltning: 'CSL',
  dsl: 'DSL',
  coordination: 'DSL',
  csl: 'CSL',
};

/**
 * Escalation timing (R7.4, R8). Every value is configuration with the routine's default.
 */
export const EscalationRules = z.object({
  /** R8.1: a quick decision is due this long after the DSL meeting it came from ends. */
  itdMinutesAfterDsl: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  /** R8.2 without a scheduled LGV meeting, and R8.3: hours until the decision is due. */
  fallbackHours: z.number().min(0.25).max(72).default(4),
  /** R8.4: an overdue decision is raised again at each meeting of the deciding forum, or this often when it has none. */
  overdueRepeatMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  /** How far ahead to look for the next meeting when computing a deadline. */
  lookAheadHours: z
    .number()
    .int()
    .min(1)
    .max(14 * 24)
    .default(48),
});
export type EscalationRules = z.infer<typeof EscalationRules>;
export const DEFAULT_ESCALATION_RULES: EscalationRules = EscalationRules.parse({});

/** Raising a challenge (R7.1): the area coordinator, what is needed, ideas on how and by whom. */
export const ChallengeInput = z.object({
  id: Slug.optional(),
  title: Text(200),
  colour: ChallengeColourInput,
  /** The raising delivery area. */
  areaId: Slug,
  /** What the area needs from other areas. */
  needFromOthers: Text(2000),
  /** Ideas on how it can be solved, and by whom. */
  ideas: Text(2000).optional(),
  /** The raiser says a cross-functional team is needed (R7.3); DSL's agenda says so only then, or after DSL starts one. */
  needsTeam: z.boolean().optional(),
  /** SD+ case references (R7.5). */
  sdReferences: z.array(Text(40)).max(20).default([]),
  /** Incidents that cause it (issue 15 item 4); each must exist in the go-live. */
  incidentIds: z.array(z.string().min(1).max(80)).max(20).default([]),
  raisedAt: Instant.optional(),
});
export type ChallengeInput = z.infer<typeof ChallengeInput>;

const EventId = Slug.optional();

/** DSL prioritises the challenge and decides: start a cross-functional team, or wait (R7.2 step 2, R7.3). */
export const TriageInput = z.object({
  eventId: EventId,
  decision: z.enum(['startTeam', 'wait']),
  /** 1 = first. Among the challenges of the same colour (R6.1 points 4 and 7). */
  priority: z.number().int().min(1).max(999).optional(),
  /** Who must take part, briefly (R7.3): names or person ids. */
  participants: z.array(Text(120)).max(30).default([]),
  note: Text(2000).optional(),
  /** The DSL meeting that triaged it. */
  meetingId: z.string().max(80).optional(),
});
export type TriageInput = z.infer<typeof TriageInput>;

/** A decision is needed at a level (R7.2 step 4, R8). Without a deadline the level's default applies. */
export const DecisionRequestInput = z.object({
  eventId: EventId,
  level: z.enum(DECISION_LEVELS),
  question: Text(2000),
  deadline: Instant.optional(),
});
export type DecisionRequestInput = z.infer<typeof DecisionRequestInput>;

/** The decision, with who, on what and why (R8.5). */
export const DecisionInput = z.object({
  eventId: EventId,
  decision: Text(2000),
  rationale: Text(2000),
  /** Who decided (name or person id): the decider, not necessarily the one typing. */
  decidedBy: Text(120),
  decidedAt: Instant.optional(),
});
export type DecisionInput = z.infer<typeof DecisionInput>;

/**
 * A decision taken outside a challenge's request (R8.5, R11.5, R11.6): the go-live lead's
 * coordination decision at DSL, CSL's decision on actions, or any level's decision recorded
 * directly; optionally about a challenge.
 */
export const StandaloneDecisionInput = z.object({
  id: Slug.optional(),
  level: z.enum(LOG_LEVELS).default('coordination'),
  /** On what: the question decided. */
  question: Text(2000),
  decision: Text(2000),
  rationale: Text(2000),
  decidedBy: Text(120),
  decidedAt: Instant.optional(),
  meetingId: z.string().max(80).optional(),
  challengeId: z.string().min(1).max(80).optional(),
});
export type StandaloneDecisionInput = z.infer<typeof StandaloneDecisionInput>;

/** Anything new at any time: colour, actions, facts kept apart from assumptions, the team (R4.5, R7.3). */
export const ChallengeUpdateInput = z
  .object({
    eventId: EventId,
    colour: ChallengeColourInput.optional(),
    facts: Text(2000).optional(),
    assumptions: Text(2000).optional(),
    actions: Text(2000).optional(),
    obstacles: Text(2000).optional(),
    teamMembers: z.array(Text(120)).max(50).optional(),
    /** When the post-DSL solution meeting (R7.2 step 3) took place. */
    solutionMeetingAt: Instant.optional(),
    /** More incidents that cause it (added to its links; issue 15 item 4). */
    incidentIds: z.array(z.string().trim().min(1).max(80)).max(20).optional(),
    note: Text(2000).optional(),
  })
  .refine((u) => Object.entries(u).some(([k, v]) => k !== 'eventId' && v !== undefined), {
    message: 'minst ett fält / at least one field',
  });
export type ChallengeUpdateInput = z.infer<typeof ChallengeUpdateInput>;

export const CloseInput = z.object({ eventId: EventId, reason: Text(2000) });
export type CloseInput = z.infer<typeof CloseInput>;

export const CHALLENGE_STATES = ['raised', 'triaged', 'resolved', 'withdrawn'] as const;
export type ChallengeState = (typeof CHALLENGE_STATES)[number];

export const TimelineEntry = z.object({
  /** The event id: a replay of the same id changes nothing. */
  id: z.string(),
  type: z.enum([
    'raised',
    'triaged',
    'decisionRequested',
    'decisionMade',
    'updated',
    'resolved',
    'withdrawn',
    'notTriaged',
    'decisionOverdue',
    'overdueReminder',
  ]),
  at: z.string(),
  by: Actor.optional(),
  data: z.record(z.string(), z.unknown()).default({}),
  /** A person's event: the hash of the request that made it, so the same id with another body is refused (422). */
  requestHash: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const PendingDecision = z.object({
  requestId: z.string(),
  level: z.enum(DECISION_LEVELS),
  question: z.string(),
  requestedAt: z.string(),
  deadline: z.string(),
  /** The deadline passed without a decision (R8.4). */
  overdueSince: z.string().optional(),
  /** Reminders sent after it went overdue (the first overdue notice included). */
  remindersSent: z.number().int().default(0),
  /** When the next overdue reminder is due. */
  nextReminderAt: z.string().optional(),
});
export type PendingDecision = z.infer<typeof PendingDecision>;

/** One line of the decision log (R8.5): a challenge's decision, DSL's triage, or a decision on its own (R11.6). */
export const DecisionRecord = z.object({
  id: z.string(),
  goLiveId: z.string(),
  /** The challenge it is about; none for a coordination or CSL decision on its own (R11.5, R11.6). */
  challengeId: z.string().optional(),
  challengeTitle: z.string().optional(),
  level: z.enum(LOG_LEVELS),
  question: z.string(),
  decision: z.string(),
  rationale: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  recordedBy: Actor.optional(),
  requestedAt: z.string(),
  deadline: z.string(),
  /** Minutes from request to decision, and against the deadline (negative = in time). */
  minutesTaken: z.number().int(),
  minutesAgainstDeadline: z.number().int(),
  late: z.boolean(),
  /** Recorded by someone deciding for the role named here (R8.3: the CSL chair for the chief medical officer). */
  onBehalfOf: z.string().optional(),
  /** The meeting it was taken at, if any (DSL, CSL). */
  meetingId: z.string().optional(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;

export const Challenge = z.object({
  id: z.string(),
  goLiveId: z.string(),
  title: z.string(),
  colour: z.enum(COLOURS),
  areaId: z.string(),
  needFromOthers: z.string(),
  ideas: z.string().optional(),
  needsTeam: z.boolean().optional(),
  sdReferences: z.array(z.string()),
  incidentIds: z.array(z.string()),
  state: z.enum(CHALLENGE_STATES),
  raisedAt: z.string(),
  raisedBy: Actor.optional(),
  /** End of the first DSL meeting after it was raised: not triaged by then → R7.4. */
  triageDeadline: z.string().optional(),
  notTriagedNotified: z.boolean().default(false),
  triage: z
    .object({
      decision: z.enum(['startTeam', 'wait']),
      priority: z.number().int().optional(),
      participants: z.array(z.string()),
      note: z.string().optional(),
      meetingId: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  team: z.object({ members: z.array(z.string()), solutionMeetingAt: z.string().optional() }).optional(),
  /** The latest facts, assumptions, actions and obstacles (R4.5). */
  situation: z
    .object({
      facts: z.string().optional(),
      assumptions: z.string().optional(),
      actions: z.string().optional(),
      obstacles: z.string().optional(),
    })
    .default({}),
  pendingDecision: PendingDecision.optional(),
  decisions: z.array(DecisionRecord).default([]),
  /** Last recorded change by a person (state, colour, action, decision): "moved forward" (R6.2). */
  lastChangeAt: z.string(),
  endedAt: z.string().optional(),
  timeline: z.array(TimelineEntry),
  requestHash: z.string(),
});
export type Challenge = z.infer<typeof Challenge>;

export const isOpen = (c: Pick<Challenge, 'state'>): boolean => c.state === 'raised' || c.state === 'triaged';

/** Where the challenge stands in the process (transitions.ts): a pending decision is `decisionPending`, or `overdue` once its deadline passed. */
export function escalationState(c: Pick<Challenge, 'state' | 'pendingDecision'>): EscalationState {
  if (c.state === 'resolved' || c.state === 'withdrawn' || !c.pendingDecision) return c.state;
  return c.pendingDecision.overdueSince ? 'overdue' : 'decisionPending';
}

/** A meeting as the deadline rules need it. */
export interface MeetingSlot {
  forum: 'DSL' | 'CSL' | 'LGV';
  start: string;
  end: string;
}

const addMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** R7.4: a challenge must be prioritised by the end of the first DSL meeting that starts after it was raised. */
export function triageDeadline(raisedAt: string, meetings: readonly MeetingSlot[]): string | undefined {
  return meetings.filter((m) => m.forum === 'DSL' && m.start >= raisedAt).sort((a, b) => a.start.localeCompare(b.start))[0]?.end;
}

/**
 * The default deadline of a decision (R8): ITD — the end of the DSL meeting in progress (or
 * the request time) plus 60 min; LGV — the end of the next LGV meeting to start after the
 * request (one in progress is not it), else the end of the next DSL, else 4 h; work practice
 * and förvaltning level — 4 h.
 */
export function defaultDecisionDeadline(
  level: DecisionLevel,
  requestedAt: string,
  meetings: readonly MeetingSlot[],
  rules: EscalationRules = DEFAULT_ESCALATION_RULES,
): string {
  const sorted = [...meetings].sort((a, b) => a.start.localeCompare(b.start));
  if (level === 'itd') {
    const inProgress = sorted.find((m) => m.forum === 'DSL' && m.start <= requestedAt && requestedAt < m.end);
    return addMinutes(inProgress?.end ?? requestedAt, rules.itdMinutesAfterDsl);
  }
  if (level === 'lgv') {
    // The end of the *next* LGV meeting: one in progress is too soon to prepare a case for (issue 14 item 11).
    const next = sorted.find((m) => m.forum === 'LGV' && m.start > requestedAt);
    if (next) return next.end;
    // No LGV meeting left (after day 4): the next DSL takes it up, not a clock through the night.
    const dsl = sorted.find((m) => m.forum === 'DSL' && m.start > requestedAt);
    if (dsl) return dsl.end;
  }
  return addMinutes(requestedAt, rules.fallbackHours * 60);
}

/** R8.4: when an overdue decision is raised again — the next meeting of the deciding forum, else the next DSL, else after the repeat interval. */
export function nextOverdueReminder(
  level: DecisionLevel,
  after: string,
  meetings: readonly MeetingSlot[],
  rules: EscalationRules = DEFAULT_ESCALATION_RULES,
): string {
  const forum = DECIDING_FORUM[level];
  const first = (f: MeetingSlot['forum']) =>
    meetings.filter((m) => m.forum === f && m.start > after).sort((a, b) => a.start.localeCompare(b.start))[0];
  // When the deciding forum meets no more (LGV after day 4), the next DSL, which heads its agenda with it (R8.4).
  const next = first(forum) ?? (forum !== 'DSL' ? first('DSL') : undefined);
  return next?.start ?? addMinutes(after, rules.overdueRepeatMinutes);
}

/** The next instant the process must wake by itself, if any: triage deadline, decision deadline, or overdue reminder. */
export function nextWake(c: Challenge): { at: string; reason: 'triageDeadline' | 'decisionDeadline' | 'overdueReminder' } | undefined {
  if (!isOpen(c)) return undefined;
  const candidates: { at: string; reason: 'triageDeadline' | 'decisionDeadline' | 'overdueReminder' }[] = [];
  if (c.state === 'raised' && c.triageDeadline && !c.notTriagedNotified)
    candidates.push({ at: c.triageDeadline, reason: 'triageDeadline' });
  const p = c.pendingDecision;
  if (p && !p.overdueSince) candidates.push({ at: p.deadline, reason: 'decisionDeadline' });
  if (p?.overdueSince && p.nextReminderAt) candidates.push({ at: p.nextReminderAt, reason: 'overdueReminder' });
  return candidates.sort((a, b) => a.at.localeCompare(b.at))[0];
}

const conflict = (sv: string, en: string) => new DomainError('CHALLENGE.INVALID_TRANSITION', { sv, en });

/** Why `state` does not take `step` (the table has no cell for it), in the words a person reads with the 409. */
function refusal(state: EscalationState, step: Step): DomainError {
  if (state === 'resolved' || state === 'withdrawn')
    return conflict(
      `Utmaningen är redan ${state === 'resolved' ? 'löst' : 'återkallad'}; inget mer kan göras med den.`,
      `The challenge is already ${state}; nothing more can be done with it.`,
    );
  if (step === 'decisionRequest' && state === 'raised')
    return conflict(
      'DSL behöver prioritera utmaningen innan ett beslut begärs (R7.2).',
      'DSL must prioritise the challenge before a decision is requested (R7.2).',
    );
  if (step === 'decisionRequest')
    return conflict('Ett beslut väntar redan; fatta det eller vänta tills det är fattat.', 'A decision is already pending; make it first.');
  if (step === 'decision')
    return conflict('Inget beslut är begärt för den här utmaningen.', 'No decision has been requested for this challenge.');
  return conflict(`Utmaningen tar inte emot ${step} i läget ${state}.`, `The challenge does not take ${step} in state ${state}.`);
}

/** What an event did, for notifications: `none` when it was a replay. */
export type Effect =
  | { kind: 'none' }
  | { kind: 'triaged'; teamStarted: boolean }
  | { kind: 'decisionRequested'; pending: PendingDecision }
  | { kind: 'decisionMade'; record: DecisionRecord }
  | { kind: 'updated' }
  | { kind: 'closed'; state: 'resolved' | 'withdrawn' }
  | { kind: 'notTriaged' }
  | { kind: 'decisionOverdue'; pending: PendingDecision; first: boolean };

export type ChallengeEvent =
  | { type: 'triage'; input: TriageInput }
  | { type: 'decisionRequest'; input: DecisionRequestInput; deadline: string }
  | { type: 'decision'; input: DecisionInput; onBehalfOf?: string }
  | { type: 'update'; input: ChallengeUpdateInput }
  | { type: 'resolve'; input: CloseInput }
  | { type: 'withdraw'; input: CloseInput };

/**
 * Applies a person's event (R7.2–R7.4, R8). Pure. `eventId` makes it idempotent: an id
 * already in the timeline returns the challenge unchanged with effect `none`. Whether the
 * state takes the event, and the state it leads to, come from the transition table
 * (transitions.ts); an event the table refuses throws CHALLENGE.INVALID_TRANSITION (HTTP 409)
 * saying why.
 */
export function applyEvent(
  c: Challenge,
  event: ChallengeEvent,
  ctx: { eventId: string; now: string; by?: Actor; requestHash?: string },
): { challenge: Challenge; effect: Effect } {
  const done = c.timeline.find((t) => t.id === ctx.eventId);
  if (done) {
    // A replay must carry the same request: the same id (or Idempotency-Key) with another body is refused, not dropped.
    if (done.requestHash !== undefined && ctx.requestHash !== undefined && done.requestHash !== ctx.requestHash)
      throw new DomainError('IDEMPOTENCY.KEY_REUSED', {
        sv: 'Samma id eller Idempotency-Key har redan använts för en annan begäran.',
        en: 'This id or Idempotency-Key was already used for a different request.',
      });
    return { challenge: c, effect: { kind: 'none' } };
  }
  const from = escalationState(c);
  const to = nextState(from, event.type);
  if (!to) throw refusal(from, event.type);
  const r = applyAllowed(c, event, ctx, to);
  // The table is the source: an event whose outcome disagrees with it is a bug here, not a person's error.
  if (escalationState(r.challenge) !== to) throw new Error(`${event.type} from ${from} led to ${escalationState(r.challenge)}, not ${to}`);
  return r;
}

function applyAllowed(
  c: Challenge,
  event: ChallengeEvent,
  ctx: { eventId: string; now: string; by?: Actor; requestHash?: string },
  to: EscalationState,
): { challenge: Challenge; effect: Effect } {
  const entry = (type: TimelineEntry['type'], data: Record<string, unknown>): TimelineEntry => ({
    id: ctx.eventId,
    type,
    at: ctx.now,
    ...(ctx.by ? { by: ctx.by } : {}),
    data,
    ...(ctx.requestHash !== undefined ? { requestHash: ctx.requestHash } : {}),
  });
  const moved = (next: Challenge, e: TimelineEntry): Challenge => ({ ...next, lastChangeAt: ctx.now, timeline: [...next.timeline, e] });

  switch (event.type) {
    case 'triage': {
      const i = event.input;
      const team =
        i.decision === 'startTeam'
          ? { members: i.participants, ...(c.team?.solutionMeetingAt ? { solutionMeetingAt: c.team.solutionMeetingAt } : {}) }
          : c.team;
      const next: Challenge = {
        ...c,
        state: STORED_STATE[to],
        triage: {
          decision: i.decision,
          ...(i.priority !== undefined ? { priority: i.priority } : {}),
          participants: i.participants,
          ...(i.note ? { note: i.note } : {}),
          ...(i.meetingId ? { meetingId: i.meetingId } : {}),
          at: ctx.now,
        },
        ...(team ? { team } : {}),
      };
      return {
        challenge: moved(
          next,
          entry('triaged', { decision: i.decision, priority: i.priority, participants: i.participants, note: i.note }),
        ),
        effect: { kind: 'triaged', teamStarted: i.decision === 'startTeam' },
      };
    }
    case 'decisionRequest': {
      const pending: PendingDecision = {
        requestId: ctx.eventId,
        level: event.input.level,
        question: event.input.question,
        requestedAt: ctx.now,
        deadline: event.deadline,
        remindersSent: 0,
      };
      return {
        challenge: moved(
          { ...c, pendingDecision: pending },
          entry('decisionRequested', { level: pending.level, question: pending.question, deadline: pending.deadline }),
        ),
        effect: { kind: 'decisionRequested', pending },
      };
    }
    case 'decision': {
      const p = c.pendingDecision;
      if (!p) throw refusal(escalationState(c), 'decision'); // the table takes a decision only with one pending
      const decidedAt = event.input.decidedAt ?? ctx.now;
      const minutes = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 60_000);
      const record: DecisionRecord = {
        id: ctx.eventId,
        goLiveId: c.goLiveId,
        challengeId: c.id,
        challengeTitle: c.title,
        level: p.level,
        question: p.question,
        decision: event.input.decision,
        rationale: event.input.rationale,
        decidedBy: event.input.decidedBy,
        decidedAt,
        ...(ctx.by ? { recordedBy: ctx.by } : {}),
        requestedAt: p.requestedAt,
        deadline: p.deadline,
        minutesTaken: minutes(p.requestedAt, decidedAt),
        minutesAgainstDeadline: minutes(p.deadline, decidedAt),
        late: decidedAt > p.deadline,
        ...(event.onBehalfOf ? { onBehalfOf: event.onBehalfOf } : {}),
      };
      const { pendingDecision: _done, ...rest } = c;
      return {
        challenge: moved(
          { ...rest, decisions: [...c.decisions, record] },
          entry('decisionMade', { level: p.level, decision: record.decision, late: record.late }),
        ),
        effect: { kind: 'decisionMade', record },
      };
    }
    case 'update': {
      const u = event.input;
      const situation = { ...c.situation };
      for (const k of ['facts', 'assumptions', 'actions', 'obstacles'] as const) if (u[k] !== undefined) situation[k] = u[k];
      const team =
        u.teamMembers || u.solutionMeetingAt
          ? {
              members: u.teamMembers ?? c.team?.members ?? [],
              ...((u.solutionMeetingAt ?? c.team?.solutionMeetingAt)
                ? { solutionMeetingAt: u.solutionMeetingAt ?? c.team?.solutionMeetingAt }
                : {}),
            }
          : c.team;
      const incidentIds = u.incidentIds ? [...new Set([...c.incidentIds, ...u.incidentIds])] : c.incidentIds;
      const next: Challenge = { ...c, colour: u.colour ?? c.colour, situation, incidentIds, ...(team ? { team } : {}) };
      const { eventId: _id, ...data } = u;
      return { challenge: moved(next, entry('updated', data)), effect: { kind: 'updated' } };
    }
    case 'resolve':
    case 'withdraw': {
      const state = STORED_STATE[to] === 'resolved' ? 'resolved' : 'withdrawn';
      const { pendingDecision: _dropped, ...rest } = c;
      return {
        challenge: moved({ ...rest, state, endedAt: ctx.now }, entry(state, { reason: event.input.reason })),
        effect: { kind: 'closed', state },
      };
    }
  }
}

/**
 * What a person's event did, read back from the challenge for a replay of it: the retry of
 * a request whose answer (or notification, or signal) was lost repeats the event's
 * notifications, which the outbox dedupes by key. `none` for an unknown id, an update, or a
 * decision request already decided (its notice is moot).
 */
export function replayedEffect(c: Challenge, eventId: string): Effect {
  const e = c.timeline.find((t) => t.id === eventId);
  switch (e?.type) {
    case 'triaged':
      return { kind: 'triaged', teamStarted: e.data.decision === 'startTeam' };
    case 'decisionRequested':
      return c.pendingDecision?.requestId === eventId ? { kind: 'decisionRequested', pending: c.pendingDecision } : { kind: 'none' };
    case 'decisionMade': {
      const record = c.decisions.find((d) => d.id === eventId);
      return record ? { kind: 'decisionMade', record } : { kind: 'none' };
    }
    case 'resolved':
    case 'withdrawn':
      return { kind: 'closed', state: e.type };
    default:
      return { kind: 'none' };
  }
}

/**
 * What the clock does (R7.4, R8.4): at `at`, a challenge not triaged by its deadline is
 * flagged once; a decision past its deadline becomes overdue, and is raised again at each
 * following reminder time. Idempotent: a deadline already handled changes nothing.
 */
export function applyDeadline(
  c: Challenge,
  at: string,
  meetings: readonly MeetingSlot[],
  rules: EscalationRules = DEFAULT_ESCALATION_RULES,
): { challenge: Challenge; effects: Effect[] } {
  if (!isOpen(c)) return { challenge: c, effects: [] };
  let next = c;
  const effects: Effect[] = [];
  // Each clock step only where the transition table takes it (transitions.ts).
  const takes = (step: Step) => nextState(escalationState(next), step) !== undefined;
  if (takes('triageDeadline') && next.triageDeadline && !next.notTriagedNotified && at >= next.triageDeadline) {
    next = {
      ...next,
      notTriagedNotified: true,
      timeline: [
        ...next.timeline,
        { id: `notTriaged:${next.triageDeadline}`, type: 'notTriaged', at, data: { deadline: next.triageDeadline } },
      ],
    };
    effects.push({ kind: 'notTriaged' });
  }
  const p = next.pendingDecision;
  if (p && takes('decisionDeadline') && at >= p.deadline) {
    const pending: PendingDecision = {
      ...p,
      overdueSince: p.deadline,
      remindersSent: 1,
      nextReminderAt: nextOverdueReminder(p.level, at, meetings, rules),
    };
    next = {
      ...next,
      pendingDecision: pending,
      timeline: [
        ...next.timeline,
        { id: `overdue:${p.requestId}`, type: 'decisionOverdue', at, data: { level: p.level, deadline: p.deadline } },
      ],
    };
    effects.push({ kind: 'decisionOverdue', pending, first: true });
  } else if (p?.overdueSince && takes('overdueReminder') && p.nextReminderAt && at >= p.nextReminderAt) {
    const pending: PendingDecision = {
      ...p,
      remindersSent: p.remindersSent + 1,
      nextReminderAt: nextOverdueReminder(p.level, at, meetings, rules),
    };
    next = {
      ...next,
      pendingDecision: pending,
      timeline: [
        ...next.timeline,
        {
          id: `overdue:${p.requestId}:${p.nextReminderAt}`,
          type: 'overdueReminder',
          at,
          data: { level: p.level, reminder: pending.remindersSent },
        },
      ],
    };
    effects.push({ kind: 'decisionOverdue', pending, first: false });
  }
  return { challenge: next, effects };
}

/** Challenges and decisions for the overview (R10.1): open challenges by colour and age, decisions waiting with overdue ones first. */
export interface EscalationOverview {
  challenges: {
    counts: { red: number; yellow: number };
    open: {
      id: string;
      title: string;
      colour: 'red' | 'yellow';
      areaId: string;
      state: ChallengeState;
      raisedAt: string;
      ageMinutes: number;
      notPrioritised: boolean;
    }[];
  };
  decisions: {
    waiting: {
      id: string;
      challengeId: string;
      title: string;
      question: string;
      level: DecisionLevel;
      forum: string;
      deadline: string;
      overdue: boolean;
      minutesLeft: number;
    }[];
  };
}

export function escalationOverview(challenges: readonly Challenge[], now: Date, lang: 'sv' | 'en' = 'sv'): EscalationOverview {
  const t = now.getTime();
  const open = challenges.filter(isOpen);
  const minutes = (iso: string) => Math.round((t - Date.parse(iso)) / 60_000);
  return {
    challenges: {
      counts: { red: open.filter((c) => c.colour === 'red').length, yellow: open.filter((c) => c.colour === 'yellow').length },
      open: open
        .map((c) => ({
          id: c.id,
          title: c.title,
          colour: c.colour as 'red' | 'yellow',
          areaId: c.areaId,
          state: c.state,
          raisedAt: c.raisedAt,
          ageMinutes: minutes(c.raisedAt),
          notPrioritised: c.state === 'raised' && c.notTriagedNotified,
        }))
        .sort((a, b) => (a.colour === b.colour ? a.raisedAt.localeCompare(b.raisedAt) : a.colour === 'red' ? -1 : 1)),
    },
    decisions: {
      waiting: open
        .filter((c) => c.pendingDecision)
        .map((c) => {
          const p = c.pendingDecision!;
          return {
            id: p.requestId,
            challengeId: c.id,
            title: c.title,
            question: p.question,
            level: p.level,
            forum: DECISION_LEVEL_LABELS[p.level][lang],
            deadline: p.deadline,
            overdue: p.overdueSince !== undefined || Date.parse(p.deadline) <= t,
            minutesLeft: -minutes(p.deadline),
          };
        })
        .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline)),
    },
  };
}
