/**
 * Checks Adaptive Cards with the Adaptive Cards SDK's own parser (the `adaptivecards`
 * package, the renderer behind the designer): unknown element types, missing required
 * properties, properties the schema version does not have. Also the constraints we promise
 * Teams: schema 1.5 and an "Öppna i Driftpuls" action.
 */
// The package's lib/ is ES modules without file extensions; its UMD bundle loads in Node.
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  if (typeof card !== 'object' || card === null) return ['not an object'];
  const json = card as Record<string, unknown>;
  if (json.type !== 'AdaptiveCard') problems.push(`type is ${String(json.type)}`);
  if (json.version !== '1.5') problems.push(`version is ${String(json.version)}, Teams renders up to 1.5`);
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  // Every element the JSON names must survive parsing: a dropped element was not understood.
  const count = (v: unknown): number =>
    Array.isArray(v)
      ? v.reduce((n: number, x) => n + count(x), 0)
      : typeof v === 'object' && v !== null
        ? (typeof (v as { type?: unknown }).type === 'string' ? 1 : 0) + Object.values(v).reduce((n: number, x) => n + count(x), 0)
        : 0;
  const out = new AC.SerializationContext();
  out.targetVersion = AC.Versions.v1_5;
  const roundTrip = parsed.toJSON(out);
  if (count(roundTrip) !== count(json)) problems.push(`parser kept ${count(roundTrip)} typed objects of ${count(json)}`);
  return problems;
}

export function expectValidCard(card: unknown): void {
  expect(cardProblems(card)).toEqual([]);
  const actions = (card as { actions?: { type: string; title: string; url?: string }[] }).actions ?? [];
  const open = actions.find((a) => a.type === 'Action.OpenUrl' && a.title === 'Öppna i Driftpuls');
  expect(open?.url).toMatch(/^https?:\/\//);
}
