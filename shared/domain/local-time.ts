import { DateTime } from 'luxon';
import type { Texts } from './errors';

/*
 * Times as people read them (issue 15 item 5): every time in a text a person receives is
 * wall-clock time in the go-live's zone. The same local day as the moment of writing shows
 * "09:30"; another day "fre 27 nov 09:30" ("Fri 27 Nov 09:30"). Never ISO, never UTC. The
 * day and month names are written out here, not taken from the runtime's Intl data, so a
 * text is the same on every host.
 */

const SV_DAYS = ['mån', 'tis', 'ons', 'tors', 'fre', 'lör', 'sön'];
const EN_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SV_MONTHS = ['jan', 'feb', 'mars', 'apr', 'maj', 'juni', 'juli', 'aug', 'sep', 'okt', 'nov', 'dec'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const zoned = (timeZone: string, instant: string | Date) =>
  (typeof instant === 'string' ? DateTime.fromISO(instant, { setZone: false }) : DateTime.fromJSDate(instant)).setZone(timeZone);

/** "09:30" in the go-live's zone. */
export function clockTime(timeZone: string, instant: string | Date): string {
  return zoned(timeZone, instant).toFormat('HH:mm');
}

/** "fre 27 nov" / "Fri 27 Nov" in the go-live's zone. */
export function localDay(timeZone: string, instant: string | Date): Texts {
  const d = zoned(timeZone, instant);
  return {
    sv: `${SV_DAYS[d.weekday - 1]} ${d.day} ${SV_MONTHS[d.month - 1]}`,
    en: `${EN_DAYS[d.weekday - 1]} ${d.day} ${EN_MONTHS[d.month - 1]}`,
  };
}

/**
 * A time as a person reads it at `now`: "09:30" on the same local day, "fre 27 nov 09:30"
 * ("Fri 27 Nov 09:30") on another.
 */
export function localWhen(timeZone: string, instant: string | Date, now: string | Date): Texts {
  const t = clockTime(timeZone, instant);
  if (zoned(timeZone, instant).toISODate() === zoned(timeZone, now).toISODate()) return { sv: t, en: t };
  const day = localDay(timeZone, instant);
  return { sv: `${day.sv} ${t}`, en: `${day.en} ${t}` };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** An instant with its offset (Z or ±hh:mm): Date.parse reads it exactly; without one it would take the host's zone. */
const ABSOLUTE = /(Z|[+-]\d\d:?\d\d)$/;

/**
 * The agenda's times (R6): "HH:mm" on the local day of `reference` (the meeting's start),
 * "d/M HH:mm" on another day, in `timeZone`. The zone's offset is asked of luxon once per
 * UTC hour that the instants fall in (twice, to see that it does not change within the
 * hour), not per instant: an agenda of a region has hundreds of times and no time-zone
 * work per line (issue 17). The same text as luxon's `toFormat` in the zone.
 */
export function meetingTimes(timeZone: string, reference: string): (instant: string) => string {
  const offsets = new Map<number, number | null>();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).offset;
  const offsetOf = (ms: number): number => {
    const hour = Math.floor(ms / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const first = offsetAt(hour * 3_600_000);
      offset = first === offsetAt(hour * 3_600_000 + 3_599_999) ? first : null;
      offsets.set(hour, offset);
    }
    // null: the offset changes within this hour (a DST switch); ask for this very instant.
    return offset ?? offsetAt(ms);
  };
  /** The wall clock in the zone, as the UTC fields of a Date. */
  const wall = (ms: number) => new Date(ms + offsetOf(ms) * 60_000);
  const refMs = Date.parse(reference);
  const ref = Number.isNaN(refMs) || !ABSOLUTE.test(reference) ? undefined : wall(refMs);
  const slow = (instant: string) => {
    const d = DateTime.fromISO(instant, { zone: timeZone });
    return d.toFormat(d.hasSame(DateTime.fromISO(reference, { zone: timeZone }), 'day') ? 'HH:mm' : 'd/M HH:mm');
  };
  return (instant) => {
    const ms = Date.parse(instant);
    if (!ref || Number.isNaN(ms) || !ABSOLUTE.test(instant)) return slow(instant);
    const d = wall(ms);
    const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    const sameDay =
      d.getUTCFullYear() === ref.getUTCFullYear() && d.getUTCMonth() === ref.getUTCMonth() && d.getUTCDate() === ref.getUTCDate();
    return sameDay ? time : `${d.getUTCDate()}/${d.getUTCMonth() + 1} ${time}`;
  };
}

/** An ISO 8601 instant anywhere in a text (what item 5 forbids in what people read). */
export const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
