import type { AreaStatus, Problem } from './area-report';
import type { Colour } from './colour';
import type { GoLive } from './golive';
import type { Incident } from './incident';
import { isMajor, noUpdateSince } from './incident';
import type { Meeting } from './meetings';
import type { Trend } from './overview';
import { TREND_ARROWS, trendOf } from './overview';
import { ReportingRules } from './golive';
import { localDay, localWhen, meetingTimes } from './local-time';
import { reportingMinutesBetween } from './reporting-time';
import { FORUM_NAMES } from './schedule';
import type { Forum } from './schedule';
import type { UnitStatus } from './unit-report';

/*
 * Agendas built from live state (R6): DSL in the eleven points of R6.1 with the "earlier /
 * new / moved forward" rules of R6.2 and each delivery area's colour and trend on top; CSL
 * per förvaltning (R6.3); LGV with P1/P2 incidents, decision cases and escalated needs (R6.4).
 * Challenges (R7) and decisions (R8) are optional inputs: the escalation engine supplies them;
 * without them the DSL's red and yellow events come from the areas' own colours.
 */

import type { Lang } from './lang';
export type { Lang };

/** A red or yellow challenge (R7.1) as the escalation engine hands it to the agenda. */
export interface AgendaChallenge {
  id: string;
  title: string;
  colour: 'red' | 'yellow';
  areaId?: string;
  /** When it was raised (R6.2: before the previous meeting = earlier, since = new). */
  raisedAt: string;
  /** Closed challenges appear only among the green reflections (point 11) when closed since the previous meeting. */
  open: boolean;
  /** The latest recorded change: state, colour, action or decision (R6.2 "moved forward"). */
  lastChangeAt?: string;
  /** What it needs from DSL (R7.2): a decision, a cross-functional team, or nothing yet. */
  needs?: 'decision' | 'team';
  /** Hinder på vägen? (R4.5), for point 3. */
  obstacles?: string;
  summary?: string;
  /** R7.4: not prioritised at the previous DSL; it stays on the agenda. */
  notPrioritised?: boolean;
  /** Escalated for a decision above DSL (R7.2 step 4); `LGV` puts it on the LGV agenda (R6.4). */
  escalatedTo?: 'ITD' | 'LGV';
  /** Who said a cross-functional team is needed (R7.3): the raiser, or DSL at triage. Only then does point 3 say so. */
  teamNeededBy?: 'raiser' | 'dsl';
  /** The raiser's ideas on how and by whom (R7.1). */
  ideas?: string;
  /** The three questions (R4.5): facts kept apart from assumptions, actions, and (above) obstacles. */
  facts?: string;
  assumptions?: string;
  actions?: string;
  sdReferences?: readonly string[];
  /** DSL's triage (R7.2): priority among the same colour, start a team or wait, who takes part. */
  triage?: { decision: 'startTeam' | 'wait'; priority?: number; team?: readonly string[] };
}

/** A delivery area's latest report as the agenda needs it (R4.5, R6.1 points 1–9 and 11). */
export interface AgendaAreaReport {
  areaId: string;
  reportedAt: string;
  summary: string;
  problems: readonly Problem[];
  /** What affects the go-live schedule (körschemat): point 8. */
  runSchedule?: string;
  /** What must be communicated to the care units: point 9. */
  toCommunicate?: string;
  /** Green reflections, where things go really well: point 11. */
  greenReflections?: string;
}

/** A decision (R8) as the escalation engine hands it to the agenda. */
export interface AgendaDecision {
  id: string;
  title: string;
  /** Who decides: ITD managers after DSL (R8.1), LGV (R8.2), the chief medical officer anchored in CSL (R8.3), or DSL. */
  forum: 'ITD' | 'LGV' | 'CSL' | 'DSL';
  status: 'waiting' | 'decided';
  requestedAt: string;
  deadline?: string;
  challengeId?: string;
}

export interface AgendaInput {
  goLive: Pick<GoLive, 'id' | 'timeZone' | 'areas' | 'forvaltningar' | 'people'> & Partial<Pick<GoLive, 'reporting'>>;
  meeting: Meeting;
  /** The previous meeting of the same forum (R6.2 "since the previous DSL", R6.3 "since the previous CSL"). */
  previous?: Pick<Meeting, 'id' | 'start'>;
  now: Date;
  lang: Lang;
  unitStatuses: readonly UnitStatus[];
  areaStatuses: readonly AreaStatus[];
  openIncidents: readonly Incident[];
  /**
   * Each area's colour at the previous meeting's start (null: no report by then), from its
   * report history; without it the trend compares with the colour before the latest report.
   */
  areaColoursAtPrevious?: ReadonlyMap<string, Colour | null>;
  /** Each unit's colour at the previous meeting's start, for units that reported since (CSL changes). */
  unitColoursAtPrevious?: ReadonlyMap<string, Colour | null>;
  /** Red and yellow challenges (R7); undefined until the escalation engine provides them. */
  challenges?: readonly AgendaChallenge[];
  /** Decisions (R8); undefined until the escalation engine provides them. */
  decisions?: readonly AgendaDecision[];
  /** Each area's latest report (problems with the three questions, points 8, 9, 11), when read. */
  areaReports?: readonly AgendaAreaReport[];
  /** Changed work practices not yet communicated in every förvaltning (R11.4): DSL point 9 until marked. */
  workPractices?: readonly { id: string; text: string; outstanding: readonly string[] }[];
  /** CSL's latest qualitative assessment per förvaltning (R11.1), for CSL's round the table and DSL point 10. */
  cslAssessments?: readonly CslAssessment[];
}

