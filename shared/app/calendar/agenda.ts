import { z } from 'zod';
import type { Ports } from '../../ports/app.port';
import { escalationAgendaSources, workPracticesOutstanding } from '../../escalation/app/challenges';
import { latestCslAssessments } from '../csl';
import type { Agenda, AgendaAreaReport, AgendaChallenge, AgendaDecision, CslAssessment, Lang } from '../../domain/agenda';
import { buildAgenda, markAsSent } from '../../domain/agenda';
import type { Colour } from '../../domain/colour';
import { notFound } from '../../domain/errors';
import type { GoLive } from '../../domain/golive';
import type { Meeting } from '../../domain/meetings';
import type {
  AreaReportStore,
  ChallengeStore,
  GoLiveStore,
  MeetingStore,
  NoteStore,
  StatusSnapshot,
  StatusSnapshotStore,
  UnitReportStore,
} from '../../ports/repository.port';
import { findMeeting, previousOf } from './meetings';

/**
 * Where an agenda gets its challenges (R7) and decisions (R8). The escalation engine plugs
 * in here (`setAgendaSources`); until it does, both are undefined and the agenda says so
 * (`eventSource: 'areaStatus'`, empty decision sections).
 */
export interface AgendaSources {
  /** Red and yellow challenges relevant to the meeting, open ones and those closed since `since`. */
  challenges?(goLive: GoLive, meeting: Meeting, since: string | undefined): Promise<AgendaChallenge[] | undefined>;
  /** Decisions waiting, overdue or decided since `since`. */
  decisions?(goLive: GoLive, meeting: Meeting, since: string | undefined): Promise<AgendaDecision[] | undefined>;
}

/**
 * The stores an agenda reads: the status snapshot, report histories (the trend since the
 * previous meeting), meetings, challenges and decisions, CSL assessments and marks (notes).
 */
export type AgendaStores = GoLiveStore &
  StatusSnapshotStore &
  UnitReportStore &
  AreaReportStore &
  MeetingStore &
  ChallengeStore &
  NoteStore;

type S = Ports<AgendaStores, 'clock'>;

/** How far back a report history is read to find a colour at the previous meeting. */
const HISTORY_DEPTH = 50;
/** Reads of unit histories in flight at once (CSL changes since the previous CSL). */
const PARALLEL = 8;

function colourAt(list: readonly { reportedAt: string; colour: Colour }[], at: string, depth: number): Colour | null | undefined {
  const found = list.find((r) => r.reportedAt < at);
  if (found) return found.colour;
  // Every report read is newer and the history may go deeper: unknown, not "none".
  return list.length < depth ? null : undefined;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
    }),
  );
  return out;
}

/** What one agenda reads in several of its sections, read once per agenda. */
const READ_ONCE = new Set<PropertyKey>(['listChallenges', 'listNotes']);

/**
 * The ports an agenda reads through (issue 17): the challenge section, the decision section
 * and the work practices (R6.1, R8.4, R11.4) each want every challenge of the go-live and the
 * decision notes; within one agenda the store is asked once per argument list and every
 * section gets that answer (it is not changed by them). Every other call goes to the store.
 */
function readingOnce(s: S): S {
  const memo = new Map<string, Promise<unknown>>();
  const repo = new Proxy(s.repo, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (!READ_ONCE.has(prop)) return method;
      return (...args: unknown[]) => {
        const key = `${String(prop)}\u0000${args.map(String).join('\u0000')}`;
        let read = memo.get(key);
        if (!read) memo.set(key, (read = method(...args)));
        return read;
      };
    },
  });
  return {
    repo,
    get clock() {
      return s.clock;
    },
  };
}

export interface AgendaContext {
  goLive: GoLive;
  meeting: Meeting;
  previous: Meeting | undefined;
  snapshot: StatusSnapshot;
  areaColoursAtPrevious?: Map<string, Colour | null>;
  unitColoursAtPrevious?: Map<string, Colour | null>;
  challenges?: AgendaChallenge[];
  decisions?: AgendaDecision[];
  /** Each area's latest report (DSL). */
  areaReports?: AgendaAreaReport[];
  /** CSL's latest assessment per förvaltning (CSL, DSL point 10; R11.1). */
  cslAssessments?: CslAssessment[];
  /** Changed work practices not yet communicated everywhere (DSL point 9; R11.4). */
  workPractices?: { id: string; text: string; outstanding: string[] }[];
}

/**
 * Reads what an agenda needs, once for both languages: the snapshot (one query), the previous
 * meeting of the forum, and — for the trend since it — the colours then: each area's report
 * history for DSL (one short read per area), the history of units that reported since for CSL.
 */
