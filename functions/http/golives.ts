import { z } from 'zod';
import { EntraObjectId, GoLive, GoLiveInput } from '../../shared/domain/golive';
import { Slug } from '../../shared/domain/ids';
import { bindEntraObjectId, patchGoLive, putGoLive, requireGoLive } from '../../shared/app/golives';
import { doubleBookingWarnings } from '../../shared/app/calendar/meetings';
import { defineRoute } from './route';
import { GoLiveParams } from './params';

const PutQuery = z.object({
  replace: z
    .enum(['organisation'])
    .optional()
    .describe(
      'organisation: ersätt organisationen även om förvaltningar, enheter eller personer försvinner / replace the organisation even if some are dropped',
    ),
});

/**
 * Double bookings from now on (issue 15 item 10): a write of the go-live (its schedules or its
 * people) answers with one warning per pair of meetings where someone is expected in both.
 * The write is stored; the warnings only tell.
 */
const Warning = z.object({
  code: z.literal('MEETING.DOUBLE_BOOKED'),
  message: z.string(),
  meetings: z.array(z.string()),
  people: z.array(z.object({ id: z.string(), name: z.string() })),
  from: z.string(),
  to: z.string(),
});
const GoLiveWritten = GoLive.extend({
  warnings: z.array(Warning).describe('dubbelbokningar från nu / double bookings from now on (issue 15 item 10)'),
});

defineRoute(
  {
    name: 'putGoLive',
    method: 'PUT',
    route: 'golives/{goLiveId}',
    summary:
      'Skapa eller ersätt en driftsättning med dess organisation (R2); ' +
      'tar bort förvaltningar, enheter eller personer bara med ?replace=organisation, annars 409' +
      ' / create or replace a go-live; dropping parts of the organisation needs ?replace=organisation, else 409',
    tag: 'golives',
    params: GoLiveParams,
    query: PutQuery,
    body: GoLiveInput,
    responses: {
      200: { description: 'Ersatt / replaced', schema: GoLiveWritten },
      201: { description: 'Skapad / created', schema: GoLiveWritten },
    },
    problems: {
      409: 'Skulle ta bort förvaltningar, enheter eller personer (namnges i `errors`) utan ?replace=organisation / would drop parts of the organisation',
    },
  },
  async ({ params, query, body, services, actor, lang }) => {
    const { goLive, created } = await putGoLive(services, params.goLiveId, body, actor, {
      replaceOrganisation: query.replace === 'organisation',
    });
    const warnings = await doubleBookingWarnings(services, goLive, services.clock.now(), lang);
    return {
      status: created ? 201 : 200,
      json: { ...goLive, warnings },
      headers: created ? { location: `/api/golives/${goLive.id}` } : undefined,
    };
  },
);

/**
 * A JSON Merge Patch (RFC 7396) of the go-live: each member is optional, `null` removes it
 * (its default applies); arrays (areas, förvaltningar, people) are replaced whole; the two
 * objects (reporting, schedules) merge member by member, so they are checked after merging.
 */
const shape = GoLiveInput.shape;
/** A member as sent: without its default, so a member the patch does not name stays absent. */
const member = <T extends z.ZodType>(t: T | z.ZodDefault<T>) => (t instanceof z.ZodDefault ? (t.unwrap() as T) : t).nullable().optional();
export const GoLivePatch = z.strictObject({
  name: member(shape.name),
  startDate: member(shape.startDate),
  timeZone: member(shape.timeZone),
  areas: member(shape.areas),
  forvaltningar: member(shape.forvaltningar),
  people: member(shape.people),
  reporting: z.record(z.string(), z.unknown()).nullable().optional().describe('slås ihop fält för fält / merged member by member'),
  schedules: z.record(z.string(), z.unknown()).nullable().optional().describe('slås ihop fält för fält / merged member by member'),
});

defineRoute(
  {
    name: 'patchGoLive',
    method: 'PATCH',
    route: 'golives/{goLiveId}',
    summary:
      'Ändra delar av en driftsättning (JSON Merge Patch, application/merge-patch+json): det som inte nämns lämnas orört / change part of a go-live; what the patch does not name stays',
    tag: 'golives',
    params: GoLiveParams,
    body: GoLivePatch,
    bodyContentType: 'application/merge-patch+json',
    responses: { 200: { description: 'Ändrad / changed', schema: GoLiveWritten } },
  },
  async ({ params, body, services, actor, lang }) => {
    const named = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const goLive = await patchGoLive(services, params.goLiveId, named, actor);
    return { status: 200, json: { ...goLive, warnings: await doubleBookingWarnings(services, goLive, services.clock.now(), lang) } };
  },
);

defineRoute(
  {
    name: 'getGoLive',
    method: 'GET',
    route: 'golives/{goLiveId}',
    summary: 'Läs en driftsättning / read a go-live',
    tag: 'golives',
    params: GoLiveParams,
    responses: { 200: { description: 'Driftsättningen / the go-live', schema: GoLive } },
  },
  async ({ params, services }) => ({ status: 200, json: await requireGoLive(services, params.goLiveId) }),
);

defineRoute(
  {
    name: 'bindPersonObjectId',
    method: 'PUT',
    route: 'golives/{goLiveId}/people/{personId}/entra-object-id',
    summary:
      'Koppla en person till sitt Entra-objekt-id, t.ex. vid första inloggningen (R1) / bind a person to their Entra object id, e.g. at first sign-in',
    tag: 'golives',
    params: GoLiveParams.extend({ personId: Slug }),
    body: z.strictObject({ entraObjectId: EntraObjectId }),
    responses: { 200: { description: 'Kopplad / bound', schema: GoLive } },
  },
  async ({ params, body, services, actor }) => {
    const { goLive } = await bindEntraObjectId(services, params.goLiveId, params.personId, body.entraObjectId, actor);
    return { status: 200, json: goLive };
  },
);
