import { z } from 'zod';
import { getMeetingAgenda, markDiscussed, markerName, mayMarkDiscussed } from '../../shared/app/calendar/discussed';
import { findMeeting } from '../../shared/app/calendar/meetings';
import { DiscussedInput } from '../../shared/domain/discussed';
import { createAdHocMeeting, getMeeting, listMeetings } from '../../shared/app/calendar/meetings';
import { requireGoLive } from '../../shared/app/golives';
import { renderHtml, renderMarkdown } from '../../shared/rendering/agenda';
import { SharedAnswers } from '../../shared/app/shared-answers';
import type { Role } from '../../shared/domain/golive';
import { Instant } from '../../shared/domain/ids';
import { AdHocMeetingInput } from '../../shared/domain/meetings';
import { membershipOf } from '../../shared/domain/principal';
import { FORUMS } from '../../shared/domain/schedule';
import { GoLiveParams } from './params';
import { created, defineRoute } from './route';

const MeetingParams = GoLiveParams.extend({ meetingId: z.string().min(1).max(120) });

const ForumQuery = z.enum(FORUMS);

defineRoute(
  {
    name: 'listMeetings',
    method: 'GET',
    route: 'golives/{goLiveId}/meetings',
    summary:
      'Möten i DSL, CSL och LGV (R5), schemalagda och extra, med deltagare per roll; utan from/to hela schemat' +
      ' / meetings, scheduled and ad hoc, with participants by role; without from/to the whole schedule',
    tag: 'calendar',
    params: GoLiveParams,
    query: z.object({ from: Instant.optional(), to: Instant.optional(), forum: ForumQuery.optional() }),
    responses: { 200: { description: 'Mötena, tidigast först / the meetings, earliest first', contentType: 'application/json' } },
  },
  async ({ params, query, services }) => ({ status: 200, json: await listMeetings(services, params.goLiveId, query) }),
);

defineRoute(
  {
    name: 'getMeeting',
    method: 'GET',
    route: 'golives/{goLiveId}/meetings/{meetingId}',
    summary: 'Ett möte (schemalagt: `dsl-2026-11-27T0800`, eller extra) / one meeting',
    tag: 'calendar',
    params: MeetingParams,
    responses: { 200: { description: 'Mötet / the meeting', contentType: 'application/json' } },
  },
  async ({ params, services }) => ({ status: 200, json: await getMeeting(services, params.goLiveId, params.meetingId) }),
);

defineRoute(
  {
    name: 'postMeeting',
    method: 'POST',
    route: 'golives/{goLiveId}/meetings',
    summary:
      'Kalla till ett extra möte i valfritt forum (R5.1): bara forumets deltagare (och ledningen) / call an extra meeting of any forum: its participants (and the leads) only',
    tag: 'calendar',
    params: GoLiveParams,
    body: AdHocMeetingInput,
    idempotent: true,
    responses: { 201: { description: 'Mötet (eller upprepat) / the meeting (or replayed)', contentType: 'application/json' } },
  },
  async ({ params, body, idempotencyKey, services, actor, principal }) => {
    // R5.1 per forum: a person calls meetings of forums they take part in; administrators any.
    let callerRoles: ReadonlySet<Role> | undefined;
    if (principal.kind === 'user') {
      const m = membershipOf(principal, await requireGoLive(services, params.goLiveId));
      if (!m.admin) callerRoles = m.roles;
    }
    const r = await createAdHocMeeting(services, {
      goLiveId: params.goLiveId,
      input: body,
      idempotencyKey,
      actor,
      ...(callerRoles ? { callerRoles } : {}),
    });
    return created(r.value, r.created, `/api/golives/${params.goLiveId}/meetings/${r.value.id}`);
  },
);

