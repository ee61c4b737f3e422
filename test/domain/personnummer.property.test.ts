import fc from 'fast-check';
import { containsPersonalIdentityNumber } from '../../shared/domain/personnummer';

/*
 * The guard against patient data (docs/access.md, "Patient data"), measured: real identity
 * numbers written in many ways, and realistic texts that look like them, generated with
 * fast-check from a fixed seed. The rates printed here are the ones docs/access.md quotes.
 */

const SEED = 20261127;
const RUNS = 20_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function luhnDigit(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

const date = (from: number, to: number) =>
  fc
    .record({ y: fc.integer({ min: from, max: to }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
    .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysIn(y, m)) }));

/** Separators between the date part and the last four digits, as people and word processors write them. */
const SEPARATORS = [
  '-',
  '-',
  '-',
  '',
  ' ',
  '\u2013',
  '\u2014',
  '\u2212',
  '\u2012',
  '\u2011',
  '\u00A0',
  '\u2009',
  '\u202F',
  ' - ',
  ' \u2013 ',
  '/',
  '.',
  '\uFF0D',
];

const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

/** A real number: a birth date 1920–2026 (a coordination number one time in six), serial, check digit, in one of many forms. */
const realNumber = fc
  .record({
    birth: date(1920, 2026),
    serial: fc.integer({ min: 0, max: 999 }),
    coordination: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    century: fc.boolean(),
    sep: fc.constantFrom(...SEPARATORS),
    wide: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    zeroWidth: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  })
  .map(({ birth, serial, coordination, century, sep, wide, zeroWidth }) => {
    const yymmdd = `${pad(birth.y % 100)}${pad(birth.m)}${pad(birth.d + (coordination ? 60 : 0))}`;
    const nine = `${yymmdd}${pad(serial, 3)}`;
    const last4 = `${pad(serial, 3)}${luhnDigit(nine)}`;
    const datePart = century ? `${Math.floor(birth.y / 100)}${yymmdd}` : yymmdd;
    let text = `${datePart}${zeroWidth ? '\u200B' : ''}${sep}${last4}`;
    if (wide) text = fullWidth(text);
    return text;
  });

/** Sentences a reporter might write around a number (with and without a word about a person). */
const REAL_CONTEXTS = [
  'Patient {} fick fel läkemedel',
  'pnr {}',
  '{}',
  'Pat. {} väntar på provsvar sedan morgonen',
  'Gäller {} – remissen syns inte',
  'Anhörig till {} ringde om tiden',
  'Fel journal öppnades för {}',
  '{}: dubbelbokad på mottagningen',
  'Personnummer: {}',
  'Inskrivning av {} misslyckades två gånger',
  'Kan inte signera ordination för {}, felkod 503',
  'Provsvar för {} hamnade hos fel enhet',
];

const fill = (template: string, value: string) => template.replace('{}', value);

const realText = fc.tuple(fc.constantFrom(...REAL_CONTEXTS), realNumber).map(([t, n]) => fill(t, n));

// --- look-alikes ------------------------------------------------------------------------

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const around = date(2025, 2027);
const ymd = (d: { y: number; m: number; d: number }) => `${d.y}${pad(d.m)}${pad(d.d)}`;
const hhmm = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map(({ h, m }) => `${pad(h)}${pad(m)}`);