/** CSL's qualitative assessment of a förvaltning's obstacles and risks, agreed with its rollout organisation (R11.1). */
export interface CslAssessment {
  forvaltningId: string;
  text: string;
  agreedWith?: string;
  at: string;
  by: string;
}

export interface AgendaItem {
  text: string;
  colour?: Colour;
  /** R6.2: raised before the previous meeting and still open (`earlier`), or since (`new`). */
  age?: 'earlier' | 'new';
  /** R6.2: any recorded change since the previous meeting. */
  movedForward?: boolean;
  trend?: Trend;
  overdue?: boolean;
  /** Lines under the item: each problem with its size and the three questions, ideas, SD+ (R4.5, R7). */
  details?: string[];
  ref?: { type: 'area' | 'unit' | 'incident' | 'challenge' | 'decision' | 'forvaltning'; id: string };
  /** The item's stable key on this meeting's agenda (set as the API answers, discussed.ts). */
  key?: string;
  /** Ticked off as discussed at this meeting by its chair or coordinator: who and when (issue 16). */
  discussed?: { by: string; at: string };
}

export interface AgendaSection {
  key: string;
  /** The routine's point number (R6.1 1–11, R6.3 1–2, R6.4 1–3); none for information blocks. */
  number?: number;
  title: string;
  /** The routine's follow-up questions, e.g. "a) Behövs det … beslut eller tvärprofessionellt team?" */
  prompts: string[];
  items: AgendaItem[];
}

export interface Agenda {
  goLiveId: string;
  meetingId: string;
  forum: Forum;
  lang: Lang;
  title: string;
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  timeZone: string;
  generatedAt: string;
  previousMeeting: { id: string; start: string } | null;
  /** Where the red and yellow events came from (DSL): the escalation engine's challenges, or the areas' colours until it exists. */
  eventSource: 'challenges' | 'areaStatus' | 'none';
  sections: AgendaSection[];
  /**
   * Set when this is the agenda as it was sent before the meeting (R6.5), read after the
   * meeting: when it was sent, the line people read about it, and where the live one is.
   */
  asSent?: { sentAt: string; note: string; live: string; liveText: string };
}

/** The generic shape notification templates render (`data.agenda`). */
export interface AgendaRendering {
  title: string;
  /** When, as people read it: "fre 27 nov 10:00–10:30". */
  when?: string;
  sections: { title: string; items: string[] }[];
}

const DEFAULT_REPORTING = ReportingRules.parse({});

type T = { sv: string; en: string };
const t = (sv: string, en: string): T => ({ sv, en });

/** The colours' words in the agenda's text (and its rendering, `shared/rendering/agenda.ts`). */
export const COLOUR_WORDS: Record<Colour, T> = { red: t('röd', 'red'), yellow: t('gul', 'yellow'), green: t('grön', 'green') };
/** A trend's words, arrow first, as an item's tag. */
export const TREND_WORDS: Record<Trend, T> = {
  better: t(`${TREND_ARROWS.better} bättre sedan förra mötet`, `${TREND_ARROWS.better} better since the previous meeting`),
  worse: t(`${TREND_ARROWS.worse} sämre sedan förra mötet`, `${TREND_ARROWS.worse} worse since the previous meeting`),
  same: t(`${TREND_ARROWS.same} oförändrad`, `${TREND_ARROWS.same} unchanged`),
  new: t(`${TREND_ARROWS.new} ny sedan förra mötet`, `${TREND_ARROWS.new} new since the previous meeting`),
};

const SIZE: Record<Problem['size'], T> = {
  veryLarge: t('mycket stor', 'very large'),
  large: t('stor', 'large'),
  small: t('liten', 'small'),
};

