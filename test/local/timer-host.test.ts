import type { LocalClock } from '../../local/clock';
import { ClockBackwardsError, SimulatedClock, SystemClock } from '../../local/clock';
import { nextOccurrence, resolveAppSettings, TimerHost, validateSchedule } from '../../local/timer-host';
import type { FunctionsLibrary } from './capture';
import { captureApp } from './capture';

/*
 * Timers on the simulated clock: every occurrence inside an advance fires, in order, with the
 * clock reading that occurrence; nothing fires early. No test waits on the wall clock.
 */

const T0 = new Date('2025-03-03T10:00:00Z');
const iso = (d: Date) => d.toISOString();

interface Fired {
  name: string;
  now: string;
  timer: { isPastDue: boolean; schedule: unknown; scheduleStatus: { last: string; next: string } };
}

function timerApp(register: (lib: FunctionsLibrary, fired: Fired[], clock: SimulatedClock) => void, start = T0) {
  const fired: Fired[] = [];
  const clock = new SimulatedClock(start);
  const { registry, logs } = captureApp((lib) => register(lib, fired, clock));
  return { registry, logs, fired, clock };
}

const recorder = (name: string, fired: Fired[], clock: SimulatedClock) => async (timer: unknown) => {
  fired.push({ name, now: iso(clock.now()), timer: timer as Fired['timer'] });
};

describe('SimulatedClock', () => {
  it('moves forward by and to a time', async () => {
    const clock = new SimulatedClock(T0);
    expect(iso(await clock.advanceBy(90_000))).toBe('2025-03-03T10:01:30.000Z');
    expect(iso(await clock.advanceTo(new Date('2025-03-03T12:00:00Z')))).toBe('2025-03-03T12:00:00.000Z');
    expect(iso(clock.now())).toBe('2025-03-03T12:00:00.000Z');
  });

  it('refuses to go backwards and stays where it was', async () => {
    const clock = new SimulatedClock(T0);
    await expect(clock.advanceTo(new Date(T0.getTime() - 1))).rejects.toBeInstanceOf(ClockBackwardsError);
    await expect(clock.advanceBy(-1)).rejects.toThrow(/backwards/);
    expect(clock.now()).toEqual(T0);
    // A refused step does not block the next one.
    expect(iso(await clock.advanceBy(1000))).toBe('2025-03-03T10:00:01.000Z');
  });

  it('hands out copies, so callers cannot move time by mutating a Date', () => {
    const clock = new SimulatedClock(T0);
    clock.now().setUTCFullYear(2030);
    expect(clock.now()).toEqual(T0);
  });
});

