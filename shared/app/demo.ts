import { DateTime } from 'luxon';
import type { GoLiveInput } from '../domain/golive';
import { GoLiveInput as GoLiveInputSchema } from '../domain/golive';
import type { Clock } from '../ports/clock.port';
import type {
  AreaReportStore,
  ChallengeStore,
  GoLiveStore,
  IncidentStore,
  StatusSnapshotStore,
  UnitReportStore,
} from '../ports/repository.port';
import { putGoLive } from './golives';
import { createIncident } from './incidents';
import { submitAreaReport, submitUnitReport } from './reports';

/** The demo go-live that `npm start` loads into an empty store (never in Azure). */
export const DEMO_GOLIVE_ID = 'demo';

const unit = (id: string, name: string) => ({ id, name });

/** A small region: three förvaltningar, a dozen care units, someone in every role (R1, R2). */
export function demoOrganisation(startDate: string): GoLiveInput {
  return GoLiveInputSchema.parse({
    name: 'DEMO – Driftsättning Cosmic, övningsregion',
    startDate,
    timeZone: 'Europe/Stockholm',
    forvaltningar: [
      {
        id: 'sjukhusforvaltningen',
        name: 'Sjukhusförvaltningen (demo)',
        fvisLeadId: 'fvis-sjukhus',
        units: [
          unit('akuten', 'Akutmottagningen'),
          unit('iva', 'Intensivvårdsavdelningen'),
          unit('kirurgi-avd-12', 'Kirurgavdelning 12'),
          unit('medicin-avd-3', 'Medicinavdelning 3'),
          unit('operation', 'Centraloperation'),
        ],
      },
      {
        id: 'primarvarden',
        name: 'Primärvården (demo)',
        fvisLeadId: 'fvis-primar',
        units: [
          unit('vc-norr', 'Vårdcentralen Norr'),
          unit('vc-soder', 'Vårdcentralen Söder'),
          unit('vc-hamnen', 'Vårdcentralen Hamnen'),
          unit('bvc-centrum', 'BVC Centrum'),
        ],
      },
      {
        id: 'psykiatrin',
        name: 'Psykiatriförvaltningen (demo)',
        fvisLeadId: 'fvis-psyk',
        units: [
          unit('psyk-akut', 'Psykiatrisk akutmottagning'),
          unit('psyk-avd-1', 'Psykiatrisk avdelning 1'),
          unit('bup', 'BUP-mottagningen'),
        ],
      },
    ],
    people: [
      { id: 'anna-lead', name: 'Anna Ledare', email: 'anna.ledare@demo.invalid', roles: ['goLiveLead'] },
      { id: 'karl-koord', name: 'Karl Koordinator', email: 'karl.koordinator@demo.invalid', roles: ['goLiveCoordinator'] },
      { id: 'pia-program', name: 'Pia Programledare', email: 'pia.programledare@demo.invalid', roles: ['programmeManager'] },
      { id: 'omar-teknik', name: 'Omar Områdessamordnare', email: 'omar@demo.invalid', roles: ['areaCoordinator'], areaIds: ['teknik'] },
      { id: 'sara-support', name: 'Sara Samordnare', email: 'sara@demo.invalid', roles: ['areaCoordinator'], areaIds: ['support'] },
      {
        id: 'cecilia-cosmic',
        name: 'Cecilia Cosmic',
        email: 'cecilia@demo.invalid',
        roles: ['areaCoordinator'],
        areaIds: ['cosmic', 'cosmic-konfiguration'],
      },
      {
        id: 'vera-vi',
        name: 'Vera Införande',
        email: 'vera@demo.invalid',
        roles: ['areaCoordinator'],
        areaIds: ['verksamhetens-inforande'],
      },
      {
        id: 'bengt-beh',
        name: 'Bengt Behörighet',
        email: 'bengt@demo.invalid',
        roles: ['areaCoordinator'],
        areaIds: ['behorigheter', 'cambio'],
      },
      { id: 'kim-kontakt', name: 'Kim Kontaktperson', email: 'kim@demo.invalid', roles: ['contactPerson'], areaIds: ['teknik'] },
      {
        id: 'fvis-sjukhus',
        name: 'Frida FVIS',
        email: 'frida@demo.invalid',
        roles: ['cslRepresentative'],
        forvaltningId: 'sjukhusforvaltningen',
      },
      { id: 'fvis-primar', name: 'Peter FVIS', email: 'peter@demo.invalid', roles: ['cslRepresentative'], forvaltningId: 'primarvarden' },
      { id: 'fvis-psyk', name: 'Maja FVIS', email: 'maja@demo.invalid', roles: ['cslRepresentative'], forvaltningId: 'psykiatrin' },
      { id: 'carl-csl', name: 'Carl CSL-ordförande', email: 'carl@demo.invalid', roles: ['cslChair'] },
      { id: 'cm-lakare', name: 'Doktor Chefsläkare', email: 'chefslakare@demo.invalid', roles: ['chiefMedicalOfficer'] },
      { id: 'lisa-lgv', name: 'Lisa LGV', email: 'lisa@demo.invalid', roles: ['lgvLiaison'] },
      { id: 'ivan-im', name: 'Ivan Incident', email: 'ivan@demo.invalid', roles: ['incidentManager'] },
      { id: 'ida-itd', name: 'Ida ITD-chef', email: 'ida@demo.invalid', roles: ['itdManager'] },
      { id: 'rut-akuten', name: 'Rut Rapportör', email: 'rut@demo.invalid', roles: ['unitReporter'], unitIds: ['akuten', 'iva'] },
      {
        id: 'ronja-vc',
        name: 'Ronja Rapportör',
        email: 'ronja@demo.invalid',
        roles: ['unitReporter'],
        unitIds: ['vc-norr', 'vc-soder', 'vc-hamnen'],
      },
    ],
  });
}

