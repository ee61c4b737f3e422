import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { escalationInstanceId } from '../../shared/escalation/app/challenges';
import { StoreUnavailableError } from '../../shared/ports/repository.port';
import { ESCALATION_ORCHESTRATOR, EVENTS, type EscalationInput } from './names';

/** The durable client input a route that signals the escalation declares (`extraInputs`). */
export const durableClient = [df.input.durableClient()];

/**
 * Makes sure the challenge's escalation runs and tells it that something changed — on every
 * request, replays included, so a retry repairs a signal lost after the write (R7, R8). A
 * process that is not running (never started, failed, terminated) is started again: it reads
 * the challenge and ends at once if there is nothing left to wait for. Starting is by a fixed
 * instance id and idempotent: "already exists" from a concurrent request is success, followed
 * by the signal. Whatever still fails is a 503 with Retry-After, never a 500: the write is
 * stored, and the client's retry (a replay) ensures the process again.
 */
export async function signalEscalation(context: InvocationContext, goLiveId: string, challengeId: string): Promise<string> {
  const client = df.getClient(context);
  const instanceId = escalationInstanceId(goLiveId, challengeId);
  const input: EscalationInput = { goLiveId, challengeId };
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const status = await client.getStatus(instanceId).catch(() => undefined);
      const running = status !== undefined && ACTIVE.has(String(status.runtimeStatus));
      if (running) {
        await client.raiseEvent(instanceId, EVENTS.changed, { challengeId });
        return instanceId;
      }
      try {
        await client.startNew(ESCALATION_ORCHESTRATOR, { instanceId, input });
        return instanceId;
      } catch (e) {
        // Someone else started it between our look and our start: signal that one.
        if (!isAlreadyStarted(e)) throw e;
        await client.raiseEvent(instanceId, EVENTS.changed, { challengeId });
        return instanceId;
      }
    } catch (e) {
      last = e;
    }
  }
  context.warn(`escalation ${instanceId} could not be started or signalled: ${(last as Error)?.message ?? String(last)}`);
  throw new StoreUnavailableError(`escalation ${instanceId} could not be started or signalled`, 1);
}

const ACTIVE = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);

/** The durable client's answer to a start of an id in use (HTTP 409 from the extension or the local host). */
const isAlreadyStarted = (e: unknown): boolean => /\b409\b|already exists/i.test(e instanceof Error ? e.message : String(e));
