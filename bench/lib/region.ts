import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AreaReport } from '../../shared/domain/area-report';
import { AreaReportInput, suggestAreaColour } from '../../shared/domain/area-report';
import type { Challenge, ChallengeEvent } from '../../shared/escalation/domain/challenge';
import {
  applyEvent,
  DecisionInput,
  DecisionRequestInput,
  TriageInput,
  ChallengeUpdateInput,
  CloseInput,
} from '../../shared/escalation/domain/challenge';
import type { Colour } from '../../shared/domain/colour';
import type { GoLive } from '../../shared/domain/golive';
import { DEFAULT_AREAS, GoLive as GoLiveSchema, GoLiveInput } from '../../shared/domain/golive';
import type { Incident } from '../../shared/domain/incident';
import type { UnitReport } from '../../shared/domain/unit-report';
import type { LoadRequest } from './load';

/*
 * Region-sized test data, built once per run and deterministic (seeded), so two runs load the
 * same documents. Shapes follow the domain schemas; the go-live goes through the same zod
 * schemas a PUT does.
 */

export const START_DATE = '2026-11-27';
export const TIME_ZONE = 'Europe/Stockholm';
/** The go-live week as reported: day −1 to day 6. */
export const FIRST_DAY = -1;
export const LAST_DAY = 6;
/** Local report times of a unit's six reports a day (R3.3 check points lie between them). */
export const REPORT_TIMES = ['07:30', '09:00', '10:45', '12:30', '14:15', '16:00'] as const;

/** A seeded generator (mulberry32): the same data every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const unitId = (i: number) => `enhet-${String(i).padStart(4, '0')}`;
/** A yellow report of unit `i` (mod `units`), as the store-level benches write it straight to a store. */
export function storeReport(goLiveId: string, units: number, i: number): UnitReport {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    goLiveId: goLiveId,
    unitId: unitId(i % units),
    forvaltningId: 'forvaltning-0',
    colour: 'yellow',
    explanation: 'Läkemedelslistan laddar långsamt.',
    reportedAt: now,
    receivedAt: now,
    source: 'api',
    requestHash: 'h',
  } as UnitReport;
}

export const reporterId = (i: number) => `rapportor-${String(i).padStart(4, '0')}`;
export const reporterEmail = (i: number) => `${reporterId(i)}@region.invalid`;

/**
 * The intake load's requests: connection `c` posts a unit report for unit `c % units` as that
 * unit's reporter (`x-dev-user`), each connection with a body of its own, built once.
 */
export function unitReportRequests(o: {
  goLiveId: string;
  units: number;
  connections: number;
  colourOf?: (c: number) => string;
  explanation?: string;
}): (c: number) => LoadRequest {
  const bodies = Array.from({ length: o.connections }, (_, c) =>
    Buffer.from(
      JSON.stringify({
        colour: o.colourOf?.(c) ?? 'gul',
        explanation: o.explanation ?? 'Läkemedelslistan laddar långsamt.',
        reporter: { personId: reporterId(c % o.units) },
      }),
    ),
  );
  return (c) => ({
    method: 'POST',
    path: `/api/golives/${o.goLiveId}/units/${unitId(c % o.units)}/reports`,
    headers: { 'content-type': 'application/json', 'x-dev-user': reporterEmail(c % o.units) },
    body: bodies[c]!,
  });
}

export const PEOPLE = {
  lead: { id: 'anna-lead', email: 'anna.lead@region.invalid' },
  coordinator: { id: 'karl-koordinator', email: 'karl.koordinator@region.invalid' },
  incidentManager: { id: 'ines-im', email: 'ines.im@region.invalid' },
  itd: { id: 'ida-itd', email: 'ida.itd@region.invalid' },
  areaCoordinator: (areaId: string) => ({ id: `samordnare-${areaId}`, email: `samordnare.${areaId}@region.invalid` }),
};

/**
 * A go-live of `units` care units in förvaltningar of 100, one reporter per unit, and about a
 * fifth more people in the other roles (README: 2,000 units and 2,400 people is a region).
 */
