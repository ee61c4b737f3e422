import type { Texts } from './errors';
import type { GoLive } from './golive';
import { clockTime, localDay } from './local-time';
import type { Meeting } from './meetings';
import { byStart, participantsOf } from './meetings';

/*
 * Double booking (issue 15 item 10, R5): a person is expected in two meetings at once when
 * both meetings' participant roles (R1) reach them and the meetings overlap in time. The
 * calendar flags it on each meeting, and a schedule write answers with a warning per pair.
 * Meetings that only touch (one ends as the next starts, CSL 30 min before DSL) do not clash.
 */

export interface ClashMeeting {
  id: string;
  forum: Meeting['forum'];
  start: string;
  end: string;
  localStart: string;
}

/** Two meetings that overlap, and the people expected in both. */
export interface Clash {
  /** Earlier start first. */
  meetings: [ClashMeeting, ClashMeeting];
  people: { id: string; name: string }[];
  /** The overlap. */
  from: string;
  to: string;
}

const brief = (m: Meeting): ClashMeeting => ({ id: m.id, forum: m.forum, start: m.start, end: m.end, localStart: m.localStart });

/** Every pair of overlapping meetings with people expected in both, in order of start. */
export function doubleBookings(goLive: Pick<GoLive, 'people'>, meetings: readonly Meeting[]): Clash[] {
  const sorted = [...meetings].sort(byStart);
  const people = new Map(sorted.map((m) => [m.id, participantsOf(goLive, m).flatMap((r) => r.people)]));
  const out: Clash[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.start < a.end; j++) {
      const b = sorted[j]!;
      if (b.end <= a.start || a.id === b.id) continue;
      const inA = new Set(people.get(a.id)!.map((p) => p.id));
      const both = new Map(
        people
          .get(b.id)!
          .filter((p) => inA.has(p.id))
          .map((p) => [p.id, p]),
      );
      if (both.size === 0) continue;
      out.push({
        meetings: [brief(a), brief(b)],
        people: [...both.values()],
        from: b.start,
        to: a.end < b.end ? a.end : b.end,
      });
    }
  }
  return out;
}

/** Another meeting at the same time as this one, and who is expected in both. */
export type MeetingClash = ClashMeeting & { people: Clash['people'] };

/** For one meeting: the other meetings it clashes with and who is expected in both. */
export function clashesOf(meetingId: string, clashes: readonly Clash[]): MeetingClash[] {
  return clashes
    .filter((c) => c.meetings.some((m) => m.id === meetingId))
    .map((c) => ({ ...c.meetings.find((m) => m.id !== meetingId)!, people: c.people }));
}

const names = (people: Clash['people'], and: string) =>
  people.length <= 1
    ? (people[0]?.name ?? '')
    : `${people
        .slice(0, -1)
        .map((p) => p.name)
        .join(', ')} ${and} ${people.at(-1)!.name}`;

/** "Lisa LGV förväntas på två möten samtidigt lör 28 nov: LGV 08:00–08:45 och CSL 08:30–09:00." */
export function clashText(timeZone: string, c: Clash): Texts {
  const day = localDay(timeZone, c.meetings[0].start);
  const span = (m: ClashMeeting) => `${m.forum} ${clockTime(timeZone, m.start)}–${clockTime(timeZone, m.end)}`;
  const [a, b] = c.meetings;
  const many = c.people.length > 1;
  return {
    sv: `${names(c.people, 'och')} förväntas på två möten samtidigt ${day.sv}: ${span(a)} och ${span(b)}.`,
    en: `${names(c.people, 'and')} ${many ? 'are' : 'is'} expected in two meetings at once on ${day.en}: ${span(a)} and ${span(b)}.`,
  };
}
