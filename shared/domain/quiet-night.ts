import type { GoLive } from './golive';
import { DEFAULT_NOTIFICATION_SETTINGS } from './golive';
import { dayOf, localDateOfDay, scheduledMeetingsOnDay, wallClock } from './meetings';
import { minutesOfDay } from './schedule';

/*
 * The quiet night (issue 15 item 6), part of the go-live's configuration
 * (`notifications.quietNight`): from the end of the day's last forum meeting (at the latest
 * `latestStart`, 22:00) until the next morning's first meeting or `morning` (06:00),
 * whichever is earlier. Repeated reminders asked for in it wait for its end; P1/P2
 * incidents and first notices are never held (the notifier decides what is a repeat). The
 * meetings are the scheduled ones of each version in force (R5.2); an extra meeting called
 * at night does not move the window. Pure: instants in, an instant out.
 */

type G = Pick<GoLive, 'id' | 'startDate' | 'timeZone' | 'schedules' | 'scheduleHistory' | 'createdAt'> &
  Partial<Pick<GoLive, 'notifications'>>;

export interface QuietNight {
  /** The night's first instant (ISO, UTC). */
  from: string;
  /** The morning: held reminders go out then. */
  until: string;
}

/** The quiet night that begins on the evening of `day` (relative to day 0). */
export function quietNightAfter(goLive: G, day: number): QuietNight {
  const q = (goLive.notifications ?? DEFAULT_NOTIFICATION_SETTINGS).quietNight;
  const evening = scheduledMeetingsOnDay(goLive, day);
  const latest = wallClock(localDateOfDay(goLive, day), minutesOfDay(q.latestStart)).toMillis();
  const lastEnd = evening.length ? Math.max(...evening.map((m) => Date.parse(m.end))) : latest;
  const morningMeetings = scheduledMeetingsOnDay(goLive, day + 1);
  const morning = wallClock(localDateOfDay(goLive, day + 1), minutesOfDay(q.morning)).toMillis();
  const firstStart = morningMeetings.length ? Math.min(...morningMeetings.map((m) => Date.parse(m.start))) : morning;
  return { from: new Date(Math.min(lastEnd, latest)).toISOString(), until: new Date(Math.min(firstStart, morning)).toISOString() };
}

/** The quiet night `at` falls in, if any (and the go-live has it on). */
export function quietNightAt(goLive: G, at: Date): QuietNight | undefined {
  if ((goLive.notifications ?? DEFAULT_NOTIFICATION_SETTINGS).quietNight.enabled === false) return undefined;
  const t = at.toISOString();
  const day = dayOf(goLive, at);
  for (const d of [day - 1, day]) {
    const n = quietNightAfter(goLive, d);
    if (n.from <= t && t < n.until) return n;
  }
  return undefined;
}
