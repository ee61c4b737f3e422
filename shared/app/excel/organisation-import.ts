import type { Ports } from '../../ports/app.port';
import type { GoLiveStore } from '../../ports/repository.port';
import type { Actor } from '../../domain/audit';
import type { FieldIssue, Texts } from '../../domain/errors';
import { DomainError } from '../../domain/errors';
import type { Forvaltning, GoLive, Person, Role } from '../../domain/golive';
import { EntraObjectId, GoLiveInput } from '../../domain/golive';
import { Email, Slug } from '../../domain/ids';
import { cellText, isEmptyCell } from '../../domain/import-cells';
import type { ColumnMatch, PeopleListField, UnitListField } from '../../domain/import-columns';
import { PEOPLE_LIST_COLUMNS, UNIT_LIST_COLUMNS } from '../../domain/import-columns';
import { parseRoles, parseYesNo, roleLabelList, sameName, slugify, splitList } from '../../domain/import-organisation';
import { putGoLive } from '../golives';
import { canonicalJson } from '../idempotency';
import type { Classified, FieldCell, FoundTable, ImportMode, ImportOptions, RowIssue } from './import-report';
import { columnsClassifier, fieldCell } from './import-report';
import { yieldToEventLoop, YIELD_EVERY } from './cooperative';
import { collectTables, duplicateWarnings, noHeaderTexts } from './locate';
import { OrganisationIndex } from './organisation-index';
import type { ImportedFile } from './unit-report-import';
import { describeFile } from './unit-report-import';
import type { SheetRow, Upload } from './upload';
import { openWorkbook, UploadError } from './upload';

/*
 * Import of an organisation (R1, R2) from the lists förvaltningar keep: a table of units
 * (Förvaltning, Enhet, with or without ids) and a table of people (Namn, E-post, Roller,
 * Enheter, Områden, Förvaltning, FVIS-projektledare), as two sheets of one workbook or as
 * two CSV files. The rows are merged into the go-live: what the file names is created or
 * updated, what it does not name is kept, and an empty cell keeps the stored value. The
 * result is written with one `putGoLive`, and only if something changed.
 */

/** The template's example rows, refused by the import so a forgotten one is never stored. */
export const EXAMPLE_FORVALTNING = {
  id: 'exempel-forvaltning',
  name: { sv: 'Exempelförvaltningen', en: 'Example administration' } as Texts,
};
export const EXAMPLE_PERSON: Texts = { sv: 'Exempel Exempelsson', en: 'Example Person' };

const NAME_MAX = 120;

export type ChangeAction = 'create' | 'update' | 'unchanged';

export interface OrganisationChange {
  sheet: string;
  row: number;
  kind: 'forvaltning' | 'unit' | 'person';
  id: string;
  action: ChangeAction;
}

export interface OrganisationImportResult {
  dryRun: boolean;
  mode: ImportMode;
  rejected: boolean;
  /** The go-live did not exist and was (or, dry run, would be) created from `name` and `startDate`. */
  createsGoLive: boolean;
  /** Something in the organisation changed (and, unless dry run or rejected, was written). */
  changed: boolean;
  written: boolean;
  files: (ImportedFile & { table: 'units' | 'people' })[];
  summary: {
    rows: number;
    valid: number;
    rowsWithErrors: number;
    forvaltningar: Record<ChangeAction, number>;
    units: Record<ChangeAction, number>;
    people: Record<ChangeAction, number>;
  };
  issues: RowIssue[];
  warnings: Texts[];
  changes: OrganisationChange[];
}

type Kind = { table: 'units'; match: ColumnMatch<UnitListField> } | { table: 'people'; match: ColumnMatch<PeopleListField> };

const unitsClassifier = columnsClassifier(UNIT_LIST_COLUMNS, [
  ['forvaltning', 'forvaltningId'],
  ['unit', 'unitId'],
]);
const peopleClassifier = columnsClassifier(PEOPLE_LIST_COLUMNS, ['name', 'roles']);

