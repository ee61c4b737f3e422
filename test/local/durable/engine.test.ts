import { EventType } from '../../../local/durable/history';
import { retryDelay } from '../../../local/durable/durable-host';
import { MINUTE, sampleApp, sampleWorld, T0 } from './harness';
import { EVENTS } from './samples';

/*
 * The durable host driving the library's own replay engine, on the simulated clock: every
 * sample is an orchestrator exactly as it deploys; time moves only when the test moves it.
 */

const iso = (ms: number) => new Date(ms).toISOString();
type World = ReturnType<typeof sampleWorld>;

const app = sampleApp();
let world: World;
afterEach(async () => {
  await world.cleanup();
});

function setup() {
  world = sampleWorld(app);
  return { ...world, host: world.open() };
}

const typesOf = (events: { EventType: number }[] | undefined) => (events ?? []).map((e) => e.EventType);

describe('activities', () => {
  it('runs a chain of activities and completes with their output', async () => {
    const { host, probe } = setup();
    const id = host.startNew('helloSequence', { input: ['Rut', 'Omar', 'Åsa'] });
    expect(host.getStatus(id)?.runtimeStatus).toBe('Pending');
    await host.settle();
    const status = host.getStatus(id);
    expect(status).toMatchObject({
      name: 'helloSequence',
      runtimeStatus: 'Completed',
      input: ['Rut', 'Omar', 'Åsa'],
      output: ['Hej Rut!', 'Hej Omar!', 'Hej Åsa!'],
    });
    expect(probe.calls.sayHello).toBe(3);
    // The history the library replayed: one activity per episode, ids 0, 1, 2.
    const history = host.history(id)!;
    expect(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => [e.EventId, e.Name])).toEqual([
      [0, 'sayHello'],
      [1, 'sayHello'],
      [2, 'sayHello'],
    ]);
    expect(history.filter((e) => e.EventType === EventType.TaskCompleted).map((e) => e.Result)).toEqual([
      '"Hej Rut!"',
      '"Hej Omar!"',
      '"Hej Åsa!"',
    ]);
    expect(history.at(-1)).toMatchObject({ EventType: EventType.ExecutionCompleted, OrchestrationStatus: 'Completed' });
  });

  it("hands a failing sub-orchestration's error to its parent", async () => {
    const { host } = setup();
    const id = host.startNew('parentOfFailing');
    await host.settle();
    expect(host.getStatus('barnet')).toMatchObject({ runtimeStatus: 'Failed' });
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: expect.stringContaining('barnet föll: ') });
    expect(String(host.getStatus(id)?.output)).toContain('Planen saknas för avdelning 12');
  });

  it('calls a sub-orchestration and gets its output', async () => {
    const { host } = setup();
    const id = host.startNew('parent', { instanceId: 'p1' });
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'Hej Rut! Hej Omar!' });
    expect(host.getStatus('p1:0')).toMatchObject({ name: 'helloSequence', runtimeStatus: 'Completed', input: ['Rut', 'Omar'] });
  });
});

