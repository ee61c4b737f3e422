import { DateTime } from 'luxon';
import type { AppPorts, Ports } from '../../ports/app.port';
import type { CalendarTickStore, GoLiveStore, MeetingStore } from '../../ports/repository.port';
import type { AgendaStores } from './agenda';
import type { Actor } from '../../domain/audit';
import { DomainError, invalidField, notFound } from '../../domain/errors';
import type { GoLive, Role } from '../../domain/golive';
import type { AdHocMeeting, AdHocMeetingInput, Meeting } from '../../domain/meetings';
import {
  adHocToMeeting,
  localDateOfDay,
  meetingById,
  meetingsBetween,
  nextMeeting,
  participantsOf,
  previousMeeting,
  scheduledDayRange,
} from '../../domain/meetings';
import type { Forum } from '../../domain/schedule';
import { FORUMS } from '../../domain/schedule';
import { reminderRulesFor } from '../../domain/calendar-actions';
import { agendaNotice } from '../../rendering/agenda';
import type { Texts } from '../../domain/errors';
import { clockTime, localWhen } from '../../domain/local-time';
import { pages } from '../../domain/pages';
import { type Clash, clashesOf, clashText, doubleBookings, type MeetingClash } from '../../domain/clashes';
import { requireGoLive } from '../golives';
import { assertSameRequest, recordId, requestHash } from '../idempotency';
import type { WriteResult } from '../reports';

/** A meeting as the API shows it: participants resolved to people (R1), and where its agenda is. */
export interface MeetingView extends Meeting {
  participants: { role: Role; people: { id: string; name: string }[] }[];
  agendaUrl: string;
  /** Double booking (issue 15 item 10): the other meetings at the same time with people expected in both. */
  clashes?: MeetingClash[];
}

export const viewOf = (goLive: Pick<GoLive, 'id' | 'people'>, m: Meeting, clashes?: readonly Clash[]): MeetingView => ({
  ...m,
  participants: participantsOf(goLive, m),
  agendaUrl: `/api/golives/${goLive.id}/meetings/${m.id}/agenda`,
  ...(clashes ? { clashes: clashesOf(m.id, clashes) } : {}),
});

/** No meeting lasts longer (R5.3's limit): a meeting overlapping one in a range starts at most this far outside it. */
const CLASH_REACH_MS = 8 * 3600_000;

/** Every meeting (scheduled and extra) starting in [from − 8 h, to + 8 h), and their double bookings. */
async function clashesAround(s: Ports<MeetingStore>, goLive: GoLive, from: Date, to: Date): Promise<Clash[]> {
  const lo = new Date(from.getTime() - CLASH_REACH_MS);
  const hi = new Date(to.getTime() + CLASH_REACH_MS);
  const adHoc = await s.repo.listMeetings(goLive.id, { from: lo.toISOString(), to: hi.toISOString() });
  return doubleBookings(goLive, meetingsBetween(goLive, lo, hi, { adHoc }));
}

/**
 * Double bookings from `now` to the end of the schedule (issue 15 item 10): what a schedule
 * write warns about, one warning per pair of meetings, in the request's language.
 */
export async function doubleBookingWarnings(
  s: Ports<MeetingStore>,
  goLive: GoLive,
  now: Date,
  lang: 'sv' | 'en',
): Promise<
  { code: 'MEETING.DOUBLE_BOOKED'; message: string; meetings: string[]; people: { id: string; name: string }[]; from: string; to: string }[]
> {
  const span = scheduleSpan(goLive);
  const from = now > span.from ? now : span.from;
  if (span.to <= from) return [];
  const adHoc = await s.repo.listMeetings(goLive.id, {
    from: new Date(from.getTime() - CLASH_REACH_MS).toISOString(),
    to: span.to.toISOString(),
  });
  const iso = from.toISOString();
  return doubleBookings(goLive, meetingsBetween(goLive, new Date(from.getTime() - CLASH_REACH_MS), span.to, { adHoc }))
    .filter((c) => c.to > iso)
    .map((c) => ({
      code: 'MEETING.DOUBLE_BOOKED' as const,
      message: clashText(goLive.timeZone, c)[lang],
      meetings: c.meetings.map((m) => m.id),
      people: c.people,
      from: c.from,
      to: c.to,
    }));
}

