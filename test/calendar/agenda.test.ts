/**
 * Agendas built from live state (R6): the eleven DSL points in order (R6.1) with the
 * "earlier / new / moved forward" rules (R6.2), CSL per förvaltning (R6.3), LGV (R6.4),
 * challenges and decisions as optional inputs, rendering (generic shape, Markdown, escaped HTML).
 */
import type { Agenda, AgendaChallenge, AgendaDecision, AgendaInput } from '../../shared/domain/agenda';
import { buildAgenda } from '../../shared/domain/agenda';
import { renderHtml, renderMarkdown, renderText, toRendering } from '../../shared/rendering/agenda';
import type { AreaStatus } from '../../shared/domain/area-report';
import { GoLive } from '../../shared/domain/golive';
import { meetingById } from '../../shared/domain/meetings';
import type { UnitStatus } from '../../shared/domain/unit-report';
import { makeIncident } from '../builders';
import { calendarOrg } from './support';

const goLive = GoLive.parse({
  ...calendarOrg(),
  id: 'vag-1',
  createdAt: '2026-11-20T00:00:00.000Z',
  updatedAt: '2026-11-20T00:00:00.000Z',
});
const dsl10 = meetingById(goLive, 'dsl-2026-11-27T1000')!;
const dsl08 = meetingById(goLive, 'dsl-2026-11-27T0800')!;
const csl = meetingById(goLive, 'csl-2026-11-27T1330')!;
const csl0730 = meetingById(goLive, 'csl-2026-11-27T0730')!;
const lgv = meetingById(goLive, 'lgv-2026-11-27T1200')!;
const NOW = new Date('2026-11-27T08:50:00.000Z'); // 09:50 local

const area = (
  areaId: string,
  colour: AreaStatus['colour'],
  reportedAt: string,
  summary = `${areaId} läget`,
  previousColour?: AreaStatus['colour'],
): AreaStatus => ({
  goLiveId: 'vag-1',
  areaId,
  colour,
  suggestedColour: colour,
  summary,
  reportedAt,
  reportId: `r-${areaId}`,
  openProblems: 0,
  ...(previousColour ? { previousColour } : {}),
});
const unit = (
  unitId: string,
  forvaltningId: string,
  colour: UnitStatus['colour'],
  reportedAt: string,
  explanation = 'förklaring',
): UnitStatus => ({
  goLiveId: 'vag-1',
  unitId,
  forvaltningId,
  colour,
  explanation,
  reportedAt,
  reportId: `u-${unitId}`,
});

function input(extra: Partial<AgendaInput> = {}): AgendaInput {
  return { goLive, meeting: dsl10, previous: dsl08, now: NOW, lang: 'sv', unitStatuses: [], areaStatuses: [], openIncidents: [], ...extra };
}
const section = (a: Agenda, key: string) => a.sections.find((s) => s.key === key)!;
const texts = (a: Agenda, key: string) => section(a, key).items.map((i) => i.text);

// The previous DSL started 07:00Z (08:00 local).
const challenges: AgendaChallenge[] = [
  {
    id: 'c1',
    title: 'Utskrifter',
    colour: 'red',
    areaId: 'teknik',
    raisedAt: '2026-11-27T06:30:00.000Z',
    open: true,
    lastChangeAt: '2026-11-27T07:40:00.000Z',
    needs: 'decision',
    obstacles: 'Drivrutin saknas',
  },
  {
    id: 'c2',
    title: 'Behörigheter saknas',
    colour: 'red',
    areaId: 'behorigheter',
    raisedAt: '2026-11-27T06:00:00.000Z',
    open: true,
    lastChangeAt: '2026-11-27T06:10:00.000Z',
  },
  { id: 'c3', title: 'Läkemedelslistan', colour: 'red', raisedAt: '2026-11-27T07:30:00.000Z', open: true },
  { id: 'c4', title: 'Långsam inloggning', colour: 'yellow', areaId: 'support', raisedAt: '2026-11-27T05:00:00.000Z', open: true },
  { id: 'c5', title: 'Skrivarkö', colour: 'yellow', raisedAt: '2026-11-27T07:05:00.000Z', open: true, notPrioritised: true },
  {
    id: 'c6',
    title: 'Remisser',
    colour: 'red',
    raisedAt: '2026-11-27T05:00:00.000Z',
    open: false,
    lastChangeAt: '2026-11-27T08:00:00.000Z',
  },
  {
    id: 'c7',
    title: 'Gammal',
    colour: 'yellow',
    raisedAt: '2026-11-27T05:00:00.000Z',
    open: false,
    lastChangeAt: '2026-11-27T06:00:00.000Z',
  },
];