const DSL_POINTS: { title: T; prompts: T[] }[] = [
  {
    title: t(
      'Hur har det gått med tidigare röda händelser? Har de flyttats framåt? Om inte, vad hindrar dem från att förflyttas?',
      'Earlier red events: have they moved forward? If not, what stops them?',
    ),
    prompts: [
      t(
        'a) Behövs det någon form av beslut eller tvärprofessionellt team för att lösa ut problemet?',
        'a) Is a decision or a cross-functional team needed to solve the problem?',
      ),
    ],
  },
  {
    title: t('Finns det några nya röda händelser?', 'Any new red events?'),
    prompts: [t('a) Vad är det som gör att ni flaggar rött?', 'a) What makes you flag red?')],
  },
  {
    title: t('Finns det något som hindrar er från att lösa problemet?', 'Is anything stopping you from solving the problem?'),
    prompts: [
      t(
        'a) Behövs det någon form av beslut eller tvärprofessionellt team för att lösa ut problemet?',
        'a) Is a decision or a cross-functional team needed to solve the problem?',
      ),
    ],
  },
  {
    title: t('Behöver vi prioritera mellan de röda utmaningar vi har?', 'Do we need to prioritise between the red challenges?'),
    prompts: [
      t(
        'a) Hur påverkar de verksamheten? Vad tycker ni i verksamheten att vi ska fokusera på först och främst?',
        'a) How do they affect care? What does care want us to focus on first?',
      ),
    ],
  },
  { title: t('Hur har det gått med tidigare gula händelser?', 'Earlier yellow events?'), prompts: [] },
  { title: t('Finns det några nya gula händelser?', 'Any new yellow events?'), prompts: [] },
  { title: t('Behöver vi prioritera mellan de gula ärendena?', 'Do we need to prioritise between the yellow ones?'), prompts: [] },
  { title: t('Finns det något som påverkar körschemat?', 'Anything affecting the run schedule (körschemat)?'), prompts: [] },
  { title: t('Något som behöver kommuniceras till verksamheterna?', 'Anything to communicate to the care units?'), prompts: [] },
  {
    title: t(
      'Behöver CSL någon mer information kopplat till de röda eller gula utmaningarna?',
      'Does CSL need more information on the red or yellow challenges?',
    ),
    prompts: [],
  },
  {
    title: t(
      'Några intressanta gröna reflektioner där det går riktigt bra?',
      'Interesting green reflections, where things go really well?',
    ),
    prompts: [],
  },
];

interface Ctx {
  input: AgendaInput;
  lang: Lang;
  since: string | undefined;
  tx: (x: T) => string;
  time: (instant: string) => string;
}

/** An event of points 1–7: a challenge, or an area's own red/yellow colour until challenges exist. */
interface Event {
  item: AgendaItem;
  colour: 'red' | 'yellow';
  raisedAt: string;
  challenge?: AgendaChallenge;
  report?: AgendaAreaReport;
}

/** Builds the agenda of a meeting from the state at `now` (R6). Pure. */
export function buildAgenda(input: AgendaInput): Agenda {
  const { meeting, goLive, lang } = input;
  const zone = goLive.timeZone;
  const ctx: Ctx = {
    input,
    lang,
    since: input.previous?.start,
    tx: (x) => x[lang],
    // No time-zone work per line (issue 17): the offset once per hour of the instants.
    time: meetingTimes(zone, meeting.start),
  };
  const forumSections = FORUM_SECTIONS[meeting.forum](ctx);
  // R5.1, issue 15 item 9: an extra meeting's agenda opens with why it was called.
  const sections: AgendaSection[] =
    meeting.source === 'adHoc' && meeting.reason
      ? [
          {
            key: 'reason',
            title: lang === 'sv' ? 'Varför mötet kallats' : 'Why the meeting was called',
            prompts: [],
            items: [{ text: meeting.reason }],
          },
          ...forumSections,
        ]
      : forumSections;
  const kind = meeting.source === 'adHoc' ? (lang === 'sv' ? 'extra möte' : 'extra meeting') : lang === 'sv' ? 'dagordning' : 'agenda';
  return {
    goLiveId: goLive.id,
    meetingId: meeting.id,
    forum: meeting.forum,
    lang,
    title: `${FORUM_NAMES[meeting.forum][lang]} – ${kind} ${localDay(zone, meeting.start)[lang]} ${meeting.localStart.slice(11)}`,
    start: meeting.start,
    end: meeting.end,
    localStart: meeting.localStart,
    localEnd: meeting.localEnd,
    timeZone: zone,
    generatedAt: input.now.toISOString(),
    previousMeeting: input.previous ? { id: input.previous.id, start: input.previous.start } : null,
    eventSource: meeting.forum !== 'DSL' ? 'none' : input.challenges ? 'challenges' : 'areaStatus',
    sections,
  };
}

const isOverdue = (d: AgendaDecision, now: Date) => d.status === 'waiting' && d.deadline !== undefined && d.deadline <= now.toISOString();

