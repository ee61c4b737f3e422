import type { GoLiveInput } from '../../shared/domain/golive';
import { GoLiveInput as GoLiveInputSchema } from '../../shared/domain/golive';
import type { Clock } from '../../shared/ports/clock.port';
import type { EnqueueResult, NotificationRequest, Notifier } from '../../shared/ports/notifier.port';

/** Records what senders ask for; like the outbox, a dedupe key seen before answers `created: false`. */
export class RecordingNotifier implements Notifier {
  readonly calls: NotificationRequest[] = [];
  private readonly seen = new Set<string>();
  /** Makes `enqueue` throw while it returns true (an outbox that is down). */
  failWhen?: (r: NotificationRequest) => boolean;

  async enqueue(r: NotificationRequest): Promise<EnqueueResult> {
    if (this.failWhen?.(r)) throw new Error('outbox unavailable');
    this.calls.push(structuredClone(r));
    const key = `${r.goLiveId}|${r.dedupeKey}`;
    const created = !this.seen.has(key);
    this.seen.add(key);
    return { id: key, created };
  }

  /** `createdAt dedupeKey` lines, in call order. */
  lines(goLiveId?: string): string[] {
    return this.calls.filter((c) => !goLiveId || c.goLiveId === goLiveId).map((c) => `${c.createdAt.slice(11, 16)} ${c.dedupeKey}`);
  }

  /** Dedupe keys asked for more than once: must be none, the tick claims before it sends. */
  duplicates(): string[] {
    const count = new Map<string, number>();
    for (const c of this.calls) count.set(`${c.goLiveId}|${c.dedupeKey}`, (count.get(`${c.goLiveId}|${c.dedupeKey}`) ?? 0) + 1);
    return [...count].filter(([, n]) => n > 1).map(([k]) => k);
  }
}

export class FakeClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
}

/** A go-live with someone in every calendar role (R1): day 0 = Friday 27 Nov 2026, Europe/Stockholm (UTC+1). */
export function calendarOrg(extra: Partial<Record<keyof GoLiveInput, unknown>> = {}): GoLiveInput {
  return GoLiveInputSchema.parse({
    name: 'Våg 1 – kalender',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'sjukhuset',
        name: 'Sjukhuset',
        fvisLeadId: 'frida',
        units: [
          { id: 'akuten', name: 'Akuten' },
          { id: 'avd-12', name: 'Avdelning 12' },
        ],
      },
      {
        id: 'primarvarden',
        name: 'Primärvården',
        units: [
          { id: 'vc-norr', name: 'VC Norr' },
          { id: 'vc-soder', name: 'VC Söder' },
        ],
      },
    ],
    people: [
      { id: 'anna', name: 'Anna Ledare', email: 'anna@example.org', roles: ['goLiveLead'] },
      { id: 'karl', name: 'Karl Koordinator', email: 'karl@example.org', roles: ['goLiveCoordinator'] },
      { id: 'omar', name: 'Omar', email: 'omar@example.org', roles: ['areaCoordinator'], areaIds: ['teknik'] },
      { id: 'sara', name: 'Sara', email: 'sara@example.org', roles: ['areaCoordinator'], areaIds: ['support'] },
      {
        id: 'cecilia',
        name: 'Cecilia',
        email: 'cecilia@example.org',
        roles: ['areaCoordinator'],
        areaIds: ['cosmic', 'cosmic-konfiguration'],
      },
      { id: 'bengt', name: 'Bengt', email: 'bengt@example.org', roles: ['areaCoordinator'], areaIds: ['behorigheter', 'cambio'] },
      { id: 'ivan', name: 'Ivan IM', email: 'ivan@example.org', roles: ['incidentManager'] },
      { id: 'rut', name: 'Rut Rapportör', email: 'rut@example.org', roles: ['unitReporter'], unitIds: ['akuten', 'avd-12'] },
      { id: 'ronja', name: 'Ronja Rapportör', email: 'ronja@example.org', roles: ['unitReporter'], unitIds: ['vc-norr'] },
      { id: 'frida', name: 'Frida FVIS', email: 'frida@example.org', roles: ['cslRepresentative'], forvaltningId: 'sjukhuset' },
      { id: 'peter', name: 'Peter CSL', email: 'peter@example.org', roles: ['cslRepresentative'], forvaltningId: 'primarvarden' },
      { id: 'carl', name: 'Carl CSL-ordförande', email: 'carl@example.org', roles: ['cslChair'] },
      { id: 'lisa', name: 'Lisa LGV', email: 'lisa@example.org', roles: ['lgvLiaison'] },
      { id: 'doc', name: 'Doktor Chefsläkare', email: 'doc@example.org', roles: ['chiefMedicalOfficer'] },
    ],
    ...extra,
  });
}

/** Every minute from `from` to `to` (inclusive), as ISO instants. */
export function minutes(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 60_000) out.push(new Date(t).toISOString());
  return out;
}
