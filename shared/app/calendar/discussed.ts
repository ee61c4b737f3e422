import type { Ports } from '../../ports/app.port';
import type { NoteStore } from '../../ports/repository.port';
import type { Agenda, Lang } from '../../domain/agenda';
import type { Actor } from '../../domain/audit';
import type { DiscussedInput } from '../../domain/discussed';
import { applyDiscussed, DiscussedMarks, itemKeys, withDiscussed } from '../../domain/discussed';
import { invalidField } from '../../domain/errors';
import { ACCESS_MATRIX } from '../../domain/access';
import type { GoLive } from '../../domain/golive';
import type { Principal } from '../../domain/principal';
import { authorize, authorizeTarget, membershipOf } from '../../domain/principal';
import type { Forum } from '../../domain/schedule';
import { assertSameRequest, recordId, requestHash } from '../idempotency';
import { retryOnConflict } from '../retry-on-conflict';
import { StoreConflictError } from '../../ports/repository.port';
import { agendaContext, agendaFrom, getAgenda, type AgendaStores } from './agenda';

/** Reads what an agenda needs (`AgendaStores`) and keeps the marks as notes. */
type S = Ports<AgendaStores & NoteStore, 'clock'>;

/** May this caller tick items of a meeting of `forum` (the access matrix's `markDiscussed`, with its forum rule)? */
export function mayMarkDiscussed(principal: Principal, goLive: GoLive, forum: Forum): boolean {
  const access = ACCESS_MATRIX.markDiscussed!;
  return (
    authorize(access, principal, goLive, { goLiveId: goLive.id }).allowed && authorizeTarget(access, principal, goLive, { forum }).allowed
  );
}

/** The name a tick is shown with: the person as the go-live lists them, else as signed in. */
export function markerName(principal: Principal, goLive: GoLive): string {
  if (principal.kind !== 'user') return principal.kind === 'machine' ? principal.id : '';
  return membershipOf(principal, goLive).person?.name ?? principal.name ?? principal.id;
}

const EMPTY: DiscussedMarks = { items: {}, applied: [] };

/** A meeting's discussed marks as stored (one `discussed` note per meeting), or none yet. */
export async function discussedMarks(s: Ports<NoteStore>, goLiveId: string, meetingId: string): Promise<DiscussedMarks> {
  const note = await s.repo.getNote(goLiveId, 'discussed', meetingId);
  return note ? DiscussedMarks.parse(note.value.data) : EMPTY;
}

/**
 * The agenda a person reads (`getAgenda`: live, or as sent once the meeting is over), with
 * each item's key and the meeting's discussed marks (issue 16).
 */
export async function getMeetingAgenda(
  s: S,
  goLiveId: string,
  meetingId: string,
  lang: Lang,
  opts: { live?: boolean; liveHref?: string } = {},
): Promise<Agenda> {
  const [agenda, marks] = await Promise.all([
    getAgenda(s, goLiveId, meetingId, lang, undefined, opts),
    discussedMarks(s, goLiveId, meetingId),
  ]);
  return withDiscussed(agenda, marks);
}

export interface DiscussedResult {
  meetingId: string;
  itemKey: string;
  discussed: boolean;
  by: string;
  at: string;
}

/**
 * Ticks an agenda item of one meeting as discussed, or clears the tick (issue 16). The item
 * must be on the meeting's agenda now (`itemKey`, else 400 naming it). Idempotent by
 * Idempotency-Key: a retry, or a request arriving late after a later change, answers what it
 * did then and changes nothing; the same key with another body is refused (422). Concurrent
 * ticks (two chairs at once) re-read and apply on top, never overwrite.
 */
export async function markDiscussed(
  s: S,
  cmd: { goLiveId: string; meetingId: string; input: DiscussedInput; idempotencyKey?: string; actor?: Actor; byName: string },
): Promise<{ value: DiscussedResult; created: boolean }> {
  const hash = requestHash(cmd.input);
  const id = recordId({ idempotencyKey: cmd.idempotencyKey, scope: `discussed/${cmd.meetingId}` });
  let checked = false;
  return retryOnConflict(
    10,
    { sv: 'Dagordningen markerades samtidigt av andra. Försök igen.', en: 'The agenda was marked concurrently. Try again.' },
    async () => {
      const note = await s.repo.getNote(cmd.goLiveId, 'discussed', cmd.meetingId);
      const marks = note ? DiscussedMarks.parse(note.value.data) : EMPTY;
      const replay = marks.applied.find((a) => a.id === id);
      if (replay) {
        assertSameRequest(replay, hash);
        return {
          value: { meetingId: cmd.meetingId, itemKey: replay.itemKey, discussed: cmd.input.discussed, by: replay.byName, at: replay.at },
          created: false,
        };
      }
      if (!checked) {
        // The meeting exists (else 404) and the item is on its agenda now.
        const agenda = withDiscussed(agendaFrom(await agendaContext(s, cmd.goLiveId, cmd.meetingId), s.clock.now(), 'sv'));
        if (!itemKeys(agenda).has(cmd.input.itemKey))
          throw invalidField('itemKey', { sv: 'punkten finns inte på mötets dagordning', en: 'the item is not on the meeting’s agenda' });
        checked = true;
      }
      const at = s.clock.now().toISOString();
      const data = applyDiscussed(marks, {
        id,
        requestHash: hash,
        input: cmd.input,
        ...(cmd.actor ? { by: cmd.actor } : {}),
        byName: cmd.byName,
        at,
      });
      const next = { id: cmd.meetingId, goLiveId: cmd.goLiveId, kind: 'discussed' as const, at, data };
      if (note) await s.repo.replaceNote(next, note.etag);
      else if (!(await s.repo.createNote(next)).created) throw new StoreConflictError('discussed note created concurrently');
      return {
        value: { meetingId: cmd.meetingId, itemKey: cmd.input.itemKey, discussed: cmd.input.discussed, by: cmd.byName, at },
        created: true,
      };
    },
  );
}
