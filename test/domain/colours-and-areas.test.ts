import { ColourInput, parseColourWord } from '../../shared/domain/colour';
import { AreaReportInput, overrideReasonMissing, suggestAreaColour, suggestFromUnits } from '../../shared/domain/area-report';

describe('colours (R3.2, R4.2)', () => {
  it.each([
    ['green', 'green'],
    ['grön', 'green'],
    ['gul', 'yellow'],
    ['röd', 'red'],
    ['red', 'red'],
  ])('accepts %s as %s', (word, colour) => {
    expect(ColourInput.parse(word)).toBe(colour);
  });

  it('refuses anything else', () => {
    expect(ColourInput.safeParse('blue').success).toBe(false);
    expect(ColourInput.safeParse('').success).toBe(false);
    expect(ColourInput.safeParse(1).success).toBe(false);
  });

  it('parses words typed in files case-insensitively', () => {
    expect(parseColourWord(' Grön ')).toBe('green');
    expect(parseColourWord('RÖD')).toBe('red');
    expect(parseColourWord('rod')).toBe('red');
    expect(parseColourWord('lila')).toBeUndefined();
  });
});

describe('suggested area colour (R4.3)', () => {
  const p = (...sizes: ('veryLarge' | 'large' | 'small')[]) => sizes.map((size) => ({ size }));
  it.each([
    [p(), 'green'],
    [p('small'), 'green'],
    [p('small', 'small'), 'yellow'],
    [p('large'), 'yellow'],
    [p('large', 'small', 'small', 'small'), 'yellow'],
    [p('large', 'large'), 'red'],
    [p('veryLarge'), 'red'],
    [p('veryLarge', 'small'), 'red'],
  ])('%j → %s', (problems, colour) => {
    expect(suggestAreaColour(problems)).toBe(colour);
  });
});

describe('area report input (R4.3, R4.5)', () => {
  const full = { title: 'Skrivare', situation: { facts: 'Står still' }, actions: 'Byter drivrutin', obstacles: 'Inga' };

  it('takes the suggestion when no colour is given', () => {
    const r = AreaReportInput.parse({ summary: 'Lugnt', problems: [] });
    expect(r.colour).toBeUndefined();
  });

  it('needs a reason to override the suggestion (checked where the area is known)', () => {
    expect(overrideReasonMissing('red', 'green', undefined)).toMatch(/^krävs när färgen/);
    expect(overrideReasonMissing('red', 'green', 'Vården larmar')).toBeUndefined();
    expect(overrideReasonMissing('red', 'red', undefined)).toBeUndefined();
    expect(AreaReportInput.safeParse({ summary: 'x', colour: 'röd', overrideReason: 'Vården larmar', problems: [] }).success).toBe(true);
  });

  it('agreeing with the suggestion needs no reason', () => {
    expect(AreaReportInput.safeParse({ summary: 'x', colour: 'gul', problems: [{ ...full, size: 'stor' }] }).success).toBe(true);
  });

  it('a red or yellow report carries the three preparation questions for each problem', () => {
    const r = AreaReportInput.safeParse({ summary: 'x', problems: [{ title: 'Skrivare', size: 'large' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'problems.0.actions',
      'problems.0.obstacles',
      'problems.0.situation',
    ]);
  });

  it('a green report may log small problems without them', () => {
    expect(AreaReportInput.safeParse({ summary: 'x', problems: [{ title: 'Småfel', size: 'liten' }] }).success).toBe(true);
  });
});

describe('Verksamhetens införande follows the units (R3.5, issue 14 item 13)', () => {
  const F = ['vast', 'ost'];
  it('suggests the worst colour any unit stands at, with counts per förvaltning', () => {
    const s = suggestFromUnits(F, [
      { forvaltningId: 'vast', colour: 'green' },
      { forvaltningId: 'vast', colour: 'yellow' },
      { forvaltningId: 'ost', colour: 'red' },
    ]);
    expect(s).toEqual({
      colour: 'red',
      byForvaltning: [
        { forvaltningId: 'vast', green: 1, yellow: 1, red: 0 },
        { forvaltningId: 'ost', green: 0, yellow: 0, red: 1 },
      ],
    });
    expect(
      suggestFromUnits(F, [
        { forvaltningId: 'ost', colour: 'yellow' },
        { forvaltningId: 'vast', colour: 'green' },
      ]).colour,
    ).toBe('yellow');
  });
  it('stays green when every unit is green or none has reported', () => {
    expect(suggestFromUnits(F, [{ forvaltningId: 'vast', colour: 'green' }]).colour).toBe('green');
    expect(suggestFromUnits(F, []).colour).toBe('green');
  });
});
