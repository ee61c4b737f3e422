import { randomUUID } from 'node:crypto';
import type { LocalClock, SleeperHandle } from '../clock';
import type { FunctionRegistry, RegisteredFunction, RpcTypedData } from '../core-shim';
import { invokeFunction } from '../invoke';
import type { Action, HistoryEvent, OrchestratorState } from './history';
import {
  ActionType,
  decodeActionInput,
  EVENT_TYPE_NAMES,
  EventType,
  historyEvent,
  OrchestratorStateSchema,
  parseJsonText,
  stateOfFailure,
  toJsonText,
} from './history';
import type {
  ActivityWork,
  Call,
  ControlWork,
  EngineState,
  InstanceQuery,
  InstanceRecord,
  NewWork,
  RetryState,
  RuntimeStatus,
  TimerWork,
  WorkItem,
} from './instance-store';
import { emptyEngineState, isTerminal, SqliteInstanceStore, type InstanceStore } from './instance-store';
import { ThreadedInstanceStore } from './instance-thread';
import type { HungDisk } from '../../shared/adapters/faults/sqlite-faults';
import { isStoreUnavailable } from '../../shared/ports/repository.port';

/*
 * Durable Functions without Azure: orchestrators and activities run through the
 * `durable-functions` library's own replay engine, invoked like every other function
 * (local/invoke.ts). This host plays the part of the Durable extension and its task hub:
 * it keeps each instance's history in SQLite, replays the orchestrator with one new event
 * per episode, turns the actions it returns into work (activities, timers, sub-orchestrations),
 * and runs that work on the local clock. See docs/local-runtime.md ("Measured facts") for the measured protocol.
 */

/** What the extension sends besides the history (OOProc schema V4; timer settings as in Azure). */
const PAYLOAD_CONSTANTS = {
  parentInstanceId: null,
  upperSchemaVersion: 1,
  upperSchemaVersionNew: 3,
  maximumShortTimerDuration: '6.00:00:00',
  longRunningTimerIntervalDuration: '3.00:00:00',
  defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
};

export type DurableErrorCode = 'NOT_FOUND' | 'GONE' | 'CONFLICT' | 'BAD_REQUEST';

