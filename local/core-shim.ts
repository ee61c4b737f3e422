import Module from 'node:module';
import { randomUUID } from 'node:crypto';
import { flushLines, printLine } from './log-lines';

/*
 * The built-in module `@azure/functions-core`, as the Azure Functions Node worker provides it.
 * `@azure/functions` (and durable-functions through it) hands every `app.*` registration and
 * hook to this module; without it the library drops them in "test mode". The shapes below are
 * the subset of the worker's RPC types that the library reads or writes.
 */

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

export interface RpcNullable<T> {
  value?: T | null;
}

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullable<string> | null;
  path?: RpcNullable<string> | null;
  expires?: RpcNullable<{ seconds?: number | null; nanos?: number | null }> | null;
  secure?: RpcNullable<boolean> | null;
  httpOnly?: RpcNullable<boolean> | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: RpcNullable<number> | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  enableContentNegotiation?: boolean | null;
  cookies?: RpcHttpCookie[] | null;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcParameterBinding {
  name?: string | null;
  data?: RpcTypedData | null;
}

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  dataType?: string | null;
  properties?: Record<string, string> | null;
  /** Trigger options travel in the same object: `route`, `methods`, `schedule`, `runOnStartup`, … */
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
  [key: string]: unknown;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>> | Record<string, string>;
}

/** Same contract as the worker's (and VS Code's) Disposable. */
export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }

  #onDispose: (() => unknown) | undefined;

  constructor(onDispose: () => unknown) {
    this.#onDispose = onDispose;
  }

  dispose(): unknown {
    const f = this.#onDispose;
    this.#onDispose = undefined;
    return f?.();
  }
}

/** A function as the app registered it, with its trigger binding picked out. */
export interface RegisteredFunction {
  name: string;
  functionId: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  triggerName: string;
  trigger: RpcBindingInfo;
  /** Lower-cased trigger type: `httptrigger`, `timertrigger`, `orchestrationtrigger`, … */
  triggerType: string;
}

export interface LogEntry {
  level: RpcLogLevel;
  category: RpcLogCategory;
  message: string;
  functionName?: string;
  invocationId?: string;
}

export type LogSink = (entry: LogEntry) => void;

const LEVELS: RpcLogLevel[] = ['trace', 'debug', 'information', 'warning', 'error', 'critical', 'none'];
const WARNING = LEVELS.indexOf('warning');

/**
 * Prints to the console: stdout once per turn of the event loop (log-lines.ts), warnings and
 * errors to stderr at once. System messages below warning are the library's chatter about
 * capabilities and deferred bindings, so they only show when asked for.
 */
export function consoleLogSink(opts: { minLevel?: RpcLogLevel; minSystemLevel?: RpcLogLevel } = {}): LogSink {
  const min = LEVELS.indexOf(opts.minLevel ?? 'information');
  const minSystem = LEVELS.indexOf(opts.minSystemLevel ?? 'warning');
  return (e) => {
    const rank = LEVELS.indexOf(e.level);
    if (e.level === 'none' || rank < (e.category === 'system' ? minSystem : min)) return;
    const where = e.functionName ? `[${e.functionName}] ` : '';
    const line = `${new Date().toISOString()} ${e.level.padEnd(11)} ${where}${e.message}`;
    if (rank >= WARNING) {
      // Errors keep their place after the lines before them.
      flushLines();
      console.error(line);
    } else printLine(line);
  };
}

const HOOK_NAMES = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The object `require('@azure/functions-core')` returns. */
export interface CoreApi {
  version: string;
  Disposable: typeof Disposable;
  setProgrammingModel(model: ProgrammingModel): void;
  getProgrammingModel(): ProgrammingModel;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
  registerHook(name: string, callback: HookCallback): Disposable;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

/** Errors the real worker marks as system errors, so the library tells them from user errors. */
class CoreSystemError extends Error {
  isAzureFunctionsSystemError = true;
}

/**
 * What the app registered: functions, hooks and the programming model that knows how to call
 * them. `coreApi` is the module object to hand to the library.
 */
export class FunctionRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  /** Shared by every hook of the app (the worker's `appHookData`). */
  readonly appHookData: Record<string, unknown> = {};
  /** Seen only by appStart/appTerminate hooks (the worker's `appLevelOnlyHookData`). */
  readonly appLevelHookData: Record<string, unknown> = {};
  readonly coreApi: CoreApi;
  log: LogSink;

  #hooks = new Map<HookName, HookCallback[]>();
  #programmingModel: ProgrammingModel | undefined;
  #locked = false;

  constructor(opts: { log?: LogSink } = {}) {
    this.log = opts.log ?? consoleLogSink();
    this.coreApi = this.#createCoreApi();
  }

  get hasProgrammingModel(): boolean {
    return this.#programmingModel !== undefined;
  }