describe('DSL agenda (R6.1, R6.2)', () => {
  it('has the delivery areas and P1/P2 incidents on top, then the eleven points of R6.1 in order', () => {
    const a = buildAgenda(input());
    expect(a.sections.map((s) => s.key)).toEqual(['areas', 'incidents', ...Array.from({ length: 11 }, (_, i) => `point${i + 1}`)]);
    expect(a.sections.slice(2).map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(section(a, 'point1').title).toBe(
      'Hur har det gått med tidigare röda händelser? Har de flyttats framåt? Om inte, vad hindrar dem från att förflyttas?',
    );
    expect(section(a, 'point1').prompts).toEqual([
      'a) Behövs det någon form av beslut eller tvärprofessionellt team för att lösa ut problemet?',
    ]);
    expect(section(a, 'point8').title).toBe('Finns det något som påverkar körschemat?');
    expect(section(a, 'point11').title).toBe('Några intressanta gröna reflektioner där det går riktigt bra?');
    expect(a).toMatchObject({
      meetingId: 'dsl-2026-11-27T1000',
      forum: 'DSL',
      previousMeeting: { id: 'dsl-2026-11-27T0800' },
      eventSource: 'areaStatus',
      localStart: '2026-11-27T10:00',
    });
  });

  it('R6.2 with challenges: earlier = raised before the previous DSL and open; new = since; moved forward = any change since', () => {
    const a = buildAgenda(input({ challenges }));
    expect(a.eventSource).toBe('challenges');
    // Earlier red: c1 (changed since the previous DSL: moved), c2 (not moved). Closed c6 is not an event.
    expect(section(a, 'point1').items.map((i) => [i.ref?.id, i.age, i.movedForward])).toEqual([
      ['c1', 'earlier', true],
      ['c2', 'earlier', false],
    ]);
    expect(section(a, 'point2').items.map((i) => [i.ref?.id, i.age])).toEqual([['c3', 'new']]);
    // Point 3: the red ones that name an obstacle or a need.
    expect(texts(a, 'point3')).toEqual(['Utskrifter – hinder: Drivrutin saknas – behöver beslut']);
    // Point 4: several red → prioritise, oldest first.
    expect(section(a, 'point4').items.map((i) => i.ref?.id)).toEqual(['c2', 'c1', 'c3']);
    expect(section(a, 'point5').items.map((i) => i.ref?.id)).toEqual(['c4']);
    expect(texts(a, 'point6')).toEqual(['Skrivarkö – ej prioriterad vid förra DSL']); // R7.4
    expect(section(a, 'point7').items.map((i) => i.ref?.id)).toEqual(['c4', 'c5']);
    // Point 11: closed since the previous DSL (c6), not before (c7).
    expect(texts(a, 'point11')).toEqual(['Remisser – löst']);
    expect(section(a, 'point1').items[0]!.text).toBe('Teknik: Utskrifter');
  });

  it('without a previous DSL everything is new', () => {
    const a = buildAgenda(input({ meeting: dsl08, previous: undefined, challenges }));
    expect(section(a, 'point1').items).toEqual([]);
    expect(section(a, 'point2').items.map((i) => i.ref?.id)).toEqual(['c1', 'c2', 'c3']);
  });

  it('until the escalation engine provides challenges, the areas’ own red and yellow colours are the events', () => {
    const colours = new Map([
      ['teknik', 'red' as const],
      ['support', 'yellow' as const],
      ['cosmic', 'red' as const],
      ['cambio', null],
    ]);
    const a = buildAgenda(
      input({
        areaColoursAtPrevious: colours,
        areaStatuses: [
          area('teknik', 'red', '2026-11-27T08:20:00.000Z', 'Utskrifter fungerar inte'),
          area('support', 'yellow', '2026-11-27T06:00:00.000Z'),
          area('cambio', 'red', '2026-11-27T08:00:00.000Z'),
          area('cosmic', 'green', '2026-11-27T08:30:00.000Z'),
        ],
      }),
    );
    expect(section(a, 'point1').items.map((i) => [i.ref?.id, i.movedForward])).toEqual([['teknik', true]]);
    expect(section(a, 'point2').items.map((i) => i.ref?.id)).toEqual(['cambio']);
    expect(section(a, 'point5').items.map((i) => [i.ref?.id, i.movedForward])).toEqual([['support', false]]);
    expect(texts(a, 'point11')).toEqual(['Cosmic: röd → grön']);
    // On top: every area with its colour and trend since the previous DSL.
    const top = section(a, 'areas').items;
    expect(top.map((i) => [i.ref?.id, i.colour ?? null, i.trend ?? null])).toEqual([
      ['verksamhetens-inforande', null, null],
      ['cosmic', 'green', 'better'],
      ['cosmic-konfiguration', null, null],
      ['support', 'yellow', 'same'],
      ['cambio', 'red', 'new'],
      ['behorigheter', null, null],
      ['teknik', 'red', 'same'],
    ]);
    expect(top.find((i) => i.ref?.id === 'support')!.text).toContain('ingen ny rapport sedan förra mötet');
  });

  it('lists open P1/P2 incidents (R9.1), flagging those without an update since the previous DSL', () => {
    const a = buildAgenda(
      input({
        openIncidents: [
          makeIncident({
            id: 'i2',
            priority: 2,
            title: 'Lab-svar',
            openedAt: '2026-11-27T06:00:00.000Z',
            lastUpdateAt: '2026-11-27T06:00:00.000Z',
            sdReference: 'SD-9',
          }),
          makeIncident({
            id: 'i1',
            priority: 1,
            title: 'Inloggning',
            openedAt: '2026-11-27T07:10:00.000Z',
            lastUpdateAt: '2026-11-27T07:10:00.000Z',
          }),
          makeIncident({ id: 'i3', priority: 3, title: 'Kosmetiskt' }),
        ],
      }),
    );
    // Past IM's update cadence (60 min for P1, 120 for P2; issue 15 item 2) the agenda says since when.
    expect(texts(a, 'incidents')).toEqual([
      'P1 Inloggning – öppnad 08:10 – ingen uppdatering sedan 08:10',
      'P2 Lab-svar (SD-9) – öppnad 07:00 – ingen uppdatering sedan 07:00',
    ]);
  });

  it('overdue decisions head the agenda (R8.4)', () => {
    const decisions: AgendaDecision[] = [
      {
        id: 'd1',
        title: 'Rulla ut drivrutin',
        forum: 'ITD',
        status: 'waiting',
        requestedAt: '2026-11-27T07:30:00.000Z',
        deadline: '2026-11-27T08:30:00.000Z',
      },
      {
        id: 'd2',
        title: 'Extra personal',
        forum: 'LGV',
        status: 'waiting',
        requestedAt: '2026-11-27T07:30:00.000Z',
        deadline: '2026-11-27T12:00:00.000Z',
      },
    ];
    const a = buildAgenda(input({ decisions }));
    expect(a.sections[0]).toMatchObject({ key: 'overdueDecisions', items: [{ overdue: true, ref: { type: 'decision', id: 'd1' } }] });
  });
});

describe('CSL agenda (R6.3)', () => {
  it('round the table per förvaltning: red and yellow units with their explanations, changes since the previous CSL', () => {
    const a = buildAgenda({
      goLive,
      meeting: csl,
      previous: csl0730,
      now: NOW,
      lang: 'sv',
      areaStatuses: [],
      openIncidents: [],
      unitStatuses: [
        unit('akuten', 'sjukhuset', 'yellow', '2026-11-27T09:00:00.000Z', 'Läkemedelslistan långsam'),
        unit('avd-12', 'sjukhuset', 'red', '2026-11-27T11:00:00.000Z', 'Kan inte skriva ut'),
        unit('vc-norr', 'primarvarden', 'green', '2026-11-27T10:00:00.000Z'),
      ],
      unitColoursAtPrevious: new Map([
        ['akuten', 'yellow' as const],
        ['avd-12', 'yellow' as const],
        ['vc-norr', 'red' as const],
      ]),
    });
    expect(a.sections.map((s) => s.key)).toEqual(['roundTable', 'forvaltning:sjukhuset', 'forvaltning:primarvarden', 'decisions']);
    expect(section(a, 'forvaltning:sjukhuset').title).toBe('Sjukhuset – röd 1, gul 1, grön 0, saknas 0 (Frida FVIS)');
    expect(texts(a, 'forvaltning:sjukhuset')).toEqual([
      'Avdelning 12 (röd, 12:00, gul → röd): Kan inte skriva ut',
      'Akuten (gul, 10:00): Läkemedelslistan långsam',
    ]);
    expect(texts(a, 'forvaltning:primarvarden')).toEqual(['Saknar rapport: VC Söder', 'VC Norr: röd → grön']);
    expect(section(a, 'decisions')).toMatchObject({ number: 2, items: [] });
  });
});

describe('LGV agenda (R6.4)', () => {
  it('P1/P2 incidents, decision cases waiting and overdue, escalated needs; empty sections until the escalation engine fills them', () => {
    const empty = buildAgenda({ goLive, meeting: lgv, now: NOW, lang: 'sv', areaStatuses: [], unitStatuses: [], openIncidents: [] });
    expect(empty.sections.map((s) => [s.key, s.number ?? null, s.items.length])).toEqual([
      ['overdueDecisions', null, 0],
      ['incidents', 1, 0],
      ['decisionCases', 2, 0],
      ['escalations', 3, 0],
    ]);
    const full = buildAgenda({
      goLive,
      meeting: lgv,
      now: new Date('2026-11-27T10:50:00.000Z'),
      lang: 'en',
      areaStatuses: [],
      unitStatuses: [],
      openIncidents: [makeIncident({ id: 'i1', priority: 1, title: 'Login' })],
      decisions: [
        {
          id: 'd1',
          title: 'More staff',
          forum: 'LGV',
          status: 'waiting',
          requestedAt: '2026-11-27T08:00:00.000Z',
          deadline: '2026-11-27T10:00:00.000Z',
        },
        {
          id: 'd2',
          title: 'Paper routine',
          forum: 'LGV',
          status: 'waiting',
          requestedAt: '2026-11-27T08:00:00.000Z',
          deadline: '2026-11-27T11:45:00.000Z',
        },
        {
          id: 'd3',
          title: 'Driver',
          forum: 'ITD',
          status: 'waiting',
          requestedAt: '2026-11-27T08:00:00.000Z',
          deadline: '2026-11-27T09:00:00.000Z',
        },
      ],
      challenges: [{ ...challenges[0]!, escalatedTo: 'LGV' }],
    });
    expect(full.title).toBe('LGV – care leadership group – agenda Fri 27 Nov 12:00');
    expect(texts(full, 'overdueDecisions')).toEqual(['More staff (LGV, due 11:00)']);
    expect(texts(full, 'decisionCases')).toEqual(['Paper routine (by 12:45)']);
    expect(texts(full, 'escalations')).toEqual(['Utskrifter']);
    expect(section(full, 'incidents').title).toBe('Priority 1 and 2 incidents');
  });
});

describe('rendering', () => {
  const hostile: AgendaChallenge = {
    id: 'x',
    title: '<script>alert("x")</script> & *fet* #1',
    colour: 'red',
    raisedAt: '2026-11-27T08:00:00.000Z',
    open: true,
  };
  const a = buildAgenda(input({ challenges: [hostile] }));

  it('gives the generic shape the notification templates render: { title, when, sections: [{ title, items }] }', () => {
    const r = toRendering(a);
    expect(Object.keys(r)).toEqual(['title', 'when', 'sections']);
    // When, as people read it (issue 15 item 5): local day and clock, no ISO date, no zone name.
    expect(r.when).toBe('fre 27 nov 10:00–10:30');
    expect(r.sections[2]).toEqual({
      title:
        '1. Hur har det gått med tidigare röda händelser? Har de flyttats framåt? Om inte, vad hindrar dem från att förflyttas? ' +
        'a) Behövs det någon form av beslut eller tvärprofessionellt team för att lösa ut problemet?',
      items: [],
    });
    expect(r.sections[3]!.items).toEqual(['[RÖD · Ny] <script>alert("x")</script> & *fet* #1']);
  });

  it('escapes every text in HTML, and Markdown specials in Markdown', () => {
    const html = renderHtml(a);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; *fet* #1');
    expect(html.startsWith('<!doctype html><html lang="sv">')).toBe(true);
    expect(html).not.toMatch(/style=|<style/); // the page's CSP allows no inline styles
    const md = renderMarkdown(a);
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> & \\*fet\\* \\#1');
    expect(md.split('\n')[0]).toBe('# DSL – Driftsättningsledningen – dagordning fre 27 nov 10:00');
    expect(renderText(a)).toContain('   – Inget att ta upp.');
  });

  it('speaks English on request', () => {
    const en = buildAgenda(input({ lang: 'en' }));
    expect(en.title).toBe('DSL – go-live leadership – agenda Fri 27 Nov 10:00');
    expect(section(en, 'point2').title).toBe('Any new red events?');
    expect(renderText(en)).toContain('Nothing to raise.');
  });
});

describe('what the areas report reaches the DSL table (issue 14 items 1–3, 5, 7)', () => {
  const teknik = {
    areaId: 'teknik',
    reportedAt: '2026-11-27T08:20:00.000Z',
    summary: 'Utskrifter',
    problems: [
      {
        title: 'Remissutskrift',
        size: 'large' as const,
        situation: { facts: 'Tre kliniker kan inte skriva ut', assumptions: 'Drivrutinen' },
        actions: 'Ny drivrutin testas',
        obstacles: 'Behöver fler tekniker',
        ideas: 'Support och Teknik tillsammans',
        sdReferences: ['SD-1042'],
      },
    ],
    runSchedule: 'Labbintegrationen flyttas till 14:00',
    toCommunicate: 'Skriv ut remisser från avdelningens skrivare',
  };
  const cosmic = {
    areaId: 'cosmic',
    reportedAt: '2026-11-27T08:30:00.000Z',
    summary: 'Bra',
    problems: [],
    greenReflections: 'Akuten jobbar helt i Cosmic',
  };
  const old = { areaId: 'cambio', reportedAt: '2026-11-27T06:30:00.000Z', summary: 'x', problems: [], toCommunicate: 'Gammalt' };

  it('item 1: a yellow area without a challenge reaches points 1–7 with each problem, its size and the three questions', () => {
    const a = buildAgenda(
      input({
        challenges: [],
        areaStatuses: [
          area('teknik', 'yellow', '2026-11-27T08:20:00.000Z', 'Utskrifter'),
          area('cosmic', 'green', '2026-11-27T08:30:00.000Z'),
        ],
        areaColoursAtPrevious: new Map(),
        areaReports: [teknik, cosmic],
      }),
    );
    const item = section(a, 'point6').items[0]!;
    expect(item.ref).toEqual({ type: 'area', id: 'teknik' });
    expect(item.details).toEqual([
      [
        'Remissutskrift (stor)',
        'Hur är läget? fakta: Tre kliniker kan inte skriva ut; antaganden: Drivrutinen',
        'På gång? Ny drivrutin testas',
        'Hinder på vägen? Behöver fler tekniker',
        'idéer: Support och Teknik tillsammans',
        'SD+: SD-1042',
      ].join(' – '),
    ]);
    expect(toRendering(a).sections.find((s) => s.title.startsWith('6.'))!.items[1]).toMatch(/^ {2}– Remissutskrift \(stor\)/);
    expect(renderHtml(a)).toContain('<ul><li>Remissutskrift (stor)');
  });

  it('item 2: points 8, 9 and 11 come from what the areas reported since the previous DSL', () => {
    const a = buildAgenda(input({ areaReports: [teknik, cosmic, old] }));
    expect(texts(a, 'point8')).toEqual(['Teknik: Labbintegrationen flyttas till 14:00']);
    expect(texts(a, 'point9')).toEqual(['Teknik: Skriv ut remisser från avdelningens skrivare']);
    expect(texts(a, 'point11')).toEqual(['Cosmic: Akuten jobbar helt i Cosmic']);
  });

  it('item 3: point 3 says a team is needed only where the raiser or DSL said so; triage, team and ideas on the line', () => {
    const base: AgendaChallenge = {
      id: 'a',
      title: 'Utan behov',
      colour: 'red',
      raisedAt: '2026-11-27T07:30:00.000Z',
      open: true,
      obstacles: 'Oklart',
    };
    const a = buildAgenda(
      input({
        challenges: [
          base,
          { ...base, id: 'b', title: 'Utmanaren vill ha team', needs: 'team', teamNeededBy: 'raiser', ideas: 'Cambio och Teknik' },
          {
            ...base,
            id: 'c',
            title: 'DSL startade team',
            needs: 'team',
            teamNeededBy: 'dsl',
            triage: { decision: 'startTeam', priority: 1, team: ['Teknik', 'Support'] },
          },
        ],
      }),
    );
    expect(texts(a, 'point3')).toEqual([
      'Utan behov – hinder: Oklart',
      'Utmanaren vill ha team – hinder: Oklart – behöver tvärprofessionellt team (enligt den som lyfte)',
      'DSL startade team – hinder: Oklart – behöver tvärprofessionellt team (DSL)',
    ]);
    const c = section(a, 'point2').items.find((i) => i.ref?.id === 'c')!;
    expect(c.details).toEqual(['DSL: tvärprofessionellt team startat · prioritet 1 · team: Teknik, Support', 'Hinder på vägen? Oklart']);
    expect(section(a, 'point2').items.find((i) => i.ref?.id === 'b')!.details).toContain('Idéer från den som lyfte: Cambio och Teknik');
    // DSL's priority orders point 4 before age.
    expect(section(a, 'point4').items.map((i) => i.ref?.id)).toEqual(['c', 'a', 'b']);
  });

  it('item 5: LGV lists each decision case once', () => {
    const a = buildAgenda({
      goLive,
      meeting: lgv,
      now: NOW,
      lang: 'sv',
      areaStatuses: [],
      unitStatuses: [],
      openIncidents: [],
      decisions: [
        {
          id: 'd',
          title: 'Utskrifter: extra tekniker?',
          forum: 'LGV',
          status: 'waiting',
          requestedAt: '2026-11-27T08:00:00.000Z',
          deadline: '2026-11-27T11:45:00.000Z',
          challengeId: 'c1',
        },
      ],
      challenges: [{ ...challenges[0]!, escalatedTo: 'LGV' }],
    });
    expect(texts(a, 'decisionCases')).toEqual(['Utskrifter: extra tekniker? (senast 12:45)']);
    expect(texts(a, 'escalations')).toEqual([]);
  });

  it('item 7: the trend arrows mean the same on the agenda as on the board (up = better)', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const i18n = fs.readFileSync(`${__dirname}/../../web/i18n.js`, 'utf8');
    const a = buildAgenda(
      input({
        areaStatuses: [area('cosmic', 'green', '2026-11-27T08:30:00.000Z'), area('teknik', 'red', '2026-11-27T08:30:00.000Z')],
        areaColoursAtPrevious: new Map([
          ['cosmic', 'red' as const],
          ['teknik', 'green' as const],
        ]),
      }),
    );
    const line = (id: string) =>
      renderText(a)
        .split('\n')
        .find((l) => l.includes(`${id === 'cosmic' ? 'Cosmic' : 'Teknik'}:`) && l.includes('förra mötet'))!;
    expect(line('cosmic')).toContain('↑ bättre');
    expect(line('teknik')).toContain('↓ sämre');
    expect(i18n).toContain("trend_better: '↑ Bättre'");
    expect(i18n).toContain("trend_worse: '↓ Sämre'");
  });
});