describe('retry policies', () => {
  it('retries a failing activity on the simulated clock: 1 s, then 2 s later (backoff 2), and completes', async () => {
    const { host, probe, clock } = setup();
    const id = host.startNew('retrying', { input: 'rapport' });
    await host.settle();
    expect(probe.calls['failTwice:rapport']).toBe(1);
    expect(host.getStatus(id)?.runtimeStatus).toBe('Running');

    await clock.advanceBy(999);
    expect(probe.calls['failTwice:rapport']).toBe(1);
    await clock.advanceBy(1);
    expect(probe.calls['failTwice:rapport']).toBe(2);
    await clock.advanceBy(1999);
    expect(probe.calls['failTwice:rapport']).toBe(2);
    await clock.advanceBy(1);

    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { key: 'rapport', attempts: 3 } });
    expect(probe.times['failTwice:rapport']).toEqual([iso(T0.getTime()), iso(T0.getTime() + 1000), iso(T0.getTime() + 3000)]);
    // The ids the library expects: attempt, retry timer, attempt, retry timer, attempt.
    const history = host.history(id)!;
    expect(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 2, 4]);
    expect(history.filter((e) => e.EventType === EventType.TimerCreated).map((e) => [e.EventId, e.FireAt])).toEqual([
      [1, iso(T0.getTime() + 1000)],
      [3, iso(T0.getTime() + 3000)],
    ]);
  });

  it('gives up after maxNumberOfAttempts and hands the orchestrator the last error', async () => {
    const { host, probe, clock } = setup();
    const id = host.startNew('retryExhausted', { input: 'utskrift' });
    await clock.advanceBy(10_000);
    expect(probe.calls['failTwice:utskrift']).toBe(2);
    const status = host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(String(status?.output)).toMatch(/^gav upp: Activity function 'failTwice' failed: Försök 2 misslyckades/);
  });

  it("computes the extension's intervals: first × coefficient^(n−1), capped, none after the timeout", () => {
    const options = {
      firstRetryIntervalInMilliseconds: 1000,
      maxNumberOfAttempts: 10,
      backoffCoefficient: 3,
      maxRetryIntervalInMilliseconds: 20_000,
      retryTimeoutInMilliseconds: 60_000,
    };
    const at = (attempt: number, now = 0) => retryDelay({ options, attempt, firstAttemptAt: 0 }, now);
    expect([1, 2, 3, 4].map((n) => at(n))).toEqual([1000, 3000, 9000, 20_000]);
    expect(at(2, 59_999)).toBe(3000);
    expect(at(2, 60_000)).toBeUndefined();
  });
});

describe('timers', () => {
  it('fires a timer only when the clock reaches fireAt', async () => {
    const { host, probe, clock } = setup();
    const id = host.startNew('reminder');
    await host.settle();
    await clock.advanceTo(new Date(T0.getTime() + 30 * MINUTE - 1));
    expect(host.getStatus(id)?.runtimeStatus).toBe('Running');
    expect(probe.calls.sayHello).toBeUndefined();
    await clock.advanceBy(1);
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'Hej påminnelse!' });
    expect(probe.times.sayHello).toEqual([iso(T0.getTime() + 30 * MINUTE)]);
  });
});

describe('long timers', () => {
  it('fires a timer beyond maximumShortTimerDuration once, at its final time', async () => {
    const { host, clock } = setup();
    const id = host.startNew('longWait');
    await host.settle();
    const fireAt = T0.getTime() + 10 * 24 * 60 * MINUTE;
    expect(host.pendingWork(id).map((w) => [w.kind, iso(w.dueAt)])).toEqual([['timer', iso(fireAt)]]);
    await clock.advanceTo(new Date(fireAt - 1));
    expect(host.getStatus(id)?.runtimeStatus).toBe('Running');
    await clock.advanceBy(1);
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: iso(fireAt) });
  });
});

