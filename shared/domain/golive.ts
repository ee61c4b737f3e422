import { z } from 'zod';
import { IANAZone } from 'luxon';
import { Actor } from './audit';
import { Email, Slug } from './ids';
import { FORUMS, schedulesSchema, scheduleVersionSchema } from './schedule';

/** Roles of the routine (R1). Names are English in code; labels are Swedish for people. */
export const ROLES = [
  'goLiveLead',
  'goLiveCoordinator',
  'programmeManager',
  'areaCoordinator',
  'contactPerson',
  'cslRepresentative',
  'cslChair',
  'fvisLead',
  'chiefMedicalOfficer',
  'lgvLiaison',
  'incidentManager',
  'itdManager',
  'unitReporter',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { sv: string; en: string }> = {
  goLiveLead: { sv: 'Driftsättningsledare', en: 'Go-live lead' },
  goLiveCoordinator: { sv: 'Driftsättningskoordinator', en: 'Go-live coordinator' },
  programmeManager: { sv: 'Programledare', en: 'Programme manager' },
  areaCoordinator: { sv: 'Områdessamordnare', en: 'Area coordinator' },
  contactPerson: { sv: 'Kontaktperson', en: 'Contact person' },
  cslRepresentative: { sv: 'CSL förvaltningsrepresentant', en: 'CSL administration representative' },
  cslChair: { sv: 'Ordförande i CSL', en: 'CSL chair' },
  fvisLead: { sv: 'FVIS-projektledare', en: 'FVIS project lead' },
  chiefMedicalOfficer: { sv: 'Regional chefsläkare', en: 'Regional chief medical officer' },
  lgvLiaison: { sv: 'LGV-representant', en: 'LGV liaison' },
  incidentManager: { sv: 'IM (Incident Manager)', en: 'Incident manager' },
  itdManager: { sv: 'ITD:s chef', en: 'IT department manager' },
  unitReporter: { sv: 'Verksamhetens rapportör', en: 'Care-unit reporter' },
};

/**
 * The forum schedules and reminder rules of a go-live (R5, R3.3, R4.4, R6.5, R9.1): the R5
 * table by default; see shared/domain/schedule.ts for the format.
 */
export const Schedules = schedulesSchema(ROLES);
export const ScheduleVersion = scheduleVersionSchema(ROLES);

/** The seven delivery areas of the routine (R2.1); a go-live may replace them. */
export const DEFAULT_AREAS = [
  { id: 'verksamhetens-inforande', name: 'Verksamhetens införande' },
  { id: 'cosmic', name: 'Cosmic' },
  { id: 'cosmic-konfiguration', name: 'Cosmic konfiguration' },
  { id: 'support', name: 'Support' },
  { id: 'cambio', name: 'Cambio' },
  { id: 'behorigheter', name: 'Behörigheter' },
  { id: 'teknik', name: 'Teknik' },
] as const;

/** The area whose status is the care units' reports rather than a status file (R4.1, R3.5). */
export const CARE_ROLLOUT_AREA_ID = 'verksamhetens-inforande';

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'HH:MM' });

/**
 * When care units must report (R3.3). Every value is configuration with the routine's
 * default: check points 09, 12, 15, 18 each covering the three hours before; a unit is
 * stale when its last report is more than three reporting hours old inside 06–18.
 */
export const ReportingRules = z.object({
  dayStart: LocalTime.default('06:00'),
  dayEnd: LocalTime.default('18:00'),
  checkpoints: z.array(LocalTime).min(1).default(['09:00', '12:00', '15:00', '18:00']),
  windowMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60)
    .default(180),
  staleAfterMinutes: z
    .number()
    .int()
    .min(15)
    .max(24 * 60)
    .default(180),
});
export type ReportingRules = z.infer<typeof ReportingRules>;

/**
 * How notices reach people (issue 15), part of the go-live's configuration:
 * - `quietNight`: between the day's last forum meeting and the next morning's first meeting
 *   (or `morning`, whichever is earlier), repeated reminders wait for the morning. The night
 *   starts at `latestStart` at the latest, also on a day whose meetings run later. P1/P2
 *   incidents and the first notice of anything new are never held.
 * - `incidentUpdateMinutes`: IM is reminded when an open P1/P2 has had no update this long (R9).
 * - `people`: a person's choice — `email: 'digest'` gives one mail before each DSL with what
 *   is late instead of one mail per reminder; `readsChannels` names the forum channels the
 *   person follows, and a notice posted there is not e-mailed to them again.
 */
