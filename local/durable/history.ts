import { z } from 'zod';

/*
 * The wire shapes between the Durable extension and the `durable-functions` library: history
 * events going in (PascalCase, as the extension serializes them) and the orchestrator state
 * coming out. Only what the library reads, plus what a person debugging a history wants.
 */

/** DurableTask.Core's HistoryEventType, as numbers on the wire. */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export const EVENT_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EventType).map(([name, n]) => [n, name]));

/**
 * One history event. `EventId` is the sequence number for scheduling events (TaskScheduled,
 * TimerCreated, SubOrchestrationInstanceCreated) and -1 otherwise; results point back with
 * `TaskScheduledId` / `TimerId`. Payloads (`Input`, `Result`) are JSON text.
 */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  /** ISO time; the library reads `currentUtcDateTime` from the latest OrchestratorStarted. */
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
}

export function historyEvent(type: number, timestamp: Date, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp.toISOString(), ...fields };
}

/** The library's ActionType enum (durable-functions 3.x, OOProc schema V3+). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export const RetryOptionsSchema = z.object({
  firstRetryIntervalInMilliseconds: z.number(),
  maxNumberOfAttempts: z.number(),
  backoffCoefficient: z.number().optional(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  retryTimeoutInMilliseconds: z.number().optional(),
});
export type RetryOptions = z.infer<typeof RetryOptionsSchema>;

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: RetryOptions;
  instanceId?: string;
  compoundActions?: Action[];
}

export const ActionSchema: z.ZodType<Action> = z.lazy(() =>
  z.looseObject({
    actionType: z.number().int(),
    functionName: z.string().optional(),
    input: z.unknown().optional(),
    fireAt: z.string().optional(),
    isCanceled: z.boolean().optional(),
    externalEventName: z.string().optional(),
    retryOptions: RetryOptionsSchema.optional(),
    instanceId: z.string().optional(),
    compoundActions: z.array(ActionSchema).optional(),
  }),
);

/** What an orchestrator invocation returns (and what a failure carries after `$OutOfProcData$:`). */
export const OrchestratorStateSchema = z.looseObject({
  isDone: z.boolean(),
  actions: z.array(z.array(ActionSchema)),
  output: z.unknown().optional(),
  error: z.string().optional(),
  customStatus: z.unknown().optional(),
  schemaVersion: z.number().optional(),
});
export type OrchestratorState = z.infer<typeof OrchestratorStateSchema>;

const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

/**
 * A failing orchestrator throws `"<x>\n\n$OutOfProcData$:{state}"` (x is usually `false`); the
 * user's error is `state.error`. Anything else thrown (a binding error) is its own message.
 */
export function stateOfFailure(error: unknown): { message: string; state?: OrchestratorState } {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { message: text };
  try {
    const state = OrchestratorStateSchema.parse(JSON.parse(text.slice(at + OUT_OF_PROC_LABEL.length)));
    return { message: state.error ?? text.slice(0, at), state };
  } catch {
    return { message: text.slice(0, at) };
  }
}

/**
 * The library JSON-encodes string inputs of activities and continue-as-new
 * (`Utils.processInput`), and the extension decodes them once: so do we.
 */
export function decodeActionInput(input: unknown): unknown {
  if (typeof input !== 'string') return input ?? null;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** JSON text for a history payload; `undefined` becomes `"null"`, which the library can parse. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null) ?? 'null';
}

export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