describe('external events raced against a deadline (docs/architecture.md: human interaction)', () => {
  it('takes the event when it comes first, cancels the timer and completes', async () => {
    const { host, clock, probe } = setup();
    const id = host.startNew('approval', { input: { minutes: 60 } });
    await host.settle();
    expect(host.getStatus(id)?.customStatus).toEqual({ state: 'väntar', deadline: iso(T0.getTime() + 60 * MINUTE) });
    expect(host.pendingWork(id).map((w) => [w.kind, iso(w.dueAt)])).toEqual([['timer', iso(T0.getTime() + 60 * MINUTE)]]);

    await clock.advanceBy(10 * MINUTE);
    host.raiseEvent(id, EVENTS.approval, { by: 'omar', decision: 'go' });
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({
      runtimeStatus: 'Completed',
      customStatus: { state: 'beslutad' },
      output: { approved: true, decision: { by: 'omar', decision: 'go' }, at: iso(T0.getTime() + 10 * MINUTE) },
    });
    expect(host.pendingWork(id)).toEqual([]);
    await clock.advanceBy(2 * 60 * MINUTE);
    expect(probe.calls.recordDecision).toBe(1);
  });

  it('times out at the deadline, not a millisecond before, and refuses a late event with GONE', async () => {
    const { host, clock, probe } = setup();
    const id = host.startNew('approval', { input: { minutes: 60 } });
    await host.settle();
    await clock.advanceTo(new Date(T0.getTime() + 60 * MINUTE - 1));
    expect(host.getStatus(id)?.runtimeStatus).toBe('Running');
    await clock.advanceBy(1);
    expect(host.getStatus(id)).toMatchObject({
      runtimeStatus: 'Completed',
      customStatus: { state: 'tiden ute' },
      output: { approved: false, at: iso(T0.getTime() + 60 * MINUTE) },
    });
    expect(() => host.raiseEvent(id, EVENTS.approval, { by: 'sen' })).toThrow(expect.objectContaining({ code: 'GONE' }));
    expect(() => host.raiseEvent('finns-inte', EVENTS.approval)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(probe.calls.recordDecision).toBeUndefined();
  });

  it('keeps an event raised before the instance has started, and delivers it once it waits', async () => {
    const { host } = setup();
    const id = host.startNew('approval', { input: { minutes: 60 } });
    host.raiseEvent(id, EVENTS.approval, { by: 'tidig' });
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, decision: { by: 'tidig' } } });
  });

  it('buffers an event that arrives while the orchestrator is busy with something else', async () => {
    const { host } = setup();
    const id = host.startNew('statusKeeper');
    host.raiseEvent(id, EVENTS.go);
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'ok' });
    // The event reached the history before the activity result: the library held it until the wait.
    const order = typesOf(host.history(id)).filter((t) => t === EventType.EventRaised || t === EventType.TaskCompleted);
    expect(order).toEqual([EventType.EventRaised, EventType.TaskCompleted]);
  });

  it('delivers events of one name in the order they were raised', async () => {
    const { host } = setup();
    const id = host.startNew('twoPings');
    host.raiseEvent(id, EVENTS.ping, 'först');
    host.raiseEvent(id, EVENTS.ping, 'sedan');
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['först', 'sedan'] });
  });

  it('does the work once when the same event is delivered twice', async () => {
    const { host, probe } = setup();
    const id = host.startNew('onePing');
    await host.settle();
    host.raiseEvent(id, EVENTS.ping, { report: 'r-1' });
    host.raiseEvent(id, EVENTS.ping, { report: 'r-1' });
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { report: 'r-1' } });
    expect(probe.calls.recordDecision).toBe(1);
    expect(() => host.raiseEvent(id, EVENTS.ping, { report: 'r-1' })).toThrow(expect.objectContaining({ code: 'GONE' }));
  });

  it('schedules a re-raced timer again under a new id, as the extension does (durable-js #574)', async () => {
    const { host } = setup();
    const id = host.startNew('reRace');
    await host.settle();
    host.raiseEvent(id, EVENTS.a, 'a');
    await host.settle();
    const timers = host.history(id)!.filter((e) => e.EventType === EventType.TimerCreated);
    expect(timers.map((e) => e.EventId)).toEqual([0, 1]);
    expect(timers[0]?.FireAt).toBe(timers[1]?.FireAt);
    host.raiseEvent(id, EVENTS.b, 'b');
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['a', 'b'] });
    expect(host.pendingWork(id)).toEqual([]);
  });
});

