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
  ])('lets %s through', (text) => {
    expect(containsPersonalIdentityNumber(text)).toBe(false);
  });

  it('names the fields, never the values', () => {
    expect(findPersonalIdentityNumbers({ title: 'ok', problems: [{ situation: { facts: 'pat 121212-1212' } }] })).toEqual(['problems.0.situation.facts']);
  });
});
