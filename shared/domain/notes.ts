import { z } from 'zod';

/**
 * Records of the routine that belong to no challenge, report or meeting document, stored one
 * document each in the go-live's partition: decisions taken outside a challenge (R8.5,
 * R11.5, R11.6), CSL's qualitative assessment per förvaltning (R11.1), agendas as they were
 * sent (R6.5), and marks that a changed work practice was communicated into a förvaltning's
 * units (R11.4), and a meeting's agenda items ticked off as discussed (issue 16). `data` is checked by the use case that owns the kind.
 */
export const NOTE_KINDS = ['decision', 'cslAssessment', 'sentAgenda', 'communicated', 'discussed'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const Note = z.object({
  id: z.string().min(1).max(200),
  goLiveId: z.string(),
  kind: z.enum(NOTE_KINDS),
  /** When it happened: lists are in this order, oldest first. */
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type Note = z.infer<typeof Note>;