/** A refused client request; the HTTP API maps the code to a status (404, 410, 409, 400). */
export class DurableClientError extends Error {
  override name = 'DurableClientError';
  constructor(
    readonly code: DurableErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DurableHostOptions {
  registry: FunctionRegistry;
  clock: LocalClock;
  /** The SQLite file (e.g. `<DRIFTPULS_DATA_DIR>/durable.sqlite`); `:memory:` for a throwaway store. */
  file: string;
  synchronous?: 'NORMAL' | 'FULL';
  /** Task hub name handed to durable clients. */
  taskHub?: string;
  /**
   * Where the store calls SQLite (issue 13 item 9): `worker` in a worker thread, each call
   * waiting at most `storeTimeoutMs`, so a frozen disk costs the event loop that long once
   * instead of forever (DURABLE_STORE_THREAD=worker); `main` (the default) on the event loop.
   */
  storeThread?: 'worker' | 'main';
  storeTimeoutMs?: number;
  /** Tests: a simulated frozen file system under the store's worker thread. */
  storeHang?: HungDisk;
}

/** How long the pump waits before it tries a store that did not answer again (real time: the store is real). */
const STORE_RETRY_MS = 1_000;

export interface StartNewOptions {
  instanceId?: string;
  input?: unknown;
}

/** The status document of the Durable HTTP API (`GET instances/{id}`). */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  /** Default true. */
  showInput?: boolean;
}

/** Everything an episode decides, written in one transaction at its end. */
interface Decisions {
  engine: EngineState;
  /** Scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated). */
  events: HistoryEvent[];
  work: NewWork[];
  children: InstanceRecord[];
  cancelledTimers: Set<number>;
}

const INVALID_ID = /[/\\#?\u0000-\u001f\u007f]/;

export class DurableHost {
  readonly taskHub: string;
  readonly #registry: FunctionRegistry;
  readonly #clock: LocalClock;
  readonly #store: InstanceStore;
  readonly #file: string;
  #handle: SleeperHandle | undefined;
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  /** No new steps start. */
  #closed = false;
  /** The step in flight is dropped, not committed (the store is already closed). */
  #abandoned = false;

  constructor(opts: DurableHostOptions) {
    this.#registry = opts.registry;
    this.#clock = opts.clock;
    this.#file = opts.file;
    this.taskHub = opts.taskHub ?? 'TestHubName';
    this.#store =
      opts.storeThread !== 'worker'
        ? SqliteInstanceStore.open(opts.file, { synchronous: opts.synchronous })
        : ThreadedInstanceStore.open(opts.file, {
            ...(opts.synchronous ? { synchronous: opts.synchronous } : {}),
            ...(opts.storeTimeoutMs !== undefined ? { timeoutMs: opts.storeTimeoutMs } : {}),
            ...(opts.storeHang ? { hang: opts.storeHang } : {}),
          });
  }

  /** The SQLite file holding the instances. */
  get file(): string {
    return this.#file;
  }

  /**
   * Starts taking work: what was in flight when the store was last closed (or the process
   * died) runs now, timers wake on the clock.
   */
  start(): void {
    if (this.#closed) throw new Error('The durable host is closed.');
    this.#handle ??= this.#clock.schedule({
      nextWakeAt: () => this.#nextWakeAt(),
      wake: () => this.settle(),
    });
    this.kick();
  }

  /** Stops after the step in progress; the store is closed, nothing pending is lost. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle?.cancel();
    this.#handle = undefined;
    clearTimeout(this.#retryTimer);
    await this.#idle.catch(() => undefined);
    this.#store.close();
  }

  /**
   * Drops everything at once, as a killed process would: the step in progress is lost and
   * runs again on the next start (tests of crash recovery).
   */
  abandon(): void {
    this.#closed = true;
    this.#abandoned = true;
    this.#handle?.cancel();
    this.#handle = undefined;
    this.#store.close();
  }

  /** Resolves once no work is due at the clock's current time (pending timers stay pending). */
  async settle(): Promise<void> {
    this.kick();
    while (this.#running) await this.#idle;
  }

  /** Runs due work in the background; `settle()` waits for it. */
  kick(): void {
    if (this.#closed || this.#running) return;
    this.#running = true;
    this.#idle = this.#loop();
  }

  orchestrationNames(): string[] {
    return this.#registry.byTrigger('orchestrationTrigger').map((f) => f.name);
  }

  activityNames(): string[] {
    return this.#registry.byTrigger('activityTrigger').map((f) => f.name);
  }

  entityNames(): string[] {
    return this.#registry.byTrigger('entityTrigger').map((f) => f.name);
  }

  /** Instances per runtime status, for the start-up listing. */
  counts(): Record<string, number> {
    return this.#store.counts();
  }

  // -------------------------------------------------------------------------------------------
  // The client operations (what `df.getClient(context)` reaches through the HTTP API)

  /**
   * Schedules a new instance and returns its id. An id in use by a running instance is
   * refused; a finished one is replaced, as the extension does by default.
   */
  startNew(name: string, opts: StartNewOptions = {}): string {
    const fn = this.#function(name, 'orchestrationtrigger');
    if (!fn)
      throw new DurableClientError('BAD_REQUEST', `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const instanceId = opts.instanceId ?? randomUUID().replace(/-/g, '');
    if (instanceId.length === 0 || instanceId.length > 256 || INVALID_ID.test(instanceId)) {
      throw new DurableClientError(
        'BAD_REQUEST',
        `The instance id '${instanceId}' is not valid: 1–256 characters, none of / \\ # ? or control characters.`,
      );
    }
    const now = this.#now();
    this.#store.transaction(() => {
      const existing = this.#store.get(instanceId);
      if (existing && !isTerminal(existing.status)) {
        throw new DurableClientError('CONFLICT', `An instance with ID '${instanceId}' already exists and is ${existing.status}.`);
      }
      this.#store.deleteWorkOf(instanceId);
      const record = newInstance({ instanceId, name: fn.name, input: toJsonText(opts.input), now });
      this.#store.put(record);
      this.#store.addWork({ instanceId, executionId: record.executionId, kind: 'start', dueAt: now, payload: {} });
    });
    this.#changed();
    return instanceId;
  }

