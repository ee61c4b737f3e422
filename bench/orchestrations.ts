import fs from 'node:fs';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { ChallengeCommand } from '../shared/escalation/app/challenges';
import { applyChallengeCommand, escalationInstanceId, raiseChallenge } from '../shared/escalation/app/challenges';
import {
  ChallengeInput,
  ChallengeUpdateInput,
  DecisionInput,
  DecisionRequestInput,
  TriageInput,
} from '../shared/escalation/domain/challenge';
import { configureServices, getServices } from '../shared/composition';
import { SimulatedClock } from '../local/clock';
import { startLocalRuntime } from '../local/runtime';
import { ACTIVITIES, ESCALATION_ORCHESTRATOR, EVENTS } from '../orchestrations/escalation/names';
import type { Invocation } from './lib/app';
import { captureApp, instrument } from './lib/app';
import { removeTmpDirs, tmpDir } from './lib/procs';
import { regionGoLive } from './lib/region';
import type { PartResult, TargetCheck } from './lib/result';
import { runPart } from './lib/result';
import { median, ms, num, percentile, ratio } from './lib/stats';

/*
 * Part 3 — orchestrations. The local runtime in this process on a simulated clock, its
 * durable host running the escalation orchestrator through the durable-functions library's
 * replay engine. 1,000 challenges are walked from raise to decision: each step is the use case
 * the HTTP route calls, then the signal the route sends (start the instance, or raise
 * `challengeChanged`), here straight to the durable host instead of through the durable
 * client's HTTP calls (parts 1 and 4 measure the HTTP side); the clock is moved past the
 * decision deadlines in between. Every orchestrator episode and activity is counted and timed
 * at its callback.
 *
 * Replay cost: one challenge that lived through two events and one that lived through 200;
 * each turn ends in continueAsNew, so both replay a history of a handful of events. For
 * contrast, a bench-only orchestrator does the same turns (wait for the change, run the plan
 * activity) in one execution, without continueAsNew.
 */

const CHALLENGES = Number(process.env.BENCH_CHALLENGES ?? 1000);
const CONCURRENCY = 8;
const LONG_LIVED_EVENTS = 200;
const REPLAY_TURNS = 25;
const GO_LIVE = 'eskalering';
const START = new Date('2026-11-28T07:10:00Z'); // Saturday 08:10 local, DSL every hour
/** The escalation's turn without continueAsNew: registered by this benchmark only, never by the app. */
const WITHOUT_CONTINUE_AS_NEW = 'benchEscalationWithoutContinueAsNew';

async function mapLimited<T>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

interface Phase {
  name: string;
  seconds: number;
  requests: number;
  episodes: number;
  activities: number;
}