export function regionGoLive(opts: { id: string; units: number; people?: number }): GoLive {
  const forvaltningar = [];
  for (let f = 0; f * 100 < opts.units; f++) {
    const units = [];
    for (let i = f * 100; i < Math.min(opts.units, (f + 1) * 100); i++)
      units.push({ id: unitId(i), name: `Vårdenhet ${i} – avdelning för specialiserad vård` });
    forvaltningar.push({ id: `forvaltning-${f}`, name: `Förvaltning ${f} – Region Exempel`, units });
  }
  const people: Record<string, unknown>[] = [];
  for (let i = 0; i < opts.units; i++)
    people.push({
      id: reporterId(i),
      name: `Rapportör ${i} Efternamnsson`,
      email: reporterEmail(i),
      roles: ['unitReporter'],
      unitIds: [unitId(i)],
    });
  people.push({ id: PEOPLE.lead.id, name: 'Anna Ledare', email: PEOPLE.lead.email, roles: ['goLiveLead'] });
  people.push({ id: PEOPLE.coordinator.id, name: 'Karl Koordinator', email: PEOPLE.coordinator.email, roles: ['goLiveCoordinator'] });
  people.push({ id: PEOPLE.incidentManager.id, name: 'Ines IM', email: PEOPLE.incidentManager.email, roles: ['incidentManager'] });
  people.push({ id: PEOPLE.itd.id, name: 'Ida ITD', email: PEOPLE.itd.email, roles: ['itdManager'] });
  for (const a of DEFAULT_AREAS) {
    const p = PEOPLE.areaCoordinator(a.id);
    people.push({ id: p.id, name: `Samordnare ${a.name}`, email: p.email, roles: ['areaCoordinator'], areaIds: [a.id] });
  }
  const total = opts.people ?? Math.round(opts.units * 1.2);
  for (let i = 0; people.length < total; i++)
    people.push({
      id: `person-${i}`,
      name: `Person ${i} Kontaktsson`,
      email: `person.${i}@region.invalid`,
      roles: i % 3 === 0 ? ['cslRepresentative'] : ['contactPerson'],
      areaIds: i % 3 === 0 ? [] : [DEFAULT_AREAS[i % DEFAULT_AREAS.length]!.id],
      ...(i % 3 === 0 ? { forvaltningId: forvaltningar[i % forvaltningar.length]!.id } : {}),
    });
  const input = GoLiveInput.parse({
    name: `Region Exempel, ${opts.units} enheter`,
    startDate: START_DATE,
    timeZone: TIME_ZONE,
    forvaltningar,
    people,
  });
  return GoLiveSchema.parse({ ...input, id: opts.id, createdAt: '2026-11-01T08:00:00.000Z', updatedAt: '2026-11-01T08:00:00.000Z' });
}

/** The instant of a local time on go-live day `day` (day 0 = START_DATE). */
export function localInstant(day: number, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return DateTime.fromISO(START_DATE, { zone: TIME_ZONE }).plus({ days: day }).set({ hour: h, minute: m }).toJSDate();
}

function colourOf(r: () => number): Colour {
  const x = r();
  return x < 0.75 ? 'green' : x < 0.93 ? 'yellow' : 'red';
}

const EXPLANATIONS: Record<Colour, string> = {
  green: 'Allt fungerar som planerat, inga större problem i Cosmic.',
  yellow: 'Läkemedelslistan laddar långsamt och vi har fått vänta på support för utskrifter.',
  red: 'Vi kan inte skriva ut remisser och har gått över till reservrutin på papper sedan morgonen.',
};

/** Every unit's six reports of one day, as the API stores them. */
export function unitReportsOfDay(g: GoLive, day: number, seed = 1): UnitReport[] {
  const r = rng(seed * 1000 + day + 100);
  const out: UnitReport[] = [];
  let i = 0;
  for (const f of g.forvaltningar)
    for (const u of f.units) {
      for (const [k, t] of REPORT_TIMES.entries()) {
        const at = localInstant(day, t);
        at.setUTCMinutes(at.getUTCMinutes() + (i % 10));
        const colour = colourOf(r);
        const reportId = `ur-${u.id}-d${day + 10}-${k}`;
        out.push({
          id: reportId,
          goLiveId: g.id,
          unitId: u.id,
          forvaltningId: f.id,
          colour,
          explanation: EXPLANATIONS[colour],
          reportedAt: at.toISOString(),
          receivedAt: at.toISOString(),
          reporter: { personId: reporterId(i) },
          source: 'api',
          recordedBy: { kind: 'user', id: reporterEmail(i), name: reporterEmail(i) },
          requestHash: `h-${reportId}`,
        });
      }
      i++;
    }
  return out;
}

/** Each delivery area's six reports of one day, with problems and the suggested colour (R4). */
export function areaReportsOfDay(g: GoLive, day: number, seed = 1): AreaReport[] {
  const r = rng(seed * 7000 + day + 300);
  const out: AreaReport[] = [];
  for (const a of g.areas)
    for (const [k, t] of REPORT_TIMES.entries()) {
      const n = Math.floor(r() * 4);
      const input = AreaReportInput.parse({
        summary: `Läget inom ${a.name}: ${n} öppna problem, arbetet pågår enligt plan.`,
        problems: Array.from({ length: n }, (_, p) => ({
          title: `Problem ${p + 1} inom ${a.name}`,
          size: (['liten', 'stor', 'mycket stor'] as const)[Math.floor(r() * 3)],
          situation: { facts: 'Felet syns sedan morgonen på flera enheter.', assumptions: 'Trolig orsak är konfigurationen.' },
          actions: 'Felsökning pågår tillsammans med leverantören.',
          obstacles: 'Beslut behövs om tillfällig rutin.',
        })),
      });
      const suggested = suggestAreaColour(input.problems);
      const at = localInstant(day, t).toISOString();
      const reportId = `ar-${a.id}-d${day + 10}-${k}`;
      out.push({
        id: reportId,
        goLiveId: g.id,
        areaId: a.id,
        colour: suggested,
        suggestedColour: suggested,
        summary: input.summary,
        problems: input.problems,
        reportedAt: at,
        receivedAt: at,
        requestHash: `h-${reportId}`,
      });
    }
  return out;
}