  /** Queues an external event; an instance that does not wait for it yet gets it when it does. */
  raiseEvent(instanceId: string, eventName: string, data?: unknown): void {
    if (!eventName) throw new DurableClientError('BAD_REQUEST', 'The event name must not be empty.');
    const now = this.#now();
    this.#store.transaction(() => {
      const record = this.#activeInstance(instanceId);
      const event = historyEvent(EventType.EventRaised, new Date(now), { Name: eventName, Input: toJsonText(data) });
      this.#store.addWork({ instanceId, executionId: record.executionId, kind: 'message', dueAt: now, payload: event });
    });
    this.#changed();
  }

  terminate(instanceId: string, reason?: string): void {
    this.#control(instanceId, 'terminate', reason);
  }

  suspend(instanceId: string, reason?: string): void {
    this.#control(instanceId, 'suspend', reason);
  }

  resume(instanceId: string, reason?: string): void {
    this.#control(instanceId, 'resume', reason);
  }

  /** Deletes an instance with its history; false when there was none. */
  purge(instanceId: string): boolean {
    return this.#store.purge(instanceId);
  }

  /** Deletes every instance matching the filter; returns how many went. */
  purgeWhere(q: InstanceQuery): number {
    let n = 0;
    for (const r of this.#store.query(q)) if (this.#store.purge(r.instanceId)) n++;
    return n;
  }

  getStatus(instanceId: string, opts: StatusOptions = {}): InstanceStatus | undefined {
    const record = this.#store.get(instanceId);
    return record ? statusOf(record, opts) : undefined;
  }

  listInstances(q: InstanceQuery = {}, opts: StatusOptions = {}): InstanceStatus[] {
    return this.#store.query(q).map((r) => statusOf(r, opts));
  }

  /** The raw history of the current execution, as the orchestrator is replayed against it. */
  history(instanceId: string): HistoryEvent[] | undefined {
    return this.#store.get(instanceId)?.history;
  }

  /** Work waiting for an instance (timers, activities, undelivered events), for tests and debugging. */
  pendingWork(instanceId: string): WorkItem[] {
    return this.#store.workOf(instanceId);
  }

  // -------------------------------------------------------------------------------------------
  // The pump

  #now(): number {
    return this.#clock.now().getTime();
  }

  #nextWakeAt(): Date | undefined {
    if (this.#closed) return undefined;
    let due: number | undefined;
    try {
      due = this.#store.nextDue();
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      this.#retryLater(e);
      return undefined;
    }
    return due === undefined ? undefined : new Date(due);
  }

  #retryTimer: NodeJS.Timeout | undefined;

  /** The store did not answer: nothing is lost (the work stays queued); the pump tries again in a moment. */
  #retryLater(e: unknown): void {
    if (this.#closed || this.#retryTimer) return;
    this.#log('warning', `The durable store does not answer; trying again in ${STORE_RETRY_MS} ms: ${describeError(e)}`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.kick();
    }, STORE_RETRY_MS);
    this.#retryTimer.unref();
  }

  #changed(): void {
    this.#handle?.reschedule();
    this.kick();
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        if (this.#closed) break;
        const item = this.#store.nextReady(this.#now());
        if (!item) break;
        await this.#safely(item);
      }
    } catch (e) {
      if (isStoreUnavailable(e)) this.#retryLater(e);
      else if (!this.#abandoned) this.#log('error', `The durable host stopped: ${describeError(e)}`);
    } finally {
      this.#running = false;
      this.#handle?.reschedule();
    }
  }

  async #safely(item: WorkItem): Promise<void> {
    try {
      await this.#process(item);
    } catch (e) {
      if (this.#abandoned) return;
      // The store away is not the step's fault: the work stays queued and runs when it answers.
      if (isStoreUnavailable(e)) throw e;
      this.#log('error', `Instance ${item.instanceId}: ${item.kind} failed in the host: ${describeError(e)}`);
      try {
        // A step that cannot complete must not come back forever: the instance fails.
        this.#store.transaction(() => {
          const record = this.#store.get(item.instanceId);
          this.#store.deleteWork(item.id);
          if (record && !isTerminal(record.status))
            this.#finish(record, 'Failed', toJsonText(`The local durable host failed: ${describeError(e)}`), [], this.#now());
        });
      } catch {
        this.#store.deleteWork(item.id);
      }
    }
  }

  async #process(item: WorkItem): Promise<void> {
    const record = this.#store.get(item.instanceId);
    // Work for an instance that is gone, finished, or restarted by continue-as-new is stale.
    if (!record || isTerminal(record.status) || record.executionId !== item.executionId) {
      this.#store.deleteWork(item.id);
      return;
    }
    switch (item.kind) {
      case 'activity':
        return this.#runActivity(item, item.payload as ActivityWork);
      case 'terminate':
      case 'suspend':
      case 'resume':
        return this.#applyControl(record, item);
      case 'start':
      case 'message':
      case 'timer':
        return this.#episode(record, item);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Activities

  async #runActivity(item: WorkItem, work: ActivityWork): Promise<void> {
    const fn = this.#function(work.name, 'activitytrigger');
    let event: HistoryEvent;
    if (!fn) {
      event = taskFailed(
        work.taskId,
        this.#clock.now(),
        `The function '${work.name}' doesn't exist, is disabled, or is not an activity function.`,
        '',
      );
    } else {
      try {
        const response = await invokeFunction(this.#registry, fn, { trigger: { json: toJsonText(work.input) } });
        event = historyEvent(EventType.TaskCompleted, this.#clock.now(), {
          TaskScheduledId: work.taskId,
          Result: jsonTextOf(response.returnValue),
        });
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        event = taskFailed(work.taskId, this.#clock.now(), `Activity function '${fn.name}' failed: ${err.message}`, err.stack ?? '');
      }
    }
    if (this.#abandoned) return;
    this.#store.transaction(() => {
      this.#store.deleteWork(item.id);
      // The instance may have finished or moved on while the activity ran.
      const current = this.#store.get(item.instanceId);
      if (current && !isTerminal(current.status) && current.executionId === item.executionId) {
        this.#store.addWork({
          instanceId: item.instanceId,
          executionId: item.executionId,
          kind: 'message',
          dueAt: this.#now(),
          payload: event,
        });
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // Orchestrator episodes

  async #episode(record: InstanceRecord, item: WorkItem): Promise<void> {
    const now = this.#now();
    const fn = this.#function(record.name, 'orchestrationtrigger');
    const d: Decisions = { engine: structuredClone(record.engine), events: [], work: [], children: [], cancelledTimers: new Set() };
    let fireAt = 0;
    let newEvent: HistoryEvent;
    let refused: string | undefined;

    if (item.kind === 'start') {
      newEvent = historyEvent(EventType.ExecutionStarted, new Date(now), { Name: record.name, Input: record.input });
    } else if (item.kind === 'timer') {
      const t = item.payload as TimerWork;
      fireAt = Date.parse(t.fireAt);
      newEvent = historyEvent(EventType.TimerFired, new Date(now), { TimerId: t.timerId, FireAt: t.fireAt });
      const open = d.engine.open[t.timerId];
      delete d.engine.open[t.timerId];
      // The library asks for the next attempt as soon as it sees the retry timer fire, before
      // the orchestrator resumes; the id must be taken here, in the same order.
      if (open?.kind === 'retryTimer' && open.call.retry && open.call.retry.attempt < open.call.retry.options.maxNumberOfAttempts) {
        const call: Call = { ...open.call, retry: { ...open.call.retry, attempt: open.call.retry.attempt + 1 } };
        refused = this.#scheduleCall(record, d, d.engine.nextSeq++, call, now);
      }
    } else {
      newEvent = { ...(item.payload as HistoryEvent), IsPlayed: false };
      const id = newEvent.TaskScheduledId;
      if (id !== undefined) {
        const open = d.engine.open[id];
        delete d.engine.open[id];
        const failed = newEvent.EventType === EventType.TaskFailed || newEvent.EventType === EventType.SubOrchestrationInstanceFailed;
        if (failed && open?.kind === 'call' && open.call.retry) {
          // As the extension's retry loop: after every failed attempt a timer, also after the last one.
          const delay = retryDelay(open.call.retry, now);
          if (delay === undefined) {
            refused = newEvent.Reason ?? 'The retry timeout expired.';
          } else {
            const timerId = d.engine.nextSeq++;
            const at = new Date(now + delay).toISOString();
            d.engine.open[timerId] = { kind: 'retryTimer', fireAt: at, call: open.call };
            d.events.push(historyEvent(EventType.TimerCreated, new Date(now), { EventId: timerId, FireAt: at }));
            d.work.push({
              instanceId: record.instanceId,
              executionId: record.executionId,
              kind: 'timer',
              dueAt: now + delay,
              payload: { timerId, fireAt: at } satisfies TimerWork,
            });
          }
        }
      }
    }

    if (!fn) refused ??= `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    if (refused !== undefined) {
      return this.#commitFinish(
        record,
        item,
        'Failed',
        toJsonText(`Orchestrator function '${record.name}' failed: ${refused}`),
        [newEvent],
        now,
      );
    }

    // currentUtcDateTime is the latest OrchestratorStarted; it never goes back and a timer
    // never fires before its time.
    const started = new Date(Math.max(now, fireAt, lastStart(record.history)));
    const fresh = [historyEvent(EventType.OrchestratorStarted, started), { ...newEvent, IsPlayed: false }];
    const payload = {
      history: [...record.history.map((e) => ({ ...e, IsPlayed: true })), ...fresh],
      input: parseJsonText(record.input),
      instanceId: record.instanceId,
      isReplaying: record.history.length > 0,
      ...PAYLOAD_CONSTANTS,
      parentInstanceId: record.parentInstanceId,
    };

    let state: OrchestratorState | undefined;
    let failure: string | undefined;
    try {
      const response = await invokeFunction(this.#registry, fn!, { trigger: { json: JSON.stringify(payload) } });
      state = OrchestratorStateSchema.parse(JSON.parse(response.returnValue?.json ?? 'null'));
    } catch (e) {
      const failed = stateOfFailure(e);
      failure = failed.message;
      state = failed.state;
    }
    if (this.#abandoned) return;

    // A falsy custom status (0, '', false) never reaches the extension: the previous one stays.
    const customStatus = state?.customStatus ? toJsonText(state.customStatus) : record.customStatus;
    const updated: InstanceRecord = { ...record, customStatus };
    if (state === undefined || failure !== undefined) {
      return this.#commitFinish(
        updated,
        item,
        'Failed',
        toJsonText(`Orchestrator function '${record.name}' failed: ${failure ?? 'no result'}`),
        fresh.slice(1),
        now,
      );
    }

    let continueAsNew: Action | undefined;
    let unsupported: string | undefined;
    let leaf = 0;
    const visit = (a: Action): void => {
      switch (a.actionType) {
        case ActionType.WhenAny:
        case ActionType.WhenAll:
          for (const child of a.compoundActions ?? []) visit(child);
          return;
        case ActionType.ContinueAsNew:
          continueAsNew = a;
          return;
        case ActionType.WaitForExternalEvent:
          return;
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry:
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry:
        case ActionType.CreateTimer:
        case ActionType.CallHttp: {
          const index = leaf++;
          const known = d.engine.leafIds[index];
          if (known !== undefined) {
            // Seen before; only a timer changes afterwards (cancelled by the orchestrator).
            if (a.actionType === ActionType.CreateTimer && a.isCanceled && d.engine.open[known]?.kind === 'timer') {
              delete d.engine.open[known];
              d.cancelledTimers.add(known);
            }
            return;
          }
          // New, or re-emitted by re-racing an already scheduled task (azure-functions-durable-js
          // #574): the extension schedules it again under a new id, and so do we.
          const id = d.engine.nextSeq++;
          d.engine.leafIds.push(id);
          unsupported ??= this.#scheduleAction(record, d, id, a, now);
          return;
        }
        default:
          unsupported ??= `${actionName(a.actionType)} is not supported by the local runtime (entities and callHttp are not emulated).`;
      }
    };
    for (const a of state.actions.flat()) visit(a);

    if (unsupported !== undefined) {
      return this.#commitFinish(
        updated,
        item,
        'Failed',
        toJsonText(`Orchestrator function '${record.name}' failed: ${unsupported}`),
        fresh.slice(1),
        now,
      );
    }
    if (state.isDone && continueAsNew) return this.#commitContinueAsNew(updated, item, continueAsNew, now);
    if (state.isDone) return this.#commitFinish(updated, item, 'Completed', toJsonText(state.output), fresh.slice(1), now);

    const history = [...record.history, ...fresh, ...d.events, historyEvent(EventType.OrchestratorCompleted, new Date(now))];
    this.#store.transaction(() => {
      this.#store.deleteWork(item.id);
      if (!this.#isCurrent(record)) return;
      if (d.cancelledTimers.size > 0) {
        for (const w of this.#store.workOf(record.instanceId)) {
          if (w.kind === 'timer' && d.cancelledTimers.has((w.payload as TimerWork).timerId)) this.#store.deleteWork(w.id);
        }
      }
      for (const child of d.children) {
        this.#store.deleteWorkOf(child.instanceId);
        this.#store.put(child);
      }
      this.#store.put({ ...updated, status: 'Running', history, engine: d.engine, lastUpdatedAt: now });
      for (const w of d.work) this.#store.addWork(w);
    });
    this.#handle?.reschedule();
  }

  /** Turns one new action into history and work; returns why it cannot, if it cannot. */
  #scheduleAction(record: InstanceRecord, d: Decisions, id: number, a: Action, now: number): string | undefined {
    switch (a.actionType) {
      case ActionType.CreateTimer: {
        const fireAt = a.fireAt ? new Date(a.fireAt) : new Date(Number.NaN);
        if (Number.isNaN(fireAt.getTime())) return `The timer ${id} has no valid fireAt (${String(a.fireAt)}).`;
        const at = fireAt.toISOString();
        d.events.push(historyEvent(EventType.TimerCreated, new Date(now), { EventId: id, FireAt: at }));
        // A timer cancelled before it was ever scheduled is never armed.
        if (!a.isCanceled) {
          d.engine.open[id] = { kind: 'timer', fireAt: at };
          d.work.push({
            instanceId: record.instanceId,
            executionId: record.executionId,
            kind: 'timer',
            dueAt: fireAt.getTime(),
            payload: { timerId: id, fireAt: at } satisfies TimerWork,
          });
        }
        return undefined;
      }
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const isActivity = a.actionType === ActionType.CallActivity || a.actionType === ActionType.CallActivityWithRetry;
        const withRetry = a.actionType === ActionType.CallActivityWithRetry || a.actionType === ActionType.CallSubOrchestratorWithRetry;
        const retry: RetryState | undefined =
          withRetry && a.retryOptions ? { options: a.retryOptions, attempt: 1, firstAttemptAt: now } : undefined;
        const call: Call = {
          kind: isActivity ? 'activity' : 'subOrchestration',
          name: a.functionName ?? '',
          // Activities' string inputs arrive JSON-encoded (processInput); sub-orchestrations' do not.
          input: isActivity ? decodeActionInput(a.input) : (a.input ?? null),
          instanceId: isActivity ? undefined : a.instanceId,
          retry,
        };
        return this.#scheduleCall(record, d, id, call, now);
      }
      default:
        return `${actionName(a.actionType)} is not supported by the local runtime.`;
    }
  }

  #scheduleCall(record: InstanceRecord, d: Decisions, id: number, call: Call, now: number): string | undefined {
    if (call.kind === 'activity') {
      // The extension checks this when the orchestrator schedules the call, and fails the orchestration.
      if (!this.#function(call.name, 'activitytrigger'))
        return `The function '${call.name}' doesn't exist, is disabled, or is not an activity function.`;
      d.engine.open[id] = { kind: 'call', call };
      d.events.push(historyEvent(EventType.TaskScheduled, new Date(now), { EventId: id, Name: call.name, Input: toJsonText(call.input) }));
      d.work.push({
        instanceId: record.instanceId,
        executionId: record.executionId,
        kind: 'activity',
        dueAt: now,
        payload: { taskId: id, name: call.name, input: call.input } satisfies ActivityWork,
      });
      return undefined;
    }
    const fn = this.#function(call.name, 'orchestrationtrigger');
    if (!fn) return `The function '${call.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    const childId = call.instanceId ?? `${record.instanceId}:${id}`;
    const existing = this.#store.get(childId);
    if ((existing && !isTerminal(existing.status)) || d.children.some((c) => c.instanceId === childId)) {
      return `A sub-orchestration with instance ID '${childId}' is already running.`;
    }
    const child = newInstance({ instanceId: childId, name: fn.name, input: toJsonText(call.input), now });
    child.parentInstanceId = record.instanceId;
    child.parentExecutionId = record.executionId;
    child.parentTaskId = id;
    d.children.push(child);
    d.engine.open[id] = { kind: 'call', call };
    d.events.push(
      historyEvent(EventType.SubOrchestrationInstanceCreated, new Date(now), {
        EventId: id,
        Name: call.name,
        InstanceId: childId,
        Input: toJsonText(call.input),
      }),
    );
    d.work.push({ instanceId: childId, executionId: child.executionId, kind: 'start', dueAt: now, payload: {} });
    return undefined;
  }

  /** Completed or Failed: the end of the instance; its parent, if any, hears of it. */
  #commitFinish(
    record: InstanceRecord,
    item: WorkItem,
    status: 'Completed' | 'Failed',
    output: string,
    delivered: HistoryEvent[],
    now: number,
  ): void {
    this.#store.transaction(() => {
      this.#store.deleteWork(item.id);
      if (this.#isCurrent(record)) this.#finish(record, status, output, delivered, now);
    });
    if (status === 'Failed')
      this.#log('warning', `Orchestration '${record.name}' (${record.instanceId}) failed: ${String(parseJsonText(output))}`);
  }

  /** Inside a transaction. */
  #finish(
    record: InstanceRecord,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: string,
    delivered: HistoryEvent[],
    now: number,
  ): void {
    const at = new Date(now);
    const closing =
      status === 'Terminated'
        ? historyEvent(EventType.ExecutionTerminated, at, { Input: output })
        : historyEvent(EventType.ExecutionCompleted, at, { OrchestrationStatus: status, Result: output });
    const history = [
      ...record.history,
      ...(delivered.length ? [historyEvent(EventType.OrchestratorStarted, at), ...delivered] : []),
      closing,
    ];
    this.#store.deleteWorkOf(record.instanceId);
    this.#store.put({ ...record, status, output, history, lastUpdatedAt: now });
    if (record.parentInstanceId && record.parentTaskId !== null && record.parentExecutionId && status !== 'Terminated') {
      const event =
        status === 'Completed'
          ? historyEvent(EventType.SubOrchestrationInstanceCompleted, at, { TaskScheduledId: record.parentTaskId, Result: output })
          : historyEvent(EventType.SubOrchestrationInstanceFailed, at, {
              TaskScheduledId: record.parentTaskId,
              Reason: String(parseJsonText(output)),
              Details: '',
            });
      this.#store.addWork({
        instanceId: record.parentInstanceId,
        executionId: record.parentExecutionId,
        kind: 'message',
        dueAt: now,
        payload: event,
      });
    }
  }

  /**
   * A new execution with a fresh history and the new input. Events raised but not yet handed
   * to the orchestrator (still queued) carry over, as queued messages do in the task hub;
   * events already in the old history that no one waited for are gone, as in the extension
   * (its out-of-process shim calls ContinueAsNew without preserveUnprocessedEvents).
   */
  #commitContinueAsNew(record: InstanceRecord, item: WorkItem, action: Action, now: number): void {
    const executionId = randomUUID().replace(/-/g, '');
    this.#store.transaction(() => {
      if (!this.#isCurrent(record)) {
        this.#store.deleteWork(item.id);
        return;
      }
      const carried = this.#store.workOf(record.instanceId).filter((w) => w.id !== item.id && isInstanceMessage(w));
      this.#store.deleteWorkOf(record.instanceId);
      this.#store.put({
        ...record,
        executionId,
        status: 'ContinuedAsNew',
        input: toJsonText(decodeActionInput(action.input)),
        output: null,
        history: [],
        engine: emptyEngineState(),
        lastUpdatedAt: now,
      });
      this.#store.addWork({ instanceId: record.instanceId, executionId, kind: 'start', dueAt: now, payload: {} });
      for (const w of carried) this.#store.addWork({ instanceId: w.instanceId, executionId, kind: w.kind, dueAt: now, payload: w.payload });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Terminate, suspend, resume

  #control(instanceId: string, kind: 'terminate' | 'suspend' | 'resume', reason?: string): void {
    const now = this.#now();
    this.#store.transaction(() => {
      const record = this.#activeInstance(instanceId);
      this.#store.addWork({ instanceId, executionId: record.executionId, kind, dueAt: now, payload: { reason } satisfies ControlWork });
    });
    this.#changed();
  }

  #applyControl(record: InstanceRecord, item: WorkItem): void {
    const now = this.#now();
    const reason = (item.payload as ControlWork | null)?.reason;
    this.#store.transaction(() => {
      this.#store.deleteWork(item.id);
      if (item.kind === 'terminate') {
        this.#finish(record, 'Terminated', toJsonText(reason ?? null), [], now);
      } else if (item.kind === 'suspend' && record.status !== 'Suspended') {
        const event = historyEvent(EventType.ExecutionSuspended, new Date(now), { Reason: reason });
        this.#store.put({ ...record, status: 'Suspended', history: [...record.history, event], lastUpdatedAt: now });
      } else if (item.kind === 'resume' && record.status === 'Suspended') {
        const event = historyEvent(EventType.ExecutionResumed, new Date(now), { Reason: reason });
        this.#store.put({ ...record, status: 'Running', history: [...record.history, event], lastUpdatedAt: now });
      }
    });
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Inside a transaction: whether the execution an episode ran against is still the one
   * stored. It is not when the instance was purged, or purged and started anew, meanwhile;
   * then the episode's outcome is dropped rather than resurrecting what was deleted.
   */
  #isCurrent(record: InstanceRecord): boolean {
    const current = this.#store.get(record.instanceId);
    return current !== undefined && current.executionId === record.executionId && !isTerminal(current.status);
  }

  /** Inside a transaction: the instance, which must exist and not have finished. */
  #activeInstance(instanceId: string): InstanceRecord {
    const record = this.#store.get(instanceId);
    if (!record) throw new DurableClientError('NOT_FOUND', `No instance with ID '${instanceId}' found.`);
    if (isTerminal(record.status)) throw new DurableClientError('GONE', `The instance '${instanceId}' is ${record.status}.`);
    return record;
  }

  #function(name: string, triggerType: string): RegisteredFunction | undefined {
    const fn = this.#registry.get(name);
    return fn?.triggerType === triggerType ? fn : undefined;
  }

  #log(level: 'warning' | 'error', message: string): void {
    this.#registry.emitLog({ level, category: 'system', message: `[durable] ${message}` });
  }
}

function newInstance(o: { instanceId: string; name: string; input: string; now: number }): InstanceRecord {
  return {
    instanceId: o.instanceId,
    name: o.name,
    executionId: randomUUID().replace(/-/g, ''),
    status: 'Pending',
    input: o.input,
    output: null,
    customStatus: null,
    history: [],
    engine: emptyEngineState(),
    parentInstanceId: null,
    parentExecutionId: null,
    parentTaskId: null,
    createdAt: o.now,
    lastUpdatedAt: o.now,
  };
}

function taskFailed(taskId: number, at: Date, reason: string, details: string): HistoryEvent {
  return historyEvent(EventType.TaskFailed, at, { TaskScheduledId: taskId, Reason: reason, Details: details });
}

/** Messages addressed to the instance rather than to one execution: events and control requests. */
function isInstanceMessage(w: WorkItem): boolean {
  if (w.kind === 'terminate' || w.kind === 'suspend' || w.kind === 'resume') return true;
  return w.kind === 'message' && (w.payload as HistoryEvent).EventType === EventType.EventRaised;
}

function lastStart(history: HistoryEvent[]): number {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.EventType === EventType.OrchestratorStarted) return Date.parse(e.Timestamp);
  }
  return 0;
}

/**
 * The extension's retry interval: first × coefficient^(attempt−1), at most the maximum;
 * undefined once the retry timeout has passed (no more attempts, the failure stands).
 */
export function retryDelay(retry: RetryState, now: number): number | undefined {
  const o = retry.options;
  if (o.retryTimeoutInMilliseconds !== undefined && now >= retry.firstAttemptAt + o.retryTimeoutInMilliseconds) return undefined;
  const delay = o.firstRetryIntervalInMilliseconds * Math.pow(o.backoffCoefficient ?? 1, retry.attempt - 1);
  return Math.round(Math.min(delay, o.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY));
}

/** An activity's return value as the JSON text of TaskCompleted.Result. */
function jsonTextOf(data: RpcTypedData | null | undefined): string {
  if (!data) return 'null';
  if (typeof data.json === 'string') return data.json;
  if (typeof data.string === 'string') return JSON.stringify(data.string);
  if (typeof data.int === 'number') return String(data.int);
  if (typeof data.double === 'number') return Number.isFinite(data.double) ? String(data.double) : 'null';
  if (data.bytes) return JSON.stringify(Buffer.from(data.bytes).toString('base64'));
  return 'null';
}

function actionName(type: number): string {
  const entry = Object.entries(ActionType).find(([, n]) => n === type);
  return entry ? entry[0] : `Action type ${type}`;
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function statusOf(r: InstanceRecord, opts: StatusOptions): InstanceStatus {
  const status: InstanceStatus = {
    name: r.name,
    instanceId: r.instanceId,
    runtimeStatus: r.status,
    input: opts.showInput === false ? null : parseJsonText(r.input),
    customStatus: parseJsonText(r.customStatus),
    output: parseJsonText(r.output),
    createdTime: new Date(r.createdAt).toISOString(),
    lastUpdatedTime: new Date(r.lastUpdatedAt).toISOString(),
  };
  if (opts.showHistory) status.historyEvents = publicHistory(r.history, opts.showHistoryOutput ?? false);
  return status;
}

/** The history as the HTTP API shows it: named event types, no replay bookkeeping. */
function publicHistory(history: HistoryEvent[], withOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const e of history) {
    if (e.EventType === EventType.OrchestratorStarted || e.EventType === EventType.OrchestratorCompleted) continue;
    if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) scheduled.set(e.EventId, e);
    const entry: Record<string, unknown> = { EventType: EVENT_TYPE_NAMES[e.EventType] ?? String(e.EventType), Timestamp: e.Timestamp };
    if (e.EventId >= 0) entry.EventId = e.EventId;
    if (e.Name !== undefined) entry[e.EventType === EventType.EventRaised ? 'Name' : 'FunctionName'] = e.Name;
    if (e.TaskScheduledId !== undefined) {
      const origin = scheduled.get(e.TaskScheduledId);
      if (origin) {
        entry.FunctionName = origin.Name;
        entry.ScheduledTime = origin.Timestamp;
      }
    }
    if (e.TimerId !== undefined) entry.TimerId = e.TimerId;
    if (e.FireAt !== undefined) entry.FireAt = e.FireAt;
    if (e.InstanceId !== undefined) entry.InstanceId = e.InstanceId;
    if (e.Reason !== undefined) entry.Reason = e.Reason;
    if (e.OrchestrationStatus !== undefined) entry.OrchestrationStatus = e.OrchestrationStatus;
    if (withOutput) {
      if (e.Result !== undefined) entry.Result = parseJsonText(e.Result);
      if (e.Input !== undefined) entry.Input = parseJsonText(e.Input);
      if (e.Details) entry.Details = e.Details;
    }
    out.push(entry);
  }
  return out;
}