/** The longest range one listing may span: a go-live week with its rehearsal and follow-up. */
const MAX_RANGE_DAYS = 62;
const DAY_MS = 24 * 3600_000;

/** The whole schedule: local midnight of the first scheduled day to the end of the last. */
export function scheduleSpan(goLive: GoLive): { from: Date; to: Date } {
  const { first, last } = scheduledDayRange(goLive);
  return { from: localDateOfDay(goLive, first).toJSDate(), to: localDateOfDay(goLive, last + 1).toJSDate() };
}

/**
 * Meetings starting in [from, to), scheduled and ad hoc, earliest first (R5, R5.1). Without
 * a range: the go-live's whole schedule. Computation grows with the days asked for.
 */
export async function listMeetings(
  s: Ports<GoLiveStore & MeetingStore>,
  goLiveId: string,
  q: { from?: string; to?: string; forum?: Forum },
): Promise<{ from: string; to: string; items: MeetingView[] }> {
  const goLive = await requireGoLive(s, goLiveId);
  const span = scheduleSpan(goLive);
  const from = q.from ? new Date(q.from) : span.from;
  const to = q.to ? new Date(q.to) : q.from ? new Date(from.getTime() + 8 * DAY_MS) : span.to;
  if (to <= from) throw invalidField('to', { sv: 'måste vara efter from', en: 'must be after from' });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw invalidField('to', { sv: `högst ${MAX_RANGE_DAYS} dagar efter from`, en: `at most ${MAX_RANGE_DAYS} days after from` });
  const adHoc = await s.repo.listMeetings(goLiveId, { from: from.toISOString(), to: to.toISOString() });
  const items = meetingsBetween(goLive, from, to, { adHoc, ...(q.forum ? { forum: q.forum } : {}) });
  const clashes = await clashesAround(s, goLive, from, to);
  return { from: from.toISOString(), to: to.toISOString(), items: items.map((m) => viewOf(goLive, m, clashes)) };
}

/** The meeting an id names, scheduled (`dsl-2026-11-27T0800`) or ad hoc; MEETING.NOT_FOUND otherwise. */
export async function findMeeting(s: Ports<MeetingStore>, goLive: GoLive, meetingId: string): Promise<Meeting> {
  const scheduled = meetingById(goLive, meetingId);
  if (scheduled) return scheduled;
  const adHoc = await s.repo.getMeeting(goLive.id, meetingId);
  if (adHoc) return adHocToMeeting(goLive, adHoc);
  throw notFound('MEETING.NOT_FOUND', meetingId);
}

export async function getMeeting(s: Ports<GoLiveStore & MeetingStore>, goLiveId: string, meetingId: string): Promise<MeetingView> {
  const goLive = await requireGoLive(s, goLiveId);
  const meeting = await findMeeting(s, goLive, meetingId);
  return viewOf(goLive, meeting, await clashesAround(s, goLive, new Date(meeting.start), new Date(meeting.end)));
}

/** Ad-hoc meetings near `at` that can be a previous or next meeting (a day's reach either way). */
export async function adHocAround(s: Ports<MeetingStore>, goLiveId: string, at: Date, days = 2): Promise<AdHocMeeting[]> {
  return s.repo.listMeetings(goLiveId, {
    from: new Date(at.getTime() - days * DAY_MS).toISOString(),
    to: new Date(at.getTime() + days * DAY_MS).toISOString(),
  });
}

/**
 * The previous meeting of the same forum, scheduled or extra (R6.2 "the previous DSL meeting",
 * R6.3 "the previous CSL"), searched back over two days of ad-hoc meetings.
 */
export async function previousOf(s: Ports<MeetingStore>, goLive: GoLive, meeting: Meeting): Promise<Meeting | undefined> {
  const adHoc = await adHocAround(s, goLive.id, new Date(meeting.start));
  return previousMeeting(goLive, meeting.forum, new Date(meeting.start), { adHoc });
}