/** R8.4: an overdue decision heads the next agenda of DSL and of the deciding forum. */
function overdueDecisionsSection(ctx: Ctx, forums: AgendaDecision['forum'][] | 'all', always: boolean): AgendaSection[] {
  const overdue = (ctx.input.decisions ?? []).filter((d) => isOverdue(d, ctx.input.now) && (forums === 'all' || forums.includes(d.forum)));
  if (!overdue.length && !always) return [];
  return [
    {
      key: 'overdueDecisions',
      title: ctx.tx(t('Försenade beslut', 'Overdue decisions')),
      prompts: [],
      items: overdue
        .sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''))
        .map((d) => ({
          text: `${d.title} (${d.forum}, ${ctx.tx(t('skulle ha fattats', 'due'))} ${ctx.time(d.deadline!)})`,
          overdue: true,
          ref: { type: 'decision', id: d.id },
        })),
    },
  ];
}

function areaLine(ctx: Ctx, s: AreaStatus | undefined, name: string): string {
  if (!s) return `${name}: ${ctx.tx(t('ingen rapport', 'no report'))}`;
  const late =
    ctx.since !== undefined && s.reportedAt < ctx.since
      ? ` – ${ctx.tx(t('ingen ny rapport sedan förra mötet', 'no new report since the previous meeting'))}`
      : '';
  return `${name}: ${s.summary} (${ctx.tx(t('rapport', 'report'))} ${ctx.time(s.reportedAt)})${late}`;
}

/** The three questions (R4.5), ideas and SD+ of one logged problem, as one line. */
function problemLine(ctx: Ctx, p: Problem): string {
  const { tx } = ctx;
  const parts = [`${p.title} (${tx(SIZE[p.size])})`];
  if (p.situation)
    parts.push(
      `${tx(t('Hur är läget?', 'Situation?'))} ${tx(t('fakta', 'facts'))}: ${p.situation.facts}${p.situation.assumptions ? `; ${tx(t('antaganden', 'assumptions'))}: ${p.situation.assumptions}` : ''}`,
    );
  if (p.actions) parts.push(`${tx(t('På gång?', 'Under way?'))} ${p.actions}`);
  if (p.obstacles) parts.push(`${tx(t('Hinder på vägen?', 'Obstacles?'))} ${p.obstacles}`);
  if (p.ideas) parts.push(`${tx(t('idéer', 'ideas'))}: ${p.ideas}`);
  if (p.sdReferences?.length) parts.push(`SD+: ${p.sdReferences.join(', ')}`);
  return parts.join(' – ');
}

/** A challenge's three questions, the raiser's ideas, DSL's triage and SD+ (R4.5, R7.1–R7.3, R7.5). */
function challengeDetails(ctx: Ctx, c: AgendaChallenge): string[] {
  const { tx } = ctx;
  const out: string[] = [];
  if (c.triage) {
    const head =
      c.triage.decision === 'startTeam'
        ? tx(t('DSL: tvärprofessionellt team startat', 'DSL: cross-functional team started'))
        : tx(t('DSL: avvakta', 'DSL: wait'));
    const prio = c.triage.priority !== undefined ? ` · ${tx(t('prioritet', 'priority'))} ${c.triage.priority}` : '';
    const team = c.triage.team?.length ? ` · ${tx(t('team', 'team'))}: ${c.triage.team.join(', ')}` : '';
    out.push(`${head}${prio}${team}`);
  }
  if (c.facts || c.assumptions) {
    const facts = c.facts ? ` ${tx(t('fakta', 'facts'))}: ${c.facts}` : '';
    const assumptions = c.assumptions ? `${c.facts ? ';' : ''} ${tx(t('antaganden', 'assumptions'))}: ${c.assumptions}` : '';
    out.push(`${tx(t('Hur är läget?', 'Situation?'))}${facts}${assumptions}`);
  }
  if (c.actions) out.push(`${tx(t('På gång?', 'Under way?'))} ${c.actions}`);
  if (c.obstacles) out.push(`${tx(t('Hinder på vägen?', 'Obstacles?'))} ${c.obstacles}`);
  if (c.ideas) out.push(`${tx(t('Idéer från den som lyfte', 'Ideas from the raiser'))}: ${c.ideas}`);
  if (c.sdReferences?.length) out.push(`SD+: ${c.sdReferences.join(', ')}`);
  return out;
}

const teamNeeded = (ctx: Ctx, c: AgendaChallenge): string =>
  c.teamNeededBy === 'dsl'
    ? ctx.tx(t('behöver tvärprofessionellt team (DSL)', 'needs a cross-functional team (DSL)'))
    : ctx.tx(t('behöver tvärprofessionellt team (enligt den som lyfte)', 'needs a cross-functional team (says the raiser)'));

