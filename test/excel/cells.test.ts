import {
  excelSerialToWallClock,
  formatLocalTime,
  instantToLocal,
  localToInstant,
  neutraliseText,
  parseColourCell,
  parseDateCell,
  parseTimeCell,
  unneutraliseText,
  wallClockToExcelSerial,
} from '../../shared/domain/import-cells';
import { columnLetter, matchColumns, normaliseHeader, UNIT_REPORT_COLUMNS } from '../../shared/domain/import-columns';
import { parseRoles, parseYesNo, slugify, splitList } from '../../shared/domain/import-organisation';

const D = { year: 2026, month: 11, day: 27 };
const T = (hour: number, minute: number, second = 0, millisecond = 0) => ({ hour, minute, second, millisecond });
const value = <T>(r: { ok: true; value: T } | { ok: false; problem: unknown }) => {
  if (!r.ok) throw new Error(`expected a value, got ${JSON.stringify(r.problem)}`);
  return r.value;
};
const problem = (r: { ok: boolean; problem?: { sv: string } }) => (r.ok ? undefined : r.problem!.sv);

describe('dates as Swedish lists write them (R3.4)', () => {
  it.each([
    ['2026-11-27', D, undefined],
    ['2026-11-27 09:15', D, T(9, 15)],
    ['2026-11-27T09:15:30', D, T(9, 15, 30)],
    ['27/11/2026', D, undefined],
    ['27.11.2026', D, undefined],
    ['27-11-2026 9.15', D, T(9, 15)],
    ['27 nov 2026', D, undefined],
    ['27 nov. 2026 kl 9.15', D, T(9, 15)],
    ['27 November 2026', D, undefined],
    ['fre 27 nov 2026', D, undefined],
    ['fredag den 27 november 2026, 14:05', D, T(14, 5)],
    ['Fri 27 Nov 2026', D, undefined],
    ['20261127', D, undefined],
  ])('%s', (text, date, time) => {
    const v = value(parseDateCell(text));
    expect(v.date).toEqual(date);
    expect(v.time).toEqual(time);
  });

  it('keeps an explicit offset for instants written by machines', () => {
    expect(value(parseDateCell('2026-11-27T08:15:00Z'))).toEqual({ date: D, time: T(8, 15), offset: 'Z' });
    expect(value(localToInstant(D, T(8, 15), 'Europe/Stockholm', 'Z'))).toBe('2026-11-27T08:15:00.000Z');
    expect(value(localToInstant(D, T(9, 15), 'Europe/Stockholm', '+0100'))).toBe('2026-11-27T08:15:00.000Z');
  });

  it('reads Excel serials, date cells, and the 1904 date system', () => {
    expect(value(parseDateCell(46353))).toEqual({ date: D });
    expect(value(parseDateCell(46353.385416666664))).toEqual({ date: D, time: T(9, 15) });
    expect(value(parseDateCell(new Date(Date.UTC(2026, 10, 27, 9, 15))))).toEqual({ date: D, time: T(9, 15) });
    expect(value(parseDateCell(44891, { date1904: true }))).toEqual({ date: D });
    expect(excelSerialToWallClock(46353.385416666664)).toEqual({ ...D, ...T(9, 15) });
    expect(wallClockToExcelSerial(D, T(9, 15))).toBeCloseTo(46353.385416666664, 10);
  });

  it.each([
    ['', 'datum saknas'],
    ['31/11/2026', "'31/11/2026' är inget giltigt datum"],
    ['2026-02-29', "'2026-02-29' är inget giltigt datum"],
    ['27 brumaire 2026', "okänd månad 'brumaire'; skriv t.ex. 2026-11-27, 27/11/2026, 27.11.2026 eller 27 nov 2026"],
    ['igår', "'igår' är inget datum; skriv t.ex. 2026-11-27, 27/11/2026, 27.11.2026 eller 27 nov 2026"],
    ['2026-11-27 25:00', "'2026-11-27 25:00' har ingen giltig tid"],
    [-3, 'talet -3 är inget datum; skriv t.ex. 2026-11-27, 27/11/2026, 27.11.2026 eller 27 nov 2026'],
  ])('refuses %j: %s', (cell, message) => {
    expect(problem(parseDateCell(cell))).toBe(message);
  });

  it('refuses a time-only cell in the date column', () => {
    expect(problem(parseDateCell(new Date(Date.UTC(1899, 11, 30, 9, 15))))).toBe('cellen har bara en tid, inget datum');
  });
});