/** Each family of texts that look like identity numbers and are not, as a go-live produces them. */
const LOOKALIKES: Record<string, fc.Arbitrary<string>> = {
  'date and time stamps (YYYYMMDD HHMM, YYMMDD-HHMM …)': fc
    .tuple(
      around,
      hhmm,
      fc.constantFrom(' ', '-', '', '_', ' kl ', 'T'),
      fc.boolean(),
      fc.constantFrom('Driftstopp', 'Loggat', 'Händelse', 'Backup klar', 'Omstart', 'Senaste synk', ''),
    )
    .map(([d, t, sep, short, word]) => `${word} ${short ? ymd(d).slice(2) : ymd(d)}${sep}${t}`.trim()),
  'SD+ and incident case numbers': fc
    .tuple(around, digits(4), digits(2), digits(8), fc.integer({ min: 0, max: 4 }))
    .map(
      ([d, n4, n2, n8, k]) =>
        [
          `SD-${ymd(d)}-${n4}`,
          `SD+ ärende ${ymd(d)}${n2}`,
          `SD${ymd(d).slice(2)}${n4}`,
          `Ärende ${ymd(d)}-${n4} är eskalerat`,
          `INC${n8.slice(0, 7)}`,
        ][k]!,
    ),
  'phone numbers': fc
    .tuple(
      fc.constantFrom('070', '072', '073', '076', '079'),
      digits(7),
      digits(8),
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom('Ring ', 'Tel ', 'Kontakta Anna ', 'Jour: ', ''),
    )
    .map(
      ([pre, n7, n8, k, word]) =>
        word +
        [
          `${pre}-${n7.slice(0, 3)} ${n7.slice(3, 5)} ${n7.slice(5)}`,
          `${pre}${n7}`,
          `+46 ${pre.slice(1)} ${n7.slice(0, 3)} ${n7.slice(3, 5)} ${n7.slice(5)}`,
          `08-${n8.slice(0, 3)} ${n8.slice(3, 5)} ${n8.slice(5, 7)}`,
          `010-${n7.slice(0, 3)} ${n7.slice(3, 5)} ${n7.slice(5)}`,
          `08${n8}`,
        ][k]!,
    ),
  'dates, times and periods': fc
    .tuple(around, hhmm, hhmm, fc.integer({ min: 0, max: 4 }))
    .map(
      ([d, a, b, k]) =>
        [
          `${d.y}-${pad(d.m)}-${pad(d.d)} ${a.slice(0, 2)}:${a.slice(2)}`,
          `${pad(d.d)}/${pad(d.m)}/${d.y}`,
          `${pad(d.d)}.${pad(d.m)}.${d.y} kl ${Number(a.slice(0, 2))}.${a.slice(2)}`,
          `Kl ${a.slice(0, 2)}:${a.slice(2)}–${b.slice(0, 2)}:${b.slice(2)}, 3 enheter`,
          `v.${Math.ceil(d.d / 7) + 44} ${d.y}`,
        ][k]!,
    ),
  'order, invoice and serial numbers': fc
    .tuple(
      digits(10),
      digits(12),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('Order', 'Faktura', 'Beställning', 'Serienummer', 'Lot', 'Artikel'),
    )
    .map(
      ([n10, n12, k, word]) => [`${word} ${n10}`, `${word} ${n12}`, `${word}: ${n10.slice(0, 6)}-${n10.slice(6)}`, `${word} nr ${n10}`][k]!,
    ),
  'versions, addresses, ids': fc
    .tuple(
      around,
      digits(4),
      fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 32, maxLength: 32 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(
      ([d, n4, hex, k]) =>
        [
          `version ${d.y}.${pad(d.m)}.${pad(d.d)}.${n4}`,
          `10.${Number(n4.slice(0, 2))}.${Number(n4.slice(2))}.${d.d}`,
          `imp-${hex.join('')}`,
          `build ${ymd(d).slice(2)}.${n4}`,
        ][k]!,
    ),
};

interface Measured {
  refused: number;
  total: number;
  examples: string[];
}

function measure(arb: fc.Arbitrary<string>, runs: number, seed: number): Measured {
  const texts = fc.sample(arb, { numRuns: runs, seed });
  const refused = texts.filter((t) => containsPersonalIdentityNumber(t));
  return { refused: refused.length, total: texts.length, examples: refused.slice(0, 5) };
}

const pct = (m: Measured) => `${((100 * m.refused) / m.total).toFixed(2)} %`;

describe('the guard, measured on generated texts (fast-check, fixed seed)', () => {
  const lines: string[] = [];
  afterAll(() => {
    // The figures docs/access.md quotes.
    process.stdout.write(`\nPersonnummer guard (seed ${SEED}):\n${lines.join('\n')}\n`);
  });

  it('refuses real numbers in any form: at least 99 %', () => {
    const real = measure(realText, RUNS, SEED);
    const missed = RUNS - real.refused;
    lines.push(`  real numbers refused: ${real.refused} of ${real.total} (${pct(real)}), missed ${missed}`);
    expect(real.refused / real.total).toBeGreaterThanOrEqual(0.99);
  });

  it('refuses every real number in its usual forms (no exception applies to a hyphen or plus)', () => {
    const usual = fc
      .record({
        birth: date(1920, 2019),
        serial: fc.integer({ min: 0, max: 999 }),
        century: fc.boolean(),
        sep: fc.constantFrom('-', '+', '\u2013', ' - '),
      })
      .map(({ birth, serial, century, sep }) => {
        const yymmdd = `${pad(birth.y % 100)}${pad(birth.m)}${pad(birth.d)}`;
        return `${century ? Math.floor(birth.y / 100) : ''}${yymmdd}${sep}${pad(serial, 3)}${luhnDigit(yymmdd + pad(serial, 3))}`;
      });
    fc.assert(
      fc.property(fc.constantFrom(...REAL_CONTEXTS), usual, (t, n) => containsPersonalIdentityNumber(fill(t, n))),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('lets realistic look-alikes through: at most 1 % refused overall, at most 3 % in any family', () => {
    let refused = 0;
    let total = 0;
    for (const [family, arb] of Object.entries(LOOKALIKES)) {
      const m = measure(arb, RUNS / 4, SEED);
      refused += m.refused;
      total += m.total;
      lines.push(
        `  look-alikes refused, ${family}: ${m.refused} of ${m.total} (${pct(m)})${m.examples.length ? `, e.g. ${m.examples.map((e) => JSON.stringify(e)).join(', ')}` : ''}`,
      );
      expect(m.refused / m.total).toBeLessThanOrEqual(0.03);
    }
    lines.push(`  look-alikes refused, all families: ${refused} of ${total} (${((100 * refused) / total).toFixed(2)} %)`);
    expect(refused / total).toBeLessThanOrEqual(0.01);
  });
});
