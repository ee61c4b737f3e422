/*
 * The escalation's state machine as data (R7, R8): which state takes which step, and where
 * it leads. `applyEvent` and `applyDeadline` (challenge.ts) look every step up here — a step
 * the table lacks is refused (409) — and the state diagram in docs/escalation.md is checked
 * against this table both ways (test/escalation/transitions.test.ts).
 */

/**
 * The states of the process. A stored challenge keeps `raised`, `triaged`, `resolved` or
 * `withdrawn`; `decisionPending` and `overdue` are a triaged challenge with a pending
 * decision, before and after its deadline (`escalationState` derives them).
 */
export const ESCALATION_STATES = ['raised', 'triaged', 'decisionPending', 'overdue', 'resolved', 'withdrawn'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];

/** What a person sends: one route each (`POST …/challenges/{id}/…`). */
export const ESCALATION_COMMANDS = ['triage', 'decisionRequest', 'decision', 'update', 'resolve', 'withdraw'] as const;
export type Command = (typeof ESCALATION_COMMANDS)[number];

/** What the clock does when the orchestration's timer wins (R7.4, R8.4). */
export const CLOCK_STEPS = ['triageDeadline', 'decisionDeadline', 'overdueReminder'] as const;
export type ClockStep = (typeof CLOCK_STEPS)[number];

export type Step = Command | ClockStep;

/** Raising a challenge (`POST …/challenges`) starts the process here. */
export const INITIAL: { step: 'raise'; state: EscalationState } = { step: 'raise', state: 'raised' };

/** state × step → next state; a step missing from a state's row is refused there. */
export const TRANSITIONS: { readonly [S in EscalationState]: Readonly<Partial<Record<Step, EscalationState>>> } = {
  raised: {
    triage: 'triaged',
    update: 'raised',
    resolve: 'resolved',
    withdraw: 'withdrawn',
    triageDeadline: 'raised',
  },
  triaged: {
    triage: 'triaged',
    decisionRequest: 'decisionPending',
    update: 'triaged',
    resolve: 'resolved',
    withdraw: 'withdrawn',
  },
  decisionPending: {
    triage: 'decisionPending',
    decision: 'triaged',
    update: 'decisionPending',
    resolve: 'resolved',
    withdraw: 'withdrawn',
    decisionDeadline: 'overdue',
  },
  overdue: {
    triage: 'overdue',
    decision: 'triaged',
    update: 'overdue',
    resolve: 'resolved',
    withdraw: 'withdrawn',
    overdueReminder: 'overdue',
  },
  resolved: {},
  withdrawn: {},
};

/** Where `step` leads from `state`, or undefined when the state does not take it. */
export const nextState = (state: EscalationState, step: Step): EscalationState | undefined => TRANSITIONS[state][step];

/** The stored state a process state is kept as. */
export const STORED_STATE: Record<EscalationState, 'raised' | 'triaged' | 'resolved' | 'withdrawn'> = {
  raised: 'raised',
  triaged: 'triaged',
  decisionPending: 'triaged',
  overdue: 'triaged',
  resolved: 'resolved',
  withdrawn: 'withdrawn',
};
