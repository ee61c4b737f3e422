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

/** An ISO 8601 instant anywhere in a text (what item 5 forbids in what people read). */
export const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