describe('continue-as-new', () => {
  it('loops 50 times with a history that stays small, carrying the input', async () => {
    const { host, probe } = setup();
    const id = host.startNew('loop', { input: { n: 0, max: 50 } });
    await host.settle();
    const status = host.getStatus(id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { n: 50 }, input: { n: 49, max: 50 } });
    expect(probe.calls.countLoop).toBe(50);
    // One execution: started, one activity, completed — not 50 of them.
    expect(host.history(id)!.length).toBeLessThanOrEqual(10);
    expect(typesOf(host.history(id)).filter((t) => t === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('hands events still queued to the next execution', async () => {
    const { host } = setup();
    const id = host.startNew('inbox', { input: [] });
    for (const item of ['a', 'b', 'c']) host.raiseEvent(id, EVENTS.ping, item);
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['a', 'b', 'c'] });
  });
});

describe('custom status', () => {
  it('keeps the previous status when the orchestrator sets a falsy one', async () => {
    const { host } = setup();
    const id = host.startNew('statusKeeper');
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Running', customStatus: 'fas 1' });
    host.raiseEvent(id, EVENTS.go);
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', customStatus: 'fas 2' });
  });
});

describe('failures', () => {
  it('surfaces an orchestrator error as Failed with its message', async () => {
    const { host, logs } = setup();
    const id = host.startNew('failing');
    await host.settle();
    const status = host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Failed');
    expect(status?.output).toBe("Orchestrator function 'failing' failed: Planen saknas för avdelning 12");
    expect(host.history(id)!.at(-1)).toMatchObject({ EventType: EventType.ExecutionCompleted, OrchestrationStatus: 'Failed' });
    expect(logs.some((l) => l.level === 'warning' && l.message.includes('Planen saknas'))).toBe(true);
  });

  it("fails the orchestration with the activity's error when nothing catches it, running the activity once", async () => {
    const { host, probe } = setup();
    const id = host.startNew('uncaughtActivity');
    await host.settle();
    expect(host.getStatus(id)?.runtimeStatus).toBe('Failed');
    expect(String(host.getStatus(id)?.output)).toContain("Activity function 'boom' failed: Skrivarkön svarar inte");
    expect(probe.calls.boom).toBe(1);
  });

  it('fails an orchestration that uses entities, which the local runtime does not emulate', async () => {
    const { host } = setup();
    const id = host.startNew('usesEntity');
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining('CallEntity is not supported') });
  });

  it('refuses an unknown orchestrator, a bad id, and an id that is still running', async () => {
    const { host } = setup();
    expect(() => host.startNew('sayHello')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => host.startNew('approval', { instanceId: 'a/b' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    host.startNew('approval', { instanceId: 'one', input: { minutes: 5 } });
    expect(() => host.startNew('approval', { instanceId: 'one', input: { minutes: 5 } })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    await host.settle();
    host.terminate('one', 'klart');
    await host.settle();
    // A finished instance may be started again under the same id.
    expect(host.startNew('helloSequence', { instanceId: 'one', input: ['igen'] })).toBe('one');
    await host.settle();
    expect(host.getStatus('one')).toMatchObject({ name: 'helloSequence', runtimeStatus: 'Completed', output: ['Hej igen!'] });
  });
});

describe('terminate, suspend, resume, purge', () => {
  it('terminates with a reason; later events are refused', async () => {
    const { host } = setup();
    const id = host.startNew('approval', { input: { minutes: 60 } });
    await host.settle();
    host.terminate(id, 'återkallad');
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Terminated', output: 'återkallad' });
    expect(host.pendingWork(id)).toEqual([]);
    expect(() => host.terminate(id)).toThrow(expect.objectContaining({ code: 'GONE' }));
  });

  it('holds events and timers while suspended and delivers them in time order on resume', async () => {
    const { host, clock } = setup();
    const id = host.startNew('approval', { input: { minutes: 60 } });
    await host.settle();
    host.suspend(id);
    await host.settle();
    expect(host.getStatus(id)?.runtimeStatus).toBe('Suspended');
    await clock.advanceBy(5 * MINUTE);
    host.raiseEvent(id, EVENTS.approval, { by: 'under paus' });
    await clock.advanceBy(2 * 60 * MINUTE);
    expect(host.getStatus(id)?.runtimeStatus).toBe('Suspended');
    host.resume(id);
    await host.settle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, decision: { by: 'under paus' } } });
  });

  it('purges a finished instance and lists instances by status', async () => {
    const { host } = setup();
    const done = host.startNew('helloSequence', { input: ['x'] });
    const waiting = host.startNew('approval', { input: { minutes: 5 } });
    await host.settle();
    expect(host.listInstances({ statuses: ['Running'] }).map((s) => s.instanceId)).toEqual([waiting]);
    expect(host.purge(done)).toBe(true);
    expect(host.getStatus(done)).toBeUndefined();
    expect(host.purge(done)).toBe(false);
  });
});
