import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { EscalationPlan } from '../../shared/escalation/app/challenges';
import { ACTIVITIES, ESCALATION_ORCHESTRATOR, EVENTS, type EscalationInput } from './names';

const RETRY = new df.RetryOptions(5_000, 5);
RETRY.backoffCoefficient = 2;
RETRY.maxRetryIntervalInMilliseconds = 60_000;

/**
 * One instance per challenge (R7, R8). It keeps time and nothing else: it asks what the
 * challenge waits for (`plan`), then races a person's change against the clock. When the
 * clock wins, `deadline` applies R7.4 / R8.4 (not triaged, overdue, reminders). Every turn
 * ends in continueAsNew, so the history stays a handful of events however long the
 * challenge lives; state lives in the store, so a replay or a restart repeats nothing.
 */
export const escalationOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<EscalationInput>();
  const plan: EscalationPlan = yield context.df.callActivityWithRetry(ACTIVITIES.plan, RETRY, input);
  if (plan.ended) {
    context.df.setCustomStatus({ state: 'ended' });
    return 'ended';
  }
  context.df.setCustomStatus({ state: 'waiting', wakeAt: plan.wakeAt ?? null, reason: plan.reason ?? null });
  const changed = context.df.waitForExternalEvent(EVENTS.changed);
  if (plan.wakeAt) {
    const timer = context.df.createTimer(new Date(plan.wakeAt));
    const winner: unknown = yield context.df.Task.any([changed, timer]);
    if (winner === timer) {
      if (!context.df.isReplaying) context.log(`escalation ${input.goLiveId}/${input.challengeId}: ${plan.reason} at ${plan.wakeAt}`);
      yield context.df.callActivityWithRetry(ACTIVITIES.deadline, RETRY, { ...input, at: plan.wakeAt });
    } else {
      // The lost timer must be cancelled, or the instance never completes.
      timer.cancel();
    }
  } else {
    yield changed;
  }
  context.df.continueAsNew(input);
  return undefined;
};

df.app.orchestration(ESCALATION_ORCHESTRATOR, escalationOrchestrator);