defineRoute(
  {
    name: 'getAgenda',
    method: 'GET',
    route: 'golives/{goLiveId}/meetings/{meetingId}/agenda',
    summary:
      'Mötets dagordning (R6): ur läget just nu, eller för ett avslutat möte som den skickades (`asSent`, ' +
      'länk till `?live=1`); JSON, `?format=md` / `?format=html`; svenska, `?lang=en` engelska' +
      ' / the agenda from live state, or as sent once the meeting is over',
    tag: 'calendar',
    params: MeetingParams,
    query: z.object({
      format: z.enum(['json', 'md', 'html']).default('json'),
      lang: z.enum(['sv', 'en']).optional(),
      /** `1`: the agenda built from the state now, also for a meeting that is over (issue 14 item 6). */
      live: z.enum(['0', '1', 'true', 'false']).optional(),
    }),
    responses: {
      200: { description: 'Dagordningen / the agenda (JSON, text/markdown or text/html)', contentType: 'application/json' },
    },
  },
  async ({ params, query, lang: asked, services, request, principal }) => {
    // A page people read is Swedish unless they chose English (`?lang=en`, the pages' toggle), never by the browser's language alone (issue 16).
    const lang = query.format === 'html' ? (query.lang ?? 'sv') : asked;
    // A meeting that is over shows the agenda as it was sent, linking to this same view live.
    const url = new URL(request.url);
    url.searchParams.set('live', '1');
    const live = query.live === '1' || query.live === 'true';
    const liveHref = `${url.pathname}${url.search}`;
    const format = query.format;
    // One computation and rendering per state of the store, shared by every caller asking the same (issue 17 item 5).
    const key = JSON.stringify([params.goLiveId, params.meetingId, lang, live, liveHref, format]);
    const shared = await agendas.get(services, services.config.SHARED_ANSWER_MS, key, async () => {
      const agenda = await getMeetingAgenda(services, params.goLiveId, params.meetingId, lang, { live, liveHref });
      if (format === 'md') return { agenda, text: renderMarkdown(agenda) };
      if (format === 'html') {
        // The pages' own styles (web/agenda.css), found below the API base the agenda was asked under.
        const pathname = new URL(request.url).pathname;
        const assets = `${pathname.slice(0, pathname.toLowerCase().indexOf('/golives/') + 1)}board/assets`;
        // The colours and type the pages share (base.css), then the document's own (agenda.css).
        return { agenda, text: renderHtml(agenda, { stylesheet: [`${assets}/base.css`, `${assets}/agenda.css`] }) };
      }
      return { agenda, text: JSON.stringify(agenda) };
    });
    if (format === 'md')
      return { status: 200, text: shared.text, contentType: 'text/markdown; charset=utf-8', headers: { 'content-language': lang } };
    if (format === 'html')
      return { status: 200, text: shared.text, contentType: 'text/html; charset=utf-8', headers: { 'content-language': lang } };
    // Whether this caller may tick items off (issue 16): the page offers the boxes only then.
    const goLive = await requireGoLive(services, params.goLiveId);
    const may = mayMarkDiscussed(principal, goLive, shared.agenda.forum);
    return {
      status: 200,
      text: withMayMark(shared.agenda, shared.text, may),
      contentType: 'application/json; charset=utf-8',
      headers: { 'content-language': lang },
    };
  },
);

/** The agendas' rendered answers, per meeting, language and format and state version (shared/app/shared-answers.ts). */
export const agendas = new SharedAnswers();

/**
 * `JSON.stringify({ ...agenda, mayMarkDiscussed })` from the agenda's shared JSON text: the same
 * text (the property goes last, as the spread puts it), without serialising the agenda again.
 */
export function withMayMark(agenda: object, json: string, may: boolean): string {
  if ('mayMarkDiscussed' in agenda || json.length < 3 || !json.endsWith('}')) return JSON.stringify({ ...agenda, mayMarkDiscussed: may });
  return `${json.slice(0, -1)},"mayMarkDiscussed":${may}}`;
}

defineRoute(
  {
    name: 'markDiscussed',
    method: 'POST',
    route: 'golives/{goLiveId}/meetings/{meetingId}/agenda/discussed',
    summary:
      'Markera en punkt på mötets dagordning som avklarad, eller ta bort markeringen; ' +
      'forumets ordförande eller koordinator (issue 16)' +
      ' / mark an agenda item of this meeting discussed, or clear it; the forum’s chair or coordinator',
    tag: 'calendar',
    params: MeetingParams,
    body: DiscussedInput,
    idempotent: true,
    responses: {
      200: {
        description: 'Markeringen (eller upprepad: Idempotent-Replayed) / the mark (or replayed)',
        schema: z.object({ meetingId: z.string(), itemKey: z.string(), discussed: z.boolean(), by: z.string(), at: z.string() }),
      },
    },
    // The forum rule of the matrix: the meeting's forum (an unknown meeting answers 404 from the handler).
    target: async ({ params, services }) => {
      const goLive = await requireGoLive(services, params.goLiveId);
      return { forum: (await findMeeting(services, goLive, params.meetingId).catch(() => undefined))?.forum };
    },
  },
  async ({ params, body, idempotencyKey, services, actor, principal }) => {
    const goLive = await requireGoLive(services, params.goLiveId);
    const r = await markDiscussed(services, {
      goLiveId: params.goLiveId,
      meetingId: params.meetingId,
      input: body,
      idempotencyKey,
      actor,
      byName: markerName(principal, goLive),
    });
    const headers: Record<string, string> = r.created ? {} : { 'idempotent-replayed': 'true' };
    return { status: 200, json: r.value, headers };
  },
);
