/**
 * Issue 15 item 10: double booking. A person expected in two meetings at once (both meetings'
 * participant roles reach them, the times overlap) is flagged by the calendar — on each
 * meeting in the API and on the board's next meetings — and a write of the schedule answers
 * with a warning per pair. The default participants follow the routine's lists (R1): the
 * lead, the coordinator and IM sit in DSL, not LGV, so the default day 0 has no clash.
 */
import { doubleBookings, clashText } from '../../shared/domain/clashes';
import { GoLive, GoLiveInput } from '../../shared/domain/golive';
import { meetingsBetween } from '../../shared/domain/meetings';
import { DEFAULT_PARTICIPANTS } from '../../shared/domain/schedule';
import { startApi, type Api } from '../http/harness';
import { calendarOrg } from './support';

const week = (g: GoLive) => meetingsBetween(g, new Date('2026-11-26T00:00:00Z'), new Date('2026-12-06T00:00:00Z'));
const goLive = (extra: Record<string, unknown> = {}): GoLive => {
  const input = calendarOrg(extra);
  return GoLive.parse({ ...GoLiveInput.parse(input), id: 'vag-1', createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' });
};
/** The R5 schedule with the participants the routine did not list (lead, coordinator, IM in LGV): the old default. */
const oldLgv = {
  schedules: {
    forums: {
      LGV: {
        durationMinutes: 45,
        participants: ['lgvLiaison', 'goLiveLead', 'goLiveCoordinator', 'incidentManager'],
        phases: [{ fromDay: 0, toDay: 0, cadence: { type: 'times', times: ['08:00', '12:00', '16:00'] } }],
      },
    },
  },
};

describe('the domain', () => {
  it('default participants are the routine’s lists (R1): LGV is reached through its liaison', () => {
    expect(DEFAULT_PARTICIPANTS.LGV).toEqual(['lgvLiaison']);
    expect(DEFAULT_PARTICIPANTS.DSL).toEqual(['goLiveLead', 'goLiveCoordinator', 'programmeManager', 'areaCoordinator', 'incidentManager']);
  });

  it('with the defaults, nobody is double-booked on day 0; days 1–3 the LGV liaison is in CSL and LGV at once', () => {
    const clashes = doubleBookings(goLive(), week(goLive()));
    // CSL 30 min before each DSL (xx:30–xx+1:00) and LGV every 2 h (08:00–08:45 …): the liaison is in both, 7 times a day.
    expect(clashes).toHaveLength(21);
    expect(new Set(clashes.map((c) => c.people.map((p) => p.id).join()))).toEqual(new Set(['lisa']));
    expect(clashes[0]).toMatchObject({
      meetings: [
        { id: 'lgv-2026-11-28T0800', forum: 'LGV' },
        { id: 'csl-2026-11-28T0830', forum: 'CSL' },
      ],
      from: '2026-11-28T07:30:00.000Z',
      to: '2026-11-28T07:45:00.000Z',
    });
    expect(clashText('Europe/Stockholm', clashes[0]!)).toEqual({
      sv: 'Lisa LGV förväntas på två möten samtidigt lör 28 nov: LGV 08:00–08:45 och CSL 08:30–09:00.',
      en: 'Lisa LGV is expected in two meetings at once on Sat 28 Nov: LGV 08:00–08:45 and CSL 08:30–09:00.',
    });
    // Meetings that only touch (CSL ends as DSL starts) do not clash.
    expect(clashes.some((c) => c.meetings.some((m) => m.forum === 'DSL'))).toBe(false);
  });

  it('the lead, the coordinator and IM invited to LGV are double-booked with every DSL it overlaps', () => {
    const g = goLive(oldLgv);
    const day0 = doubleBookings(g, week(g)).filter((c) => c.meetings[0].start < '2026-11-27T23:00:00Z');
    expect(day0.map((c) => `${c.meetings.map((m) => m.id).join(' + ')}: ${c.people.map((p) => p.id).join(', ')}`)).toEqual([
      'dsl-2026-11-27T0800 + lgv-2026-11-27T0800: anna, karl, ivan',
      'dsl-2026-11-27T1200 + lgv-2026-11-27T1200: anna, karl, ivan',
      'dsl-2026-11-27T1600 + lgv-2026-11-27T1600: anna, karl, ivan',
    ]);
  });
});

describe('through the API', () => {
  let api: Api;
  const G = '/golives/vag-1';
  beforeAll(async () => {
    // 06:00 local on day 0.
    api = await startApi({ start: '2026-11-27T05:00:00Z' });
  });
  afterAll(async () => api?.close());

  it('PUT of a schedule answers with a warning per clash, in Swedish or English; the write is stored', async () => {
    const put = await api.put(G, calendarOrg(oldLgv));
    expect(put.status).toBe(201);
    const w = put.json.warnings as { code: string; message: string; meetings: string[]; people: { id: string }[] }[];
    expect(w.map((x) => x.meetings.join(' + '))).toEqual([
      'dsl-2026-11-27T0800 + lgv-2026-11-27T0800',
      'dsl-2026-11-27T1200 + lgv-2026-11-27T1200',
      'dsl-2026-11-27T1600 + lgv-2026-11-27T1600',
    ]);
    expect(w[0]).toMatchObject({
      code: 'MEETING.DOUBLE_BOOKED',
      message:
        'Anna Ledare, Karl Koordinator och Ivan IM förväntas på två möten samtidigt fre 27 nov: DSL 08:00–08:30 och LGV 08:00–08:45.',
      people: [{ id: 'anna' }, { id: 'karl' }, { id: 'ivan' }],
    });
    expect((await api.get(G)).json.schedules.forums.LGV.participants).toContain('goLiveLead');
    const en = await api.put(`${G}?lang=en`, calendarOrg(oldLgv));
    expect(en.status).toBe(200);
    expect(en.json.warnings[0].message).toBe(
      'Anna Ledare, Karl Koordinator and Ivan IM are expected in two meetings at once on Fri 27 Nov: DSL 08:00–08:30 and LGV 08:00–08:45.',
    );
  });

  it('the meetings API flags each side of a clash; the overview’s next meetings too', async () => {
    const m = await api.get(`${G}/meetings?from=2026-11-27T06:30:00Z&to=2026-11-27T08:00:00Z`);
    const lgv = (m.json.items as { id: string; clashes: { id: string; people: { id: string }[] }[] }[]).find(
      (x) => x.id === 'lgv-2026-11-27T0800',
    )!;
    expect(lgv.clashes.map((c) => c.id)).toEqual(['dsl-2026-11-27T0800']);
    expect(lgv.clashes[0]!.people.map((p) => p.id)).toEqual(['anna', 'karl', 'ivan']);
    const one = await api.get(`${G}/meetings/dsl-2026-11-27T0800`);
    expect(one.json.clashes.map((c: { id: string }) => c.id)).toEqual(['lgv-2026-11-27T0800']);
    const csl = await api.get(`${G}/meetings/csl-2026-11-27T0730`);
    expect(csl.json.clashes).toEqual([]);
    const ov = await api.get(`${G}/overview`);
    expect(ov.json.nextMeetings.LGV.clashes.map((c: { id: string }) => c.id)).toEqual(['dsl-2026-11-27T0800']);
    expect(ov.json.nextMeetings.CSL.clashes).toBeUndefined();
  });

  it('a PATCH back to the routine’s participants answers with no warning', async () => {
    const r = await api.raw(
      'PATCH',
      G,
      JSON.stringify({ schedules: { forums: { LGV: { participants: ['lgvLiaison'] } } } }),
      'application/merge-patch+json',
    );
    expect(r.status).toBe(200);
    expect(r.json.warnings).toEqual([]);
  });
});
