import type { Sleeper } from '../../../local/clock';
import { SimulatedClock, SystemClock } from '../../../local/clock';
import { DurableHost } from '../../../local/durable/durable-host';
import { deferred, MINUTE, sampleApp, sampleWorld, T0 } from './harness';
import { EVENTS } from './samples';

/*
 * The store outlives the host: close it (or drop it as a killed process would) and open a new
 * one on the same file, and every timer, event and result is still there — and no activity
 * whose result was recorded runs again.
 */

const app = sampleApp();
let world: ReturnType<typeof sampleWorld>;
afterEach(async () => {
  await world.cleanup();
});

describe('a restart of the host', () => {
  it('loses no timer: a reminder set before the restart fires after it, once', async () => {
    world = sampleWorld(app);
    const { clock, probe } = world;
    const before = world.open();
    const id = before.startNew('reminder');
    await before.settle();
    await clock.advanceBy(10 * MINUTE);
    await before.close();

    const after = world.open();
    expect(after.getStatus(id)?.runtimeStatus).toBe('Running');
    expect(after.pendingWork(id).map((w) => w.kind)).toEqual(['timer']);
    await clock.advanceTo(new Date(T0.getTime() + 30 * MINUTE - 1));
    expect(probe.calls.sayHello).toBeUndefined();
    await clock.advanceBy(1);
    expect(after.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'Hej påminnelse!' });
    expect(probe.calls.sayHello).toBe(1);
  });

  it('loses no event: an approval raised after the restart completes the instance, and its deadline is cancelled', async () => {
    world = sampleWorld(app);
    const { clock, probe } = world;
    const before = world.open();
    const id = before.startNew('approval', { input: { minutes: 60 } });
    await before.settle();
    await before.close();

    const after = world.open();
    after.raiseEvent(id, EVENTS.approval, { by: 'efter omstart' });
    await after.settle();
    expect(after.getStatus(id)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { approved: true, decision: { by: 'efter omstart' } },
    });
    await clock.advanceBy(3 * 60 * MINUTE);
    expect(probe.calls.recordDecision).toBe(1);
    expect(after.getStatus(id)?.output).toMatchObject({ approved: true });
  });

  it('keeps an event that was queued but not yet handed to the orchestrator when the process died', async () => {
    world = sampleWorld(app);
    const { probe } = world;
    const before = world.open();
    const id = before.startNew('onePing');
    await before.settle();
    // Committed to the queue; the episode that would deliver it starts and is lost with the process.
    before.raiseEvent(id, EVENTS.ping, 'i kön');
    before.abandon();

    const after = world.open();
    await after.settle();
    expect(after.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'i kön' });
    expect(probe.calls.recordDecision).toBe(1);
  });

  it('after a crash mid-activity, runs that activity again and no finished one', async () => {
    world = sampleWorld(app);
    const { probe } = world;
    const gate = deferred();
    const entered = deferred();
    probe.gates.set('slowStep', gate.promise);
    probe.entered.set('slowStep', entered.resolve);

    const crashed = world.open();
    const id = crashed.startNew('gated');
    crashed.kick();
    await entered.promise;
    // Killed while slowStep runs: its TaskScheduled is stored, its result is not.
    crashed.abandon();
    gate.resolve();

    const restarted = world.open();
    await restarted.settle();
    expect(restarted.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['Hej först!', 'steg två klar'] });
    expect(probe.calls.sayHello).toBe(1);
    expect(probe.calls.slowStep).toBe(2);
  });

  it('replays the history of a long wait without re-running the activities before it', async () => {
    world = sampleWorld(app);
    const { probe } = world;
    const before = world.open();
    const id = before.startNew('statusKeeper');
    await before.settle();
    expect(probe.calls.sayHello).toBe(1);
    await before.close();

    for (let i = 0; i < 3; i++) await world.open().close();
    const after = world.open();
    after.raiseEvent(id, EVENTS.go);
    await after.settle();
    expect(after.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', customStatus: 'fas 2' });
    expect(probe.calls.sayHello).toBe(1);
  });
});

describe('starting later than a timer was due', () => {
  it('fires the overdue timer at once, with the time it starts at', async () => {
    world = sampleWorld(app);
    const before = world.open();
    const id = before.startNew('reminder');
    await before.settle();
    await before.close();

    // The process was down past the reminder's time: a new clock, two hours on.
    const later = new SimulatedClock(new Date(T0.getTime() + 120 * MINUTE));
    const after = new DurableHost({ registry: app.registry, clock: later, file: world.file });
    after.start();
    try {
      await after.settle();
      expect(after.getStatus(id)).toMatchObject({
        runtimeStatus: 'Completed',
        output: 'Hej påminnelse!',
        lastUpdatedTime: later.now().toISOString(),
      });
    } finally {
      await after.close();
    }
  });

  it('runs in memory too, for tests that need no file', async () => {
    world = sampleWorld(app);
    const host = new DurableHost({ registry: app.registry, clock: world.clock, file: ':memory:' });
    host.start();
    try {
      const id = host.startNew('helloSequence', { input: ['minnet'] });
      await host.settle();
      expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: ['Hej minnet!'] });
    } finally {
      await host.close();
    }
  });
});

describe('on the system clock', () => {
  afterEach(() => jest.useRealTimers());

  it('is woken by the clock when a timer is due (fake timers: nothing waits on the wall clock)', async () => {
    jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    world = sampleWorld(app);
    // Records each wake-up the clock gives the host, and lets the test await it.
    const wakes: { at: string; done: Promise<void> }[] = [];
    class RecordingClock extends SystemClock {
      override schedule(sleeper: Sleeper) {
        return super.schedule({
          nextWakeAt: () => sleeper.nextWakeAt(),
          wake: () => {
            const done = sleeper.wake();
            wakes.push({ at: new Date().toISOString(), done });
            return done;
          },
        });
      }
    }
    const host = new DurableHost({ registry: app.registry, clock: new RecordingClock(), file: world.file });
    host.start();
    try {
      const id = host.startNew('reminder');
      await host.settle();
      await jest.advanceTimersByTimeAsync(30 * MINUTE - 1);
      expect(wakes.filter((w) => w.at > T0.toISOString())).toEqual([]);
      expect(host.getStatus(id)?.runtimeStatus).toBe('Running');

      await jest.advanceTimersByTimeAsync(1);
      const timerWake = wakes.find((w) => w.at === new Date(T0.getTime() + 30 * MINUTE).toISOString());
      expect(timerWake).toBeDefined();
      await timerWake!.done;
      expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'Hej påminnelse!' });
    } finally {
      await host.close();
    }
  });
});
