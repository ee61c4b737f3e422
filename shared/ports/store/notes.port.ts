import type { Note, NoteKind } from '../../domain/notes';
import type { CreateResult, Versioned } from './common';

/** Notes of the routine (R6.5, R8.5, R11): standalone decisions, CSL assessments, agendas as sent, communication marks. */
export interface NoteStore {
  /** Stores a note if (kind, id) is new in the go-live; a replay returns the stored one. */
  createNote(note: Note): Promise<CreateResult<Note>>;
  getNote(goLiveId: string, kind: NoteKind, id: string): Promise<Versioned<Note> | undefined>;
  /** Replaces a note if `etag` still matches, else (or if it no longer exists) `StoreConflictError`. */
  replaceNote(note: Note, etag: string): Promise<Versioned<Note>>;
  /** A go-live's notes of one kind, oldest `at` first, equal times by id. */
  listNotes(goLiveId: string, kind: NoteKind): Promise<Note[]>;
}
