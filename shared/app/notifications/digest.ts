import type { Texts } from '../../domain/errors';
import type { GoLive } from '../../domain/golive';
import { clockTime, localWhen } from '../../domain/local-time';
import type { Meeting } from '../../domain/meetings';
import { pages } from '../../domain/pages';
import type { DigestGroup, NotificationRequest } from '../../ports/notifier.port';
import { KIND_TEMPLATES } from './templates/kinds';

/**
 * The digest per forum cycle (issue 15 item 7): a person who chose `email: 'digest'` gets,
 * with each scheduled DSL's agenda, one mail listing every notice that was meant for them
 * since the previous one — nothing dropped, one mail instead of one per event. E-mail only;
 * the Teams activity feed still gets each notice as it happens. Key `digest:{meetingId}:{personId}`.
 */
export function digestRequests(
  goLive: Pick<GoLive, 'id' | 'timeZone'>,
  meeting: Pick<Meeting, 'id' | 'start'>,
  groups: readonly DigestGroup[],
  now: string,
): Omit<NotificationRequest, 'goLiveId' | 'createdAt'>[] {
  const start = clockTime(goLive.timeZone, meeting.start);
  return groups
    .filter((g) => g.items.length > 0)
    .map((g) => {
      const line = (lang: keyof Texts) =>
        g.items
          .map(
            (i) =>
              `• ${localWhen(goLive.timeZone, i.createdAt, now)[lang]} ${KIND_TEMPLATES[i.kind].label[lang]}: ${i.subject[lang]} – ${i.link}`,
          )
          .join('\n');
      const n = g.items.length;
      return {
        kind: 'digest' as const,
        dedupeKey: `digest:${meeting.id}:${g.personId}`,
        recipients: { personIds: [g.personId] },
        channels: ['email' as const],
        subject: { sv: `DSL kl. ${start}, ${n} ${n === 1 ? 'sak' : 'saker'}`, en: `DSL at ${start}, ${n} ${n === 1 ? 'item' : 'items'}` },
        text: {
          sv: `Det här har hänt sedan förra sammanfattningen, äldst först:\n\n${line('sv')}`,
          en: `This is what happened since the previous summary, oldest first:\n\n${line('en')}`,
        },
        link: pages.meeting(goLive.id, meeting.id),
        about: { type: 'meeting', id: meeting.id },
        data: { meetingId: meeting.id, notificationIds: g.items.map((i) => i.id) },
      };
    });
}
