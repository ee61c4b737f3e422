/**
 * Issue 14 on the simulated clock, through the real app and its calendar timer: what the areas
 * and CSL report reaches the agendas, decisions land in the log and follow the levels, and LGV
 * timing — a Friday (day 0) of the go-live week, then its Wednesday (day 5) when no LGV meeting
 * remains. Times are local (UTC+1).
 */
import { startApi, type Api } from '../http/harness';
import { isolateCalendar } from './isolated';
import { calendarOrg, RecordingNotifier } from './support';

isolateCalendar(new RecordingNotifier());

const G = '/golives/vecka';
const local = (day: string, hhmm: string) => new Date(Date.parse(`2026-${day}T${hhmm}:00+01:00`)).toISOString();
const as = (who: string) => ({ 'x-dev-user': `${who}@example.org` });
type Section = { key: string; items: { text: string; details?: string[]; ref?: { id: string } }[] };

function org() {
  const o = calendarOrg();
  // Primärvården has no CSL representative this week; an ITD manager joins.
  o.people = [
    ...o.people.filter((p) => p.id !== 'peter'),
    { id: 'ida', name: 'Ida ITD', email: 'ida@example.org', roles: ['itdManager'], areaIds: [], unitIds: [] },
  ];
  return o;
}

async function at(api: Api, now: { t: number }, iso: string) {
  const ms = Date.parse(iso) - now.t;
  if (ms > 0) await api.advance(`PT${ms / 1000}S`);
  now.t = Date.parse(iso);
}

/**
 * Teknik's report on its yellow area: one large problem — Remissutskrift — with the three
 * questions (R4), plus whatever else the day's report says.
 */
const teknikReport = (problem: { ideas?: string; sdReferences?: string[] }, rest: Record<string, unknown>) => ({
  summary: 'Utskrifter strular',
  problems: [
    {
      title: 'Remissutskrift',
      size: 'stor',
      situation: { facts: 'Tre kliniker kan inte skriva ut', assumptions: 'Drivrutinen' },
      actions: 'Ny drivrutin testas',
      obstacles: 'Behöver fler tekniker',
      ...problem,
    },
  ],
  ...rest,
});

const agenda = async (api: Api, id: string) => (await api.get(`${G}/meetings/${id}/agenda`)).json.sections as Section[];
const texts = (sections: Section[], key: string) => sections.find((s) => s.key === key)!.items.map((i) => i.text);