export const NotificationSettings = z.object({
  quietNight: z
    .object({
      enabled: z.boolean().default(true),
      morning: LocalTime.default('06:00'),
      latestStart: LocalTime.default('22:00'),
    })
    .default({ enabled: true, morning: '06:00', latestStart: '22:00' }),
  incidentUpdateMinutes: z
    .object({
      p1: z
        .number()
        .int()
        .min(5)
        .max(24 * 60)
        .default(60),
      p2: z
        .number()
        .int()
        .min(5)
        .max(24 * 60)
        .default(120),
    })
    .default({ p1: 60, p2: 120 }),
  people: z
    .array(
      z.object({
        personId: Slug,
        email: z.enum(['each', 'digest']).default('each'),
        readsChannels: z.array(z.enum(FORUMS)).max(FORUMS.length).default([]),
      }),
    )
    .max(20000)
    .default([]),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = NotificationSettings.parse({});

export const Area = z.object({ id: Slug, name: z.string().trim().min(1).max(120) });
export type Area = z.infer<typeof Area>;

export const Unit = z.object({ id: Slug, name: z.string().trim().min(1).max(120) });
export type Unit = z.infer<typeof Unit>;

/** A förvaltning (administration) with its care units and FVIS project lead (R2). */
export const Forvaltning = z.object({
  id: Slug,
  name: z.string().trim().min(1).max(120),
  /** Person id of the FVIS project lead: contact for the förvaltning's reporting list. */
  fvisLeadId: Slug.optional(),
  units: z.array(Unit).max(5000).default([]),
});
export type Forvaltning = z.infer<typeof Forvaltning>;

/** An Entra object id: a GUID, stored in lower case. */
export const EntraObjectId = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: 'ett Entra-objekt-id (GUID) / an Entra object id (GUID)',
  })
  .transform((s) => s.toLowerCase());

export const Person = z.object({
  id: Slug,
  name: z.string().trim().min(1).max(120),
  email: Email.optional(),
  roles: z.array(z.enum(ROLES)).min(1),
  /** Delivery areas this person coordinates or is contact for. */
  areaIds: z.array(Slug).default([]),
  /** Care units this person reports for (unit reporters). */
  unitIds: z.array(Slug).default([]),
  /** The förvaltning this person represents (CSL representatives, FVIS leads). */
  forvaltningId: Slug.optional(),
  /**
   * The person's object id in Microsoft Entra ID (`oid`): what a signed-in person is matched
   * by (R1). Imported with the organisation, or bound by an administrator when the person
   * first signs in; the e-mail stays for notifications.
   */
  entraObjectId: EntraObjectId.optional(),
});
export type Person = z.infer<typeof Person>;

const TimeZone = z
  .string()
  .refine((tz) => IANAZone.isValidZone(tz), { message: 'okänd tidszon (IANA, t.ex. Europe/Stockholm) / unknown IANA time zone' });

const LocalDate = z.iso.date();

