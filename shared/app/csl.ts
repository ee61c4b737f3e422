import { z } from 'zod';
import type { Ports } from '../ports/app.port';
import type { GoLiveStore, NoteStore } from '../ports/repository.port';
import type { CslAssessment } from '../domain/agenda';
import { Actor } from '../domain/audit';
import { notFound } from '../domain/errors';
import { Slug } from '../domain/ids';
import { requireGoLive } from './golives';
import { assertSameRequest, recordId, requestHash } from './idempotency';

const Text = (max: number) => z.string().trim().min(1).max(max);

/** CSL's qualitative assessment of a förvaltning (R11.1): obstacles and risks, agreed with its rollout organisation. */
export const CslAssessmentInput = z.object({
  id: Slug.optional(),
  /** The assessment: what does not go to plan, obstacles and risks for care. */
  text: Text(4000),
  /** With whom in the förvaltning's rollout organisation it was agreed. */
  agreedWith: Text(200).optional(),
});
export type CslAssessmentInput = z.infer<typeof CslAssessmentInput>;

const StoredAssessment = z.object({
  forvaltningId: z.string(),
  text: z.string(),
  agreedWith: z.string().optional(),
  at: z.string(),
  by: z.string(),
  recordedBy: Actor.optional(),
  requestHash: z.string(),
});
export const CslAssessmentRecord = StoredAssessment.omit({ requestHash: true }).extend({ id: z.string() });
export type CslAssessmentRecord = z.infer<typeof CslAssessmentRecord>;

/** Stores a CSL note on a förvaltning, with who and when (R11.1). Idempotent by id / Idempotency-Key. */
export async function recordCslAssessment(
  s: Ports<GoLiveStore & NoteStore, 'clock'>,
  cmd: { goLiveId: string; forvaltningId: string; input: CslAssessmentInput; idempotencyKey?: string; actor?: Actor },
): Promise<{ value: CslAssessmentRecord; created: boolean }> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  if (!goLive.forvaltningar.some((f) => f.id === cmd.forvaltningId)) throw notFound('FORVALTNING.NOT_FOUND', cmd.forvaltningId);
  const at = s.clock.now().toISOString();
  const id = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: `csl-assessment/${cmd.forvaltningId}` });
  const hash = requestHash({ forvaltningId: cmd.forvaltningId, ...cmd.input });
  const person = goLive.people.find(
    (p) => p.id === cmd.actor?.id || (p.email !== undefined && p.email.toLowerCase() === cmd.actor?.id.toLowerCase()),
  );
  const data = {
    forvaltningId: cmd.forvaltningId,
    text: cmd.input.text,
    ...(cmd.input.agreedWith ? { agreedWith: cmd.input.agreedWith } : {}),
    at,
    by: person?.name ?? cmd.actor?.name ?? cmd.actor?.id ?? 'CSL',
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    requestHash: hash,
  };
  const r = await s.repo.createNote({ id, goLiveId: goLive.id, kind: 'cslAssessment', at, data });
  const stored = StoredAssessment.parse(r.value.data);
  if (!r.created) assertSameRequest(stored, hash);
  return { value: CslAssessmentRecord.parse({ ...stored, id }), created: r.created };
}

/** Every assessment, oldest first. */
export async function listCslAssessments(s: Ports<GoLiveStore & NoteStore>, goLiveId: string): Promise<CslAssessmentRecord[]> {
  await requireGoLive(s, goLiveId);
  return (await s.repo.listNotes(goLiveId, 'cslAssessment')).map((n) =>
    CslAssessmentRecord.parse({ ...StoredAssessment.parse(n.data), id: n.id }),
  );
}

/** The latest assessment of each förvaltning made by `at`, as the agendas take them (CSL round the table, DSL point 10). */
export async function latestCslAssessments(s: Ports<NoteStore>, goLiveId: string, at: string): Promise<CslAssessment[]> {
  const latest = new Map<string, CslAssessment>();
  for (const n of await s.repo.listNotes(goLiveId, 'cslAssessment')) {
    const a = StoredAssessment.parse(n.data);
    if (a.at <= at)
      latest.set(a.forvaltningId, {
        forvaltningId: a.forvaltningId,
        text: a.text,
        ...(a.agreedWith ? { agreedWith: a.agreedWith } : {}),
        at: a.at,
        by: a.by,
      });
  }
  return [...latest.values()];
}
