import { GoLiveInput, type GoLive } from '../../shared/domain/golive';
import { buildOverview } from '../../shared/domain/overview';
import { reportingMinutesBetween } from '../../shared/domain/reporting-time';
import type { UnitStatus } from '../../shared/domain/unit-report';
import type { Incident } from '../../shared/domain/incident';

const goLive: GoLive = {
  id: 'g',
  ...GoLiveInput.parse({
    name: 'G',
    startDate: '2026-11-27',
    forvaltningar: [
      {
        id: 'f',
        name: 'F',
        units: [
          { id: 'u1', name: 'U1' },
          { id: 'u2', name: 'U2' },
          { id: 'u3', name: 'U3' },
        ],
      },
    ],
  }),
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

const status = (unitId: string, colour: UnitStatus['colour'], reportedAt: string): UnitStatus => ({
  goLiveId: 'g',
  unitId,
  forvaltningId: 'f',
  colour,
  explanation: 'x',
  reportedAt,
  reportId: `r-${unitId}`,
});

const incident = (id: string, priority: number, status: 'open' | 'resolved' = 'open'): Incident => ({
  id,
  goLiveId: 'g',
  title: id,
  priority,
  areaIds: [],
  status,
  openedAt: '2026-11-27T07:00:00.000Z',
  lastUpdateAt: '2026-11-27T07:00:00.000Z',
  updates: [],
  requestHash: 'h',
});

describe('reporting time (R3.3: only 06–18 local counts)', () => {
  const tz = 'Europe/Stockholm';
  const rules = { dayStart: '06:00', dayEnd: '18:00' };
  it('counts the evening and the morning, not the night', () => {
    // 17:30 → 07:00 next day (CET, UTC+1): 30 min + 60 min.
    expect(reportingMinutesBetween(new Date('2026-11-27T16:30:00Z'), new Date('2026-11-28T06:00:00Z'), tz, rules)).toBe(90);
  });
  it('is plain elapsed time inside one reporting day', () => {
    expect(reportingMinutesBetween(new Date('2026-11-27T08:00:00Z'), new Date('2026-11-27T11:00:00Z'), tz, rules)).toBe(180);
  });
  it('uses local hours across the daylight-saving change (29 March 2026, 02:00 → 03:00)', () => {
    // Saturday 17:00 CET (16:00Z) → Sunday 07:00 CEST (05:00Z): 60 + 60 minutes.
    expect(reportingMinutesBetween(new Date('2026-03-28T16:00:00Z'), new Date('2026-03-29T05:00:00Z'), tz, rules)).toBe(120);
  });
});

describe('overview (R10.1, R3.3)', () => {
  // 12:00 local (CET) on day 0.
  const noon = new Date('2026-11-27T11:00:00Z');

  it('counts units per colour and marks missing ones', () => {
    const o = buildOverview(noon, {
      goLive,
      unitStatuses: [status('u1', 'red', '2026-11-27T10:30:00.000Z')],
      areaStatuses: [],
      openIncidents: [],
    });
    expect(o.units).toEqual({ total: 3, green: 0, yellow: 0, red: 1, missing: 2, stale: 0 });
    expect(o.forvaltningar[0]!.units.map((u) => [u.unitId, u.colour, u.missing])).toEqual([
      ['u1', 'red', false],
      ['u2', null, true],
      ['u3', null, true],
    ]);
  });

  it('a report exactly 3 h old is not stale; one minute more is (both sides of R3.3)', () => {
    const at3h = status('u1', 'green', '2026-11-27T08:00:00.000Z');
    const over = status('u2', 'green', '2026-11-27T07:59:00.000Z');
    const o = buildOverview(noon, { goLive, unitStatuses: [at3h, over], areaStatuses: [], openIncidents: [] });
    expect(o.forvaltningar[0]!.units.map((u) => u.stale)).toEqual([false, true, false]);
    expect(o.units.stale).toBe(1);
  });

  it('nothing is stale outside the reporting day', () => {
    const evening = new Date('2026-11-27T19:00:00Z'); // 20:00 local
    const o = buildOverview(evening, {
      goLive,
      unitStatuses: [status('u1', 'green', '2026-11-27T06:00:00.000Z')],
      areaStatuses: [],
      openIncidents: [],
    });
    expect(o.insideReportingDay).toBe(false);
    expect(o.units.stale).toBe(0);
  });

  it('areas show colour and trend against the previous report', () => {
    const o = buildOverview(noon, {
      goLive,
      unitStatuses: [],
      areaStatuses: [
        {
          goLiveId: 'g',
          areaId: 'teknik',
          colour: 'red',
          suggestedColour: 'red',
          summary: 's',
          reportedAt: '2026-11-27T10:00:00.000Z',
          reportId: 'a',
          previousColour: 'yellow',
          openProblems: 2,
        },
        {
          goLiveId: 'g',
          areaId: 'support',
          colour: 'green',
          suggestedColour: 'green',
          summary: 's',
          reportedAt: '2026-11-27T10:00:00.000Z',
          reportId: 'b',
          openProblems: 0,
        },
      ],
      openIncidents: [],
    });
    const byId = Object.fromEntries(o.areas.map((a) => [a.areaId, a]));
    expect(byId.teknik).toMatchObject({ colour: 'red', trend: 'worse', openProblems: 2 });
    expect(byId.support).toMatchObject({ colour: 'green', trend: 'new' });
    expect(byId.cosmic).toMatchObject({ colour: null, trend: null });
  });

  it('lists open P1/P2 incidents, most urgent first, and leaves P3/P4 and resolved out (R9.2)', () => {
    const o = buildOverview(noon, {
      goLive,
      unitStatuses: [],
      areaStatuses: [],
      openIncidents: [incident('p2', 2), incident('p3', 3), incident('p1', 1), incident('done', 1, 'resolved')],
    });
    expect(o.majorIncidents.map((i) => i.id)).toEqual(['p1', 'p2']);
  });
});
