import { containsPersonalIdentityNumber, findPersonalIdentityNumbers } from '../../shared/domain/personnummer';

// Test numbers from Skatteverket's published test series (not real people).
describe('personal identity numbers in free text (no patient data)', () => {
  it.each([
    'Patient 19121212-1212 fick fel läkemedel',
    'pnr 121212-1212',
    '121212+1212 (över 100 år)',
    '1212121212',
    '191212121212',
    '121212 1212',
    'samordningsnummer 701063-2391',
    '19701063-2391',
    // Typographic variants (issue 13 item 2): normalised before the search.
    'Patient 121212\u20131212', // en dash
    'pnr 121212\u20141212', // em dash
    '121212\u22121212', // minus sign
    '121212\u00A01212', // non-breaking space
    '19121212\u20091212', // thin space
    '121212 - 1212',
    '121212/1212',
    '121212.1212',
    '\uFF11\uFF12\uFF11\uFF12\uFF11\uFF12-\uFF11\uFF12\uFF11\uFF12', // full-width digits
    '121212\u200B-1212', // a zero-width space inside
    '\u0661\u0662\u0661\u0662\u0661\u0662-\u0661\u0662\u0661\u0662', // Arabic-Indic digits
    'p191212121212', // a person id
    '191212121212@region.se', // an e-mail address
    'Pat. 20261127 0006', // a time-like number after a word about a person is still refused
  ])('finds %s', (text) => {
    expect(containsPersonalIdentityNumber(text)).toBe(true);
  });

  it.each([
    'Ring 070-123 45 67',
    'SD+ ärende 2026112712',
    'Kl 09:00–12:00, 3 enheter',
    '121212-1213', // wrong check digit
    '991332-1234', // no 13th month
    '19121212-12123', // too long: part of a longer number
    'version 20261127-0930',
    'Driftstopp 20261127 0006', // YYYYMMDD HHMM: a time stamp (issue 13 item 2)
    'SD-20261129-6019', // an SD+ case number with today's date
    'Ärende 20261129-6019 är eskalerat',
    'Ring 0701234567', // a mobile number
    'imp-a1d3e1826ffe9408915172e844b0ff37', // a hexadecimal id
    '121212-1212-5', // part of a longer number
  ])('lets %s through', (text) => {
    expect(containsPersonalIdentityNumber(text)).toBe(false);
  });

  it('names the fields, never the values', () => {
    expect(findPersonalIdentityNumbers({ title: 'ok', problems: [{ situation: { facts: 'pat 121212-1212' } }] })).toEqual([
      'problems.0.situation.facts',
    ]);
  });

  it('looks at object keys and whole numbers too, and masks the digits of a key it names', () => {
    expect(findPersonalIdentityNumbers({ count: 1212121212, map: { '121212-1212': { note: 'pat 121212-1212' } } }).sort()).toEqual([
      'count',
      'map.######-####',
      'map.######-####.note',
    ]);
  });
});