describe('Friday, day 0', () => {
  let api: Api;
  const now = { t: Date.parse(local('11-27', '06:00')) };
  const seen: Record<string, Section[]> = {};
  let lgvDeadline = '';
  let log: Record<string, unknown>[] = [];
  let refused: { status: number; detail: string } | undefined;

  beforeAll(async () => {
    api = await startApi({ start: new Date(now.t).toISOString() });
    expect((await api.put(G, org())).status).toBe(201);
    const ok = <R extends { status: number; text: string }>(r: R, want: number): R => {
      if (r.status !== want) throw new Error(`${r.status} ${r.text}`);
      return r;
    };
    // 06:00 Teknik reports yellow without a challenge, with a problem and the three questions; Cosmic green with a reflection.
    ok(
      await api.post(
        `${G}/areas/teknik/reports`,
        teknikReport(
          { ideas: 'Support hjälper', sdReferences: ['SD-1042'] },
          { runSchedule: 'Labbintegrationen flyttas till 14:00', toCommunicate: 'Skriv ut remisser från avdelningens skrivare' },
        ),
        as('omar'),
      ),
      201,
    );
    ok(
      await api.post(
        `${G}/areas/cosmic/reports`,
        { summary: 'Stabilt', problems: [], greenReflections: 'Akuten jobbar helt i Cosmic' },
        as('cecilia'),
      ),
      201,
    );
    await at(api, now, local('11-27', '06:30'));
    ok(await api.post(`${G}/units/akuten/reports`, { colour: 'gul', explanation: 'Läkemedelslistan långsam' }, as('rut')), 201);
    // 07:00 CSL notes its assessment of Sjukhuset (R11.1) and raises a need to DSL (R11.2).
    await at(api, now, local('11-27', '07:00'));
    ok(
      await api.post(
        `${G}/forvaltningar/sjukhuset/assessments`,
        { text: 'Akuten klarar sig men är sårbar vid skiftbyte', agreedWith: 'Sjukhusets införandeledning' },
        as('frida'),
      ),
      201,
    );
    ok(
      await api.post(
        `${G}/challenges`,
        {
          id: 'akuten-team',
          title: 'Akuten behöver stöd',
          colour: 'röd',
          areaId: 'verksamhetens-inforande',
          needFromOthers: 'Två superanvändare',
          needsTeam: true,
        },
        as('frida'),
      ),
      202,
    );
    await at(api, now, local('11-27', '07:51'));
    seen.dsl0800 = await agenda(api, 'dsl-2026-11-27T0800');
    // 08:10, during the 08:00 LGV meeting: DSL triages (logged), the lead records a coordination decision,
    // and a case for LGV is due at the end of the *next* LGV meeting (R8.2).
    await at(api, now, local('11-27', '08:10'));
    ok(
      await api.post(
        `${G}/challenges/akuten-team/triage`,
        { decision: 'startTeam', priority: 1, participants: ['Verksamhetens införande', 'Support'], note: 'Akuten först' },
        as('anna'),
      ),
      200,
    );
    await at(api, now, local('11-27', '08:11'));
    ok(
      await api.post(
        `${G}/decisions`,
        { question: 'Gemensam jourlinje i natt?', decision: 'Ja, 22–07', rationale: 'Färre överlämningar', decidedBy: 'Anna Ledare' },
        as('anna'),
      ),
      201,
    );
    lgvDeadline = ok(
      await api.post(
        `${G}/challenges/akuten-team/decision-requests`,
        { level: 'lgv', question: 'Extra personal till akuten?' },
        as('anna'),
      ),
      200,
    ).json.pendingDecision.deadline;
    const r = await api.post(`${G}/challenges/akuten-team/decisions`, { decision: 'Ja', rationale: 'r', decidedBy: 'Ida' }, as('ida'));
    refused = { status: r.status, detail: r.json.detail };
    log = (await api.get(`${G}/decisions`)).json.items;
    await at(api, now, local('11-27', '11:51'));
    seen.lgv1200 = await agenda(api, 'lgv-2026-11-27T1200');
    await at(api, now, local('11-27', '13:21'));
    seen.csl1330 = await agenda(api, 'csl-2026-11-27T1330');
  }, 600_000);
  afterAll(async () => api?.close());

  it('item 1: the yellow area without a challenge is on the DSL agenda with its problem and the three questions', () => {
    const item = seen.dsl0800!.find((s) => s.key === 'point6')!.items.find((i) => i.ref?.id === 'teknik')!;
    expect(item.details).toEqual([
      [
        'Remissutskrift (stor)',
        'Hur är läget? fakta: Tre kliniker kan inte skriva ut; antaganden: Drivrutinen',
        'På gång? Ny drivrutin testas',
        'Hinder på vägen? Behöver fler tekniker',
        'idéer: Support hjälper',
        'SD+: SD-1042',
      ].join(' – '),
    ]);
  });

  it('item 2: points 8, 9 and 11 carry what the areas said', () => {
    expect(texts(seen.dsl0800!, 'point8')).toEqual(['Teknik: Labbintegrationen flyttas till 14:00']);
    expect(texts(seen.dsl0800!, 'point9')).toEqual(['Teknik: Skriv ut remisser från avdelningens skrivare']);
    expect(texts(seen.dsl0800!, 'point11')).toEqual(['Cosmic: Akuten jobbar helt i Cosmic']);
  });

  it('item 3 and 10: CSL’s need says a team is needed because the raiser said so', () => {
    expect(texts(seen.dsl0800!, 'point2')).toContain('Verksamhetens införande: Akuten behöver stöd – Två superanvändare');
    expect(texts(seen.dsl0800!, 'point3')).toEqual(['Akuten behöver stöd – behöver tvärprofessionellt team (enligt den som lyfte)']);
  });

  it('item 4: CSL’s assessment reaches DSL point 10 and CSL’s round the table; stale and unrepresented are flagged', () => {
    expect(texts(seen.dsl0800!, 'point10')).toContainEqual(
      expect.stringMatching(
        /^Sjukhuset – CSL:s bedömning \(Frida FVIS, 07:00, förankrad med Sjukhusets införandeledning\): Akuten klarar sig/,
      ),
    );
    const sjukhuset = texts(seen.csl1330!, 'forvaltning:sjukhuset');
    expect(sjukhuset[0]).toMatch(/^CSL:s bedömning \(Frida FVIS, 07:00/);
    expect(sjukhuset).toContain('Inaktuell rapport: Akuten (gul 06:30)');
    expect(texts(seen.csl1330!, 'forvaltning:primarvarden')).toContain('Ingen CSL-representant för förvaltningen');
  });

  it('items 8, 9: triage and the coordination decision are logged; an ITD manager cannot decide for LGV', () => {
    expect(log.map((d) => [d.level, d.decision])).toEqual([
      ['dsl', 'Starta tvärprofessionellt team, prioritet 1; deltar: Verksamhetens införande, Support'],
      ['coordination', 'Ja, 22–07'],
    ]);
    expect(refused).toEqual({
      status: 403,
      detail: 'Det här beslutet fattas av LGV-representant eller driftsättningsledare; din roll får inte registrera det.',
    });
  });

  it('items 5, 11: raised during the 08:00 LGV, the case is due at the end of the 12:00 LGV and listed once', () => {
    expect(lgvDeadline).toBe(local('11-27', '12:45'));
    expect(texts(seen.lgv1200!, 'decisionCases')).toEqual(['Akuten behöver stöd: Extra personal till akuten? (senast 12:45)']);
    expect(texts(seen.lgv1200!, 'escalations')).toEqual([]);
  });
});

describe('Wednesday, day 5: no LGV meeting remains', () => {
  let api: Api;
  afterAll(async () => api?.close());

  it('item 11: an LGV case follows the next DSL (Thursday 09:00), not a clock through the night', async () => {
    api = await startApi({ start: local('12-02', '15:10') });
    expect((await api.put(G, org())).status).toBe(201);
    await api.post(
      `${G}/challenges`,
      { id: 'sent', title: 'Sent ärende', colour: 'röd', areaId: 'teknik', needFromOthers: 'Beslut' },
      as('omar'),
    );
    await api.post(`${G}/challenges/sent/triage`, { decision: 'wait' }, as('anna'));
    const r = await api.post(`${G}/challenges/sent/decision-requests`, { level: 'lgv', question: 'Stänga mottagningen?' }, as('anna'));
    expect(r.json.pendingDecision.deadline).toBe(local('12-03', '09:30'));
  }, 120_000);
});

/*
 * Every day of the go-live week, Friday (day 0) to Thursday (day 6): a fresh app at the day's
 * first CSL agenda time, the same morning's reports and decisions, the clock run to just after
 * the day's first DSL. Each day checks its own meetings against R5 and each forum's agenda for
 * the points. About 70 simulated minutes a day, so the week stays quick.
 */
const hours = (from: number, to: number, step: number, mm = '00') =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => `${String(from + i * step).padStart(2, '0')}:${mm}`);
const DAYS = [
  {
    day: 0,
    name: 'Friday',
    date: '11-27',
    dsl: hours(8, 20, 2),
    csl: ['07:30', '13:30'],
    lgv: ['08:00', '12:00', '16:00'],
    lgvDue: '08:45',
  },
  { day: 1, name: 'Saturday', date: '11-28', dsl: hours(7, 21, 1), csl: hours(6, 20, 1, '30'), lgv: hours(8, 20, 2), lgvDue: '08:45' },
  { day: 2, name: 'Sunday', date: '11-29', dsl: hours(7, 21, 1), csl: hours(6, 20, 1, '30'), lgv: hours(8, 20, 2), lgvDue: '08:45' },
  { day: 3, name: 'Monday', date: '11-30', dsl: hours(7, 21, 1), csl: hours(6, 20, 1, '30'), lgv: hours(8, 20, 2), lgvDue: '08:45' },
  {
    day: 4,
    name: 'Tuesday',
    date: '12-01',
    dsl: hours(8, 18, 2),
    csl: hours(7, 17, 2, '30'),
    lgv: ['08:00', '12:00', '16:00'],
    lgvDue: '08:45',
  },
  // No LGV meeting remains: a case for LGV follows the next DSL (item 11).
  { day: 5, name: 'Wednesday', date: '12-02', dsl: ['09:00', '15:00'], csl: ['08:30', '14:30'], lgv: [], lgvDue: '09:30' },
  { day: 6, name: 'Thursday', date: '12-03', dsl: ['09:00', '15:00'], csl: ['08:30', '14:30'], lgv: [], lgvDue: '09:30' },
];