/** The next meeting of each forum that has not ended at `now` (R10.1 "the next meetings"). */
export async function nextMeetings(
  s: Ports<MeetingStore>,
  goLive: GoLive,
  now: Date,
): Promise<Record<Forum, (Meeting & { clashes?: MeetingClash[] }) | null>> {
  const adHoc = await s.repo.listMeetings(goLive.id, {
    from: new Date(now.getTime() - DAY_MS).toISOString(),
    to: new Date(now.getTime() + 14 * DAY_MS).toISOString(),
  });
  const out = {} as Record<Forum, (Meeting & { clashes?: MeetingClash[] }) | null>;
  for (const f of FORUMS) out[f] = nextMeeting(goLive, f, now, { adHoc }) ?? null;
  // Double bookings of these meetings (issue 15 item 10), from the same ad-hoc read.
  const found = FORUMS.map((f) => out[f]).filter((m): m is Meeting => m !== null);
  if (found.length) {
    const lo = Math.min(...found.map((m) => Date.parse(m.start))) - CLASH_REACH_MS;
    const hi = Math.max(...found.map((m) => Date.parse(m.end))) + CLASH_REACH_MS;
    const clashes = doubleBookings(goLive, meetingsBetween(goLive, new Date(lo), new Date(hi), { adHoc }));
    for (const f of FORUMS) {
      const m = out[f];
      if (m) out[f] = { ...m, clashes: clashesOf(m.id, clashes) };
    }
  }
  return out;
}

/**
 * Calls an extra meeting of any forum (R5.1: "any DSL member can call an extra DSL meeting").
 * Idempotent by the client's id or Idempotency-Key; `callerRoles` (when the caller is a
 * person rather than an administrator) must include a participant role of the forum or a lead.
 */
export async function createAdHocMeeting(
  s: Ports<AgendaStores & CalendarTickStore, 'clock'> & Partial<Pick<AppPorts, 'notifier'>>,
  cmd: { goLiveId: string; input: AdHocMeetingInput; idempotencyKey?: string; actor?: Actor; callerRoles?: ReadonlySet<Role> },
): Promise<WriteResult<MeetingView>> {
  const goLive = await requireGoLive(s, cmd.goLiveId);
  const forum = goLive.schedules.forums[cmd.input.forum];
  if (
    cmd.callerRoles &&
    !forum.participants.some((r) => cmd.callerRoles!.has(r)) &&
    !cmd.callerRoles.has('goLiveLead') &&
    !cmd.callerRoles.has('goLiveCoordinator')
  )
    throw new DomainError('MEETING.FORUM_MEMBER_REQUIRED', {
      sv: `Bara deltagare i ${cmd.input.forum} kan kalla till ett extra ${cmd.input.forum}-möte.`,
      en: `Only ${cmd.input.forum} participants can call an extra ${cmd.input.forum} meeting.`,
    });
  const now = s.clock.now();
  if (Date.parse(cmd.input.start) < now.getTime() - DAY_MS)
    throw invalidField('start', { sv: 'får ligga högst ett dygn bakåt', en: 'may be at most a day in the past' });
  const hash = requestHash(cmd.input);
  const start = DateTime.fromISO(cmd.input.start, { zone: 'utc' });
  const key = recordId({ clientId: cmd.input.id, idempotencyKey: cmd.idempotencyKey, scope: 'meeting' });
  const meeting: AdHocMeeting = {
    id: `${cmd.input.forum.toLowerCase()}-extra-${key}`,
    goLiveId: goLive.id,
    forum: cmd.input.forum,
    start: start.toISO()!,
    end: start.plus({ minutes: cmd.input.durationMinutes ?? forum.durationMinutes }).toISO()!,
    ...(cmd.input.title ? { title: cmd.input.title } : {}),
    ...(cmd.input.reason ? { reason: cmd.input.reason } : {}),
    participantRoles: cmd.input.participantRoles ?? [...forum.participants],
    createdAt: now.toISOString(),
    ...(cmd.actor ? { recordedBy: cmd.actor } : {}),
    requestHash: hash,
  };
  const result = await s.repo.createMeeting(meeting);
  if (!result.created) assertSameRequest(result.value, hash);
  const called = adHocToMeeting(goLive, result.value);
  // Issue 15 item 9: announced when called (a replay announces under the same key, so once).
  if (s.notifier) await announceMeeting({ repo: s.repo, clock: s.clock, notifier: s.notifier }, goLive, called, now);
  return { value: viewOf(goLive, called), created: result.created };
}

