import { randomUUID } from 'node:crypto';
import type { Ports } from '../../ports/app.port';
import type { CalendarTickStore, IncidentStore } from '../../ports/repository.port';
import type { AgendaStores } from './agenda';
import type { DispatchRecord, DueAction, TickCursor } from '../../domain/calendar-actions';
import {
  areasWithoutReportSince,
  checkpointsOnDay,
  incidentsWithoutUpdateSince,
  meetingRangeFor,
  overdueUnits,
  planDueActions,
  reminderRulesFor,
} from '../../domain/calendar-actions';
import type { Notice } from '../../domain/calendar-notices';
import {
  areaDeadlineNotices,
  areaReminderNotices,
  checkpointNotices,
  incidentCadenceNotices,
  incidentReminderNotices,
} from '../../domain/calendar-notices';
import { agendaNotice } from '../../rendering/agenda';
import { isMajor } from '../../domain/incident';
import type { GoLive } from '../../domain/golive';
import type { Meeting } from '../../domain/meetings';
import { dayOf, meetingsBetween, previousMeeting } from '../../domain/meetings';
import type { StatusSnapshot, Versioned } from '../../ports/repository.port';
import { StoreConflictError } from '../../ports/repository.port';
import { digestRequests } from '../notifications/digest';
import type { AgendaSources } from './agenda';
import { agendaContext, agendaFrom, keepSentAgenda } from './agenda';

/*
 * The calendar tick (R3.3, R4.4, R6.5, R9.1). Azure runs timers in UTC, so one timer fires
 * every minute and asks the domain what became due in (cursor, now] for each go-live. Each
 * due action is claimed in the store under its deterministic id (create-if-absent) before
 * anything is sent, so a repeated tick, a late one, or two instances at once send nothing
 * twice; and every notice carries a deterministic dedupe key, so even a takeover of a
 * crashed claim cannot double a message. After a pause the tick sends what is still
 * useful and records a `skipped` dispatch for each action that is not.
 */

/** The tick walks every go-live, reads incidents and the agenda's stores, and keeps its own cursor and claims. */
export type TickServices = Ports<AgendaStores & IncidentStore & CalendarTickStore, 'clock' | 'notifier'>;

