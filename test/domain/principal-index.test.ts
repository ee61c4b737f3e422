import fc from 'fast-check';
import type { GoLive, Person } from '../../shared/domain/golive';
import { membershipOf, personOf, type Principal } from '../../shared/domain/principal';
import { deepFreeze } from '../../shared/adapters/version-cache';
import { makeGoLive } from '../builders';

/**
 * Issue 17: matching a caller to a person is a lookup in an index kept per frozen people list
 * (the go-live a repository hands out per stored version), not a scan of every person per request.
 */

type User = Extract<Principal, { kind: 'user' }>;

const person = (i: number, over: Partial<Person> = {}): Person => ({
  id: `p-${i}`,
  name: `Person ${i}`,
  email: `p${i}@region.se`,
  roles: ['unitReporter'],
  areaIds: [],
  unitIds: [],
  ...over,
});

/** A go-live of `n` people whose people list counts the elements read, frozen as a repository hands it out. */
function countedGoLive(n: number): { goLive: GoLive; reads: () => number } {
  const people = Array.from({ length: n }, (_, i) =>
    person(i, i === n - 1 ? { entraObjectId: '0f8fad5b-d9cb-469f-a165-70867728950e' } : {}),
  );
  deepFreeze(people);
  let reads = 0;
  const counted = new Proxy(people, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const goLive = deepFreeze({ ...makeGoLive(), people: counted });
  return { goLive, reads: () => reads };
}

describe('the people index behind authorisation (issue 17)', () => {
  it('finds the last of 2,400 people by e-mail, id or object id without scanning the list again', () => {
    const { goLive, reads } = countedGoLive(2400);
    const byEmail: User = { kind: 'user', id: 'dev', email: 'P2399@Region.se', appRoles: [] };
    expect(personOf(byEmail, goLive)?.id).toBe('p-2399'); // builds the index: one pass
    const afterFirst = reads();
    for (let i = 0; i < 100; i++) {
      expect(personOf(byEmail, goLive)?.id).toBe('p-2399');
      expect(personOf({ kind: 'user', id: 'p-1200', appRoles: [] }, goLive)?.id).toBe('p-1200');
      expect(personOf({ kind: 'user', id: 'x', oid: '0F8FAD5B-D9CB-469F-A165-70867728950E', appRoles: [] }, goLive)?.id).toBe('p-2399');
      expect(personOf({ kind: 'user', id: 'nobody', email: 'nobody@region.se', appRoles: [] }, goLive)).toBeUndefined();
    }
    // 400 lookups: at most one element read each (the match), where a scan reads up to 2,400.
    expect(reads() - afterFirst).toBeLessThanOrEqual(400);
  });

  it('a people list that is not frozen is read as it is now (a use case may have changed it)', () => {
    const goLive = makeGoLive({ input: { people: [person(1)] } });
    const me: User = { kind: 'user', id: 'p-2', appRoles: [] };
    expect(personOf(me, goLive)).toBeUndefined();
    goLive.people.push(person(2));
    expect(personOf(me, goLive)?.id).toBe('p-2');
  });

  it('matches exactly as a scan of the list would: the first person with the id or the e-mail, or the object id alone', () => {
    const scan = (principal: User, people: readonly Person[]): Person | undefined => {
      if (principal.oid !== undefined) return people.find((p) => p.entraObjectId?.toLowerCase() === principal.oid!.toLowerCase());
      const email = principal.email?.toLowerCase();
      return people.find((p) => p.id === principal.id || (email !== undefined && p.email?.toLowerCase() === email));
    };
    const small = fc.constantFrom('a', 'b', 'c', 'd');
    const arbPerson = fc.record({ i: fc.nat(5), id: small, email: fc.option(small), oid: fc.option(small), upper: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(arbPerson, { maxLength: 8 }),
        fc.record({ id: small, email: fc.option(small), oid: fc.option(small), upper: fc.boolean() }),
        fc.boolean(),
        (rows, who, frozen) => {
          const people = rows.map((r, k) =>
            person(k, {
              id: r.id,
              ...(r.email !== null ? { email: `${r.upper ? r.email.toUpperCase() : r.email}@x.se` } : { email: undefined }),
              ...(r.oid !== null ? { entraObjectId: r.upper ? r.oid.toUpperCase() : r.oid } : {}),
            }),
          );
          const goLive = { ...makeGoLive(), people: frozen ? deepFreeze(people) : people };
          const principal: User = {
            kind: 'user',
            id: who.id,
            ...(who.email !== null ? { email: `${who.upper ? who.email.toUpperCase() : who.email}@x.se` } : {}),
            ...(who.oid !== null ? { oid: who.oid } : {}),
            appRoles: [],
          };
          expect(personOf(principal, goLive)).toBe(scan(principal, people));
          expect(membershipOf(principal, goLive).person).toBe(scan(principal, people));
        },
      ),
      { numRuns: 500 },
    );
  });
});
