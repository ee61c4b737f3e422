// @ts-check
import { lang, t } from './i18n.js';

/**
 * Clock time in the go-live's zone (`09:42`); the browser may sit in another zone, and the
 * wall screen must show the region's time.
 * @param {string | null | undefined} iso
 * @param {string} timeZone
 */
export function clock(iso, timeZone) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang() === 'sv' ? 'sv-SE' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}

/**
 * Day and time when not today (`fre 27 nov 09:42`), clock time otherwise.
 * @param {string | null | undefined} iso
 * @param {string} timeZone
 * @param {string} nowIso
 */
export function when(iso, timeZone, nowIso) {
  if (!iso) return '';
  const locale = lang() === 'sv' ? 'sv-SE' : 'en-GB';
  const day = (/** @type {string} */ x) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(x));
  if (day(iso) === day(nowIso)) return clock(iso, timeZone);
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/**
 * A duration for people: `45 min`, `3 h 10 min`, `2 d 4 h`.
 * @param {number} ms
 */
export function duration(ms) {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60000));
  if (minutes < 60) return t('minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? t('wholeHours', { h: hours }) : t('hours', { h: hours, m: minutes % 60 });
  return t('days', { d: Math.floor(hours / 24), h: hours % 24 });
}

/**
 * Milliseconds from `from` to `to` (ISO strings); NaN when either is missing or invalid.
 * @param {string | null | undefined} from
 * @param {string | null | undefined} to
 */
export const between = (from, to) => (from && to ? Date.parse(to) - Date.parse(from) : Number.NaN);