function dslSections(ctx: Ctx): AgendaSection[] {
  const { input, since, tx } = ctx;
  const status = new Map(input.areaStatuses.map((s) => [s.areaId, s]));
  const before = (areaId: string): Colour | null | undefined =>
    input.areaColoursAtPrevious
      ? input.areaColoursAtPrevious.has(areaId)
        ? input.areaColoursAtPrevious.get(areaId)!
        : null
      : status.get(areaId)?.previousColour;
  const areaItems: AgendaItem[] = input.goLive.areas.map((a) => {
    const s = status.get(a.id);
    const prev = before(a.id);
    return {
      text: areaLine(ctx, s, a.name),
      ...(s ? { colour: s.colour, trend: trendOf(s.colour, prev ?? undefined) } : {}),
      ref: { type: 'area', id: a.id },
    };
  });

  const incidents = input.openIncidents
    .filter((i) => i.status === 'open' && isMajor(i))
    .sort((a, b) => a.priority - b.priority || a.openedAt.localeCompare(b.openedAt))
    .map((i) => incidentItem(ctx, i));

  const events = dslEvents(ctx, status, before);
  const red = events.filter((e) => e.colour === 'red');
  const yellow = events.filter((e) => e.colour === 'yellow');
  const earlier = (list: Event[]) => list.filter((e) => e.item.age === 'earlier').map((e) => e.item);
  const fresh = (list: Event[]) => list.filter((e) => e.item.age === 'new').map((e) => e.item);
  const prioritise = (list: Event[]) => (list.length >= 2 ? [...list].sort(byPriority).map((e) => e.item) : []);
  const areaName = new Map(input.goLive.areas.map((a) => [a.id, a.name]));
  // Point 3: what hinders, and a decision or team only where someone said it is needed (R7.2, R7.3).
  const obstacles: AgendaItem[] = [];
  for (const e of red) {
    if (e.challenge) {
      const c = e.challenge;
      if (!c.obstacles && !c.needs) continue;
      const needs = c.needs === 'decision' ? tx(t('behöver beslut', 'needs a decision')) : c.needs === 'team' ? teamNeeded(ctx, c) : '';
      obstacles.push({
        ...e.item,
        details: [],
        text: `${c.title}${c.obstacles ? ` – ${tx(t('hinder', 'obstacles'))}: ${c.obstacles}` : ''}${needs ? ` – ${needs}` : ''}`,
      });
    } else if (e.report) {
      const hinders = e.report.problems.filter((p) => p.obstacles).map((p) => `${p.title}: ${p.obstacles}`);
      if (hinders.length)
        obstacles.push({
          ...e.item,
          details: [],
          text: `${areaName.get(e.report.areaId) ?? e.report.areaId} – ${tx(t('hinder', 'obstacles'))}: ${hinders.join('; ')}`,
        });
    }
  }

  const redUnits = input.unitStatuses.filter((u) => u.colour === 'red').length;
  const yellowUnits = input.unitStatuses.filter((u) => u.colour === 'yellow').length;
  const cslInfo: AgendaItem[] =
    redUnits + yellowUnits > 0
      ? [
          {
            text: tx(
              t(
                `Vårdenheter just nu: ${redUnits} röda, ${yellowUnits} gula (R3).`,
                `Care units now: ${redUnits} red, ${yellowUnits} yellow (R3).`,
              ),
            ),
          },
        ]
      : [];
  // R11.1: CSL's qualitative assessment per förvaltning reaches DSL under point 10.
  for (const f of input.goLive.forvaltningar) {
    const a = (input.cslAssessments ?? []).find((x) => x.forvaltningId === f.id);
    if (a) cslInfo.push(assessmentItem(ctx, a, f.name, true));
  }

  // Points 8, 9 and 11 from what the areas reported since the previous DSL (R6.1).
  const fresher = (input.areaReports ?? []).filter((r) => since === undefined || r.reportedAt >= since);
  const said = (field: 'runSchedule' | 'toCommunicate' | 'greenReflections'): AgendaItem[] =>
    fresher
      .filter((r) => r[field])
      .map((r) => ({ text: `${areaName.get(r.areaId) ?? r.areaId}: ${r[field]}`, ref: { type: 'area', id: r.areaId } }));

  // Point 11: areas back to green since the previous DSL, and challenges closed since then.
  const green: AgendaItem[] = [];
  for (const a of input.goLive.areas) {
    const s = status.get(a.id);
    const prev = before(a.id);
    if (s?.colour === 'green' && (prev === 'red' || prev === 'yellow'))
      green.push({
        text: `${a.name}: ${tx(COLOUR_WORDS[prev])} → ${tx(COLOUR_WORDS.green)}`,
        colour: 'green',
        trend: 'better',
        ref: { type: 'area', id: a.id },
      });
  }
  for (const c of input.challenges ?? [])
    if (!c.open && since !== undefined && (c.lastChangeAt ?? '') >= since)
      green.push({ text: `${c.title} – ${tx(t('löst', 'resolved'))}`, colour: 'green', ref: { type: 'challenge', id: c.id } });
  green.push(...said('greenReflections').map((i) => ({ ...i, colour: 'green' as const })));

  const communicate = [
    ...said('toCommunicate'),
    ...(input.workPractices ?? []).map((w) => ({
      text: `${tx(t('Ändrat arbetssätt', 'Changed work practice'))}: ${w.text} – ${tx(t('ej kommunicerat i', 'not yet communicated in'))}: ${w.outstanding.join(', ')}`,
      ref: { type: 'decision' as const, id: w.id },
    })),
  ];
  const points: AgendaItem[][] = [
    earlier(red),
    fresh(red),
    obstacles,
    prioritise(red),
    earlier(yellow),
    fresh(yellow),
    prioritise(yellow),
    said('runSchedule'),
    communicate,
    cslInfo,
    green,
  ];
  return [
    ...overdueDecisionsSection(ctx, 'all', false),
    {
      key: 'areas',
      title: tx(t('Leveransområdenas status och trend sedan förra DSL', 'Delivery areas: colour and trend since the previous DSL')),
      prompts: [],
      items: areaItems,
    },
    {
      key: 'incidents',
      title: tx(t('Incidenter prioritet 1 och 2 (IM)', 'Priority 1 and 2 incidents (IM)')),
      prompts: [],
      items: incidents,
    },
    ...DSL_POINTS.map((p, i) => ({
      key: `point${i + 1}`,
      number: i + 1,
      title: tx(p.title),
      prompts: p.prompts.map(tx),
      items: points[i]!,
    })),
  ];
}