export async function agendaContext(
  store: S,
  goLiveId: string,
  meetingId: string,
  givenSources?: AgendaSources,
  snapshot?: StatusSnapshot,
): Promise<AgendaContext> {
  const s = readingOnce(store);
  const sources = givenSources ?? escalationAgendaSources(s);
  const snap = snapshot ?? (await s.repo.getStatusSnapshot(goLiveId));
  if (!snap) throw notFound('GOLIVE.NOT_FOUND', goLiveId);
  const goLive = snap.goLive;
  const meeting = await findMeeting(s, goLive, meetingId);
  const previous = await previousOf(s, goLive, meeting);
  const ctx: AgendaContext = { goLive, meeting, previous, snapshot: snap };
  if (meeting.forum === 'DSL') {
    // Each area's latest report (its problems and the three questions, points 8, 9, 11, R6.1)
    // and, since a previous DSL, its colour then (the trend) from the same short read.
    const depth = previous ? HISTORY_DEPTH : 1;
    const entries = await mapLimited(goLive.areas, PARALLEL, async (a) => {
      const list = await s.repo.listAreaReports(goLiveId, a.id, depth);
      return { areaId: a.id, latest: list[0], before: previous ? colourAt(list, previous.start, depth) : undefined };
    });
    ctx.areaReports = entries.flatMap((e) => (e.latest ? [e.latest] : []));
    if (previous)
      ctx.areaColoursAtPrevious = new Map(entries.filter((e) => e.before !== undefined).map((e) => [e.areaId, e.before as Colour | null]));
  }
  if (previous && meeting.forum === 'CSL') {
    const reportedSince = snap.unitStatuses.filter((u) => u.reportedAt >= previous.start);
    const entries = await mapLimited(reportedSince, PARALLEL, async (u) => {
      const c = colourAt(await s.repo.listUnitReports(goLiveId, u.unitId, HISTORY_DEPTH), previous.start, HISTORY_DEPTH);
      return [u.unitId, c] as const;
    });
    ctx.unitColoursAtPrevious = new Map(entries.filter((e): e is readonly [string, Colour | null] => e[1] !== undefined));
  }
  if (meeting.forum === 'DSL') ctx.workPractices = await workPracticesOutstanding(s, goLive);
  if (meeting.forum !== 'LGV') ctx.cslAssessments = await latestCslAssessments(s, goLiveId, s.clock.now().toISOString());
  const since = previous?.start;
  const [challenges, decisions] = await Promise.all([
    sources.challenges?.(goLive, meeting, since),
    sources.decisions?.(goLive, meeting, since),
  ]);
  if (challenges) ctx.challenges = challenges;
  if (decisions) ctx.decisions = decisions;
  return ctx;
}

/** The agenda in one language from a context (R6). */
export function agendaFrom(ctx: AgendaContext, now: Date, lang: Lang): Agenda {
  return buildAgenda({
    goLive: ctx.goLive,
    meeting: ctx.meeting,
    ...(ctx.previous ? { previous: ctx.previous } : {}),
    now,
    lang,
    unitStatuses: ctx.snapshot.unitStatuses,
    areaStatuses: ctx.snapshot.areaStatuses,
    openIncidents: ctx.snapshot.openIncidents,
    ...(ctx.areaColoursAtPrevious ? { areaColoursAtPrevious: ctx.areaColoursAtPrevious } : {}),
    ...(ctx.unitColoursAtPrevious ? { unitColoursAtPrevious: ctx.unitColoursAtPrevious } : {}),
    ...(ctx.challenges ? { challenges: ctx.challenges } : {}),
    ...(ctx.decisions ? { decisions: ctx.decisions } : {}),
    ...(ctx.areaReports ? { areaReports: ctx.areaReports } : {}),
    ...(ctx.cslAssessments?.length ? { cslAssessments: ctx.cslAssessments } : {}),
    ...(ctx.workPractices?.length ? { workPractices: ctx.workPractices } : {}),
  });
}

/**
 * The agenda as it was sent, kept per meeting (R6.5, issue 14 item 6): a note of kind
 * `sentAgenda` with the meeting's id, both languages and when it went out. Read back with zod;
 * the agenda itself is the builder's output, stored whole.
 */
const SentAgenda = z.object({
  meetingId: z.string(),
  meetingEnd: z.string(),
  sentAt: z.string(),
  sv: z.looseObject({ sections: z.array(z.looseObject({ key: z.string() })) }),
  en: z.looseObject({ sections: z.array(z.looseObject({ key: z.string() })) }),
});
export type SentAgenda = { meetingId: string; meetingEnd: string; sentAt: string; sv: Agenda; en: Agenda };

const parseSent = (data: unknown): SentAgenda => SentAgenda.parse(data) as unknown as SentAgenda;

/**
 * Keeps the agenda as it is sent, once per meeting: the first send stores it, and a send
 * repeated after a crash (a claim taken over) finds the stored one and sends that again.
 */
export async function keepSentAgenda(
  s: Ports<NoteStore>,
  goLiveId: string,
  meeting: Meeting,
  agendas: { sv: Agenda; en: Agenda },
  sentAt: string,
): Promise<SentAgenda> {
  const data: SentAgenda = { meetingId: meeting.id, meetingEnd: meeting.end, sentAt, sv: agendas.sv, en: agendas.en };
  const r = await s.repo.createNote({
    id: meeting.id,
    goLiveId,
    kind: 'sentAgenda',
    at: sentAt,
    data: data as unknown as Record<string, unknown>,
  });
  return r.created ? data : parseSent(r.value.data);
}

/** The agenda as it was sent before a meeting, if it was. */
export async function sentAgenda(s: Ports<NoteStore>, goLiveId: string, meetingId: string): Promise<SentAgenda | undefined> {
  const note = await s.repo.getNote(goLiveId, 'sentAgenda', meetingId);
  return note && parseSent(note.value.data);
}

/**
 * The agenda of a meeting (R6.5: it can be opened at any time). Once the meeting is over, the
 * version that was sent before it, marked so with a link to the live one (`live`); before or
 * during the meeting, for a meeting whose agenda was never sent, or with `opts.live`, the
 * agenda built from the state now.
 */
export async function getAgenda(
  s: S,
  goLiveId: string,
  meetingId: string,
  lang: Lang,
  sources?: AgendaSources,
  opts: { live?: boolean; liveHref?: string } = {},
): Promise<Agenda> {
  if (!opts.live) {
    const sent = await sentAgenda(s, goLiveId, meetingId);
    if (sent && s.clock.now().getTime() >= Date.parse(sent.meetingEnd))
      return markAsSent(sent[lang], sent.sentAt, opts.liveHref ?? `?live=1`);
  }
  return agendaFrom(await agendaContext(s, goLiveId, meetingId, sources), s.clock.now(), lang);
}
