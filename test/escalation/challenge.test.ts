import {
  applyDeadline,
  applyEvent,
  defaultDecisionDeadline,
  nextOverdueReminder,
  nextWake,
  triageDeadline,
  type Challenge,
  type MeetingSlot,
} from '../../shared/escalation/domain/challenge';
import { DomainError } from '../../shared/domain/errors';

const m = (forum: MeetingSlot['forum'], start: string, minutes = 30): MeetingSlot => ({
  forum,
  start: `2026-11-28T${start}:00.000Z`,
  end: new Date(Date.parse(`2026-11-28T${start}:00.000Z`) + minutes * 60_000).toISOString(),
});
// Saturday (day 1): DSL every hour, CSL :30 before, LGV every 2 h.
const meetings: MeetingSlot[] = [
  m('DSL', '08:00'),
  m('DSL', '09:00'),
  m('DSL', '10:00'),
  m('CSL', '08:30'),
  m('CSL', '09:30'),
  m('LGV', '09:00', 45),
  m('LGV', '11:00', 45),
];

const base: Challenge = {
  id: 'c1',
  goLiveId: 'g',
  title: 'Remisser',
  colour: 'red',
  areaId: 'teknik',
  needFromOthers: 'Beslut',
  sdReferences: [],
  incidentIds: [],
  state: 'raised',
  raisedAt: '2026-11-28T08:10:00.000Z',
  triageDeadline: '2026-11-28T09:30:00.000Z',
  notTriagedNotified: false,
  situation: {},
  decisions: [],
  lastChangeAt: '2026-11-28T08:10:00.000Z',
  timeline: [{ id: 'raise', type: 'raised', at: '2026-11-28T08:10:00.000Z', data: {} }],
  requestHash: 'h',
};
const at = (hhmm: string) => `2026-11-28T${hhmm}:00.000Z`;
const triage = (c: Challenge, eventId = 'e-triage') =>
  applyEvent(c, { type: 'triage', input: { decision: 'startTeam', participants: ['Teknik', 'Support'] } }, { eventId, now: at('09:10') })
    .challenge;

describe('deadlines (R7.4, R8)', () => {
  it('triage is due by the end of the first DSL that starts after raising', () => {
    expect(triageDeadline(at('08:10'), meetings)).toBe(at('09:30'));
    expect(triageDeadline(at('08:00'), meetings)).toBe(at('08:30'));
    expect(triageDeadline(at('10:01'), meetings)).toBeUndefined();
  });

  it('ITD: 60 min after the DSL in progress ends, else after the request (R8.1)', () => {
    expect(defaultDecisionDeadline('itd', at('09:20'), meetings)).toBe(at('10:30'));
    expect(defaultDecisionDeadline('itd', at('09:30'), meetings)).toBe(at('10:30')); // the DSL ended at 09:30: none in progress
    expect(defaultDecisionDeadline('itd', at('09:29'), meetings)).toBe(at('10:30'));
  });

  it('LGV: end of the next LGV meeting, else 4 h (R8.2); work practice: 4 h (R8.3)', () => {
    expect(defaultDecisionDeadline('lgv', at('09:50'), meetings)).toBe(at('11:45'));
    // Raised during the 09:00 LGV meeting: due at the end of the next one, not 1 minute later (issue 14 item 11).
    expect(defaultDecisionDeadline('lgv', at('09:44'), meetings)).toBe(at('11:45'));
    expect(defaultDecisionDeadline('lgv', at('09:01'), meetings)).toBe(at('11:45'));
    expect(defaultDecisionDeadline('lgv', at('12:00'), meetings)).toBe(at('16:00'));
    // No LGV meeting left (day 5 on): the next DSL's end, not a clock through the night.
    const late = [m('DSL', '14:00'), m('DSL', '20:00')];
    expect(defaultDecisionDeadline('lgv', at('15:10'), late)).toBe(at('20:30'));
    expect(defaultDecisionDeadline('workPractice', at('09:00'), meetings)).toBe(at('13:00'));
  });

  it('an overdue decision is raised again at the next meeting of the deciding forum, else every 60 min (R8.4)', () => {
    expect(nextOverdueReminder('itd', at('08:30'), meetings)).toBe(at('09:00'));
    expect(nextOverdueReminder('workPractice', at('08:30'), meetings)).toBe(at('09:30'));
    expect(nextOverdueReminder('itd', at('10:00'), meetings)).toBe(at('11:00'));
    // LGV with no LGV meeting left: again at the next DSL (20:00), not every hour through the night.
    expect(nextOverdueReminder('lgv', at('15:10'), [m('DSL', '20:00'), m('DSL', '08:00')])).toBe(at('20:00'));
    expect(nextOverdueReminder('lgv', at('09:50'), meetings)).toBe(at('11:00'));
  });
});