describe.each(DAYS)('every day of the week: $name, day $day', (d) => {
  let api: Api;
  const id = (forum: string, hhmm: string) => `${forum}-2026-${d.date}T${hhmm.replace(':', '')}`;
  const plus = (hhmm: string, minutes: number) => new Date(Date.parse(local(d.date, hhmm)) + minutes * 60_000).toISOString();
  const dsl0 = d.dsl[0]!;
  const csl0 = d.csl[0]!;
  const now = { t: Date.parse(plus(csl0, -11)) };
  const seen: Record<string, Section[]> = {};
  let meetings: { forum: string; localStart: string; participantRoles: string[] }[] = [];
  let sent: { asSent?: { sentAt: string }; sections: Section[] } = { sections: [] };
  let md = '';
  let lgvDeadline = '';
  let itdRefused = 0;
  let log: { level: string; decision: string }[] = [];
  let suggestion: { colour?: string } = {};

  beforeAll(async () => {
    api = await startApi({ start: new Date(now.t).toISOString() });
    expect((await api.put(G, org())).status).toBe(201);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any answer of the API
    const ok = async (p: Promise<{ status: number; text: string; json: any }>, want: number) => {
      const r = await p;
      if (r.status !== want) throw new Error(`${d.name}: ${r.status} ${r.text}`);
      return r;
    };
    // The morning, before the first CSL's agenda goes out: areas, a unit, CSL, DSL's and the leads' decisions.
    await ok(
      api.post(
        `${G}/areas/teknik/reports`,
        teknikReport({}, { runSchedule: `Körschema dag ${d.day}`, toCommunicate: `Att kommunicera dag ${d.day}` }),
        as('omar'),
      ),
      201,
    );
    await ok(api.post(`${G}/areas/cosmic/reports`, { summary: 'Stabilt', greenReflections: `Grönt dag ${d.day}` }, as('cecilia')), 201);
    await ok(api.post(`${G}/units/akuten/reports`, { colour: 'röd', explanation: 'Läkemedelsmodulen nere' }, as('rut')), 201);
    await ok(api.post(`${G}/forvaltningar/sjukhuset/assessments`, { text: `Bedömning dag ${d.day}` }, as('frida')), 201);
    await ok(
      api.post(
        `${G}/challenges`,
        {
          id: 'behov',
          title: 'Akuten behöver stöd',
          colour: 'röd',
          areaId: 'verksamhetens-inforande',
          needFromOthers: 'Superanvändare',
          needsTeam: true,
        },
        as('frida'),
      ),
      202,
    );
    await ok(api.post(`${G}/challenges/behov/triage`, { decision: 'startTeam', priority: 1, participants: ['Support'] }, as('anna')), 200);
    lgvDeadline = (
      await ok(api.post(`${G}/challenges/behov/decision-requests`, { level: 'lgv', question: 'Extra personal?' }, as('anna')), 200)
    ).json.pendingDecision.deadline;
    itdRefused = (await api.post(`${G}/challenges/behov/decisions`, { decision: 'Ja', rationale: 'r', decidedBy: 'Ida' }, as('ida')))
      .status;
    const wp = await ok(
      api.post(
        `${G}/decisions`,
        {
          level: 'workPractice',
          question: 'Pappersremisser?',
          decision: `Pappersremiss dag ${d.day}`,
          rationale: 'Säkert',
          decidedBy: 'Doktor',
        },
        as('doc'),
      ),
      201,
    );
    await ok(api.post(`${G}/decisions/${wp.json.id}/communicated`, { forvaltningId: 'sjukhuset' }, as('frida')), 201);
    suggestion = (await api.get(`${G}/areas/verksamhetens-inforande/suggestion`)).json;
    meetings = (await api.get(`${G}/meetings?from=${local(d.date, '00:00')}&to=${plus('23:59', 1)}`)).json.items;

    // After the first DSL's agenda went out: the CSL and LGV agendas as they stand.
    await at(api, now, plus(dsl0, -9));
    seen.csl = await agenda(api, id('csl', csl0));
    if (d.lgv.length) seen.lgv = await agenda(api, id('lgv', d.lgv[0]!));
    // During the DSL Teknik turns red; after it, its agenda is the one sent, the live one shows red.
    await at(api, now, plus(dsl0, 1));
    await ok(
      api.post(`${G}/areas/teknik/reports`, { summary: 'Inloggningen nere', colour: 'röd', overrideReason: 'Bedömning' }, as('omar')),
      201,
    );
    await at(api, now, plus(dsl0, 31));
    sent = (await api.get(`${G}/meetings/${id('dsl', dsl0)}/agenda`)).json;
    md = (await api.get(`${G}/meetings/${id('dsl', dsl0)}/agenda?format=md`)).text;
    seen.live = (await api.get(`${G}/meetings/${id('dsl', dsl0)}/agenda?live=1`)).json.sections;
    log = (await api.get(`${G}/decisions`)).json.items;
  }, 600_000);
  afterAll(async () => api?.close());

  it('holds the day’s meetings of each forum as R5 schedules them', () => {
    const at = (forum: string) => meetings.filter((m) => m.forum === forum).map((m) => m.localStart.slice(11, 16));
    expect(at('DSL')).toEqual(d.dsl);
    expect(at('CSL')).toEqual(d.csl);
    expect(at('LGV')).toEqual(d.lgv);
  });

  it('items 1–4, 7, 12: the first DSL agenda carries what the areas, CSL and the decisions said', () => {
    const s = sent.sections;
    expect(s.filter((x) => x.key.startsWith('point')).map((x) => x.key)).toEqual(Array.from({ length: 11 }, (_, i) => `point${i + 1}`));
    const teknik = s.find((x) => x.key === 'point6')!.items.find((i) => i.ref?.id === 'teknik')!;
    expect(teknik.details).toEqual([
      'Remissutskrift (stor) – Hur är läget? fakta: Tre kliniker kan inte skriva ut; antaganden: Drivrutinen – På gång? Ny drivrutin testas – Hinder på vägen? Behöver fler tekniker',
    ]);
    expect(texts(s, 'point8')).toEqual([`Teknik: Körschema dag ${d.day}`]);
    expect(texts(s, 'point9')).toEqual([
      `Teknik: Att kommunicera dag ${d.day}`,
      `Ändrat arbetssätt: Pappersremiss dag ${d.day} – ej kommunicerat i: Primärvården`,
    ]);
    expect(texts(s, 'point11')).toEqual([`Cosmic: Grönt dag ${d.day}`]);
    // Item 3: what the challenge needs, as said: a decision has been asked for (after DSL started the team).
    expect(texts(s, 'point3')).toEqual(['Akuten behöver stöd – behöver beslut']);
    expect(texts(s, 'point10')).toContainEqual(expect.stringContaining(`Bedömning dag ${d.day}`));
    // Item 7: the arrow is the board's (✱ new since the previous DSL).
    expect(md).toContain('✱ ny sedan förra mötet');
  });

  it('item 6: after the meeting its agenda is the one sent ten minutes before, the live one shows the change', () => {
    expect(sent.asSent?.sentAt).toBe(plus(dsl0, -10));
    expect(JSON.stringify(sent.sections)).not.toContain('Inloggningen nere');
    expect(JSON.stringify(seen.live)).toContain('Inloggningen nere');
  });

  it('item 4: CSL’s round the table has the assessment and flags Primärvården without a representative', () => {
    expect(texts(seen.csl!, 'forvaltning:sjukhuset')[0]).toMatch(
      new RegExp(`^CSL:s bedömning \\(Frida FVIS, .*\\): Bedömning dag ${d.day}`),
    );
    expect(texts(seen.csl!, 'forvaltning:primarvarden')).toContain('Ingen CSL-representant för förvaltningen');
  });

  it('items 5, 9, 11: the LGV case is due as the day’s schedule says, listed once; an ITD manager may not decide it', () => {
    expect(lgvDeadline).toBe(local(d.date, d.lgvDue));
    expect(itdRefused).toBe(403);
    if (d.lgv.length) {
      expect(texts(seen.lgv!, 'decisionCases')).toEqual([`Akuten behöver stöd: Extra personal? (senast ${d.lgvDue})`]);
      expect(texts(seen.lgv!, 'escalations')).toEqual([]);
    } else expect(seen.lgv).toBeUndefined();
  });

  it('items 8, 10, 13: triage and the work practice are logged; CSL raised the need; införande follows the units', () => {
    expect(log.map((x) => x.level).sort()).toEqual(['dsl', 'workPractice']);
    expect(suggestion.colour).toBe('red');
  });
});