describe('times', () => {
  it.each([
    ['09:15', T(9, 15)],
    ['9.15', T(9, 15)],
    ['kl 9.15', T(9, 15)],
    ['kl. 09:15', T(9, 15)],
    ['09:15:30', T(9, 15, 30)],
    ['09:15:30.250', T(9, 15, 30, 250)],
    ['0915', T(9, 15)],
  ])('%s', (text, time) => expect(value(parseTimeCell(text))).toEqual(time));

  it('reads Excel time fractions and time cells, to the millisecond', () => {
    expect(value(parseTimeCell(0.385416666666667))).toEqual(T(9, 15));
    expect(value(parseTimeCell(wallClockToExcelSerial(undefined, T(9, 15, 30, 250))))).toEqual(T(9, 15, 30, 250));
    expect(value(parseTimeCell(46353.5))).toEqual(T(12, 0));
    expect(value(parseTimeCell(new Date(Date.UTC(1899, 11, 30, 14, 45))))).toEqual(T(14, 45));
  });

  it.each([
    ['24:00', "'24:00' är ingen tid; skriv t.ex. 09:15 eller 9.15"],
    ['9', "'9' är ingen tid; skriv t.ex. 09:15 eller 9.15"],
    [3, 'talet 3 är ingen tid; skriv t.ex. 09:15 eller 9.15'],
    ['', 'tid saknas'],
  ])('refuses %j', (cell, message) => expect(problem(parseTimeCell(cell))).toBe(message));

  it('formats times without losing seconds or milliseconds', () => {
    expect(formatLocalTime(T(9, 5))).toBe('09:05');
    expect(formatLocalTime(T(9, 5, 7))).toBe('09:05:07');
    expect(formatLocalTime(T(9, 5, 0, 40))).toBe('09:05:00.040');
  });
});