/** The go-live as a client sends it (PUT): id comes from the route (R2). */
export const GoLiveInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Day 0 of the go-live week, a local date (the routine's Friday). */
    startDate: LocalDate,
    timeZone: TimeZone.default('Europe/Stockholm'),
    areas: z
      .array(Area)
      .min(1)
      .max(50)
      .default(DEFAULT_AREAS.map((a) => ({ ...a }))),
    forvaltningar: z.array(Forvaltning).max(200).default([]),
    people: z.array(Person).max(20000).default([]),
    reporting: ReportingRules.default(ReportingRules.parse({})),
    /** Forum schedules and reminder rules (R5); replacing them changes future meetings only (R5.2). */
    schedules: Schedules.default(() => Schedules.parse({})),
    /** Quiet night, IM update cadence, each person's digest and channels (issue 15). */
    notifications: NotificationSettings.default(() => NotificationSettings.parse({})),
  })
  .superRefine((g, ctx) => {
    const dup = (items: { id: string }[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (seen.has(it.id))
          ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `${what} '${it.id}' finns redan / duplicate id` });
        seen.add(it.id);
      });
    };
    dup(g.areas, ['areas'], 'område');
    dup(g.forvaltningar, ['forvaltningar'], 'förvaltning');
    dup(g.people, ['people'], 'person');
    const unitIds = new Set<string>();
    g.forvaltningar.forEach((f, fi) =>
      f.units.forEach((u, ui) => {
        if (unitIds.has(u.id))
          ctx.addIssue({
            code: 'custom',
            path: ['forvaltningar', fi, 'units', ui, 'id'],
            message: `enhet '${u.id}' finns redan / duplicate unit id`,
          });
        unitIds.add(u.id);
      }),
    );
    const areaIds = new Set(g.areas.map((a) => a.id));
    const personIds = new Set(g.people.map((p) => p.id));
    const forvIds = new Set(g.forvaltningar.map((f) => f.id));
    const objectIds = new Set<string>();
    g.people.forEach((p, pi) => {
      if (p.entraObjectId) {
        if (objectIds.has(p.entraObjectId))
          ctx.addIssue({
            code: 'custom',
            path: ['people', pi, 'entraObjectId'],
            message: `Entra-objekt-id '${p.entraObjectId}' finns redan / duplicate Entra object id`,
          });
        objectIds.add(p.entraObjectId);
      }
      p.areaIds.forEach((a, ai) => {
        if (!areaIds.has(a))
          ctx.addIssue({ code: 'custom', path: ['people', pi, 'areaIds', ai], message: `okänt område '${a}' / unknown area` });
      });
      p.unitIds.forEach((u, ui) => {
        if (!unitIds.has(u))
          ctx.addIssue({ code: 'custom', path: ['people', pi, 'unitIds', ui], message: `okänd enhet '${u}' / unknown unit` });
      });
      if (p.forvaltningId && !forvIds.has(p.forvaltningId))
        ctx.addIssue({
          code: 'custom',
          path: ['people', pi, 'forvaltningId'],
          message: `okänd förvaltning '${p.forvaltningId}' / unknown förvaltning`,
        });
    });
    g.notifications.people.forEach((n, ni) => {
      if (!personIds.has(n.personId))
        ctx.addIssue({
          code: 'custom',
          path: ['notifications', 'people', ni, 'personId'],
          message: `okänd person '${n.personId}' / unknown person`,
        });
    });
    g.forvaltningar.forEach((f, fi) => {
      if (f.fvisLeadId && !personIds.has(f.fvisLeadId))
        ctx.addIssue({
          code: 'custom',
          path: ['forvaltningar', fi, 'fvisLeadId'],
          message: `okänd person '${f.fvisLeadId}' / unknown person`,
        });
    });
    // The FVIS project lead (R2, R11.8): one per förvaltning, a role of its own held for that förvaltning.
    const leadOf = new Map<string, string>();
    g.people.forEach((p, pi) => {
      if (!p.roles.includes('fvisLead')) return;
      if (!p.forvaltningId) {
        ctx.addIssue({
          code: 'custom',
          path: ['people', pi, 'forvaltningId'],
          message: 'en FVIS-projektledare hör till en förvaltning / an FVIS project lead belongs to a förvaltning',
        });
        return;
      }
      const other = leadOf.get(p.forvaltningId);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['people', pi, 'roles'],
          message: `förvaltningen '${p.forvaltningId}' har redan FVIS-projektledaren '${other}' / already has an FVIS project lead`,
        });
      leadOf.set(p.forvaltningId, p.id);
    });
    // People by id, the first of an id as a find would give (issue 13 item 9: no scan per förvaltning).
    const personById = new Map<string, (typeof g.people)[number]>();
    for (const p of g.people) if (!personById.has(p.id)) personById.set(p.id, p);
    g.forvaltningar.forEach((f, fi) => {
      if (!f.fvisLeadId) return;
      const named = personById.get(f.fvisLeadId);
      const holder = leadOf.get(f.id);
      if ((named?.forvaltningId && named.forvaltningId !== f.id) || (holder !== undefined && holder !== f.fvisLeadId))
        ctx.addIssue({
          code: 'custom',
          path: ['forvaltningar', fi, 'fvisLeadId'],
          message:
            `'${f.fvisLeadId}' hör till en annan förvaltning, eller förvaltningen har en annan FVIS-projektledare` +
            ' / belongs to another förvaltning, or the förvaltning has another FVIS project lead',
        });
    });
  });
export type GoLiveInput = z.infer<typeof GoLiveInput>;

/**
 * The FVIS project lead both ways (R2, R11.8): the person a förvaltning names (`fvisLeadId`)
 * holds the role `fvisLead` for it, and a förvaltning whose lead is only given by the role
 * names them. Pure; the input is valid (one lead per förvaltning, in their own förvaltning).
 */
export function linkFvisLeads<G extends { forvaltningar: Forvaltning[]; people: Person[] }>(g: G): G {
  const named = new Map(g.forvaltningar.flatMap((f) => (f.fvisLeadId ? [[f.fvisLeadId, f.id] as const] : [])));
  const people = g.people.map((p) => {
    const f = named.get(p.id);
    if (f === undefined || (p.roles.includes('fvisLead') && p.forvaltningId === f)) return p;
    return { ...p, roles: p.roles.includes('fvisLead') ? p.roles : [...p.roles, 'fvisLead' as const], forvaltningId: f };
  });
  const holders = new Map(
    people.flatMap((p) => (p.roles.includes('fvisLead') && p.forvaltningId ? [[p.forvaltningId, p.id] as const] : [])),
  );
  const forvaltningar = g.forvaltningar.map((f) => {
    const holder = holders.get(f.id);
    return f.fvisLeadId || holder === undefined ? f : { ...f, fvisLeadId: holder };
  });
  return { ...g, people, forvaltningar };
}