/** `n` incidents over the week; about two in three still open, priorities 1–4. */
export function incidents(g: GoLive, n: number, seed = 1): Incident[] {
  const r = rng(seed * 31 + 5);
  return Array.from({ length: n }, (_, i) => {
    const openedAt = localInstant(Math.min(LAST_DAY, Math.floor(r() * 8) - 1), '08:15').toISOString();
    const open = r() < 0.66;
    return {
      id: `inc-${i}`,
      goLiveId: g.id,
      title: `Incident ${i}: ${['Inloggning', 'Utskrifter', 'Läkemedel', 'Remisser'][i % 4]} fungerar inte`,
      priority: 1 + (i % 4),
      incidentManagerId: PEOPLE.incidentManager.id,
      sdReference: `SD-${10000 + i}`,
      areaIds: [g.areas[i % g.areas.length]!.id],
      status: open ? 'open' : 'resolved',
      openedAt,
      ...(open ? {} : { resolvedAt: openedAt }),
      lastUpdateAt: openedAt,
      updates: [],
      requestHash: `h-inc-${i}`,
    } satisfies Incident;
  });
}

/**
 * `n` challenges walked through the domain's own rules (raise, triage, decision request,
 * decision, updates, resolve) so their documents look as the API leaves them: open, triaged,
 * waiting for a decision, decided, and closed ones.
 */
export function challenges(g: GoLive, n: number, seed = 1): Challenge[] {
  const r = rng(seed * 17 + 3);
  const out: Challenge[] = [];
  for (let i = 0; i < n; i++) {
    const areaId = g.areas[i % g.areas.length]!.id;
    const raisedAt = localInstant(Math.min(LAST_DAY, Math.floor(r() * 8) - 1), '10:05');
    const at = (minutes: number) => new Date(raisedAt.getTime() + minutes * 60_000).toISOString();
    const by = { kind: 'user' as const, id: PEOPLE.areaCoordinator(areaId).email };
    let c: Challenge = {
      id: `utmaning-${i}`,
      goLiveId: g.id,
      title: `Utmaning ${i}: remissutskrift fungerar inte på flera enheter`,
      colour: r() < 0.4 ? 'red' : 'yellow',
      areaId,
      needFromOthers: 'Beslut om ny drivrutin till alla klienter och fler tekniker på plats.',
      sdReferences: [`SD-${20000 + i}`],
      incidentIds: [],
      state: 'raised',
      raisedAt: raisedAt.toISOString(),
      raisedBy: by,
      triageDeadline: at(80),
      notTriagedNotified: false,
      situation: {},
      decisions: [],
      lastChangeAt: raisedAt.toISOString(),
      timeline: [{ id: `raise:utmaning-${i}`, type: 'raised', at: raisedAt.toISOString(), by, data: { colour: 'red', areaId } }],
      requestHash: `h-utmaning-${i}`,
    };
    const apply = (event: ChallengeEvent, minutes: number, id: string) =>
      (c = applyEvent(c, event, { eventId: `${id}-${i}`, now: at(minutes), by }).challenge);
    const stage = r();
    if (stage > 0.3)
      apply(
        { type: 'triage', input: TriageInput.parse({ decision: 'startTeam', priority: 1 + (i % 9), participants: ['Teknik', 'Support'] }) },
        60,
        'triage',
      );
    if (stage > 0.3)
      apply(
        {
          type: 'update',
          input: ChallengeUpdateInput.parse({
            facts: 'Skrivarkön fastnar sedan 08:10.',
            actions: 'Ny drivrutin testas.',
            obstacles: 'Beslut behövs.',
          }),
        },
        70,
        'update',
      );
    if (stage > 0.5)
      apply(
        {
          type: 'decisionRequest',
          input: DecisionRequestInput.parse({
            level: (['itd', 'lgv', 'workPractice'] as const)[i % 3],
            question: 'Kalla in fyra extra tekniker?',
          }),
          deadline: at(180),
        },
        90,
        'request',
      );
    if (stage > 0.7)
      apply(
        {
          type: 'decision',
          input: DecisionInput.parse({ decision: 'Ja, från 11:00', rationale: 'Kön i SD+ växer', decidedBy: 'Ida ITD' }),
        },
        150,
        'decision',
      );
    if (stage > 0.85) apply({ type: 'resolve', input: CloseInput.parse({ reason: 'Drivrutinen utrullad' }) }, 240, 'resolve');
    out.push(c);
  }
  return out;
}
