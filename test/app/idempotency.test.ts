/**
 * The request hash stored with every record (idempotent replays compare it): `canonicalJson`
 * must give the same text as the first implementation for every input, or a replay after an
 * upgrade would be refused as a different request (issue 17, fourth round changed how it sorts).
 */
import { canonicalJson, requestHash } from '../../shared/app/idempotency';

/** The implementation every stored hash so far was made with. */
const reference = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** A small deterministic generator (no dependency): nested objects, arrays, odd keys and values. */
function* values(seed: number, count: number): Generator<unknown> {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const keys = ['b', 'a', 'ä', 'Z', '10', '9', '1', 'unitId', 'colour', '', 'å', 'a b', '__proto__', 'constructor'];
  const leaf = (): unknown => {
    const r = rnd();
    if (r < 0.15) return Math.floor(rnd() * 1000) - 500;
    if (r < 0.3) return `text ${Math.floor(rnd() * 99)} åäö`;
    if (r < 0.4) return null;
    if (r < 0.5) return undefined;
    if (r < 0.6) return rnd() < 0.5;
    if (r < 0.65) return new Date(Date.UTC(2026, 11, 5, Math.floor(rnd() * 24)));
    if (r < 0.7) return NaN;
    return rnd() * 10;
  };
  const make = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.3) return leaf();
    if (r < 0.5) return Array.from({ length: Math.floor(rnd() * 4) }, () => make(depth + 1));
    const o: Record<string, unknown> = {};
    const n = Math.floor(rnd() * 6);
    // As JSON.parse makes them: own properties, "__proto__" included.
    for (let i = 0; i < n; i++)
      Object.defineProperty(o, keys[Math.floor(rnd() * keys.length)]!, {
        value: make(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return o;
  };
  for (let i = 0; i < count; i++) yield make(0);
}

it('gives the same text as the first implementation for 5,000 generated inputs', () => {
  let objects = 0;
  for (const v of values(17, 5000)) {
    expect(canonicalJson(v)).toBe(reference(v));
    if (v && typeof v === 'object') objects++;
  }
  expect(objects).toBeGreaterThan(2000);
});

it('keeps a key named __proto__ as a key, as JSON.parse gave it', () => {
  const v = JSON.parse('{"z":1,"__proto__":{"a":2}}') as unknown;
  expect(canonicalJson(v)).toBe('{"__proto__":{"a":2},"z":1}');
  expect(canonicalJson(v)).toBe(reference(v));
});

it('hashes a unit report input as before, whatever its key order', () => {
  const a = { unitId: 'u-1', colour: 'gul', explanation: 'Läkemedelslistan laddar långsamt.', reporter: { personId: 'p-1' } };
  const b = { reporter: { personId: 'p-1' }, explanation: 'Läkemedelslistan laddar långsamt.', colour: 'gul', unitId: 'u-1' };
  expect(canonicalJson(a)).toBe(
    '{"colour":"gul","explanation":"Läkemedelslistan laddar långsamt.","reporter":{"personId":"p-1"},"unitId":"u-1"}',
  );
  expect(requestHash(a)).toBe(requestHash(b));
  expect(canonicalJson(a)).toBe(reference(a));
});