export const GoLive = z.object({
  id: Slug,
  name: z.string(),
  startDate: LocalDate,
  timeZone: z.string(),
  areas: z.array(Area),
  forvaltningar: z.array(Forvaltning),
  people: z.array(Person),
  reporting: ReportingRules,
  /** The schedules in force now; documents from before schedules existed get the R5 default. */
  schedules: Schedules.default(() => Schedules.parse({})),
  /** Every version of the schedules with the instant it took effect, oldest first (R5.2). */
  scheduleHistory: z.array(ScheduleVersion).optional(),
  /** Documents from before these settings existed get the defaults. */
  notifications: NotificationSettings.default(() => NotificationSettings.parse({})),
  updatedAt: z.string(),
  createdAt: z.string(),
  /** Who last replaced the organisation (audit). */
  updatedBy: Actor.optional(),
});
export type GoLive = z.infer<typeof GoLive>;

export interface UnitRef {
  unit: Unit;
  forvaltning: Forvaltning;
}

/**
 * Units by id, built once per frozen organisation: the repositories hand out one frozen go-live
 * per stored version (shared/adapters/version-cache.ts), so a unit report at region scale finds
 * its unit in a map instead of comparing ~2,000 ids, whose objects each report walked through
 * the CPU's caches (issue 17, fifth round). An organisation that is not frozen (built by a use
 * case or a test, and free to change) is searched as before. The first unit of an id wins, as
 * in the search.
 */
const UNIT_INDEXES = new WeakMap<readonly Forvaltning[], ReadonlyMap<string, UnitRef>>();

function unitIndex(forvaltningar: readonly Forvaltning[]): ReadonlyMap<string, UnitRef> {
  let index = UNIT_INDEXES.get(forvaltningar);
  if (!index) {
    const built = new Map<string, UnitRef>();
    for (const forvaltning of forvaltningar)
      for (const unit of forvaltning.units) if (!built.has(unit.id)) built.set(unit.id, Object.freeze({ unit, forvaltning }));
    UNIT_INDEXES.set(forvaltningar, (index = built));
  }
  return index;
}

/** Finds a care unit and its förvaltning, or undefined. */
export function findUnit(goLive: GoLive, unitId: string): UnitRef | undefined {
  if (Object.isFrozen(goLive.forvaltningar)) return unitIndex(goLive.forvaltningar).get(unitId);
  for (const forvaltning of goLive.forvaltningar) {
    const unit = forvaltning.units.find((u) => u.id === unitId);
    if (unit) return { unit, forvaltning };
  }
  return undefined;
}

export const findArea = (goLive: GoLive, areaId: string): Area | undefined => goLive.areas.find((a) => a.id === areaId);

export const countUnits = (goLive: GoLive): number => goLive.forvaltningar.reduce((n, f) => n + f.units.length, 0);

/** What a replacement of the organisation would drop: existing ids the new one no longer has. */
export interface OrganisationDrop {
  forvaltningar: string[];
  units: string[];
  people: string[];
}

/**
 * The förvaltningar, care units and people of `existing` that `next` does not name (R2). A PUT
 * that would drop any of them must say so explicitly (issue 13): a body with only a schedule
 * must not empty the organisation.
 */
export function organisationDrop(
  existing: Pick<GoLive, 'forvaltningar' | 'people'>,
  next: Pick<GoLiveInput, 'forvaltningar' | 'people'>,
): OrganisationDrop {
  const missing = (before: string[], after: string[]) => {
    const kept = new Set(after);
    return before.filter((id) => !kept.has(id));
  };
  const units = (fs: { units: { id: string }[] }[]) => fs.flatMap((f) => f.units.map((u) => u.id));
  return {
    forvaltningar: missing(
      existing.forvaltningar.map((f) => f.id),
      next.forvaltningar.map((f) => f.id),
    ),
    units: missing(units(existing.forvaltningar), units(next.forvaltningar)),
    people: missing(
      existing.people.map((p) => p.id),
      next.people.map((p) => p.id),
    ),
  };
}

/** The part of a stored go-live that a PUT body describes: what PATCH merges into. */
export function goLiveInputOf(g: GoLive): Record<string, unknown> {
  const { name, startDate, timeZone, areas, forvaltningar, people, reporting, schedules } = g;
  return { name, startDate, timeZone, areas, forvaltningar, people, reporting, schedules };
}