/** Points 4 and 7: DSL's priority first (R7.2), then the oldest. */
function byPriority(a: Event, b: Event): number {
  const pa = a.challenge?.triage?.priority ?? Number.MAX_SAFE_INTEGER;
  const pb = b.challenge?.triage?.priority ?? Number.MAX_SAFE_INTEGER;
  return pa - pb || a.raisedAt.localeCompare(b.raisedAt);
}

/**
 * R6.2 applied to the DSL's red and yellow events: every red or yellow area (with its summary
 * and each problem's three questions, R4.5), with or without a challenge, and every open
 * challenge (R7) with its questions, ideas, triage and SD+.
 */
function dslEvents(ctx: Ctx, status: Map<string, AreaStatus>, before: (areaId: string) => Colour | null | undefined): Event[] {
  const { input, since, tx } = ctx;
  const changedSince = (at: string | undefined) => since !== undefined && at !== undefined && at >= since;
  const reports = new Map((input.areaReports ?? []).map((r) => [r.areaId, r]));
  const out: Event[] = [];
  // Each red or yellow area is an event; it is earlier when the area was already red or yellow at the previous DSL.
  for (const a of input.goLive.areas) {
    const s = status.get(a.id);
    if (!s || s.colour === 'green') continue;
    const prev = before(a.id);
    const age: 'earlier' | 'new' = since !== undefined && (prev === 'red' || prev === 'yellow') ? 'earlier' : 'new';
    const report = reports.get(a.id);
    const details = report && report.reportedAt === s.reportedAt ? report.problems.map((p) => problemLine(ctx, p)) : [];
    out.push({
      colour: s.colour,
      raisedAt: age === 'earlier' ? '' : s.reportedAt,
      ...(report ? { report } : {}),
      item: {
        text: areaLine(ctx, s, a.name),
        colour: s.colour,
        age,
        ...(age === 'earlier' ? { movedForward: changedSince(s.reportedAt) } : {}),
        ...(details.length ? { details } : {}),
        ref: { type: 'area', id: a.id },
      },
    });
  }
  if (!input.challenges) return out;
  const areaName = new Map(input.goLive.areas.map((a) => [a.id, a.name]));
  for (const c of input.challenges) {
    if (!c.open) continue;
    const age: 'earlier' | 'new' = since !== undefined && c.raisedAt < since ? 'earlier' : 'new';
    const area = c.areaId ? `${areaName.get(c.areaId) ?? c.areaId}: ` : '';
    const flags = [c.notPrioritised ? tx(t('ej prioriterad vid förra DSL', 'not prioritised at the previous DSL')) : '', c.summary ?? '']
      .filter(Boolean)
      .join(' – ');
    const details = challengeDetails(ctx, c);
    out.push({
      colour: c.colour,
      raisedAt: c.raisedAt,
      challenge: c,
      item: {
        text: `${area}${c.title}${flags ? ` – ${flags}` : ''}`,
        colour: c.colour,
        age,
        ...(age === 'earlier' ? { movedForward: changedSince(c.lastChangeAt) } : {}),
        ...(details.length ? { details } : {}),
        ref: { type: 'challenge', id: c.id },
      },
    });
  }
  return out;
}

