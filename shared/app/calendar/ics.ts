import { createHash } from 'node:crypto';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Ports } from '../../ports/app.port';
import type { GoLiveStore, MeetingStore } from '../../ports/repository.port';
import { ROLE_LABELS } from '../../domain/golive';
import { meetingsBetween, participantsOf } from '../../domain/meetings';
import type { Forum } from '../../domain/schedule';
import { FORUM_NAMES } from '../../domain/schedule';
import { requireGoLive } from '../golives';
import { scheduleSpan } from './meetings';

/**
 * The VTIMEZONE of an IANA zone from timezones-ical-library, under the zone's own name.
 * The library files zones that share rules under one name (Europe/Stockholm comes back as
 * Europe/Berlin); events refer to the go-live's zone, so the block is renamed to match —
 * without a VTIMEZONE of that exact TZID a client could not place the events.
 */
export function vtimezone(zone: string): string | null {
  const got = tzlib_get_ical_block(zone);
  const block = Array.isArray(got) ? got[0] : got;
  if (!block || !block.includes('BEGIN:VTIMEZONE')) return null;
  return block.replace(/^TZID:.*$/m, `TZID:${zone}`).replace(/^X-LIC-LOCATION:.*$/m, `X-LIC-LOCATION:${zone}`);
}

/** How often subscribed calendars should refresh (Outlook honours X-PUBLISHED-TTL / REFRESH-INTERVAL). */
const REFRESH_SECONDS = 15 * 60;

/**
 * An iCalendar feed of a go-live's meetings (R5), for Outlook to subscribe to: every
 * scheduled and ad-hoc meeting of the schedule's span, in the go-live's time zone with its
 * VTIMEZONE, one VEVENT per meeting with the meeting id as UID (stable across restarts and
 * schedule edits that keep the meeting). Deterministic: the same data gives the same bytes.
 */
export async function calendarFeed(
  s: Ports<GoLiveStore & MeetingStore, 'publicBaseUrl'>,
  goLiveId: string,
  forum?: Forum,
): Promise<{ body: string; etag: string }> {
  const goLive = await requireGoLive(s, goLiveId);
  const span = scheduleSpan(goLive);
  // Extra meetings may come after the schedule ends (follow-up): a month beyond it.
  const to = new Date(span.to.getTime() + 31 * 24 * 3600_000);
  const adHoc = await s.repo.listMeetings(goLiveId, { from: span.from.toISOString(), to: to.toISOString() });
  const meetings = meetingsBetween(goLive, span.from, to, { adHoc, ...(forum ? { forum } : {}) });
  const zone = goLive.timeZone;
  const base = s.publicBaseUrl.replace(/\/+$/, '');
  const name = `Driftpuls – ${goLive.name}${forum ? ` – ${forum}` : ''}`;

  const cal = ical({
    name,
    prodId: { company: 'Driftpuls', product: 'go-live calendar', language: 'SV' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: REFRESH_SECONDS,
    // No calendar-level zone, so DTSTAMP stays in UTC as RFC 5545 requires; events carry TZID.
    timezone: { name: null, generator: vtimezone },
  });
  cal.x([['X-WR-TIMEZONE', zone]]);
  for (const m of meetings) {
    const people = participantsOf(goLive, m)
      .map((p) => `${ROLE_LABELS[p.role].sv}: ${p.people.length ? p.people.map((x) => x.name).join(', ') : '–'}`)
      .join('\n');
    const agendaUrl = `${base}/api/golives/${goLive.id}/meetings/${m.id}/agenda?format=html`;
    cal.createEvent({
      id: `${m.id}@${goLive.id}.driftpuls`,
      start: DateTime.fromISO(m.start, { zone }),
      end: DateTime.fromISO(m.end, { zone }),
      timezone: zone,
      // The last change that could have shaped the event: the schedule write, or the ad-hoc meeting's creation.
      stamp: DateTime.fromISO(m.knownSince ?? goLive.updatedAt, { zone: 'utc' }),
      summary: m.source === 'adHoc' ? m.title.sv : `${m.forum} – ${FORUM_NAMES[m.forum].sv.split(' – ')[1]}`,
      description: `${m.reason ? `Anledning: ${m.reason}\n` : ''}Dagordning: ${agendaUrl}\n\nDeltagare:\n${people}`,
      url: agendaUrl,
      categories: [{ name: m.forum }],
    });
  }
  const body = cal.toString();
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}
