import type { ActivityNotice } from '../../ports/outbox.port';

/** Declared in the Teams app manifest (`activities.activityTypes`), with `templateText: "{title}"`. */
export const ACTIVITY_TYPE = 'driftpulsNotification';

/**
 * Graph wants a Teams deep link as the target of a text topic: open the Driftpuls tab of
 * the Teams app (entity id `driftpuls`) at the notification's own link.
 */
export function teamsDeepLink(teamsAppId: string, link: string): string {
  const q = new URLSearchParams({ webUrl: link, label: 'Driftpuls' });
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/driftpuls?${q.toString()}`;
}

/** The body of `POST /users/{id}/teamwork/sendActivityNotification` (also what the embedded channel writes). */
export function activityRequestBody(notice: ActivityNotice, teamsAppId: string): Record<string, unknown> {
  return {
    topic: { source: 'text', value: notice.topic, webUrl: teamsDeepLink(teamsAppId, notice.link) },
    activityType: ACTIVITY_TYPE,
    chainId: notice.chainId,
    previewText: { content: notice.preview },
    teamsAppId,
    templateParameters: [{ name: 'title', value: notice.topic }],
  };
}
