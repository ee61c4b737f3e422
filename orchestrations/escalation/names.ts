/** Names shared by the escalation orchestrator, its activities, the HTTP starters and tests. */
export const ESCALATION_ORCHESTRATOR = 'escalationOrchestrator';
export const ACTIVITIES = {
  plan: 'escalationPlan',
  deadline: 'escalationDeadline',
} as const;
export const EVENTS = {
  /** A person changed the challenge (triage, decision, update, close): plan again. */
  changed: 'challengeChanged',
} as const;

export interface EscalationInput {
  goLiveId: string;
  challengeId: string;
}