function assessmentItem(ctx: Ctx, a: CslAssessment, forvaltning: string, named: boolean): AgendaItem {
  const { tx } = ctx;
  const agreed = a.agreedWith ? `, ${tx(t('förankrad med', 'agreed with'))} ${a.agreedWith}` : '';
  const head = `${named ? `${forvaltning} – ` : ''}${tx(t('CSL:s bedömning', "CSL's assessment"))} (${a.by}, ${ctx.time(a.at)}${agreed})`;
  return { text: `${head}: ${a.text}`, ref: { type: 'forvaltning', id: a.forvaltningId } };
}

function incidentItem(ctx: Ctx, i: Incident): AgendaItem {
  const { tx, since } = ctx;
  const last = i.updates.at(-1);
  const stale = since !== undefined && i.lastUpdateAt < since;
  // IM's update cadence (issue 15 item 2): "ingen uppdatering sedan 21:40" once past due.
  const late = noUpdateSince(ctx.input.goLive, i, ctx.input.now.toISOString());
  const parts = [
    `P${i.priority} ${i.title}${i.sdReference ? ` (${i.sdReference})` : ''}`,
    last ? `${tx(t('senast', 'latest'))} ${ctx.time(last.at)}: ${last.text}` : `${tx(t('öppnad', 'opened'))} ${ctx.time(i.openedAt)}`,
    late ? late[ctx.lang] : stale ? tx(t('ingen uppdatering sedan förra mötet', 'no update since the previous meeting')) : '',
  ].filter(Boolean);
  return { text: parts.join(' – '), colour: i.priority === 1 ? 'red' : 'yellow', ref: { type: 'incident', id: i.id } };
}

function cslSections(ctx: Ctx): AgendaSection[] {
  const { input, tx, since } = ctx;
  const status = new Map(input.unitStatuses.map((s) => [s.unitId, s]));
  const people = input.goLive.people;
  const rules = input.goLive.reporting ?? DEFAULT_REPORTING;
  const assessments = new Map((input.cslAssessments ?? []).map((a) => [a.forvaltningId, a]));
  const sections: AgendaSection[] = [
    ...overdueDecisionsSection(ctx, ['CSL'], false),
    {
      key: 'roundTable',
      number: 1,
      title: tx(
        t(
          '”Laget runt” där varje förvaltningsrepresentant rapporterar det som inte går enligt plan och hur det påverkar eller kommer att påverka verksamheten',
          'Round the table: each förvaltning representative reports what does not go to plan and how it affects or will affect care',
        ),
      ),
      prompts: [],
      items: [],
    },
  ];
  for (const f of input.goLive.forvaltningar) {
    const counts = { red: 0, yellow: 0, green: 0, missing: 0 };
    const items: AgendaItem[] = [];
    const changes: AgendaItem[] = [];
    const missing: string[] = [];
    for (const u of f.units) {
      const s = status.get(u.id);
      if (!s) {
        counts.missing++;
        missing.push(u.name);
        continue;
      }
      counts[s.colour]++;
      const prev = input.unitColoursAtPrevious?.has(u.id) ? input.unitColoursAtPrevious.get(u.id)! : undefined;
      const reportedSince = since !== undefined && s.reportedAt >= since;
      const change =
        reportedSince && prev !== undefined && prev !== s.colour
          ? `${prev === null ? tx(t('ny', 'new')) : tx(COLOUR_WORDS[prev])} → ${tx(COLOUR_WORDS[s.colour])}`
          : '';
      if (s.colour !== 'green')
        items.push({
          text: `${u.name} (${tx(COLOUR_WORDS[s.colour])}, ${ctx.time(s.reportedAt)}${change ? `, ${change}` : ''}): ${s.explanation}`,
          colour: s.colour,
          ...(change && prev !== undefined ? { trend: trendOf(s.colour, prev ?? undefined) } : {}),
          ref: { type: 'unit', id: u.id },
        });
      else if (change)
        changes.push({
          text: `${u.name}: ${change}`,
          colour: 'green',
          trend: trendOf('green', prev ?? undefined),
          ref: { type: 'unit', id: u.id },
        });
    }
    items.sort((a, b) => (a.colour === b.colour ? 0 : a.colour === 'red' ? -1 : 1));
    if (missing.length)
      items.push({ text: `${tx(t('Saknar rapport', 'No report'))}: ${missing.join(', ')}`, ref: { type: 'forvaltning', id: f.id } });
    // R3.3: a colour older than the stale limit (in reporting time) is not shown as current.
    const stale = f.units.filter((u) => {
      const st = status.get(u.id);
      return (
        st !== undefined &&
        reportingMinutesBetween(new Date(st.reportedAt), input.now, input.goLive.timeZone, rules) > rules.staleAfterMinutes
      );
    });
    if (stale.length)
      items.push({
        text: `${tx(t('Inaktuell rapport', 'Stale report'))}: ${stale.map((u) => `${u.name} (${tx(COLOUR_WORDS[status.get(u.id)!.colour])} ${ctx.time(status.get(u.id)!.reportedAt)})`).join(', ')}`,
        ref: { type: 'forvaltning', id: f.id },
      });
    const reps = people.filter((p) => p.roles.includes('cslRepresentative') && p.forvaltningId === f.id).map((p) => p.name);
    if (!reps.length)
      items.push({
        text: tx(t('Ingen CSL-representant för förvaltningen', 'No CSL representative for this förvaltning')),
        ref: { type: 'forvaltning', id: f.id },
      });
    const assessment = assessments.get(f.id);
    if (assessment) items.unshift(assessmentItem(ctx, assessment, f.name, false));
    const head = tx(
      t(
        `röd ${counts.red}, gul ${counts.yellow}, grön ${counts.green}, saknas ${counts.missing}`,
        `red ${counts.red}, yellow ${counts.yellow}, green ${counts.green}, missing ${counts.missing}`,
      ),
    );
    sections.push({
      key: `forvaltning:${f.id}`,
      title: `${f.name} – ${head}${reps.length ? ` (${reps.join(', ')})` : ''}`,
      prompts: [],
      items: [...items, ...changes],
    });
  }
  const waiting = (input.decisions ?? []).filter((d) => d.forum === 'CSL' && d.status === 'waiting' && !isOverdue(d, input.now));
  sections.push({
    key: 'decisions',
    number: 2,
    title: tx(t('Beslut om åtgärder och fördelning av eventuella aktiviteter', 'Decisions on actions and who does what')),
    prompts: [],
    items: waiting.map((d) => ({ text: d.title, ref: { type: 'decision', id: d.id } })),
  });
  return sections;
}