  get programmingModel(): ProgrammingModel {
    if (!this.#programmingModel) {
      throw new Error(
        'No programming model was set: the app never loaded @azure/functions (or loaded it before the core shim was installed).',
      );
    }
    return this.#programmingModel;
  }

  /** After start-up, like the worker, registering or disposing a function is an error. */
  lock(): void {
    this.#locked = true;
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  byTrigger(triggerType: string): RegisteredFunction[] {
    const t = triggerType.toLowerCase();
    return [...this.functions.values()].filter((f) => f.triggerType === t);
  }

  hooks(name: HookName): readonly HookCallback[] {
    return this.#hooks.get(name) ?? [];
  }

  /** Runs hooks one after another, as the worker does; the first failure stops the rest. */
  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of this.hooks(name)) await hook(context);
  }

  /** The worker gives `log` hooks every log line; they must be synchronous. */
  emitLog(entry: LogEntry, invocationContext?: unknown): void {
    this.log(entry);
    const hooks = this.hooks('log');
    if (hooks.length === 0) return;
    const context = {
      hookData: {},
      appHookData: this.appHookData,
      level: entry.level,
      category: entry.category,
      message: entry.message,
      invocationContext,
    };
    for (const hook of hooks) {
      try {
        hook(context);
      } catch (e) {
        this.log({ level: 'error', category: 'system', message: `A log hook failed: ${String(e)}` });
      }
    }
  }

  #createCoreApi(): CoreApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const registry = this;
    return {
      version: '3.10.1-driftpuls-local',
      Disposable,
      setProgrammingModel(model: ProgrammingModel): void {
        const previous = registry.#programmingModel;
        if (previous && (previous.name !== model.name || previous.version !== model.version)) {
          registry.emitLog({
            level: 'warning',
            category: 'system',
            message: `Programming model "${previous.name}" v${previous.version} replaced by "${model.name}" v${model.version}.`,
          });
        }
        registry.#programmingModel = model;
      },
      getProgrammingModel(): ProgrammingModel {
        return registry.programmingModel;
      },
      registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
        return registry.#register(metadata, callback);
      },
      registerHook(name: string, callback: HookCallback): Disposable {
        if (!(HOOK_NAMES as readonly string[]).includes(name)) {
          const err = new CoreSystemError(`Unrecognized hook "${name}"`);
          err.name = 'RangeError';
          throw err;
        }
        const list = registry.#hooks.get(name as HookName) ?? [];
        list.push(callback);
        registry.#hooks.set(name as HookName, list);
        return new Disposable(() => {
          const i = list.indexOf(callback);
          if (i >= 0) list.splice(i, 1);
        });
      },
      log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
        registry.emitLog({ level, category, message });
      },
    };
  }

  #register(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#locked) throw new CoreSystemError('A function can only be registered during app startup.');
    if (!metadata?.name || typeof callback !== 'function')
      throw new CoreSystemError('registerFunction needs metadata with a name and a callback.');
    const key = metadata.name.toLowerCase();
    // The host rejects duplicate names (case-insensitively) when it indexes the app; failing here names the culprit.
    if (this.functions.has(key)) throw new CoreSystemError(`A function named "${metadata.name}" is already registered.`);
    const triggerEntry = Object.entries(metadata.bindings ?? {}).find(([, b]) => /trigger$/i.test(b.type ?? ''));
    if (!triggerEntry) throw new CoreSystemError(`Function "${metadata.name}" has no trigger binding.`);
    const [triggerName, trigger] = triggerEntry;
    const fn: RegisteredFunction = {
      name: metadata.name,
      functionId: randomUUID(),
      metadata,
      callback,
      triggerName,
      trigger,
      triggerType: String(trigger.type).toLowerCase(),
    };
    this.functions.set(key, fn);
    return new Disposable(() => {
      if (this.#locked) throw new CoreSystemError('A function can only be disposed during app startup.');
      if (this.functions.get(key) === fn) this.functions.delete(key);
    });
  }
}

type RequireFn = (this: unknown, id: string) => unknown;

/**
 * Makes `require('@azure/functions-core')` return `coreApi` for every module, the way the
 * worker does (a proxy on `Module.prototype.require`). Must run before the app's first
 * `app.*` call: the library looks the module up once and caches a miss as "test mode".
 * Returns a function that removes the shim again.
 *
 * Jest resolves modules itself and bypasses this; tests use
 * `jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true })`.
 */
export function installCoreShim(coreApi: CoreApi): () => void {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const original = proto.require;
  const shimmed = new Proxy(original, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === '@azure/functions-core') return coreApi;
      return Reflect.apply(target, thisArg, args);
    },
  });
  proto.require = shimmed;
  return () => {
    if (proto.require === shimmed) proto.require = original;
  };
}
