import type { Texts } from '../domain/errors';
import type { Role } from '../domain/golive';

/** Forums of the routine (R5); each has a chat channel (R5.4). */
import type { Forum } from '../domain/schedule';
export type { Forum };

/** What a notification is about; templates and delivery rules key on it. */
export type NotificationKind =
  | 'unitReportReminder'
  | 'unitOverdueSummary'
  | 'areaReportReminder'
  | 'areaReportOverdue'
  | 'incidentUpdateReminder'
  | 'agenda'
  | 'challengeRaised'
  | 'challengeNotTriaged'
  | 'teamStarted'
  | 'decisionRequested'
  | 'decisionOverdue'
  | 'decisionMade'
  | 'challengeResolved'
  | 'incidentOpened'
  | 'incidentRaised'
  | 'incidentClosed'
  | 'meetingCalled'
  | 'digest';

/** Who receives it: people by id, everyone holding a role in the go-live, forum channels. */
export interface Recipients {
  personIds?: string[];
  roles?: Role[];
  forums?: Forum[];
}

/**
 * One notification as a sender asks for it. The content is given in both languages (Swedish
 * first); the notifier stores it in the outbox before any delivery is tried.
 */
export interface NotificationRequest {
  goLiveId: string;
  kind: NotificationKind;
  /** Same key → the same notification: never stored or sent twice. Deterministic, e.g. `agenda:{meetingId}`. */
  dedupeKey: string;
  recipients: Recipients;
  subject: Texts;
  /** Plain text body. */
  text: Texts;
  /** Optional HTML body (already escaped); templates build it when absent. */
  html?: Texts;
  /** Link back to the object in Driftpuls (path under the public base URL). */
  link?: string;
  /** The object it is about, e.g. `{ type: 'meeting', id }`. */
  about?: { type: string; id: string };
  /** Extra structured data for templates and cards. */
  data?: Record<string, unknown>;
  /** When the sender decided it (the injected clock's now). */
  createdAt: string;
  /**
   * Limits the channels (default: every channel that is on). E-mail goes to every person
   * resolved; Teams channel posts to the forums named; the Teams activity feed to the
   * coordinators among the people (go-live lead, go-live coordinator, area coordinators).
   * Any other registered channel (notification-channel.port.ts) is named by its `kind`.
   */
  channels?: ('email' | 'teamsChannel' | 'teamsActivity' | (string & {}))[];
  /**
   * A P1/P2 incident (R9): never held in the quiet night window, never folded into a
   * digest, and e-mailed even to people who read the forum's channel.
   */
  urgent?: boolean;
  /**
   * A reminder of something already told (an overdue decision raised again, an area still
   * missing): held in the go-live's quiet night window until the morning, where all held
   * reminders of one thing become one. The first notice of anything new is never held.
   */
  repeat?: boolean;
}

export interface EnqueueResult {
  id: string;
  /** false when the dedupe key was already in the outbox. */
  created: boolean;
  /** People named (by id or role) who cannot be reached, e.g. without an e-mail address. */
  unresolved?: { personId: string; reason: 'noEmail' | 'unknownPerson' }[];
}

/** The notices a person chose to get in a digest, made in [since, until) (issue 15 item 7). */
export interface DigestGroup {
  personId: string;
  items: { id: string; kind: NotificationKind; subject: Texts; link: string; createdAt: string }[];
}

/** The notification port every sender in the app uses (calendar reminders, agendas, escalation). */
export interface Notifier {
  /** Stores the notification in the outbox (idempotent by `dedupeKey`); delivery happens after. */
  enqueue(request: NotificationRequest): Promise<EnqueueResult>;
  /** What was folded into digests in [since, until), per person, oldest first; absent when the notifier keeps no outbox. */
  digestItems?(goLiveId: string, since: string, until: string): Promise<DigestGroup[]>;
}
