import type { Clock } from '../../../shared/ports/clock.port';
import type { NotificationRequest } from '../../../shared/ports/notifier.port';
import type { GoLive } from '../../../shared/domain/golive';
import { makeGoLive, uniqueId } from '../../builders';

/** A clock that moves only when told (never backwards). */
export class FakeClock implements Clock {
  private t: number;
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += Math.max(0, ms);
  }
  set(instant: string | Date): void {
    this.t = Math.max(this.t, typeof instant === 'string' ? Date.parse(instant) : instant.getTime());
  }
}

export const T0 = '2026-11-27T08:00:00.000Z';

/** A go-live with someone in the roles notifications go to, one of them without e-mail. */
export function notificationGoLive(id = uniqueId('gl')): GoLive {
  return makeGoLive({
    id,
    input: {
      name: 'Våg 1 – Region <Exempel> & co',
      areas: [
        { id: 'teknik', name: 'Teknik' },
        { id: 'support', name: 'Support' },
      ],
      people: [
        { id: 'anna', name: 'Anna Ledare', email: 'anna@example.org', roles: ['goLiveLead'], areaIds: [], unitIds: [] },
        { id: 'karl', name: 'Karl Koordinator', email: 'karl@example.org', roles: ['goLiveCoordinator'], areaIds: [], unitIds: [] },
        {
          id: 'omar',
          name: 'Omar Områdessamordnare',
          email: 'omar@example.org',
          roles: ['areaCoordinator'],
          areaIds: ['teknik'],
          unitIds: [],
        },
        { id: 'nils', name: 'Nils Utan Post', roles: ['areaCoordinator'], areaIds: ['support'], unitIds: [] },
        { id: 'ines', name: 'Ines IM', email: 'ines@example.org', roles: ['incidentManager'], areaIds: [], unitIds: [] },
      ],
    },
  });
}

export function request(goLiveId: string, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    goLiveId,
    kind: 'decisionOverdue',
    dedupeKey: uniqueId('dk'),
    recipients: { roles: ['goLiveLead', 'goLiveCoordinator'], forums: ['DSL'] },
    subject: { sv: 'Beslut om skrivardrivrutin är försenat', en: 'Decision on the printer driver is overdue' },
    text: {
      sv: 'Beslutet skulle ha fattats 10:00.\n\nDet leder nästa DSL.',
      en: 'The decision was due at 10:00.\n\nIt heads the next DSL.',
    },
    link: `/golives/${goLiveId}/decisions/d-1`,
    about: { type: 'decision', id: 'd-1' },
    createdAt: T0,
    ...overrides,
  };
}
