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
        {
          summary: 'Utskrifter strular',
          problems: [
            {
              title: 'Remissutskrift',
              size: 'stor',
              situation: { facts: 'Tre kliniker kan inte skriva ut', assumptions: 'Drivrutinen' },
              actions: 'Ny drivrutin testas',
              obstacles: 'Behöver fler tekniker',
              ideas: 'Support hjälper',
              sdReferences: ['SD-1042'],
            },
          ],
          runSchedule: 'Labbintegrationen flyttas till 14:00',
          toCommunicate: 'Skriv ut remisser från avdelningens skrivare',
        },
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
      'Remissutskrift (stor) – Hur är läget? fakta: Tre kliniker kan inte skriva ut; antaganden: Drivrutinen – På gång? Ny drivrutin testas – Hinder på vägen? Behöver fler tekniker – idéer: Support hjälper – SD+: SD-1042',
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
