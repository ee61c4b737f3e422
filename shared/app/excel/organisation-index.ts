import type { Area, Forvaltning, GoLiveInput, Person, Unit, UnitRef } from '../../domain/golive';
import { nameKey } from '../../domain/import-organisation';

/*
 * The organisation an import builds, with its look-ups indexed (issue 13 item 9). The import
 * used to scan the whole organisation for every row (people by id, e-mail, name and Entra
 * object id; units by id and name; förvaltningar by id, name and FVIS lead), so an import of n
 * people into an organisation of n took ~n² comparisons: 8,000 people stalled the event loop
 * for seconds between its yields. Here every look-up is a Map, built once from the go-live and
 * kept up to date by the only methods that change the organisation during an import (add,
 * rename, update, set the FVIS lead).
 *
 * The answers are the scans' answers: a bucket keeps its items in list order, so its first
 * item is what `Array.find` found, and `all` is what `Array.filter` found. Keys are exactly what
 * the scans compared: ids as they are, e-mails lower-cased (`toLowerCase`), names by `nameKey`
 * (the key of `sameName`: case, accents and spacing folded), Entra object ids as stored.
 */

/** Items under keys, each key's items in list order (`at`): `first` is what a find would give. */
class Buckets<T> {
  private readonly map = new Map<string, { at: number; item: T }[]>();

  add(key: string | undefined, at: number, item: T): void {
    if (key === undefined) return;
    const bucket = this.map.get(key);
    if (!bucket) {
      this.map.set(key, [{ at, item }]);
      return;
    }
    // Usually appended (items come in list order); a re-keyed item goes back to its place.
    let lo = 0;
    let hi = bucket.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bucket[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    bucket.splice(lo, 0, { at, item });
  }

  remove(key: string | undefined, item: T): void {
    if (key === undefined) return;
    const bucket = this.map.get(key);
    if (!bucket) return;
    const i = bucket.findIndex((e) => e.item === item);
    if (i >= 0) bucket.splice(i, 1);
    if (!bucket.length) this.map.delete(key);
  }

  first(key: string): T | undefined {
    return this.map.get(key)?.[0]?.item;
  }

  all(key: string): T[] {
    return (this.map.get(key) ?? []).map((e) => e.item);
  }
}

const emailKey = (p: Person) => p.email?.toLowerCase();

export class OrganisationIndex {
  private readonly forvaltningAt = new Map<Forvaltning, number>();
  private readonly forvaltningById = new Map<string, Forvaltning>();
  private readonly forvaltningByName = new Buckets<Forvaltning>();
  private readonly forvaltningByLead = new Buckets<Forvaltning>();
  private readonly unitById = new Map<string, UnitRef>();
  /** Units of every förvaltning by name: only "exactly one" is asked of it, so order is by arrival. */
  private readonly unitsByName = new Buckets<UnitRef>();
  /** Units of one förvaltning by name, in the förvaltning's order. */
  private readonly unitsOf = new Map<Forvaltning, Buckets<Unit>>();
  private readonly unitAt = new Map<Unit, number>();
  private unitsSeen = 0;
  private readonly personAt = new Map<Person, number>();
  private readonly personById = new Map<string, Person>();
  private readonly peopleByEmail = new Buckets<Person>();
  private readonly peopleByName = new Buckets<Person>();
  private readonly peopleByObjectId = new Buckets<Person>();
  private readonly areaById = new Map<string, Area>();
  private readonly areaByName = new Map<string, Area>();

  constructor(readonly input: GoLiveInput) {
    for (const f of input.forvaltningar) this.indexForvaltning(f);
    input.people.forEach((p, at) => this.indexPerson(p, at));
    // Areas do not change during an import.
    for (const a of input.areas) {
      if (!this.areaById.has(a.id)) this.areaById.set(a.id, a);
      const key = nameKey(a.name);
      if (!this.areaByName.has(key)) this.areaByName.set(key, a);
    }
  }

  // --- förvaltningar

  /** The förvaltning with this id (ids are compared as given). */
  forvaltning(id: string): Forvaltning | undefined {
    return this.forvaltningById.get(id);
  }

  /** A förvaltning by id (any case), else the first with this name. */
  forvaltningByText(text: string): Forvaltning | undefined {
    return this.forvaltningById.get(text.toLowerCase()) ?? this.forvaltningByName.first(nameKey(text));
  }

  /** The förvaltningar naming this person as FVIS project lead, in list order. */
  forvaltningarLedBy(personId: string): Forvaltning[] {
    return this.forvaltningByLead.all(personId);
  }

  addForvaltning(f: Forvaltning): void {
    this.input.forvaltningar.push(f);
    this.indexForvaltning(f);
  }

  renameForvaltning(f: Forvaltning, name: string): void {
    const at = this.forvaltningAt.get(f)!;
    this.forvaltningByName.remove(nameKey(f.name), f);
    f.name = name;
    this.forvaltningByName.add(nameKey(name), at, f);
  }