export interface TickOptions {
  /** Names this instance in claims (logs and tests); a random suffix keeps claims apart. */
  instance?: string;
  /** A claim older than this whose sender never finished is taken over (the sender died). */
  leaseMs?: number;
  /** The furthest back a tick looks after a pause; older actions are neither sent nor recorded. */
  maxCatchUpMs?: number;
  /** The escalation engine's challenges and decisions for agendas. */
  agendaSources?: AgendaSources;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;
export const DEFAULT_MAX_CATCH_UP_MS = 14 * 24 * 3600_000;
/** On its first tick a go-live is processed from its creation, at most this far back. */
const FIRST_TICK_LOOKBACK_MS = 60_000;

export interface GoLiveTickResult {
  goLiveId: string;
  /** The interval processed, (from, to]. */
  from: string;
  to: string;
  /** Actions this tick performed (claimed and sent). */
  ran: string[];
  /** Actions recorded as skipped (too late to be useful). */
  skipped: string[];
  /** Actions another tick or instance already did (or skipped). */
  alreadyDone: string[];
  /**
   * Actions claimed by another tick that has not finished: the cursor waits before them, so
   * a later tick looks again — and takes the claim over once its lease has run out (the
   * claimant died between claiming and sending).
   */
  inProgress: string[];
  failed: { actionId: string; error: string }[];
  notifications: number;
}

/** Runs one tick over every go-live at the clock's `now`. Errors in one go-live do not stop the others. */
export async function runCalendarTick(s: TickServices, opts: TickOptions = {}): Promise<GoLiveTickResult[]> {
  const now = s.clock.now();
  const results: GoLiveTickResult[] = [];
  for (const { id } of await s.repo.listGoLives()) {
    try {
      const r = await tickGoLive(s, id, now, opts);
      if (r) results.push(r);
    } catch (e) {
      opts.log?.('error', `calendar tick for ${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  return results;
}

/** Processes one go-live's (cursor, now]; undefined when there is nothing new to look at. */
export async function tickGoLive(
  s: TickServices,
  goLiveId: string,
  now: Date,
  opts: TickOptions = {},
): Promise<GoLiveTickResult | undefined> {
  const found = await s.repo.getGoLive(goLiveId);
  if (!found) return undefined;
  const goLive = found.value;
  const cursor = await s.repo.getTickCursor(goLiveId);
  const start = cursor
    ? new Date(cursor.value.at)
    : new Date(Math.max(Date.parse(goLive.createdAt), now.getTime() - FIRST_TICK_LOOKBACK_MS));
  if (start >= now) return undefined;
  const from = new Date(Math.max(start.getTime(), now.getTime() - (opts.maxCatchUpMs ?? DEFAULT_MAX_CATCH_UP_MS)));

  const range = meetingRangeFor(from, now);
  const adHoc = await s.repo.listMeetings(goLiveId, { from: range.from.toISOString(), to: range.to.toISOString() });
  const meetings = meetingsBetween(goLive, range.from, range.to, { adHoc });
  const plan = planDueActions(goLive, meetings, from, now);

  const result: GoLiveTickResult = {
    goLiveId,
    from: from.toISOString(),
    to: now.toISOString(),
    ran: [],
    skipped: [],
    alreadyDone: [],
    inProgress: [],
    failed: [],
    notifications: 0,
  };
  const run = new Runner(s, goLive, meetings, now, opts);
  let processedUpTo = now.getTime();
  const order = (x: DueAction, y: DueAction) =>
    x.dueAt < y.dueAt ? -1 : x.dueAt > y.dueAt ? 1 : x.actionId < y.actionId ? -1 : x.actionId > y.actionId ? 1 : 0;
  const all = [...plan.run.map((a) => ({ a, skip: false })), ...plan.skip.map((a) => ({ a, skip: true }))].sort((x, y) => order(x.a, y.a));
  for (const { a, skip } of all) {
    try {
      const outcome = skip ? await run.skip(a) : await run.perform(a);
      if (outcome.kind === 'ran') {
        result.ran.push(a.actionId);
        result.notifications += outcome.notifications;
      } else if (outcome.kind === 'skipped') result.skipped.push(a.actionId);
      else if (outcome.kind === 'inProgress') {
        result.inProgress.push(a.actionId);
        processedUpTo = Math.min(processedUpTo, Date.parse(a.dueAt) - 1);
      } else result.alreadyDone.push(a.actionId);
    } catch (e) {
      // The cursor stays before this action, so the next tick plans it again; its claim (if
      // made) is taken over once the lease runs out, and dedupe keys keep sent notices single.
      result.failed.push({ actionId: a.actionId, error: e instanceof Error ? e.message : String(e) });
      processedUpTo = Math.min(processedUpTo, Date.parse(a.dueAt) - 1);
      opts.log?.('warn', `calendar action ${goLiveId}/${a.actionId} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // IM's update cadence (R9, issue 15 item 2): each reminder due in (from, now] is claimed
  // like any action, so a repeated or doubled tick sends it once.
  try {
    const open = (await s.repo.listIncidents(goLiveId)).filter((i) => i.status === 'open' && isMajor(i));
    for (const n of incidentCadenceNotices(goLive, open, from.toISOString(), now.toISOString())) {
      const d = n.data as { dueAt: string; nextDueAt: string };
      const a: DueAction = { actionId: n.dedupeKey, kind: 'incidentReminder', dueAt: d.dueAt, usefulUntil: d.nextDueAt };
      const outcome = await run.perform(a, [n]);
      if (outcome.kind === 'ran') {
        result.ran.push(a.actionId);
        result.notifications += outcome.notifications;
      } else if (outcome.kind === 'inProgress') {
        result.inProgress.push(a.actionId);
        processedUpTo = Math.min(processedUpTo, Date.parse(a.dueAt) - 1);
      } else result.alreadyDone.push(a.actionId);
    }
  } catch (e) {
    // The cursor stays, so the next tick looks at the same interval again.
    processedUpTo = from.getTime();
    result.failed.push({ actionId: 'incidentCadence', error: e instanceof Error ? e.message : String(e) });
  }
  if (processedUpTo > from.getTime()) await advanceCursor(s, goLiveId, new Date(processedUpTo), now, cursor);
  return result;
}

/** Moves the cursor forward, never back: a concurrent instance that got further wins. */
async function advanceCursor(
  s: TickServices,
  goLiveId: string,
  to: Date,
  now: Date,
  read: Versioned<TickCursor> | undefined,
): Promise<void> {
  const at = to.toISOString();
  let current = read;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) current = await s.repo.getTickCursor(goLiveId);
    if (current && current.value.at >= at) return;
    try {
      await s.repo.saveTickCursor({ goLiveId, at, updatedAt: now.toISOString() }, current ? current.etag : null);
      return;
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
    }
  }
}

type Outcome = { kind: 'ran'; notifications: number } | { kind: 'skipped' } | { kind: 'alreadyDone' } | { kind: 'inProgress' };

/** Claims and performs actions for one go-live in one tick; reads the status snapshot at most once. */
class Runner {
  private snapshot?: Promise<StatusSnapshot>;
  private readonly instance: string;

  constructor(
    private readonly s: TickServices,
    private readonly goLive: GoLive,
    private readonly meetings: readonly Meeting[],
    private readonly now: Date,
    private readonly opts: TickOptions,
  ) {
    this.instance = opts.instance ?? 'tick';
  }

  private record(a: DueAction, state: DispatchRecord['state']): DispatchRecord {
    return {
      goLiveId: this.goLive.id,
      actionId: a.actionId,
      kind: a.kind,
      dueAt: a.dueAt,
      usefulUntil: a.usefulUntil,
      ...(a.meetingId ? { meetingId: a.meetingId } : {}),
      ...(a.checkpointId ? { checkpointId: a.checkpointId } : {}),
      state,
      ...(state === 'skipped' ? { reason: 'expired' as const, completedAt: this.now.toISOString() } : {}),
      claimedAt: this.now.toISOString(),
      // Unique per attempt: a retried create that finds this token found its own claim.
      claimToken: `${this.instance}:${randomUUID()}`,
      attempts: 1,
    };
  }

  /** A claim whose lease ran out without the claimant finishing: it died between claiming and sending. */
  private stale(claim: DispatchRecord): boolean {
    return this.now.getTime() - Date.parse(claim.claimedAt) >= (this.opts.leaseMs ?? DEFAULT_LEASE_MS);
  }

  /** Records that the action came too late to be useful (after a pause); sends nothing. */
  async skip(a: DueAction): Promise<Outcome> {
    const mine = this.record(a, 'skipped');
    const claim = await this.s.repo.claimDispatch(mine);
    if (claim.created || claim.value.claimToken === mine.claimToken) return { kind: 'skipped' };
    if (claim.value.state !== 'claimed') return { kind: 'alreadyDone' };
    if (!this.stale(claim.value)) return { kind: 'inProgress' };
    // Its sender died, and it is too late now: close it as skipped, so the cursor can move on.
    try {
      await this.s.repo.updateDispatch(
        { ...claim.value, state: 'skipped', reason: 'expired', completedAt: mine.claimedAt, claimToken: mine.claimToken },
        claim.etag,
      );
      return { kind: 'skipped' };
    } catch (e) {
      if (e instanceof StoreConflictError) return { kind: 'inProgress' };
      throw e;
    }
  }

  /** Claims and sends; `given` notices instead of what the action's kind says (IM's cadence). */
  async perform(a: DueAction, given?: Notice[]): Promise<Outcome> {
    const mine = this.record(a, 'claimed');
    const claim = await this.s.repo.claimDispatch(mine);
    let current = claim.value;
    let etag = claim.etag;
    if (!claim.created && claim.value.claimToken !== mine.claimToken) {
      if (claim.value.state !== 'claimed') return { kind: 'alreadyDone' };
      if (!this.stale(claim.value)) return { kind: 'inProgress' };
      try {
        const taken = await this.s.repo.updateDispatch(
          { ...claim.value, claimedAt: mine.claimedAt, claimToken: mine.claimToken, attempts: claim.value.attempts + 1 },
          claim.etag,
        );
        current = taken.value;
        etag = taken.etag;
      } catch (e) {
        if (e instanceof StoreConflictError) return { kind: 'inProgress' };
        throw e;
      }
    } else if (!claim.created && claim.value.state !== 'claimed') return { kind: 'alreadyDone' };

    const notices = given ?? (await this.notices(a));
    const sent: NonNullable<DispatchRecord['notifications']> = [];
    for (const n of notices) {
      const r = await this.s.notifier.enqueue({ ...n, goLiveId: this.goLive.id, createdAt: this.now.toISOString() });
      sent.push({ dedupeKey: n.dedupeKey, kind: n.kind, created: r.created });
    }
    try {
      await this.s.repo.updateDispatch(
        {
          ...current,
          state: 'done',
          completedAt: this.now.toISOString(),
          notificationCount: sent.length,
          notifications: sent.slice(0, 1000),
        },
        etag,
      );
    } catch (e) {
      // Our own write applied with its answer lost, or a takeover after a long stall: the
      // notices are in the outbox under their dedupe keys either way.
      if (!(e instanceof StoreConflictError)) throw e;
    }
    return { kind: 'ran', notifications: sent.length };
  }

  private status(): Promise<StatusSnapshot> {
    this.snapshot ??= this.s.repo.getStatusSnapshot(this.goLive.id).then((snap) => {
      if (!snap) throw new Error(`go-live ${this.goLive.id} vanished`);
      return snap;
    });
    return this.snapshot;
  }

  private meeting(id: string | undefined): Meeting {
    const m = this.meetings.find((x) => x.id === id);
    if (!m) throw new Error(`meeting ${id} is not in the tick's range`);
    return m;
  }

  /** What an action says, from the state at this tick (R3.3, R4.4, R6.5, R9.1). */
  private async notices(a: DueAction): Promise<Notice[]> {
    const snap = await this.status();
    const goLive = snap.goLive;
    switch (a.kind) {
      case 'unitCheckpoint': {
        const cp = checkpointsOnDay(goLive, dayOf(goLive, a.dueAt)).find((c) => c.id === a.checkpointId);
        if (!cp) return [];
        return checkpointNotices(goLive, cp, overdueUnits(goLive, snap.unitStatuses, cp));
      }
      case 'areaReminder':
      case 'areaDeadline':
      case 'incidentReminder': {
        const m = this.meeting(a.meetingId);
        // "Since the previous DSL meeting" (R4.4, R9.1): the scheduled one before this.
        const since = previousMeeting(goLive, 'DSL', new Date(m.start), { scheduledOnly: true })?.start;
        const rules = reminderRulesFor(goLive, m.start);
        if (a.kind === 'incidentReminder')
          return incidentReminderNotices(goLive, m, incidentsWithoutUpdateSince(snap.openIncidents, since));
        const missing = areasWithoutReportSince(goLive, snap.areaStatuses, since, rules);
        return a.kind === 'areaReminder'
          ? areaReminderNotices(goLive, m, missing, new Date(Date.parse(m.start) - rules.areaDeadlineMinutesBefore * 60_000).toISOString())
          : areaDeadlineNotices(goLive, m, missing);
      }
      case 'agenda': {
        const m = this.meeting(a.meetingId);
        const ctx = await agendaContext(this.s, goLive.id, m.id, this.opts.agendaSources, snap);
        // Kept as sent (issue 14 item 6): a past meeting's agenda shows this version; a repeated
        // send after a crash sends the version kept, not a newer one.
        const sent = await keepSentAgenda(
          this.s,
          goLive.id,
          m,
          { sv: agendaFrom(ctx, this.now, 'sv'), en: agendaFrom(ctx, this.now, 'en') },
          this.now.toISOString(),
        );
        const out: Notice[] = [agendaNotice(goLive, m, { sv: sent.sv, en: sent.en })];
        // Issue 15 item 7: with each scheduled DSL's agenda, the digest of those who chose one,
        // covering [the previous DSL's agenda time, now).
        if (m.forum === 'DSL' && m.source === 'schedule' && this.s.notifier.digestItems) {
          const prev = previousMeeting(goLive, 'DSL', new Date(m.start), { scheduledOnly: true });
          const since = prev
            ? new Date(Date.parse(prev.start) - reminderRulesFor(goLive, prev.start).agendaMinutesBefore * 60_000).toISOString()
            : goLive.createdAt;
          const groups = await this.s.notifier.digestItems(goLive.id, since, this.now.toISOString());
          out.push(...(digestRequests(goLive, m, groups, this.now.toISOString()) as Notice[]));
        }
        return out;
      }
    }
  }
}