describe('events (R7.2)', () => {
  it('DSL triage starts a team and records who takes part (R7.3)', () => {
    const c = triage(base);
    expect(c.state).toBe('triaged');
    expect(c.team).toEqual({ members: ['Teknik', 'Support'] });
    expect(c.lastChangeAt).toBe(at('09:10'));
  });

  it('a replayed event id changes nothing', () => {
    const c = triage(base);
    const again = applyEvent(
      c,
      { type: 'triage', input: { decision: 'wait', participants: [] } },
      { eventId: 'e-triage', now: at('09:40') },
    );
    expect(again.effect).toEqual({ kind: 'none' });
    expect(again.challenge).toBe(c);
  });

  it('a decision cannot be requested before triage, nor twice; a decision needs a request — each a 409 saying why', () => {
    const expectConflict = (fn: () => unknown, sv: RegExp) => {
      try {
        fn();
        throw new Error('no conflict');
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe('CHALLENGE.INVALID_TRANSITION');
        expect((e as DomainError).texts.sv).toMatch(sv);
      }
    };
    expectConflict(
      () =>
        applyEvent(
          base,
          { type: 'decisionRequest', input: { level: 'itd', question: 'q' }, deadline: at('10:30') },
          { eventId: 'r', now: at('08:20') },
        ),
      /prioritera/,
    );
    const c = applyEvent(
      triage(base),
      { type: 'decisionRequest', input: { level: 'itd', question: 'Kalla in fler?' }, deadline: at('10:30') },
      { eventId: 'r1', now: at('09:20') },
    ).challenge;
    expectConflict(
      () =>
        applyEvent(
          c,
          { type: 'decisionRequest', input: { level: 'lgv', question: 'q' }, deadline: at('11:45') },
          { eventId: 'r2', now: at('09:21') },
        ),
      /väntar redan/,
    );
    expectConflict(
      () =>
        applyEvent(
          triage(base),
          { type: 'decision', input: { decision: 'd', rationale: 'r', decidedBy: 'x' } },
          { eventId: 'd', now: at('09:30') },
        ),
      /Inget beslut/,
    );
    const closed = applyEvent(c, { type: 'resolve', input: { reason: 'klart' } }, { eventId: 'end', now: at('09:40') }).challenge;
    expect(closed.pendingDecision).toBeUndefined();
    expectConflict(() => applyEvent(closed, { type: 'update', input: { note: 'x' } }, { eventId: 'u', now: at('09:50') }), /redan löst/);
  });

  it('a decision goes into the log with how long it took against its deadline (R8.5)', () => {
    const requested = applyEvent(
      triage(base),
      { type: 'decisionRequest', input: { level: 'itd', question: 'Kalla in fler?' }, deadline: at('10:30') },
      { eventId: 'r1', now: at('09:20') },
    ).challenge;
    const { challenge, effect } = applyEvent(
      requested,
      { type: 'decision', input: { decision: 'Ja, 4 till', rationale: 'Köerna växer', decidedBy: 'Ida ITD-chef' } },
      { eventId: 'd1', now: at('10:00') },
    );
    expect(effect.kind).toBe('decisionMade');
    expect(challenge.decisions[0]).toMatchObject({
      level: 'itd',
      decidedBy: 'Ida ITD-chef',
      minutesTaken: 40,
      minutesAgainstDeadline: -30,
      late: false,
    });
    expect(challenge.pendingDecision).toBeUndefined();
  });
});

describe('the clock (R7.4, R8.4)', () => {
  it('not triaged by the deadline: flagged once, exactly at the deadline and not a minute before', () => {
    expect(applyDeadline(base, '2026-11-28T09:29:59.999Z', meetings).effects).toEqual([]);
    const { challenge, effects } = applyDeadline(base, at('09:30'), meetings);
    expect(effects).toEqual([{ kind: 'notTriaged' }]);
    expect(applyDeadline(challenge, at('09:31'), meetings).effects).toEqual([]);
    expect(nextWake(challenge)).toBeUndefined();
  });

  it('overdue at the deadline, then again at each following DSL for an ITD decision', () => {
    let c = applyEvent(
      triage(base),
      { type: 'decisionRequest', input: { level: 'itd', question: 'q' }, deadline: at('09:45') },
      { eventId: 'r1', now: at('09:20') },
    ).challenge;
    expect(nextWake(c)).toEqual({ at: at('09:45'), reason: 'decisionDeadline' });
    expect(applyDeadline(c, '2026-11-28T09:44:59.999Z', meetings).effects).toEqual([]);
    ({ challenge: c } = applyDeadline(c, at('09:45'), meetings));
    expect(c.pendingDecision).toMatchObject({ overdueSince: at('09:45'), remindersSent: 1, nextReminderAt: at('10:00') });
    expect(nextWake(c)).toEqual({ at: at('10:00'), reason: 'overdueReminder' });
    const again = applyDeadline(c, at('10:00'), meetings);
    expect(again.effects).toEqual([
      { kind: 'decisionOverdue', pending: expect.objectContaining({ remindersSent: 2, nextReminderAt: at('11:00') }), first: false },
    ]);
    expect(applyDeadline(again.challenge, at('10:00'), meetings).effects).toEqual([]);
  });
});