/** Day 0 of the demo: the latest Friday on or before today, so the demo is always mid-week. */
export function demoStartDate(now: Date, timeZone = 'Europe/Stockholm'): string {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const back = (today.weekday - 5 + 7) % 7; // luxon: Monday 1 … Friday 5
  return today.minus({ days: back }).toISODate()!;
}

/**
 * Loads the demo go-live with a few reports and an incident, all with fixed ids so loading
 * twice changes nothing.
 */
export async function seedDemo(
  repo: GoLiveStore & UnitReportStore & AreaReportStore & StatusSnapshotStore & IncidentStore & ChallengeStore,
  now: Date,
): Promise<void> {
  const clock: Clock = { now: () => now };
  const s = { repo, clock };
  await putGoLive(s, DEMO_GOLIVE_ID, demoOrganisation(demoStartDate(now)));
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const reports: [string, 'green' | 'yellow' | 'red', string, number][] = [
    ['akuten', 'yellow', 'Läkemedelslistan laddar långsamt, vi dubbelkontrollerar manuellt.', 40],
    ['iva', 'green', 'Allt fungerar, inga avvikelser.', 55],
    ['kirurgi-avd-12', 'red', 'Kan inte skriva ut remisser – skickar på papper.', 20],
    ['medicin-avd-3', 'green', 'Lugnt, superanvändare på plats.', 95],
    ['operation', 'yellow', 'Operationsplaneringen visar fel salar för eftermiddagen.', 70],
    ['vc-norr', 'green', 'Tidbok och journal fungerar.', 30],
    ['vc-soder', 'green', 'Inga problem.', 260],
    ['vc-hamnen', 'yellow', 'Inloggningen tar 3–4 minuter på två datorer.', 15],
    ['psyk-akut', 'green', 'Fungerar som planerat.', 50],
  ];
  for (const [unitId, colour, explanation, minutes] of reports)
    await submitUnitReport(s, {
      goLiveId: DEMO_GOLIVE_ID,
      unitId,
      input: { id: `demo-${unitId}`, colour, explanation, reportedAt: ago(minutes), reporter: { name: 'Demo' } },
      source: 'demo',
    });
  await submitAreaReport(s, {
    goLiveId: DEMO_GOLIVE_ID,
    areaId: 'teknik',
    input: {
      id: 'demo-teknik',
      summary: 'Långsam inloggning på vårdcentraler; utskrifter fungerar inte på kirurgen.',
      problems: [
        {
          title: 'Utskrift av remisser fungerar inte (Kirurgavdelning 12)',
          size: 'large',
          situation: { facts: 'Skrivarkön fastnar sedan 08:10.', assumptions: 'Troligen fel drivrutin i den nya klientbilden.' },
          actions: 'Tekniker på plats; ny drivrutin testas.',
          obstacles: 'Behöver beslut om att rulla ut drivrutinen till alla klienter.',
        },
        {
          title: 'Långsam inloggning (Vårdcentralen Hamnen)',
          size: 'small',
          situation: { facts: 'Två datorer tar 3–4 minuter att logga in.' },
          actions: 'Felsökning av profiler pågår.',
          obstacles: 'Inga just nu.',
        },
      ],
      reportedAt: ago(25),
      reporter: { personId: 'omar-teknik' },
    },
  });
  await submitAreaReport(s, {
    goLiveId: DEMO_GOLIVE_ID,
    areaId: 'support',
    input: {
      id: 'demo-support',
      summary: 'Normalt ärendeflöde i SD+.',
      problems: [],
      reportedAt: ago(35),
      reporter: { personId: 'sara-support' },
    },
  });
  await createIncident(s, {
    goLiveId: DEMO_GOLIVE_ID,
    input: {
      id: 'demo-inc-1',
      title: 'Remissutskrift fungerar inte på kirurgen',
      priority: 2,
      description: 'Skrivarkön fastnar; remisser skickas på papper tills vidare.',
      incidentManagerId: 'ivan-im',
      sdReference: 'SD-DEMO-1042',
      areaIds: ['teknik'],
      openedAt: ago(50),
    },
  });
}