/** A people table names Namn and Roller; else a units table names Förvaltning and Enhet. */
function classify(headers: string[]): Classified<Kind> {
  const people = peopleClassifier(headers);
  if ('kind' in people) return { kind: { table: 'people', match: people.kind } };
  const units = unitsClassifier(headers);
  if ('kind' in units) return { kind: { table: 'units', match: units.kind } };
  return units.score >= people.score ? units : people;
}

/**
 * The go-live as the PUT body it came from: every input field, whatever fields GoLiveInput grows.
 * The copy and the check are two blocks, with other requests' turn between them.
 */
async function inputOf(goLive: GoLive): Promise<GoLiveInput> {
  const keys = Object.keys(GoLiveInput.shape) as (keyof GoLiveInput)[];
  const picked = Object.fromEntries(keys.filter((k) => k in goLive).map((k) => [k, (goLive as unknown as Record<string, unknown>)[k]]));
  const copy = structuredClone(picked);
  await yieldToEventLoop();
  return GoLiveInput.parse(copy);
}

/**
 * Merges an organisation list into a go-live (R1, R2). A go-live that does not exist is
 * created when `create` gives its name and start date.
 */
export async function importOrganisation(
  s: Ports<GoLiveStore, 'clock'>,
  cmd: {
    goLiveId: string;
    upload: Upload;
    options: ImportOptions;
    actor?: Actor;
    create?: { name?: string; startDate?: string; timeZone?: string };
  },
): Promise<OrganisationImportResult> {
  const existing = (await s.repo.getGoLive(cmd.goLiveId))?.value;
  let base: GoLiveInput;
  if (existing) base = await inputOf(existing);
  else {
    if (!cmd.create?.name || !cmd.create.startDate)
      throw new DomainError('GOLIVE.NOT_FOUND', {
        sv: `Driftsättningen '${cmd.goLiveId}' finns inte. Skapa den med PUT /api/golives/${cmd.goLiveId}, eller ange ?name=…&startDate=ÅÅÅÅ-MM-DD så skapas den av importen.`,
        en: `The go-live '${cmd.goLiveId}' does not exist. Create it with PUT /api/golives/${cmd.goLiveId}, or give ?name=…&startDate=YYYY-MM-DD and the import creates it.`,
      });
    const parsed = GoLiveInput.safeParse({
      name: cmd.create.name,
      startDate: cmd.create.startDate,
      ...(cmd.create.timeZone ? { timeZone: cmd.create.timeZone } : {}),
    });
    if (!parsed.success)
      throw new DomainError(
        'VALIDATION.FAILED',
        { sv: 'Ogiltig indata.', en: 'Invalid input.' },
        { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
      );
    base = parsed.data;
  }

  const workbook = await openWorkbook(cmd.upload);
  const { tables, best } = await collectTables(workbook, classify);
  if (!tables.length)
    throw new UploadError(
      400,
      noHeaderTexts(
        workbook,
        {
          sv: 'Hittar ingen rubrikrad för enheter (Förvaltning, Enhet) eller personer (Namn, Roller)',
          en: 'No header row for units (Förvaltning, Unit) or people (Name, Roles) found',
        },
        best,
      ),
    );

  // Each step over the whole organisation is a block of its own between turns of the event loop.
  await yieldToEventLoop();
  const draft = new Draft(structuredClone(base));
  const issues: RowIssue[] = [];
  const warnings: Texts[] = [];
  const rowsWithErrors = new Set<string>();
  let rows = 0;
  const files: OrganisationImportResult['files'] = [];
  // Units first, whatever the sheet order: people rows name units.
  const ordered = [...tables].sort((a, b) => (a.kind.table === b.kind.table ? 0 : a.kind.table === 'units' ? -1 : 1));
  for (const t of ordered) {
    const table = { sheet: t.sheet, headerRow: t.headerRow, headers: t.headers, rows: t.rows, match: t.kind.match } as FoundTable<string>;
    files.push({ ...describeFile(workbook, table), table: t.kind.table });
    warnings.push(
      ...duplicateWarnings(
        t.kind.match as ColumnMatch<string>,
        t.headers,
        (t.kind.table === 'units' ? UNIT_LIST_COLUMNS : PEOPLE_LIST_COLUMNS) as never,
      ),
    );
    for (const row of t.rowList) {
      rows++;
      // Long work shares the event loop (issue 13 item 9): other requests are served between chunks.
      if (rows % YIELD_EVERY === 0) await yieldToEventLoop();
      const rowIssues: RowIssue[] = [];
      if (t.kind.table === 'units') draft.unitRow(table as FoundTable<UnitListField>, row, rowIssues);
      else draft.personRow(table as FoundTable<PeopleListField>, row, rowIssues);
      if (rowIssues.length) {
        issues.push(...rowIssues);
        rowsWithErrors.add(`${t.sheet}\u0000${row.number}`);
      }
    }
  }

  await yieldToEventLoop();
  const merged = GoLiveInput.safeParse(draft.input);
  if (!merged.success) {
    // Every row was checked on its own; this is a cross-row rule the checks above missed.
    const fieldIssues: FieldIssue[] = merged.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw new DomainError(
      'VALIDATION.FAILED',
      { sv: 'Organisationen efter importen är ogiltig.', en: 'The organisation after the import is invalid.' },
      { issues: fieldIssues },
    );
  }
  await yieldToEventLoop();
  let changed = !existing;
  if (!changed) {
    const after = canonicalJson(merged.data);
    await yieldToEventLoop();
    changed = after !== canonicalJson(base);
  }
  const rejected = cmd.options.mode === 'all-or-nothing' && issues.length > 0;
  let written = false;
  if (changed && !rejected && !cmd.options.dryRun) {
    await yieldToEventLoop();
    await putGoLive(s, cmd.goLiveId, merged.data, cmd.actor);
    written = true;
  }

  issues.sort((a, b) => (a.sheet === b.sheet ? 0 : a.sheet < b.sheet ? -1 : 1) || a.row - b.row || (a.column ?? -1) - (b.column ?? -1));
  const tally = (kind: OrganisationChange['kind']) => {
    const out: Record<ChangeAction, number> = { create: 0, update: 0, unchanged: 0 };
    for (const c of draft.changes.values()) if (c.kind === kind) out[c.action]++;
    return out;
  };
  return {
    dryRun: cmd.options.dryRun,
    mode: cmd.options.mode,
    rejected,
    createsGoLive: !existing,
    changed,
    written,
    files,
    summary: {
      rows,
      valid: rows - rowsWithErrors.size,
      rowsWithErrors: rowsWithErrors.size,
      forvaltningar: tally('forvaltning'),
      units: tally('unit'),
      people: tally('person'),
    },
    issues,
    warnings,
    changes: [...draft.changes.values()].sort((a, b) => (a.sheet === b.sheet ? 0 : a.sheet < b.sheet ? -1 : 1) || a.row - b.row),
  };
}

/**
 * The organisation being built. Each row is checked whole before anything of it is applied,
 * so a bad row leaves no half of itself behind. Every look-up goes through the index (issue 13
 * item 9: no scan of the organisation per row), and every change of the organisation too, so
 * the index stays true.
 */
class Draft {
  readonly changes = new Map<string, OrganisationChange>();
  /** FVIS leads set by this file, so two rows cannot both claim one förvaltning. */
  private readonly fvisSetBy = new Map<string, number>();
  private readonly index: OrganisationIndex;

  constructor(readonly input: GoLiveInput) {
    this.index = new OrganisationIndex(input);
  }

  private record(kind: OrganisationChange['kind'], id: string, action: ChangeAction, at: { sheet: string; row: number }): void {
    const key = `${kind}:${id}`;
    const prev = this.changes.get(key);
    if (!prev) this.changes.set(key, { sheet: at.sheet, row: at.row, kind, id, action });
    else if (prev.action === 'unchanged' && action !== 'unchanged') prev.action = action;
  }

  /** A slug from `name` not used by `taken`, with -2, -3 … when it is. */
  private freeId(name: string, taken: (id: string) => boolean, prefix?: string): string | undefined {
    let base = slugify(name);
    if (!base) return undefined;
    if (taken(base) && prefix) base = slugify(`${prefix}-${name}`);
    if (!taken(base)) return base;
    for (let n = 2; n < 1000; n++) {
      const candidate = `${base.slice(0, 60)}-${n}`;
      if (!taken(candidate)) return candidate;
    }
    return undefined;
  }

  unitRow(table: FoundTable<UnitListField>, row: SheetRow, issues: RowIssue[]): void {
    const cell = (f: UnitListField) => fieldCell(table, row, f);
    const issue = rowIssuer(table.sheet, row, issues);
    const fId = cell('forvaltningId');
    const fName = cell('forvaltning');
    const uId = cell('unitId');
    const uName = cell('unit');
    // An unreadable cell (or one the text guard refuses) is named by its field, never shown.
    const text = (fc: FieldCell, field: string) => (fc.unreadable ? (issue(fc, field, fc.unreadable, false), '') : cellText(fc.cell));
    const forvIdText = text(fId, 'forvaltningar.id').toLowerCase();
    const forvName = text(fName, 'forvaltningar.name');
    const unitIdText = text(uId, 'units.id').toLowerCase();
    const unitName = text(uName, 'units.name');
    if (issues.length) return;

    if (
      forvIdText === EXAMPLE_FORVALTNING.id ||
      sameName(forvName, EXAMPLE_FORVALTNING.name.sv) ||
      sameName(forvName, EXAMPLE_FORVALTNING.name.en)
    )
      return issue(
        forvIdText ? fId : fName,
        'forvaltningar',
        {
          sv: 'exempelraden från mallen: skriv över den eller ta bort den',
          en: 'the example row from the template: overwrite it or delete it',
        },
        false,
      );
    for (const [fc, value, field] of [
      [fId, forvIdText, 'forvaltningar.id'],
      [uId, unitIdText, 'units.id'],
    ] as const)
      if (value && !Slug.safeParse(value).success)
        issue(fc, field, {
          sv: 'ett id har bara a–z, 0–9 och bindestreck (högst 64 tecken)',
          en: 'an id has only a–z, 0–9 and hyphens (at most 64 characters)',
        });
    for (const [fc, value, field] of [
      [fName, forvName, 'forvaltningar.name'],
      [uName, unitName, 'units.name'],
    ] as const)
      if (value.length > NAME_MAX) issue(fc, field, { sv: `högst ${NAME_MAX} tecken`, en: `at most ${NAME_MAX} characters` }, false);
    if (issues.length) return;

    // The förvaltning: by id, else by name; created when new.
    const index = this.index;
    let forv = forvIdText ? index.forvaltning(forvIdText) : forvName ? index.forvaltningByText(forvName) : undefined;
    let forvAction: ChangeAction = 'unchanged';
    let newForv: Forvaltning | undefined;
    if (!forvIdText && !forvName)
      return issue(fName.column !== undefined ? fName : fId, 'forvaltningar', { sv: 'förvaltning saknas', en: 'förvaltning is missing' });
    if (!forv) {
      if (!forvName)
        return issue(fName.column !== undefined ? fName : fId, 'forvaltningar.name', {
          sv: `förvaltningen '${forvIdText}' är ny: ange dess namn`,
          en: `the förvaltning '${forvIdText}' is new: give its name`,
        });
      const id = forvIdText || this.freeId(forvName, (x) => index.forvaltning(x) !== undefined);
      if (!id)
        return issue(fName, 'forvaltningar.id', {
          sv: 'kan inte bilda ett id av namnet: ange Förvaltnings-id',
          en: 'cannot make an id from the name: give the administration id',
        });
      newForv = { id, name: forvName, units: [] };
      forv = newForv;
      forvAction = 'create';
    } else if (forvName && forvIdText && forv.name !== forvName) forvAction = 'update';

    // The unit: by id anywhere (it may not move between förvaltningar), else by name in this förvaltning.
    let unitAction: ChangeAction | undefined;
    let unitId: string | undefined;
    if (unitIdText || unitName) {
      const elsewhere = unitIdText ? index.unit(unitIdText) : undefined;
      if (elsewhere && elsewhere.forvaltning.id !== forv.id)
        return issue(uId, 'units.id', {
          sv: `enheten '${unitIdText}' hör redan till förvaltningen ${elsewhere.forvaltning.name}`,
          en: `the unit '${unitIdText}' already belongs to ${elsewhere.forvaltning.name}`,
        });
      const current = elsewhere?.unit ?? (unitIdText ? undefined : index.unitNamedIn(forv, unitName));
      if (current) {
        unitId = current.id;
        unitAction = unitName && current.name !== unitName ? 'update' : 'unchanged';
      } else {
        if (!unitName)
          return issue(uName.column !== undefined ? uName : uId, 'units.name', {
            sv: `enheten '${unitIdText}' är ny: ange dess namn`,
            en: `the unit '${unitIdText}' is new: give its name`,
          });
        const taken = (x: string) => index.unit(x) !== undefined;
        unitId = unitIdText || this.freeId(unitName, taken, forv.id);
        if (!unitId)
          return issue(uName, 'units.id', {
            sv: 'kan inte bilda ett id av namnet: ange Enhets-id',
            en: 'cannot make an id from the name: give the unit id',
          });
        unitAction = 'create';
      }
    }

    // Checked: apply.
    const at = { sheet: table.sheet, row: row.number };
    if (newForv) index.addForvaltning(newForv);
    else if (forvAction === 'update') index.renameForvaltning(forv, forvName);
    this.record('forvaltning', forv.id, forvAction, at);
    if (unitId && unitAction) {
      // Unit ids are unique across förvaltningar, and the checks above keep them so.
      const ref = index.unit(unitId);
      const unit = ref?.forvaltning === forv ? ref.unit : undefined;
      if (!unit) index.addUnit(forv, { id: unitId, name: unitName });
      else if (unitAction === 'update') index.renameUnit(unit, unitName);
      this.record('unit', unitId, unitAction, at);
    }
  }

  personRow(table: FoundTable<PeopleListField>, row: SheetRow, issues: RowIssue[]): void {
    const cell = (f: PeopleListField) => fieldCell(table, row, f);
    const issue = rowIssuer(table.sheet, row, issues);
    const c = {
      id: cell('personId'),
      name: cell('name'),
      email: cell('email'),
      oid: cell('entraObjectId'),
      roles: cell('roles'),
      units: cell('units'),
      areas: cell('areas'),
      forvaltning: cell('forvaltning'),
      fvis: cell('fvisLead'),
    };
    const text = (fc: FieldCell, field: string) => (fc.unreadable ? (issue(fc, field, fc.unreadable, false), '') : cellText(fc.cell));
    const index = this.index;
    const v = {
      id: text(c.id, 'people.id').toLowerCase(),
      name: text(c.name, 'people.name'),
      email: text(c.email, 'people.email'),
      oid: text(c.oid, 'people.entraObjectId'),
      roles: text(c.roles, 'people.roles'),
      units: text(c.units, 'people.unitIds'),
      areas: text(c.areas, 'people.areaIds'),
      forvaltning: text(c.forvaltning, 'people.forvaltningId'),
      fvis: text(c.fvis, 'forvaltningar.fvisLeadId'),
    };
    if (issues.length) return;
    if (sameName(v.name, EXAMPLE_PERSON.sv) || sameName(v.name, EXAMPLE_PERSON.en))
      return issue(
        c.name,
        'people',
        {
          sv: 'exempelraden från mallen: skriv över den eller ta bort den',
          en: 'the example row from the template: overwrite it or delete it',
        },
        false,
      );

    if (v.id && !Slug.safeParse(v.id).success)
      issue(c.id, 'people.id', {
        sv: 'ett id har bara a–z, 0–9 och bindestreck (högst 64 tecken)',
        en: 'an id has only a–z, 0–9 and hyphens (at most 64 characters)',
      });
    if (v.name.length > NAME_MAX)
      issue(c.name, 'people.name', { sv: `högst ${NAME_MAX} tecken`, en: `at most ${NAME_MAX} characters` }, false);
    if (v.email && !Email.safeParse(v.email).success)
      issue(c.email, 'people.email', { sv: 'ogiltig e-postadress', en: 'invalid e-mail address' });
    const oid = v.oid ? EntraObjectId.safeParse(v.oid) : undefined;
    if (oid && !oid.success)
      issue(c.oid, 'people.entraObjectId', {
        sv: 'ett Entra-objekt-id är ett GUID (36 tecken)',
        en: 'an Entra object id is a GUID (36 characters)',
      });
    let roles: Role[] | undefined;
    if (v.roles) {
      const r = parseRoles(v.roles);
      if (r.ok) roles = r.value;
      else
        issue(c.roles, 'people.roles', {
          sv: `okänd roll ${r.unknown.map((u) => `'${u}'`).join(', ')} (roller: ${roleLabelList('sv')})`,
          en: `unknown role ${r.unknown.map((u) => `'${u}'`).join(', ')} (roles: ${roleLabelList('en')})`,
        });
    }
    let unitIds: string[] | undefined;
    if (v.units) {
      const refs = splitList(v.units).map((u) => ({
        u,
        ref: index.unit(u.toLowerCase()) ?? index.unitsNamed(u),
      }));
      const unknown = refs.filter((r) => (Array.isArray(r.ref) ? r.ref.length !== 1 : !r.ref)).map((r) => r.u);
      if (unknown.length)
        issue(c.units, 'people.unitIds', {
          sv: `okänd eller tvetydig enhet ${unknown.map((u) => `'${u}'`).join(', ')} (ange enhetens id)`,
          en: `unknown or ambiguous unit ${unknown.map((u) => `'${u}'`).join(', ')} (give the unit's id)`,
        });
      else unitIds = [...new Set(refs.map((r) => (Array.isArray(r.ref) ? r.ref[0]! : r.ref!).unit.id))];
    }
    let areaIds: string[] | undefined;
    if (v.areas) {
      const refs = splitList(v.areas).map((a) => ({ a, area: index.area(a) }));
      const unknown = refs.filter((r) => !r.area).map((r) => r.a);
      if (unknown.length)
        issue(c.areas, 'people.areaIds', {
          sv: `okänt område ${unknown.map((u) => `'${u}'`).join(', ')} (områden: ${this.input.areas.map((a) => a.name).join(', ')})`,
          en: `unknown area ${unknown.map((u) => `'${u}'`).join(', ')} (areas: ${this.input.areas.map((a) => a.name).join(', ')})`,
        });
      else areaIds = [...new Set(refs.map((r) => r.area!.id))];
    }
    let forvaltningId: string | undefined;
    if (v.forvaltning) {
      const f = index.forvaltningByText(v.forvaltning);
      if (!f)
        issue(c.forvaltning, 'people.forvaltningId', {
          sv: `okänd förvaltning '${v.forvaltning}'`,
          en: `unknown förvaltning '${v.forvaltning}'`,
        });
      else forvaltningId = f.id;
    }
    const fvis = v.fvis ? parseYesNo(v.fvis) : undefined;
    if (v.fvis && fvis === undefined) issue(c.fvis, 'forvaltningar.fvisLeadId', { sv: 'skriv Ja eller Nej', en: 'write Yes or No' });
    if (issues.length) return;

    // Who: the stored person with this id, else with this e-mail, else (no id, no e-mail) with this name.
    const current =
      (v.id ? index.person(v.id) : undefined) ??
      (v.email ? index.personByEmail(v.email) : undefined) ??
      (!v.id && !v.email && v.name ? onlyOne(index.peopleNamed(v.name)) : undefined);
    if (!current && !v.name) return issue(c.name, 'people.name', { sv: 'namn saknas', en: 'name is missing' });
    if (!current && !roles)
      return issue(c.roles, 'people.roles', {
        sv: `roll saknas (roller: ${roleLabelList('sv')})`,
        en: `role is missing (roles: ${roleLabelList('en')})`,
      });
    const id = current?.id ?? (v.id || this.freeId(v.name, (x) => index.person(x) !== undefined));
    if (!id)
      return issue(c.name, 'people.id', {
        sv: 'kan inte bilda ett id av namnet: ange Person-id',
        en: 'cannot make an id from the name: give the person id',
      });
    const entraObjectId = oid?.success ? oid.data : undefined;
    const holder = entraObjectId ? index.objectIdHolder(entraObjectId, id) : undefined;
    if (holder)
      return issue(c.oid, 'people.entraObjectId', {
        sv: `hör redan till ${holder.name} (${holder.id})`,
        en: `already belongs to ${holder.name} (${holder.id})`,
      });
    const next: Person = {
      ...(current ?? { id, name: v.name, roles: roles!, areaIds: [], unitIds: [] }),
      ...(v.name ? { name: v.name } : {}),
      ...(v.email ? { email: v.email } : {}),
      ...(entraObjectId ? { entraObjectId } : {}),
      ...(roles ? { roles } : {}),
      ...(unitIds ? { unitIds } : {}),
      ...(areaIds ? { areaIds } : {}),
      ...(forvaltningId ? { forvaltningId } : {}),
    };
    // FVIS project lead (R2): of the person's förvaltning.
    const fvisForv = next.forvaltningId ? index.forvaltning(next.forvaltningId) : undefined;
    if (fvis === true) {
      if (!fvisForv)
        return issue(c.fvis, 'forvaltningar.fvisLeadId', {
          sv: 'en FVIS-projektledare behöver en förvaltning',
          en: 'an FVIS project lead needs a förvaltning',
        });
      const other = this.fvisSetBy.get(fvisForv.id);
      if (other !== undefined && fvisForv.fvisLeadId !== id)
        return issue(c.fvis, 'forvaltningar.fvisLeadId', {
          sv: `förvaltningen ${fvisForv.name} har redan en FVIS-projektledare på rad ${other}`,
          en: `${fvisForv.name} already has an FVIS project lead on row ${other}`,
        });
    }

    // The FVIS column and the role say the same (R11.8): Ja gives the role, Nej takes it away.
    if (fvis === true && !next.roles.includes('fvisLead')) next.roles = [...next.roles, 'fvisLead'];
    if (fvis === false) next.roles = next.roles.filter((r) => r !== 'fvisLead');
    if (next.roles.includes('fvisLead') && !next.forvaltningId)
      return issue(c.forvaltning, 'people.forvaltningId', {
        sv: 'en FVIS-projektledare hör till en förvaltning',
        en: 'an FVIS project lead belongs to a förvaltning',
      });
    // Checked: apply.
    const at = { sheet: table.sheet, row: row.number };
    const action: ChangeAction = !current ? 'create' : canonicalJson(current) === canonicalJson(next) ? 'unchanged' : 'update';
    if (!current) index.addPerson(next);
    else index.updatePerson(current, next);
    this.record('person', id, action, at);
    if (fvis === true && fvisForv) {
      this.fvisSetBy.set(fvisForv.id, row.number);
      if (fvisForv.fvisLeadId !== id) {
        index.setFvisLead(fvisForv, id);
        this.record('forvaltning', fvisForv.id, 'update', at);
      }
    } else if (fvis === false) {
      for (const f of index.forvaltningarLedBy(id)) {
        index.setFvisLead(f, undefined);
        this.record('forvaltning', f.id, 'update', at);
      }
    }
  }
}

const onlyOne = <T>(items: T[]): T | undefined => (items.length === 1 ? items[0] : undefined);

function rowIssuer(sheet: string, row: SheetRow, issues: RowIssue[]) {
  return (fc: FieldCell, field: string, problem: Texts, showValue = true): void => {
    issues.push({
      sheet,
      row: row.number,
      ...(fc.column !== undefined ? { column: fc.column, header: fc.header } : {}),
      field,
      ...(showValue && !isEmptyCell(fc.cell) ? { value: cellText(fc.cell) } : {}),
      problem,
    });
  };
}
