import { AreaReport } from '../shared/domain/area-report';
import { GoLive, GoLiveInput } from '../shared/domain/golive';
import { Incident } from '../shared/domain/incident';
import { UnitReport } from '../shared/domain/unit-report';
import { Challenge } from '../shared/escalation/domain/challenge';

/** Builders for valid domain objects: each parses through the domain schema, so a test never stores something the app could not. */

let sequence = 0;
/** A fresh slug per call, so tests sharing a store never see each other's data. */
export const uniqueId = (prefix: string): string => `${prefix}-${(++sequence).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const AT = '2026-11-27T08:00:00.000Z';

/** A go-live with two förvaltningar and three units; `input` goes through `GoLiveInput` like a PUT body. */
export function makeGoLive(
  overrides: Partial<Pick<GoLive, 'id' | 'createdAt' | 'updatedAt'>> & { input?: Partial<GoLiveInput> } = {},
): GoLive {
  const input = GoLiveInput.parse({
    name: 'Driftsättning Cosmic våg 1',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'kirurgi',
        name: 'Kirurgi',
        units: [
          { id: 'avd-12', name: 'Avdelning 12' },
          { id: 'avd-14', name: 'Avdelning 14' },
        ],
      },
      { id: 'medicin', name: 'Medicin', units: [{ id: 'akuten', name: 'Akutmottagningen' }] },
    ],
    ...overrides.input,
  });
  return GoLive.parse({
    ...input,
    id: overrides.id ?? uniqueId('gl'),
    createdAt: overrides.createdAt ?? AT,
    updatedAt: overrides.updatedAt ?? AT,
  });
}

export function makeUnitReport(overrides: Partial<UnitReport> = {}): UnitReport {
  return UnitReport.parse({
    id: uniqueId('ur'),
    goLiveId: 'gl-test',
    unitId: 'avd-12',
    forvaltningId: 'kirurgi',
    colour: 'green',
    explanation: 'Allt fungerar',
    reportedAt: AT,
    receivedAt: AT,
    source: 'api',
    requestHash: 'hash-1',
    ...overrides,
  });
}

export function makeAreaReport(overrides: Partial<AreaReport> = {}): AreaReport {
  return AreaReport.parse({
    id: uniqueId('ar'),
    goLiveId: 'gl-test',
    areaId: 'support',
    colour: 'green',
    suggestedColour: 'green',
    summary: 'Lugnt i supporten',
    problems: [],
    reportedAt: AT,
    receivedAt: AT,
    requestHash: 'hash-1',
    ...overrides,
  });
}

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return Incident.parse({
    id: uniqueId('inc'),
    goLiveId: 'gl-test',
    title: 'Inloggning misslyckas',
    priority: 2,
    areaIds: ['teknik'],
    status: 'open',
    openedAt: AT,
    lastUpdateAt: AT,
    updates: [],
    requestHash: 'hash-1',
    ...overrides,
  });
}

/** `base` plus `minutes`, as the fixed-width ISO instant the domain stores. */
export const minutesAfter = (base: string, minutes: number): string => new Date(Date.parse(base) + minutes * 60_000).toISOString();

/** A raised challenge (R7.1), valid by the domain schema. */
export function makeChallenge(overrides: Partial<Challenge> = {}): Challenge {
  const raisedAt = overrides.raisedAt ?? '2026-11-28T08:10:00.000Z';
  return Challenge.parse({
    id: uniqueId('challenge'),
    goLiveId: 'golive',
    title: 'Remissutskrift fungerar inte',
    colour: 'red',
    areaId: 'teknik',
    needFromOthers: 'Beslut om utrullning av drivrutin',
    sdReferences: [],
    incidentIds: [],
    state: 'raised',
    raisedAt,
    situation: {},
    decisions: [],
    lastChangeAt: raisedAt,
    timeline: [{ id: 'raise', type: 'raised', at: raisedAt, data: {} }],
    requestHash: 'hash',
    ...overrides,
  });
}