describe('local time in the go-live’s zone', () => {
  it('is winter time in November and summer time in June', () => {
    expect(value(localToInstant(D, T(9, 15), 'Europe/Stockholm'))).toBe('2026-11-27T08:15:00.000Z');
    expect(value(localToInstant({ year: 2026, month: 6, day: 12 }, T(9, 15), 'Europe/Stockholm'))).toBe('2026-06-12T07:15:00.000Z');
  });

  it('reads a time in the hour that repeats when summer time ends as the later, winter-time one', () => {
    expect(value(localToInstant({ year: 2026, month: 10, day: 25 }, T(2, 30), 'Europe/Stockholm'))).toBe('2026-10-25T01:30:00.000Z');
    expect(value(localToInstant({ year: 2026, month: 10, day: 25 }, T(1, 59), 'Europe/Stockholm'))).toBe('2026-10-24T23:59:00.000Z');
    expect(value(localToInstant({ year: 2026, month: 10, day: 25 }, T(3, 0), 'Europe/Stockholm'))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('turns instants into local date and time on both sides of each change', () => {
    expect(instantToLocal('2026-03-29T00:59:59.999Z', 'Europe/Stockholm')).toEqual({
      date: { year: 2026, month: 3, day: 29 },
      time: T(1, 59, 59, 999),
    });
    expect(instantToLocal('2026-03-29T01:00:00.000Z', 'Europe/Stockholm')).toEqual({
      date: { year: 2026, month: 3, day: 29 },
      time: T(3, 0),
    });
    expect(instantToLocal('2026-10-25T00:30:00.000Z', 'Europe/Stockholm').time).toEqual(T(2, 30));
    expect(instantToLocal('2026-10-25T01:30:00.000Z', 'Europe/Stockholm').time).toEqual(T(2, 30));
    expect(instantToLocal('2026-11-27T08:15:00.000Z', 'America/St_Johns')).toEqual({ date: D, time: T(4, 45) });
  });

  it('refuses a time in the hour skipped when summer time starts', () => {
    expect(problem(localToInstant({ year: 2026, month: 3, day: 29 }, T(2, 30), 'Europe/Stockholm'))).toBe(
      '02:30 finns inte den dagen (klockan ställs fram till sommartid)',
    );
    expect(value(localToInstant({ year: 2026, month: 3, day: 29 }, T(3, 0), 'Europe/Stockholm'))).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('colour words (R3.2)', () => {
  it.each([
    ['Grön', 'green'],
    [' RÖD ', 'red'],
    ['gul', 'yellow'],
    ['Gult', 'yellow'],
    ['rött', 'red'],
    ['Green', 'green'],
    ['Grön – Vi klarar vårt verksamhetsuppdrag', 'green'],
    ['Gron', 'green'],
  ])('%s', (word, colour) => expect(value(parseColourCell(word))).toBe(colour));

  it('names what it did not understand', () => {
    expect(problem(parseColourCell('blå'))).toBe("okänd färg 'blå' (använd Grön, Gul eller Röd)");
    expect(problem(parseColourCell(''))).toBe('färg saknas (Grön, Gul eller Röd)');
    expect(problem(parseColourCell('inte röd'))).toBe("okänd färg 'inte röd' (använd Grön, Gul eller Röd)");
  });
});

describe('formula injection', () => {
  it.each([
    '=1+1',
    '+46 70',
    '-ingen påverkan',
    '@SUM(A1)',
    '\tx',
    '\rx',
    "'=x",
    "''+x",
    '\uFF1D1+1',
    '\uFF0B1',
    '\uFF0D1',
    '\uFF20SUM(A1)',
    '\uFE66x',
    '\u207C1',
    "'\uFF1Dx",
  ])('%j gets an apostrophe and comes back unchanged', (s) => {
    expect(neutraliseText(s)).toBe(`'${s}`);
    expect(unneutraliseText(neutraliseText(s))).toBe(s);
  });

  it.each(['Lugnt', "'citat'", '5 - 3', ''])('%j is left alone', (s) => {
    expect(neutraliseText(s)).toBe(s);
    expect(unneutraliseText(s)).toBe(s);
  });
});

describe('headers', () => {
  it('normalises case, accents, notes in brackets and trailing colons', () => {
    expect(normaliseHeader(' Enhet (id eller namn): ')).toBe('enhet');
    expect(normaliseHeader('FÄRG/STATUS')).toBe('farg/status');
    expect(normaliseHeader('Förklaring*')).toBe('forklaring');
  });

  it('matches Swedish and English names, the leftmost column winning', () => {
    const m = matchColumns(['Nr', 'Dag', 'Klockslag', 'Verksamhet', 'Status', 'Kommentar', 'Färg'], UNIT_REPORT_COLUMNS);
    expect(m.columns).toEqual({ date: 1, time: 2, unit: 3, colour: 4, explanation: 5 });
    expect(m.duplicates).toEqual([{ field: 'colour', index: 6 }]);
    expect(matchColumns(['Date', 'Time', 'Care unit', 'Colour', 'Reason'], UNIT_REPORT_COLUMNS).columns).toEqual({
      date: 0,
      time: 1,
      unit: 2,
      colour: 3,
      explanation: 4,
    });
  });

  it('names columns with letters', () => {
    expect([0, 3, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'D', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});

describe('organisation words (R1)', () => {
  it('reads roles by Swedish label, English label or id, several in a cell', () => {
    expect(parseRoles('Driftsättningsledare, områdessamordnare')).toEqual({ ok: true, value: ['goLiveLead', 'areaCoordinator'] });
    expect(parseRoles('Go-live coordinator; unitReporter')).toEqual({ ok: true, value: ['goLiveCoordinator', 'unitReporter'] });
    expect(parseRoles('IM och Kontaktperson')).toEqual({ ok: true, value: ['incidentManager', 'contactPerson'] });
    expect(parseRoles('Chef, Kontaktperson')).toEqual({ ok: false, unknown: ['Chef'] });
  });

  it('splits lists, reads yes/no, and makes slugs of names', () => {
    expect(splitList('a, b;c\nd')).toEqual(['a', 'b', 'c', 'd']);
    expect([parseYesNo('Ja'), parseYesNo('x'), parseYesNo('Nej'), parseYesNo(''), parseYesNo('kanske')]).toEqual([
      true,
      true,
      false,
      false,
      undefined,
    ]);
    expect(slugify('Avdelning 12 – Kirurgi')).toBe('avdelning-12-kirurgi');
    expect(slugify('Sjukhusförvaltningen Östra')).toBe('sjukhusforvaltningen-ostra');
    expect(slugify('---')).toBe('');
  });
});
