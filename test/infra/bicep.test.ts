import { percentSettings, settingsBlocks, stringParamDefaults, stripComment } from './bicep';

describe('the Bicep reader of the infra tests', () => {
  it('reads the top-level keys of app-settings objects, not nested ones, and ignores comments', () => {
    const bicep = [
      "param hub string = 'driftpuls'",
      "module api './app/api.bicep' = {",
      '  params: {',
      '    appSettings: {',
      '      // COMMENTED_OUT: 1',
      "      URL: 'https://example.org/{not-a-brace}' // trailing comment",
      "      NESTED: { INNER: 'x' }",
      '      DEEP: {',
      "        ALSO_INNER: 'y'",
      '      }',
      "      'Quoted__Key': hub",
      '    }',
      '  }',
      '}',
      'var platformAppSettings = {',
      '  A: 1',
      '}',
      'var somethingElse = {',
      '  B: 2',
      '}',
    ].join('\n');
    const blocks = settingsBlocks(bicep);
    expect(blocks.map((b) => b.name)).toEqual(['appSettings', 'platformAppSettings']);
    expect([...blocks[0]!.entries.keys()]).toEqual(['URL', 'NESTED', 'DEEP', 'Quoted__Key']);
    expect(blocks[0]!.entries.get('Quoted__Key')).toBe('hub');
    expect([...blocks[1]!.entries.keys()]).toEqual(['A']);
  });

  it('refuses what would hide keys: spreads and values over several lines', () => {
    expect(() => settingsBlocks('var xAppSettings = {\n  ...other\n}')).toThrow(/spread/);
    expect(() => settingsBlocks("var xAppSettings = {\n  A: c\n    ? 'a'\n    : 'b'\n}")).toThrow(/one 'KEY: value' per line/);
    expect(() => settingsBlocks('var xAppSettings = {\n  A: 1\n')).toThrow(/not closed/);
  });

  it('keeps // inside strings', () => {
    expect(stripComment("X: 'https://a' // why")).toBe("X: 'https://a' ");
    expect(stripComment("X: 'it\\'s // here'")).toBe("X: 'it\\'s // here'");
  });

  it('reads literal string defaults of parameters and %SETTING% references', () => {
    expect(stringParamDefaults("param a string = '0 */1 * * * *'\nparam b string\nparam c int = 3\nparam d string = 'it\\'s'")).toEqual(
      new Map([
        ['a', '0 */1 * * * *'],
        ['d', "it's"],
      ]),
    );
    expect(percentSettings('{ "hubName": "%DURABLE_TASK_HUB%" } schedule: \'%HEARTBEAT_SCHEDULE%\' 100%')).toEqual([
      'DURABLE_TASK_HUB',
      'HEARTBEAT_SCHEDULE',
    ]);
  });
});
