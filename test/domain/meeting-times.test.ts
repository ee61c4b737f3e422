import fc from 'fast-check';
import { DateTime } from 'luxon';
import { meetingTimes } from '../../shared/domain/local-time';

/**
 * Issue 17: the agenda's times come from the zone's offset asked once per hour, not from luxon
 * per line; they must read exactly as luxon writes them in the zone, DST switches included.
 */
const byLuxon = (zone: string, reference: string, instant: string) => {
  const d = DateTime.fromISO(instant, { zone });
  return d.toFormat(d.hasSame(DateTime.fromISO(reference, { zone }), 'day') ? 'HH:mm' : 'd/M HH:mm');
};

const ZONES = ['Europe/Stockholm', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
// 2026: Europe switches on 29 March and 25 October (01:00 UTC); Lord Howe by half an hour.
const FROM = Date.parse('2026-01-01T00:00:00.000Z');
const TO = Date.parse('2027-01-01T00:00:00.000Z');

it('writes every instant of a year as luxon does, in zones with whole and half-hour switches', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: FROM, max: TO }),
      fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 1, maxLength: 20 }),
      (zone, ref, deltas) => {
        const reference = new Date(ref).toISOString();
        const times = meetingTimes(zone, reference);
        for (const d of deltas) {
          const instant = new Date(ref + d).toISOString();
          expect(times(instant)).toBe(byLuxon(zone, reference, instant));
        }
      },
    ),
    { numRuns: 1000 },
  );
});

it('is exact minute by minute across the night Stockholm goes to summer time and back', () => {
  for (const night of ['2026-03-29T00:00:00.000Z', '2026-10-25T00:00:00.000Z']) {
    const times = meetingTimes('Europe/Stockholm', night);
    for (let m = 0; m < 4 * 60; m++) {
      const instant = new Date(Date.parse(night) + m * 60_000 + 30_000).toISOString();
      expect(times(instant)).toBe(byLuxon('Europe/Stockholm', night, instant));
    }
  }
  // Instants written with an offset, and local ones (no offset: read in the zone, as luxon does).
  const times = meetingTimes('Europe/Stockholm', '2026-11-27T09:00:00.000Z');
  expect(times('2026-11-27T10:15:00+01:00')).toBe('10:15');
  expect(times('2026-11-26T23:30:00.000Z')).toBe('00:30');
  expect(times('2026-11-26T22:30:00.000Z')).toBe('26/11 23:30');
  expect(times('2026-11-27T10:15')).toBe('10:15');
});
