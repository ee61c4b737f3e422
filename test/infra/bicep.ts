/**
 * Just enough Bicep reading for the infra tests: the keys of the app-settings objects and the
 * literal defaults of parameters. No Bicep compiler runs here (none is installable offline),
 * so infra/ keeps these objects one key per line, and the reader refuses what it cannot see
 * through (spreads, computed keys) rather than guessing.
 */

export interface SettingsBlock {
  /** `appSettings` (a module parameter) or the variable's name. */
  name: string;
  /** 1-based line of the opening brace. */
  line: number;
  /** Key → the Bicep expression of its value, as written. */
  entries: Map<string, string>;
}

/** Removes a `//` comment, leaving `//` inside strings ('https://…') alone. */
export function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === "'") inString = false;
    } else if (ch === "'") inString = true;
    else if (ch === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

/** Brace depth change of a line, ignoring braces in strings (and so in `${…}` interpolations). */
function braceDelta(line: string): number {
  const code = stripComment(line).replace(/'(?:\\.|[^'\\])*'/g, "''");
  let delta = 0;
  for (const ch of code) {
    if (ch === '{') delta++;
    else if (ch === '}') delta--;
  }
  return delta;
}

/** Lines that open an app-settings object: `appSettings: {` or `var xyzAppSettings = {`. */
const OPENER = /^\s*(?:(appSettings)\s*:|var\s+(\w*AppSettings)\s*=)\s*\{\s*$/;
const KEY = /^\s*(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\s*:\s*(.*?)\s*$/;

/** Every app-settings object in a Bicep file, with its top-level keys. */
export function settingsBlocks(bicep: string): SettingsBlock[] {
  const lines = bicep.split(/\r?\n/);
  const blocks: SettingsBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENER.exec(stripComment(lines[i]!));
    if (!open) continue;
    const block: SettingsBlock = { name: (open[1] ?? open[2])!, line: i + 1, entries: new Map() };
    let depth = 1;
    for (i++; i < lines.length && depth > 0; i++) {
      const raw = stripComment(lines[i]!);
      if (depth === 1) {
        const text = raw.trim();
        if (text.startsWith('...'))
          throw new Error(`line ${i + 1}: a spread in ${block.name} hides its keys from the settings test; write the keys out`);
        const key = KEY.exec(raw);
        if (key) block.entries.set((key[1] ?? key[2])!, key[3]!);
        else if (text !== '' && text !== '}')
          throw new Error(`line ${i + 1}: cannot read '${text}' in ${block.name}; keep one 'KEY: value' per line`);
      }
      depth += braceDelta(raw);
    }
    i--;
    if (depth !== 0) throw new Error(`${block.name} opened on line ${block.line} is not closed`);
    blocks.push(block);
  }
  return blocks;
}

/** `param name string = 'literal'` → literal, for every string parameter with a literal default. */
export function stringParamDefaults(bicep: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of bicep.matchAll(/^param\s+(\w+)\s+string\s*=\s*'((?:\\.|[^'\\])*)'\s*$/gm)) out.set(m[1]!, m[2]!.replace(/\\(.)/g, '$1'));
  return out;
}

/** `%NAME%` references (app settings the Functions host resolves) in a text. */
export function percentSettings(text: string): string[] {
  return [...text.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)%/g)].map((m) => m[1]!);
}
