import * as df from 'durable-functions';
import { z } from 'zod';
import { handleEscalationDeadline, planEscalation } from '../../shared/escalation/app/challenges';
import { getServices } from '../../shared/composition';
import { ACTIVITIES } from './names';

const Ref = z.object({ goLiveId: z.string().min(1), challengeId: z.string().min(1) });
const DeadlineInput = Ref.extend({ at: z.iso.datetime() });

/** What the challenge waits for next. Reads only. */
df.app.activity(ACTIVITIES.plan, {
  handler: async (input: unknown) => {
    const { goLiveId, challengeId } = Ref.parse(input);
    return planEscalation(await getServices(), goLiveId, challengeId);
  },
});

/** The clock reached a deadline (R7.4, R8.4). Idempotent: the domain skips what is done, notifications dedupe. */
df.app.activity(ACTIVITIES.deadline, {
  handler: async (input: unknown) => {
    const { goLiveId, challengeId, at } = DeadlineInput.parse(input);
    return handleEscalationDeadline(await getServices(), goLiveId, challengeId, new Date(at).toISOString());
  },
});