/**
 * R5.1, issue 15 item 9: an extra meeting is announced when it is called — to its
 * participants (e-mail, Teams activity) and the forum's channel — with time, place (its page
 * in Driftpuls, the meeting room) and reason. One called less than the agenda lead (10
 * minutes) ahead gets its agenda at once, under the key the calendar tick would use.
 */
async function announceMeeting(
  s: Ports<AgendaStores & CalendarTickStore, 'clock' | 'notifier'>,
  goLive: GoLive,
  m: Meeting,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const when = localWhen(goLive.timeZone, m.start, at);
  const end = clockTime(goLive.timeZone, m.end);
  const kl = (t: string) => (/^\d/.test(t) ? `kl. ${t}` : t);
  const by = m.createdBy?.name ?? m.createdBy?.id;
  const reason: Texts = m.reason ? { sv: m.reason, en: m.reason } : { sv: '(ingen anledning angiven)', en: '(no reason given)' };
  await s.notifier.enqueue({
    goLiveId: goLive.id,
    kind: 'meetingCalled',
    dedupeKey: `meetingCalled:${m.id}`,
    recipients: { roles: [...m.participantRoles], forums: [m.forum] },
    subject: { sv: `${m.forum} ${kl(when.sv)}`, en: `${m.forum} ${/^\d/.test(when.en) ? `at ${when.en}` : when.en}` },
    text: {
      sv: `Ett extra ${m.forum}-möte är kallat${by ? ` av ${by}` : ''}: ${when.sv}–${end}.\n\nAnledning: ${reason.sv}\n\nPlats: mötesrummet i Driftpuls (länken nedan).`,
      en: `An extra ${m.forum} meeting has been called${by ? ` by ${by}` : ''}: ${when.en}–${end}.\n\nReason: ${reason.en}\n\nPlace: the meeting room in Driftpuls (the link below).`,
    },
    link: pages.meeting(goLive.id, m.id),
    about: { type: 'meeting', id: m.id },
    data: {
      meetingId: m.id,
      forum: m.forum,
      start: m.start,
      end: m.end,
      facts: [{ label: { sv: 'Anledning', en: 'Reason' }, value: reason }],
    },
    createdAt: at,
  });
  const lead = reminderRulesFor(goLive, m.start).agendaMinutesBefore * 60_000;
  if (Date.parse(m.start) - now.getTime() <= lead && Date.parse(m.end) > now.getTime()) {
    // Claimed as the tick's own action, so the tick finds it done and does not ask again.
    const claim = await s.repo.claimDispatch({
      goLiveId: goLive.id,
      actionId: `agenda:${m.id}`,
      kind: 'agenda',
      dueAt: at,
      usefulUntil: m.end,
      meetingId: m.id,
      state: 'done',
      claimedAt: at,
      completedAt: at,
      claimToken: `meetingCalled:${m.id}`,
      attempts: 1,
      notificationCount: 1,
      notifications: [{ dedupeKey: `agenda:${m.id}`, kind: 'agenda', created: true }],
    });
    if (!claim.created && claim.value.claimToken !== `meetingCalled:${m.id}`) return;
    // Loaded when needed: the agenda finds its meeting here, so a static import would be a cycle.
    const { agendaContext, agendaFrom } = await import('./agenda');
    const ctx = await agendaContext(s, goLive.id, m.id);
    const n = agendaNotice(goLive, m, { sv: agendaFrom(ctx, now, 'sv'), en: agendaFrom(ctx, now, 'en') });
    await s.notifier.enqueue({ ...n, goLiveId: goLive.id, createdAt: at });
  }
}