function lgvSections(ctx: Ctx): AgendaSection[] {
  const { input, tx } = ctx;
  const incidents = input.openIncidents
    .filter((i) => i.status === 'open' && isMajor(i))
    .sort((a, b) => a.priority - b.priority || a.openedAt.localeCompare(b.openedAt))
    .map((i) => incidentItem(ctx, i));
  const waiting = (input.decisions ?? []).filter((d) => d.forum === 'LGV' && d.status === 'waiting' && !isOverdue(d, input.now));
  // Each decision case once (R6.4): a challenge whose LGV decision is listed above is not repeated as an escalated need.
  const listed = new Set(
    (input.decisions ?? []).filter((d) => d.forum === 'LGV' && d.status === 'waiting' && d.challengeId).map((d) => d.challengeId!),
  );
  const escalated = (input.challenges ?? []).filter((c) => c.open && c.escalatedTo === 'LGV' && !listed.has(c.id));
  return [
    ...overdueDecisionsSection(ctx, ['LGV'], true),
    {
      key: 'incidents',
      number: 1,
      title: tx(t('Incidenter av prioritet 1 och 2', 'Priority 1 and 2 incidents')),
      prompts: [],
      items: incidents,
    },
    {
      key: 'decisionCases',
      number: 2,
      title: tx(t('Beslutsärenden som väntar på LGV', 'Decision cases waiting for LGV')),
      prompts: [],
      items: waiting.map((d) => ({
        text: `${d.title}${d.deadline ? ` (${tx(t('senast', 'by'))} ${ctx.time(d.deadline)})` : ''}`,
        ref: { type: 'decision', id: d.id },
      })),
    },
    {
      key: 'escalations',
      number: 3,
      title: tx(
        t(
          'Eskalerade behov av förutsättningar, beslut, konsekvenser och åtgärder',
          'Escalated needs: prerequisites, decisions, consequences, actions',
        ),
      ),
      prompts: [],
      items: escalated.map((c) => ({
        text: `${c.title}${c.summary ? ` – ${c.summary}` : ''}`,
        colour: c.colour,
        ref: { type: 'challenge', id: c.id },
      })),
    },
  ];
}

/**
 * The agenda as it was sent (R6.5, issue 14 item 6), marked so: "Dagordningen som den skickades
 * fre 27 nov 07:50, före mötet." with a link to the agenda as it stands now. Pure.
 */
export function markAsSent(agenda: Agenda, sentAt: string, live: string): Agenda {
  const when = localWhen(agenda.timeZone, sentAt, agenda.start)[agenda.lang];
  return {
    ...agenda,
    asSent: {
      sentAt,
      note:
        agenda.lang === 'sv'
          ? `Dagordningen som den skickades ${when}, före mötet.`
          : `The agenda as it was sent at ${when}, before the meeting.`,
      live,
      liveText: agenda.lang === 'sv' ? 'Se dagordningen som den ser ut nu' : 'See the agenda as it stands now',
    },
  };
}

/** Each forum's own sections (R6.1, R6.3, R6.4): a new forum does not compile until it has its entry here. */
const FORUM_SECTIONS: Record<Forum, (ctx: Ctx) => AgendaSection[]> = { DSL: dslSections, CSL: cslSections, LGV: lgvSections };
