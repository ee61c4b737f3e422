/**
 * The escalation's transition table (issue 19 item 3, R7, R8) is the one source: the state
 * diagram in docs/escalation.md names exactly its cells (both ways), and the domain's
 * applyEvent / applyDeadline take exactly the steps it lists, leading where it says.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  applyDeadline,
  applyEvent,
  escalationState,
  type Challenge,
  type ChallengeEvent,
  type MeetingSlot,
} from '../../shared/escalation/domain/challenge';
import {
  CLOCK_STEPS,
  ESCALATION_COMMANDS,
  ESCALATION_STATES,
  INITIAL,
  TRANSITIONS,
  type Command,
  type EscalationState,
} from '../../shared/escalation/domain/transitions';
import { DomainError } from '../../shared/domain/errors';
import { makeChallenge } from '../builders';

const DOC = path.resolve(__dirname, '../../docs/escalation.md');

/** The arrows of the first mermaid stateDiagram in the doc: `from --> to: step · words`. */
function diagram(markdown: string) {
  const block = /```mermaid\n(stateDiagram-v2\n[\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('no mermaid stateDiagram-v2 in docs/escalation.md');
  const cells: string[] = [];
  const initial: string[] = [];
  const final: string[] = [];
  for (const line of block.split('\n').slice(1)) {
    const t = line.trim();
    if (!t || t.startsWith('%%')) continue;
    const m = /^(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)\s*(?::\s*(\w+)\b.*)?$/.exec(t);
    if (!m) throw new Error(`unreadable line in the state diagram: ${t}`);
    const [, from, to, step] = m;
    if (to === '[*]') final.push(from!);
    else if (from === '[*]') initial.push(`${step} → ${to}`);
    else if (!step) throw new Error(`an arrow without its step first: ${t}`);
    else cells.push(`${from} --${step}--> ${to}`);
  }
  return { cells: cells.sort(), initial, final: final.sort() };
}

const tableCells = () =>
  ESCALATION_STATES.flatMap((from) => Object.entries(TRANSITIONS[from]).map(([step, to]) => `${from} --${step}--> ${to}`)).sort();

describe('the state diagram in docs/escalation.md is the transition table', () => {
  const doc = diagram(fs.readFileSync(DOC, 'utf8'));

  it('every arrow of the diagram is a cell of the table, and every cell an arrow', () => {
    expect(doc.cells).toEqual(tableCells());
  });

  it('the process starts where the table says, and ends in the states that take no step', () => {
    expect(doc.initial).toEqual([`${INITIAL.step} → ${INITIAL.state}`]);
    expect(doc.final).toEqual(ESCALATION_STATES.filter((s) => Object.keys(TRANSITIONS[s]).length === 0).sort());
  });

  it('the check bites: a missing or an extra arrow is seen', () => {
    const cells = tableCells();
    const fewer = diagram(fs.readFileSync(DOC, 'utf8').replace(/\n\s*overdue --> withdrawn: withdraw[^\n]*/, '')).cells;
    expect(fewer).not.toEqual(cells);
    expect(cells.filter((c) => !fewer.includes(c))).toEqual(['overdue --withdraw--> withdrawn']);
  });

  it('names only known states and steps', () => {
    const steps = new Set<string>([...ESCALATION_COMMANDS, ...CLOCK_STEPS]);
    for (const c of doc.cells) {
      const [, from, step, to] = /^(\w+) --(\w+)--> (\w+)$/.exec(c)!;
      expect(ESCALATION_STATES).toContain(from);
      expect(ESCALATION_STATES).toContain(to);
      expect(steps.has(step!)).toBe(true);
    }
  });
});

// --- The domain follows the table, cell by cell ---

const at = (hhmm: string) => `2026-11-28T${hhmm}:00.000Z`;
const meetings: MeetingSlot[] = [
  { forum: 'DSL', start: at('08:00'), end: at('08:30') },
  { forum: 'DSL', start: at('09:00'), end: at('09:30') },
  { forum: 'DSL', start: at('12:00'), end: at('12:30') },
];
const raised: Challenge = makeChallenge({
  id: 'c1',
  goLiveId: 'g',
  raisedAt: at('08:10'),
  triageDeadline: at('09:30'),
  notTriagedNotified: false,
});

const EVENTS: Record<Command, ChallengeEvent> = {
  triage: { type: 'triage', input: { decision: 'startTeam', participants: ['Teknik'] } },
  decisionRequest: { type: 'decisionRequest', input: { level: 'itd', question: 'Fler tekniker?' }, deadline: at('10:00') },
  decision: { type: 'decision', input: { decision: 'Ja', rationale: 'Kön växer', decidedBy: 'Ida' } },
  update: { type: 'update', input: { actions: 'Felsöker drivrutinen' } },
  resolve: { type: 'resolve', input: { reason: 'Utrullat' } },
  withdraw: { type: 'withdraw', input: { reason: 'Dubblett' } },
};

let n = 0;
const send = (c: Challenge, command: Command, now = at('09:10')) => applyEvent(c, EVENTS[command], { eventId: `e${++n}`, now }).challenge;

/** A challenge in each state, reached by the process itself. */
const triaged = send(raised, 'triage');
const decisionPending = send(triaged, 'decisionRequest');
const overdue = applyDeadline(decisionPending, at('10:00'), meetings).challenge;
const IN_STATE: Record<EscalationState, Challenge> = {
  raised,
  triaged,
  decisionPending,
  overdue,
  resolved: send(triaged, 'resolve'),
  withdrawn: send(raised, 'withdraw'),
};

describe('applyEvent takes exactly the commands the table lists (R7, R8)', () => {
  it('each built challenge is in the state it stands for', () => {
    for (const s of ESCALATION_STATES) expect(escalationState(IN_STATE[s])).toBe(s);
  });

  const cells = ESCALATION_STATES.flatMap((s) => ESCALATION_COMMANDS.map((c) => [s, c] as const));
  it.each(cells)('%s × %s', (state, command) => {
    const to = TRANSITIONS[state][command];
    const run = () => send(IN_STATE[state], command);
    if (to === undefined) {
      expect(run).toThrow(DomainError);
      expect(() => run()).toThrow(expect.objectContaining({ code: 'CHALLENGE.INVALID_TRANSITION' }));
    } else expect(escalationState(run())).toBe(to);
  });
});

describe('applyDeadline takes exactly the clock steps the table lists (R7.4, R8.4)', () => {
  const late = at('23:00');
  const effectsOf = (c: Challenge) =>
    applyDeadline(c, late, meetings).effects.map((e) =>
      e.kind === 'notTriaged'
        ? 'triageDeadline'
        : e.kind === 'decisionOverdue'
          ? e.first
            ? 'decisionDeadline'
            : 'overdueReminder'
          : e.kind,
    );
  it.each([...ESCALATION_STATES])('%s', (state) => {
    const listed = CLOCK_STEPS.filter((s) => TRANSITIONS[state][s] !== undefined);
    expect(effectsOf(IN_STATE[state])).toEqual(listed);
    for (const step of listed)
      expect(escalationState(applyDeadline(IN_STATE[state], late, meetings).challenge)).toBe(TRANSITIONS[state][step]);
  });
});
