import { z } from 'zod';

/** Who made a write, as the audit trail records it (issue: trust — every write says who and when). */
export const Actor = z.object({
  kind: z.enum(['user', 'machine']),
  id: z.string(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;
