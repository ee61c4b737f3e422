import type * as AzureFunctions from '@azure/functions';
import type * as DurableFunctions from 'durable-functions';

/*
 * Sample orchestrators, activities and starters written exactly as an app deploys them to
 * Azure (df.app.orchestration, df.app.activity, df.app.client.*, app.http with
 * df.input.durableClient()). The probe counts side effects, so tests can tell an activity that
 * ran twice from one that ran once.
 */

export interface Probe {
  /** Activity invocations by name (for failTwice: by name and input). */
  calls: Record<string, number>;
  /** When each activity ran, by the host's clock. */
  times: Record<string, string[]>;
  now: () => Date;
  /** An activity named here waits for the promise before it returns (once; the gate is taken). */
  gates: Map<string, Promise<void>>;
  /** Told when a gated activity starts waiting. */
  entered: Map<string, () => void>;
}

export const EVENTS = { approval: 'Approval', ping: 'Ping', go: 'Go', a: 'A', b: 'B' } as const;

export function registerSamples(df: typeof DurableFunctions, { app, HttpResponse }: typeof AzureFunctions, probe: Probe): void {
  const count = (key: string): number => {
    probe.calls[key] = (probe.calls[key] ?? 0) + 1;
    (probe.times[key] ??= []).push(probe.now().toISOString());
    return probe.calls[key]!;
  };

  // --- Activities -----------------------------------------------------------------------------

  df.app.activity('sayHello', { handler: (name: string) => (count('sayHello'), `Hej ${name}!`) });

  df.app.activity('failTwice', {
    handler: (key: string) => {
      const n = count(`failTwice:${key}`);
      if (n <= 2) throw new Error(`Försök ${n} misslyckades`);
      return { key, attempts: n };
    },
  });

  df.app.activity('recordDecision', { handler: (decision: unknown) => (count('recordDecision'), decision) });

  df.app.activity('countLoop', { handler: (n: number) => (count('countLoop'), n + 1) });

  df.app.activity('boom', {
    handler: () => {
      count('boom');
      throw new Error('Skrivarkön svarar inte');
    },
  });

  df.app.activity('slowStep', {
    handler: async (input: string) => {
      count('slowStep');
      const gate = probe.gates.get('slowStep');
      if (gate) {
        probe.gates.delete('slowStep');
        probe.entered.get('slowStep')?.();
        await gate;
      }
      return `${input} klar`;
    },
  });

  // --- Orchestrations -------------------------------------------------------------------------

  df.app.orchestration('helloSequence', function* (context) {
    const names = context.df.getInput() as string[];
    const greetings: string[] = [];
    for (const name of names) greetings.push(yield context.df.callActivity('sayHello', name));
    return greetings;
  });

  df.app.orchestration('retrying', function* (context) {
    const retry = new df.RetryOptions(1000, 4);
    retry.backoffCoefficient = 2;
    return yield context.df.callActivityWithRetry('failTwice', retry, context.df.getInput());
  });

  df.app.orchestration('retryExhausted', function* (context) {
    const retry = new df.RetryOptions(500, 2);
    try {
      yield context.df.callActivityWithRetry('failTwice', retry, context.df.getInput());
      return 'lyckades';
    } catch (e) {
      return `gav upp: ${(e as Error).message.split('\n')[0]}`;
    }
  });

  /** The human-interaction pattern (docs/architecture.md): an event raced against a deadline; the loser is cancelled. */
  df.app.orchestration('approval', function* (context) {
    const { minutes } = context.df.getInput() as { minutes: number };
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + minutes * 60_000);
    context.df.setCustomStatus({ state: 'väntar', deadline: deadline.toISOString() });
    const approvalTask = context.df.waitForExternalEvent(EVENTS.approval);
    const timeoutTask = context.df.createTimer(deadline);
    const winner = yield context.df.Task.any([approvalTask, timeoutTask]);
    if (!timeoutTask.isCompleted) timeoutTask.cancel();
    if (winner === approvalTask) {
      const recorded = yield context.df.callActivity('recordDecision', approvalTask.result);
      context.df.setCustomStatus({ state: 'beslutad' });
      return { approved: true, decision: recorded, at: context.df.currentUtcDateTime.toISOString() };
    }
    context.df.setCustomStatus({ state: 'tiden ute' });
    return { approved: false, at: context.df.currentUtcDateTime.toISOString() };
  });

  df.app.orchestration('twoPings', function* (context) {
    const first: unknown = yield context.df.waitForExternalEvent(EVENTS.ping);
    const second: unknown = yield context.df.waitForExternalEvent(EVENTS.ping);
    return [first, second];
  });

  df.app.orchestration('onePing', function* (context) {
    const ping: unknown = yield context.df.waitForExternalEvent(EVENTS.ping);
    yield context.df.callActivity('recordDecision', ping);
    return ping;
  });

  /** An eternal loop that keeps its history small with continue-as-new. */
  df.app.orchestration('loop', function* (context) {
    const { n, max } = context.df.getInput() as { n: number; max: number };
    const next: number = yield context.df.callActivity('countLoop', n);
    if (next < max) {
      context.df.continueAsNew({ n: next, max });
      return undefined;
    }
    return { n: next };
  });

  /** Continue-as-new on every event: events raised while one is handled go to the next execution. */
  df.app.orchestration('inbox', function* (context) {
    const seen = context.df.getInput() as string[];
    const item: string = yield context.df.waitForExternalEvent(EVENTS.ping);
    const all = [...seen, item];
    if (all.length < 3) {
      context.df.continueAsNew(all);
      return undefined;
    }
    return all;
  });

  df.app.orchestration('statusKeeper', function* (context) {
    context.df.setCustomStatus('fas 1');
    yield context.df.callActivity('sayHello', 'status');
    // Falsy: the extension keeps the previous status.
    context.df.setCustomStatus(0);
    yield context.df.waitForExternalEvent(EVENTS.go);
    context.df.setCustomStatus('fas 2');
    return 'ok';
  });

  df.app.orchestration('failing', function* (context) {
    yield context.df.callActivity('sayHello', 'före felet');
    throw new Error('Planen saknas för avdelning 12');
  });

  df.app.orchestration('uncaughtActivity', function* (context) {
    return yield context.df.callActivity('boom');
  });

  df.app.orchestration('parent', function* (context) {
    const greetings: string[] = yield context.df.callSubOrchestrator('helloSequence', ['Rut', 'Omar']);
    return greetings.join(' ');
  });

  df.app.orchestration('reminder', function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30 * 60_000));
    return yield context.df.callActivity('sayHello', 'påminnelse');
  });

  /** Longer than maximumShortTimerDuration (6 days): the library makes it a long timer. */
  df.app.orchestration('longWait', function* (context) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * 24 * 3600_000));
    return context.df.currentUtcDateTime.toISOString();
  });

  df.app.orchestration('parentOfFailing', function* (context) {
    try {
      yield context.df.callSubOrchestrator('failing', undefined, 'barnet');
      return 'inget fel';
    } catch (e) {
      return `barnet föll: ${(e as Error).message}`;
    }
  });

  df.app.orchestration('gated', function* (context) {
    const first: string = yield context.df.callActivity('sayHello', 'först');
    const second: string = yield context.df.callActivity('slowStep', 'steg två');
    return [first, second];
  });

  /** Races the same timer twice (azure-functions-durable-js #574): the extension schedules it again. */
  df.app.orchestration('reRace', function* (context) {
    const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60 * 60_000));
    const a = context.df.waitForExternalEvent(EVENTS.a);
    if ((yield context.df.Task.any([a, timer])) === timer) return 'tiden ute';
    const b = context.df.waitForExternalEvent(EVENTS.b);
    if ((yield context.df.Task.any([b, timer])) === timer) return 'tiden ute';
    timer.cancel();
    return [a.result, b.result];
  });

  df.app.orchestration('usesEntity', function* (context) {
    return yield context.df.callEntity(new df.EntityId('counter', 'x'), 'add', 1);
  });

  // --- Starters: HTTP and timer functions with a durable client -----------------------------

  df.app.client.http('startApproval', {
    route: 'approvals',
    methods: ['POST'],
    handler: async (request, client) => {
      const input = (await request.json()) as { minutes: number; id?: string };
      const instanceId = await client.startNew('approval', { input: { minutes: input.minutes }, instanceId: input.id });
      return client.createCheckStatusResponse(request, instanceId);
    },
  });

  app.http('decide', {
    route: 'approvals/{id}/decision',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
      const client = df.getClient(context);
      const id = request.params.id!;
      await client.raiseEvent(id, EVENTS.approval, await request.json());
      const status = await client.getStatus(id);
      return new HttpResponse({
        status: 202,
        jsonBody: { instanceId: id, runtimeStatus: status.runtimeStatus, customStatus: status.customStatus },
      });
    },
  });

  app.http('approvalStatus', {
    route: 'approvals/{id}',
    methods: ['GET'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
      const client = df.getClient(context);
      try {
        const status = await client.getStatus(request.params.id!, { showHistory: true, showHistoryOutput: true });
        return { jsonBody: status };
      } catch (e) {
        return { status: 404, jsonBody: { message: (e as Error).message } };
      }
    },
  });

  app.http('cancelApproval', {
    route: 'approvals/{id}',
    methods: ['DELETE'],
    extraInputs: [df.input.durableClient()],
    handler: async (request, context) => {
      const client = df.getClient(context);
      await client.terminate(request.params.id!, 'återkallad');
      return { status: 202 };
    },
  });

  df.app.client.timer('nightlyGreeting', {
    schedule: '0 0 2 * * *',
    handler: async (_timer, client) => {
      await client.startNew('helloSequence', { instanceId: `nightly-${probe.now().toISOString().slice(0, 10)}`, input: ['natten'] });
    },
  });
}