  /** Names the FVIS project lead of `f`, or (undefined) removes it. */
  setFvisLead(f: Forvaltning, personId: string | undefined): void {
    const at = this.forvaltningAt.get(f)!;
    this.forvaltningByLead.remove(f.fvisLeadId, f);
    if (personId === undefined) delete f.fvisLeadId;
    else f.fvisLeadId = personId;
    this.forvaltningByLead.add(personId, at, f);
  }

  private indexForvaltning(f: Forvaltning): void {
    const at = this.forvaltningAt.size;
    this.forvaltningAt.set(f, at);
    if (!this.forvaltningById.has(f.id)) this.forvaltningById.set(f.id, f);
    this.forvaltningByName.add(nameKey(f.name), at, f);
    this.forvaltningByLead.add(f.fvisLeadId, at, f);
    this.unitsOf.set(f, new Buckets());
    f.units.forEach((u, i) => this.indexUnit(f, u, i));
  }

  // --- care units

  /** The unit with this id and its förvaltning (unit ids are unique across förvaltningar). */
  unit(id: string): UnitRef | undefined {
    return this.unitById.get(id);
  }

  /** Every unit of every förvaltning with this name. */
  unitsNamed(name: string): UnitRef[] {
    return this.unitsByName.all(nameKey(name));
  }

  /** The first unit of `f` with this name. */
  unitNamedIn(f: Forvaltning, name: string): Unit | undefined {
    return this.unitsOf.get(f)?.first(nameKey(name));
  }

  /** Adds a unit to a förvaltning already in the organisation. */
  addUnit(f: Forvaltning, unit: Unit): void {
    f.units.push(unit);
    this.indexUnit(f, unit, f.units.length - 1);
  }

  renameUnit(unit: Unit, name: string): void {
    const ref = this.unitById.get(unit.id)!;
    const own = this.unitsOf.get(ref.forvaltning)!;
    const at = this.unitAt.get(unit)!;
    this.unitsByName.remove(nameKey(unit.name), ref);
    own.remove(nameKey(unit.name), unit);
    unit.name = name;
    this.unitsByName.add(nameKey(name), this.unitsSeen++, ref);
    own.add(nameKey(name), at, unit);
  }

  private indexUnit(f: Forvaltning, unit: Unit, at: number): void {
    const ref = { unit, forvaltning: f };
    this.unitAt.set(unit, at);
    if (!this.unitById.has(unit.id)) this.unitById.set(unit.id, ref);
    this.unitsByName.add(nameKey(unit.name), this.unitsSeen++, ref);
    this.unitsOf.get(f)!.add(nameKey(unit.name), at, unit);
  }

  // --- areas

  /** An area by id (any case), else by name. */
  area(text: string): Area | undefined {
    return this.areaById.get(text.toLowerCase()) ?? this.areaByName.get(nameKey(text));
  }

  // --- people

  person(id: string): Person | undefined {
    return this.personById.get(id);
  }

  /** The first person with this e-mail, whatever its case. */
  personByEmail(email: string): Person | undefined {
    return this.peopleByEmail.first(email.toLowerCase());
  }

  /** Every person with this name. */
  peopleNamed(name: string): Person[] {
    return this.peopleByName.all(nameKey(name));
  }

  /** The first person holding this Entra object id other than the person `exceptId`. */
  objectIdHolder(entraObjectId: string, exceptId: string): Person | undefined {
    return this.peopleByObjectId.all(entraObjectId).find((p) => p.id !== exceptId);
  }

  addPerson(p: Person): void {
    this.input.people.push(p);
    this.indexPerson(p, this.input.people.length - 1);
  }

  /** `Object.assign(current, next)`, the indexes following the person's new e-mail, name and object id. */
  updatePerson(current: Person, next: Person): void {
    const at = this.personAt.get(current)!;
    const before = { email: emailKey(current), name: nameKey(current.name), oid: current.entraObjectId };
    Object.assign(current, next);
    const after = { email: emailKey(current), name: nameKey(current.name), oid: current.entraObjectId };
    if (before.email !== after.email) {
      this.peopleByEmail.remove(before.email, current);
      this.peopleByEmail.add(after.email, at, current);
    }
    if (before.name !== after.name) {
      this.peopleByName.remove(before.name, current);
      this.peopleByName.add(after.name, at, current);
    }
    if (before.oid !== after.oid) {
      this.peopleByObjectId.remove(before.oid, current);
      this.peopleByObjectId.add(after.oid, at, current);
    }
    // A person's id never changes: `next` is built from `current`.
  }

  private indexPerson(p: Person, at: number): void {
    this.personAt.set(p, at);
    if (!this.personById.has(p.id)) this.personById.set(p.id, p);
    this.peopleByEmail.add(emailKey(p), at, p);
    this.peopleByName.add(nameKey(p.name), at, p);
    this.peopleByObjectId.add(p.entraObjectId, at, p);
  }
}