async function main(): Promise<PartResult> {
  const dataDir = tmpDir('orchestrations');
  const registry = captureApp();
  df.app.orchestration(WITHOUT_CONTINUE_AS_NEW, function* (context: OrchestrationContext) {
    const input: unknown = context.df.getInput();
    for (;;) {
      yield context.df.waitForExternalEvent(EVENTS.changed);
      yield context.df.callActivity(ACTIVITIES.plan, input);
    }
  });
  const invocations: (Invocation & { kind: 'episode' | 'activity' })[] = [];
  instrument(registry, ['orchestrationtrigger'], (i) => invocations.push({ ...i, kind: 'episode' }));
  instrument(registry, ['activitytrigger'], (i) => invocations.push({ ...i, kind: 'activity' }));
  // The outbox's delivery log would print a line per throttled e-mail; the deliveries themselves run as always.
  configureServices({ notifications: { log: () => undefined } });
  // The app's minute timers (heartbeat, calendar tick, outbox delivery) would fire 120 times
  // each while the clock moves two hours; they are moved to once a year so the phases time the
  // escalation alone.
  const yearly = '0 0 0 1 1 *';
  const settings = { ...process.env, HEARTBEAT_SCHEDULE: yearly, SCHEDULE_TICK: yearly, NOTIFY_SCHEDULE: yearly };
  const rt = await startLocalRuntime({
    port: 0,
    clock: 'simulated',
    start: START,
    demo: false,
    dataDir,
    registry,
    settings,
    log: () => undefined,
  });
  const clock = rt.clock;
  if (!(clock instanceof SimulatedClock)) throw new Error('expected the simulated clock');
  const durable = rt.durable;
  if (!durable) throw new Error('the app registers no orchestrations');
  const { repo } = await getServices();
  await repo.saveGoLive(regionGoLive({ id: GO_LIVE, units: 50 }), null);

  const services = await getServices();
  const actor = { kind: 'user' as const, id: 'anna.lead@region.invalid' };
  /** What orchestrations/escalation/client.ts does after a use case: start the instance, or tell it something changed. */
  const signal = (challengeId: string, start: boolean): void => {
    const instanceId = escalationInstanceId(GO_LIVE, challengeId);
    const status = durable.getStatus(instanceId);
    const running = status && ['Running', 'Pending', 'ContinuedAsNew'].includes(status.runtimeStatus);
    if (!running && (start || !status))
      durable.startNew(ESCALATION_ORCHESTRATOR, { instanceId, input: { goLiveId: GO_LIVE, challengeId } });
    else if (running) durable.raiseEvent(instanceId, EVENTS.changed, { at: new Date(0).toISOString() });
  };
  const raise = async (id: string, colour: string, areaId: string): Promise<string> => {
    const r = await raiseChallenge(services, {
      goLiveId: GO_LIVE,
      input: ChallengeInput.parse({ id, title: `Utmaning ${id}`, colour, areaId, needFromOthers: 'Beslut om ny drivrutin' }),
      idempotencyKey: `raise-${id}`,
      actor,
    });
    signal(r.value.id, true);
    return r.value.id;
  };
  const command = async (challengeId: string, cmd: ChallengeCommand, key: string): Promise<void> => {
    const r = await applyChallengeCommand(services, { goLiveId: GO_LIVE, challengeId, command: cmd, idempotencyKey: key, actor });
    if (r.effect.kind !== 'none') signal(challengeId, false);
  };

  const phases: Phase[] = [];
  const phase = async (name: string, requests: number, work: () => Promise<void>): Promise<void> => {
    const before = invocations.length;
    const t = performance.now();
    await work();
    await durable.settle();
    const seconds = (performance.now() - t) / 1000;
    const during = invocations.slice(before);
    phases.push({
      name,
      seconds,
      requests,
      episodes: during.filter((i) => i.kind === 'episode').length,
      activities: during.filter((i) => i.kind === 'activity').length,
    });
    const p = phases[phases.length - 1]!;
    console.log(`  ${name}: ${num(seconds, 1)} s, ${p.episodes} episodes, ${p.activities} activities`);
  };

  const ids: string[] = [];
  const areas = ['teknik', 'support', 'cosmic', 'cambio', 'behorigheter'];
  await phase(`raise ${CHALLENGES} challenges (raiseChallenge, start the instance)`, CHALLENGES, () =>
    mapLimited(
      Array.from({ length: CHALLENGES }),
      CONCURRENCY,
      async (_, i) => void (ids[i] = await raise(`u-${i}`, i % 3 ? 'gul' : 'röd', areas[i % areas.length]!)),
    ),
  );
  await phase('triage, start a team', CHALLENGES, () =>
    mapLimited(ids, CONCURRENCY, (id) =>
      command(
        id,
        { type: 'triage', input: TriageInput.parse({ decision: 'startTeam', priority: 1, participants: ['Teknik', 'Support'] }) },
        `triage-${id}`,
      ),
    ),
  );
  await phase('ask ITD for a decision', CHALLENGES, () =>
    mapLimited(ids, CONCURRENCY, (id) =>
      command(
        id,
        { type: 'decisionRequest', input: DecisionRequestInput.parse({ level: 'itd', question: 'Kalla in fyra extra tekniker?' }) },
        `request-${id}`,
      ),
    ),
  );
  await phase('clock +2 h: decisions overdue, reminders at the next DSL', 0, async () => void (await clock.advanceBy(2 * 3600_000)));
  await phase('decide', CHALLENGES, () =>
    mapLimited(ids, CONCURRENCY, (id) =>
      command(
        id,
        { type: 'decision', input: DecisionInput.parse({ decision: 'Ja, från 11:00', rationale: 'Kön växer', decidedBy: 'Ida ITD' }) },
        `decision-${id}`,
      ),
    ),
  );
  await phase('durable host alone: challengeChanged raised to every instance, nothing else', 0, async () => {
    for (const id of ids) durable.raiseEvent(escalationInstanceId(GO_LIVE, id), EVENTS.changed, { at: clock.now().toISOString() });
  });

  // Sanity: every challenge carries its decision, and the process noticed the deadline.
  const stored = await repo.listChallenges(GO_LIVE);
  const decided = stored.filter((c) => c.decisions.length === 1).length;
  const overdue = stored.filter((c) => c.timeline.some((t) => t.type === 'decisionOverdue')).length;

  // Replay cost: a challenge that lived through two events against one that lived through 200.
  const short = await raise('kort', 'röd', 'teknik');
  const long = await raise('lang', 'röd', 'teknik');
  for (const id of [short, long])
    await command(id, { type: 'triage', input: TriageInput.parse({ decision: 'startTeam', participants: ['Teknik'] }) }, `triage-${id}`);
  await durable.settle();
  for (let e = 0; e < LONG_LIVED_EVENTS; e++) {
    await command(
      long,
      { type: 'update', input: ChallengeUpdateInput.parse({ note: `Uppdatering ${e}`, actions: `Åtgärd ${e}` }) },
      `update-${e}`,
    );
    await durable.settle();
  }
  const turn = { [short]: [] as number[], [long]: [] as number[] };
  const replayStart = invocations.length;
  for (let k = 0; k < REPLAY_TURNS; k++)
    for (const id of k % 2 ? [short, long] : [long, short]) {
      const t = performance.now();
      durable.raiseEvent(escalationInstanceId(GO_LIVE, id), EVENTS.changed, { at: clock.now().toISOString() });
      await durable.settle();
      turn[id]!.push(performance.now() - t);
    }
  const replays = invocations.slice(replayStart).filter((i) => i.kind === 'episode');
  const of = (id: string) => replays.filter((i) => i.instanceId === escalationInstanceId(GO_LIVE, id));

  // The contrast: the same turns in one execution, so every episode replays all of them.
  const loops = { short: 'ohne-continue-as-new-kort', long: 'ohne-continue-as-new-lang' };
  for (const id of Object.values(loops))
    durable.startNew(WITHOUT_CONTINUE_AS_NEW, { instanceId: id, input: { goLiveId: GO_LIVE, challengeId: short } });
  await durable.settle();
  const signalLoop = async (id: string): Promise<number> => {
    const t = performance.now();
    durable.raiseEvent(id, EVENTS.changed, { at: clock.now().toISOString() });
    await durable.settle();
    return performance.now() - t;
  };
  for (let e = 0; e < 2; e++) await signalLoop(loops.short);
  for (let e = 0; e < LONG_LIVED_EVENTS; e++) await signalLoop(loops.long);
  const loopTurn = { [loops.short]: [] as number[], [loops.long]: [] as number[] };
  const loopStart = invocations.length;
  for (let k = 0; k < REPLAY_TURNS; k++)
    for (const id of k % 2 ? [loops.short, loops.long] : [loops.long, loops.short]) loopTurn[id]!.push(await signalLoop(id));
  const loopReplays = (id: string) => invocations.slice(loopStart).filter((i) => i.kind === 'episode' && i.instanceId === id);
  const loopMs = (id: string) => median(loopReplays(id).map((i) => i.ms));
  const loopHistory = (id: string) => Math.max(...loopReplays(id).map((i) => i.historyEvents ?? 0));
  const longChallenge = (await repo.getChallenge(GO_LIVE, long))!.value;
  const shortChallenge = (await repo.getChallenge(GO_LIVE, short))!.value;
  const durableFile = durable.file;
  await rt.close();
  const durableBytes = fs.statSync(durableFile).size;
  removeTmpDirs();

  const episodes = invocations.filter((i) => i.kind === 'episode' && i.name === ESCALATION_ORCHESTRATOR);
  const activities = invocations.filter((i) => i.kind === 'activity');
  const walk = phases.slice(0, 5);
  const walkSeconds = walk.reduce((s, p) => s + p.seconds, 0);
  const walkEpisodes = walk.reduce((s, p) => s + p.episodes, 0);
  const alone = phases[5]!;
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const replayMs = (id: string) => median(of(id).map((i) => i.ms));
  const historyOf = (id: string) => Math.max(...of(id).map((i) => i.historyEvents ?? 0));
  const replayRatio = replayMs(long) / replayMs(short);
  const turnRatio = median(turn[long]!) / median(turn[short]!);

  const targets: TargetCheck[] = [
    {
      name: 'replay cost, 200 events lived vs 2 (continueAsNew)',
      target: '≤ 2× (median episode)',
      measured: `${ratio(replayRatio)} (${ms(replayMs(long), 2)} vs ${ms(replayMs(short), 2)}); a whole turn ${ratio(turnRatio)}`,
      met: replayRatio <= 2,
    },
    {
      name: `every challenge decided after the walk`,
      target: `${CHALLENGES}`,
      measured: `${decided} decided, ${overdue} noticed overdue`,
      met: decided === CHALLENGES,
    },
  ];
  return {
    part: 'orchestrations',
    title: '3. Orchestrations (escalation on the local durable host, simulated clock)',
    tables: [
      {
        title: `${CHALLENGES} challenges walked from raise to decision (use cases ${CONCURRENCY} at a time, each followed by its signal; a phase ends when the durable host has settled)`,
        header: ['phase', 'wall', 'use-case calls', 'orchestrator episodes', 'activities', 'episodes/s'],
        rows: [
          ...phases.map((p) => [
            p.name,
            `${num(p.seconds, 1)} s`,
            num(p.requests, 0),
            num(p.episodes, 0),
            num(p.activities, 0),
            num(p.episodes / p.seconds, 0),
          ]),
          [
            '**walk, raise to decision**',
            `${num(walkSeconds, 1)} s`,
            num(
              walk.reduce((s, p) => s + p.requests, 0),
              0,
            ),
            num(walkEpisodes, 0),
            num(
              walk.reduce((s, p) => s + p.activities, 0),
              0,
            ),
            num(walkEpisodes / walkSeconds, 0),
          ],
        ],
      },
      {
        title: "Cost of one invocation (callback time: the library's replay plus the orchestrator, or the activity)",
        header: ['what', 'count', 'median', 'p90', 'p99'],
        rows: [
          [
            'orchestrator episode, whole run',
            num(episodes.length, 0),
            ms(median(episodes.map((i) => i.ms)), 2),
            ms(percentile(sorted(episodes.map((i) => i.ms)), 90), 2),
            ms(percentile(sorted(episodes.map((i) => i.ms)), 99), 2),
          ],
          [
            'activity (plan or deadline), whole run',
            num(activities.length, 0),
            ms(median(activities.map((i) => i.ms)), 2),
            ms(percentile(sorted(activities.map((i) => i.ms)), 90), 2),
            ms(percentile(sorted(activities.map((i) => i.ms)), 99), 2),
          ],
        ],
      },
      {
        title: `Replay cost: ${REPLAY_TURNS} turns each (a change signalled, the durable host settled), in alternation`,
        header: [
          'instance',
          'events lived',
          'history replayed per episode (max events)',
          'episode median',
          'whole turn median (episodes + activity + store)',
          'challenge document',
        ],
        rows: [
          [
            `short history (${short})`,
            num(shortChallenge.timeline.length, 0),
            num(historyOf(short), 0),
            ms(replayMs(short), 2),
            ms(median(turn[short]!), 2),
            `${num(Buffer.byteLength(JSON.stringify(shortChallenge)) / 1024, 1)} KB`,
          ],
          [
            `lived through ${LONG_LIVED_EVENTS} updates (${long})`,
            num(longChallenge.timeline.length, 0),
            num(historyOf(long), 0),
            ms(replayMs(long), 2),
            ms(median(turn[long]!), 2),
            `${num(Buffer.byteLength(JSON.stringify(longChallenge)) / 1024, 1)} KB`,
          ],
          [
            'without continueAsNew (bench-only orchestrator, the same turns in one execution), 2 events before',
            `2–${2 + REPLAY_TURNS} (each measured turn adds one)`,
            num(loopHistory(loops.short), 0),
            ms(loopMs(loops.short), 2),
            ms(median(loopTurn[loops.short]!), 2),
            '1.0 KB',
          ],
          [
            `without continueAsNew, ${LONG_LIVED_EVENTS} events before`,
            `${LONG_LIVED_EVENTS}–${LONG_LIVED_EVENTS + REPLAY_TURNS}`,
            num(loopHistory(loops.long), 0),
            ms(loopMs(loops.long), 2),
            ms(median(loopTurn[loops.long]!), 2),
            '1.0 KB',
          ],
        ],
      },
    ],
    targets,
    notes: [
      `Episodes/s over the walk include the use cases that move the challenges (go-live and challenge ` +
        `reads, the challenge write, notifications to the outbox); "durable host alone" ` +
        `(${num(alone.episodes / alone.seconds, 0)} episodes/s) is the host with nothing else running.`,
      `Without continueAsNew the 200-event instance replays ${num(loopHistory(loops.long), 0)} history ` +
        `events per episode and an episode costs ${ratio(loopMs(loops.long) / loopMs(loops.short))} the ` +
        `2-event one (a whole turn ${ratio(median(loopTurn[loops.long]!) / median(loopTurn[loops.short]!))}); with it, ${ratio(replayRatio)}.`,
      'Each turn of the escalation is three episodes (the event, then continueAsNew starts a new ' +
        "execution, then the plan activity's result) and one activity; the orchestrator replays at most the " +
        'events of its current execution.',
      "The app's minute timers are set to once a year for this part (settings HEARTBEAT_SCHEDULE, " +
        "SCHEDULE_TICK, NOTIFY_SCHEDULE), so moving the clock two hours fires only the escalation's own " +
        'timers.',
      `What does grow with a challenge's life is its document (timeline): the plan activity reads it, so a ` +
        `whole turn costs a little more for the long-lived one; the replayed history does not. Durable store ` +
        `after the run: ${num(durableBytes / 1024 / 1024, 1)} MB.`,
    ],
    data: {
      phases,
      decided,
      overdue,
      replay: { short: of(short).map((i) => i.ms), long: of(long).map((i) => i.ms), turnShort: turn[short], turnLong: turn[long] },
      withoutContinueAsNew: { short: loopReplays(loops.short).map((i) => i.ms), long: loopReplays(loops.long).map((i) => i.ms) },
    },
  };
}

runPart('orchestrations', '3. Orchestrations', main);
