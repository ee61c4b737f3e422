import fc from 'fast-check';
import type { Forvaltning, GoLive } from '../../shared/domain/golive';
import { findUnit } from '../../shared/domain/golive';
import { deepFreeze } from '../../shared/adapters/version-cache';
import { makeGoLive } from '../builders';

/**
 * Issue 17, fifth round: a unit report finds its unit in an index kept per frozen organisation
 * (the go-live a repository hands out per stored version), not by comparing every unit's id.
 */

/** A go-live of `n` units in two förvaltningar whose unit lists count the elements read, frozen as a repository hands it out. */
function countedGoLive(n: number): { goLive: GoLive; reads: () => number } {
  let reads = 0;
  const counted = (units: Forvaltning['units']) =>
    new Proxy(deepFreeze(units), {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  const unit = (i: number) => ({ id: `enhet-${i}`, name: `Enhet ${i}` });
  const half = Math.floor(n / 2);
  const forvaltningar = [
    { id: 'kirurgi', name: 'Kirurgi', units: counted(Array.from({ length: half }, (_, i) => unit(i))) },
    { id: 'medicin', name: 'Medicin', units: counted(Array.from({ length: n - half }, (_, i) => unit(half + i))) },
  ];
  const goLive = deepFreeze({ ...makeGoLive(), forvaltningar });
  return { goLive, reads: () => reads };
}

it('finds a unit of a frozen organisation without reading the other units, once the index is built', () => {
  const { goLive, reads } = countedGoLive(2000);
  expect(findUnit(goLive, 'enhet-1999')).toMatchObject({ unit: { id: 'enhet-1999' }, forvaltning: { id: 'medicin' } });
  const afterFirst = reads();
  expect(afterFirst).toBeGreaterThanOrEqual(2000);
  for (let i = 0; i < 100; i++) expect(findUnit(goLive, `enhet-${(i * 37) % 2000}`)?.unit.id).toBe(`enhet-${(i * 37) % 2000}`);
  expect(findUnit(goLive, 'enhet-2000')).toBeUndefined();
  expect(reads()).toBe(afterFirst);
});

it('answers for a frozen organisation what the search answers, duplicate ids and a changed version included', () => {
  const slug = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const organisation = fc.array(
    fc.record({ id: slug, name: fc.constant('F'), units: fc.array(fc.record({ id: slug, name: fc.constant('U') }), { maxLength: 5 }) }),
    { maxLength: 4 },
  );
  fc.assert(
    fc.property(organisation, organisation, (first, second) => {
      const base = makeGoLive();
      for (const forvaltningar of [first, second]) {
        const open: GoLive = { ...base, forvaltningar: structuredClone(forvaltningar) };
        const frozen = deepFreeze({ ...base, forvaltningar: structuredClone(forvaltningar) });
        for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
          const searched = findUnit(open, id);
          const indexed = findUnit(frozen, id);
          expect(indexed?.unit).toEqual(searched?.unit);
          expect(indexed?.forvaltning.id).toBe(searched?.forvaltning.id);
          // The very objects of the organisation, not copies; the first unit of an id wins.
          const at = frozen.forvaltningar.findIndex((f) => f.units.some((u) => u.id === id));
          if (at < 0) expect(indexed).toBeUndefined();
          else {
            expect(indexed?.forvaltning).toBe(frozen.forvaltningar[at]);
            expect(indexed?.unit).toBe(frozen.forvaltningar[at]!.units.find((u) => u.id === id));
          }
        }
      }
    }),
  );
});