describe('TimerHost on the simulated clock', () => {
  it('fires "0 */5 * * * *" at each five-minute mark over an hour: 12 times, none early', async () => {
    const { registry, fired, clock } = timerApp(({ app }, f, c) =>
      app.timer('tick', { schedule: '0 */5 * * * *', handler: recorder('tick', f, c) }),
    );
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();

    await clock.advanceTo(new Date('2025-03-03T10:04:59.999Z'));
    expect(fired).toHaveLength(0);
    await clock.advanceBy(1);
    expect(fired.map((f) => f.now)).toEqual(['2025-03-03T10:05:00.000Z']);

    await clock.advanceTo(new Date('2025-03-03T11:00:00Z'));
    expect(fired).toHaveLength(12);
    expect(fired.map((f) => f.now)).toEqual(Array.from({ length: 12 }, (_, i) => iso(new Date(T0.getTime() + (i + 1) * 5 * 60_000))));
    expect(iso(clock.now())).toBe('2025-03-03T11:00:00.000Z');
    expect(timers.list()[0]?.next).toEqual(new Date('2025-03-03T11:05:00Z'));
    await timers.stop();
  });

  it('gives the handler the Timer shape Azure does', async () => {
    const { registry, fired, clock } = timerApp(({ app }, f, c) =>
      app.timer('tick', { schedule: '0 */5 * * * *', handler: recorder('tick', f, c) }),
    );
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    await clock.advanceBy(10 * 60_000);
    expect(fired[1]?.timer).toEqual({
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: '2025-03-03T10:05:00.000Z', next: '2025-03-03T10:15:00.000Z', lastUpdated: '2025-03-03T10:10:00.000Z' },
    });
  });

  it('interleaves several timers in time order', async () => {
    const { registry, fired, clock } = timerApp(({ app }, f, c) => {
      app.timer('every7min', { schedule: '0 */7 * * * *', handler: recorder('every7min', f, c) });
      app.timer('every5min', { schedule: '0 */5 * * * *', handler: recorder('every5min', f, c) });
    });
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    await clock.advanceBy(15 * 60_000);
    expect(fired.map((f) => `${f.now.slice(11, 16)} ${f.name}`)).toEqual([
      '10:05 every5min',
      '10:07 every7min',
      '10:10 every5min',
      '10:14 every7min',
      '10:15 every5min',
    ]);
  });

  it('resolves %NAME% schedules from the settings', async () => {
    const { registry, fired, clock } = timerApp(({ app }, f, c) =>
      app.timer('beat', { schedule: '%BEAT_SCHEDULE%', handler: recorder('beat', f, c) }),
    );
    const timers = new TimerHost({ registry, clock, env: { BEAT_SCHEDULE: '30 0 * * * *' } });
    await timers.start();
    expect(timers.list()[0]).toMatchObject({
      schedule: '%BEAT_SCHEDULE%',
      expression: '30 0 * * * *',
      next: new Date('2025-03-03T10:00:30Z'),
    });
    await clock.advanceBy(2 * 3600_000);
    expect(fired.map((f) => f.now)).toEqual(['2025-03-03T10:00:30.000Z', '2025-03-03T11:00:30.000Z']);
  });

  it('puts a timer whose %NAME% does not resolve in error, as Azure does, and runs the others', async () => {
    const { registry, fired, clock, logs } = timerApp(({ app }, f, c) => {
      app.timer('broken', { schedule: '%MISSING%', handler: recorder('broken', f, c) });
      app.timer('fine', { schedule: '0 0 * * * *', handler: recorder('fine', f, c) });
    });
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    expect(timers.list().find((t) => t.name === 'broken')?.error).toBe("'%MISSING%' does not resolve to a value.");
    expect(logs.some((l) => l.level === 'error' && l.functionName === 'broken')).toBe(true);
    await clock.advanceBy(3600_000);
    expect(fired.map((f) => f.name)).toEqual(['fine']);
  });

  it('keeps the schedule going when a handler throws', async () => {
    let calls = 0;
    const { registry, clock, logs } = timerApp(({ app }) =>
      app.timer('flaky', {
        schedule: '0 * * * * *',
        handler: async () => {
          calls++;
          throw new Error('store down');
        },
      }),
    );
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    await clock.advanceBy(3 * 60_000);
    expect(calls).toBe(3);
    expect(logs.filter((l) => l.message.includes('store down'))).toHaveLength(3);
  });

  it('runs runOnStartup timers once at start', async () => {
    const { registry, fired, clock } = timerApp(({ app }, f, c) =>
      app.timer('boot', { schedule: '0 0 0 * * *', runOnStartup: true, handler: recorder('boot', f, c) }),
    );
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    expect(fired.map((f) => f.now)).toEqual([iso(T0)]);
    expect(fired[0]?.timer.isPastDue).toBe(false);
  });

  it('fireDue fires what is due at the current time; a late wake fires once, past due, without catching up', async () => {
    // A clock that never wakes anyone: only fireDue drives the host.
    let now = T0;
    const manual: LocalClock = {
      mode: 'simulated',
      now: () => new Date(now),
      schedule: () => ({ reschedule: () => undefined, cancel: () => undefined }),
    };
    const { registry, fired } = timerApp(({ app }, f) =>
      app.timer('tick', {
        schedule: '0 */5 * * * *',
        handler: async (timer) => void f.push({ name: 'tick', now: iso(now), timer: timer as Fired['timer'] }),
      }),
    );
    const timers = new TimerHost({ registry, clock: manual, env: {} });
    await timers.start();

    now = new Date('2025-03-03T10:04:59Z');
    expect(await timers.fireDue()).toEqual([]);
    now = new Date('2025-03-03T10:05:00Z');
    expect(await timers.fireDue()).toEqual([{ name: 'tick', at: new Date('2025-03-03T10:05:00Z'), isPastDue: false, ok: true }]);
    now = new Date('2025-03-03T10:17:00Z');
    expect(await timers.fireDue()).toEqual([{ name: 'tick', at: new Date('2025-03-03T10:10:00Z'), isPastDue: true, ok: true }]);
    expect(timers.list()[0]?.next).toEqual(new Date('2025-03-03T10:20:00Z'));
    expect(fired.map((f) => f.timer.isPastDue)).toEqual([false, true]);
  });

  it('sees time the handler itself reads from the clock', async () => {
    const seen: string[] = [];
    const { registry, clock } = timerApp(({ app }, _f, c) =>
      app.timer('tick', {
        schedule: '0 0 */6 * * *',
        handler: async () => void seen.push(iso(c.now())),
      }),
    );
    const timers = new TimerHost({ registry, clock, env: {} });
    await timers.start();
    await clock.advanceTo(new Date('2025-03-04T10:00:00Z'));
    expect(seen).toEqual(['2025-03-03T12:00:00.000Z', '2025-03-03T18:00:00.000Z', '2025-03-04T00:00:00.000Z', '2025-03-04T06:00:00.000Z']);
  });
});

describe('TimerHost on the system clock', () => {
  afterEach(() => jest.useRealTimers());

  it('sleeps with setTimeout until the next occurrence', async () => {
    // Fake timers move Date and setTimeout together; nothing waits on the wall clock.
    jest.useFakeTimers({ now: new Date('2025-03-03T10:03:00Z') });
    const seen: string[] = [];
    const { registry } = captureApp(({ app }) =>
      app.timer('tick', { schedule: '0 */5 * * * *', handler: async () => void seen.push(new Date().toISOString()) }),
    );
    const timers = new TimerHost({ registry, clock: new SystemClock(), env: {} });
    await timers.start();
    await jest.advanceTimersByTimeAsync(2 * 60_000 - 1);
    expect(seen).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['2025-03-03T10:05:00.000Z']);
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(seen).toEqual(['2025-03-03T10:05:00.000Z', '2025-03-03T10:10:00.000Z', '2025-03-03T10:15:00.000Z']);
    await timers.stop();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(seen).toHaveLength(3);
  });
});

describe('schedules', () => {
  it('are six-field NCRONTAB in UTC', () => {
    expect(nextOccurrence('0 30 9 * * 1-5', new Date('2025-03-01T00:00:00Z'))).toEqual(new Date('2025-03-03T09:30:00Z'));
    expect(() => validateSchedule('*/5 * * * *')).toThrow(/six fields/);
    expect(() => validateSchedule('00:05:00')).toThrow(/TimeSpan/);
    expect(() => validateSchedule('0 */5 * * * *')).not.toThrow();
  });

  it('resolve every %NAME% in the value', () => {
    expect(resolveAppSettings('0 %M% %H% * * *', { M: '15', H: '7' })).toBe('0 15 7 * * *');
    expect(() => resolveAppSettings('%EMPTY%', { EMPTY: '' })).toThrow(/does not resolve/);
  });
});
