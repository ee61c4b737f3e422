import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import type {
  CoreInvocationContext,
  FunctionCallback,
  FunctionRegistry,
  InvocationModel,
  RegisteredFunction,
  RpcBindingInfo,
  RpcHttpCookie,
  RpcHttpData,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './core-shim';
import type { LightRequest } from './http-request';
import { plainHttpResponse } from './http-response';

/*
 * Invokes a registered function the way the Node worker does, so handlers see exactly the
 * objects and JSON boundary they see in Azure: the library's own InvocationModel turns RPC
 * input into `HttpRequest`/`Timer`/`InvocationContext`, and the handler's result back into RPC.
 */

/** Supplies the value of a non-trigger input binding (e.g. `durableClient`), by binding type. */
export type ExtraInputProvider = (bindingName: string, fn: RegisteredFunction) => RpcTypedData | undefined;

const defaultExtraInputs = new WeakMap<FunctionRegistry, ReadonlyMap<string, ExtraInputProvider>>();

/**
 * Providers every invocation through `registry` gets for its non-trigger inputs (keys are
 * lower-case binding types, e.g. `durableclient`), whichever host invokes it; an
 * `extraInputs` entry passed to one invocation wins. `undefined` removes them.
 */
export function setDefaultExtraInputs(registry: FunctionRegistry, providers: ReadonlyMap<string, ExtraInputProvider> | undefined): void {
  if (providers) defaultExtraInputs.set(registry, providers);
  else defaultExtraInputs.delete(registry);
}

export interface InvocationInput {
  /** Trigger value; extra input bindings are added from `extraInputs`. */
  trigger: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  extraInputs?: ReadonlyMap<string, ExtraInputProvider>;
}

/**
 * Runs preInvocation hooks, the handler, postInvocation hooks and the response conversion.
 * Throws what the handler threw (after the postInvocation hooks saw it), as the worker does.
 */
export async function invokeFunction(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  input: InvocationInput,
): Promise<RpcInvocationResponse> {
  const { response } = await runInvocation(registry, fn, input);
  return response();
}

/** Whether a function's only output is its HTTP return value (every `app.http` registration). */
const httpReturnOnly = new WeakMap<RegisteredFunction, boolean>();
function returnsHttpOnly(fn: RegisteredFunction): boolean {
  let known = httpReturnOnly.get(fn);
  if (known === undefined) {
    const outs = Object.entries(fn.metadata.bindings).filter(([, b]) => b.direction === 'out');
    known = outs.length === 1 && outs[0]![0] === '$return' && String(outs[0]![1].type).toLowerCase() === 'http';
    httpReturnOnly.set(fn, known);
  }
  return known;
}

export interface HttpInvocationOptions {
  extraInputs?: ReadonlyMap<string, ExtraInputProvider>;
  /** The request object under the library's HttpRequest (http-request.ts); the library builds its own without it. */
  light?: LightRequest;
  /** Convert the handler's answer through the library's HttpResponse even when `plainHttpResponse` could. */
  libraryResponse?: boolean;
  /** Build the handler's arguments with the library's InvocationModel every time, not `directArguments`. */
  libraryArguments?: boolean;
}

/**
 * An HTTP invocation, as `invokeFunction` and `httpResponseOf` make it, with three shortcuts
 * that give the handler and the caller the same values (issue 17 item 2): the handler's
 * HttpRequest sits on `options.light` instead of an undici Request; its arguments are built by
 * `directArguments` instead of the library's InvocationModel; and a plain `HttpResponseInit` is
 * written out by `plainHttpResponse` instead of through HttpResponse and the RPC data.
 */
export async function invokeHttpFunction(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  request: LocalHttpRequest,
  options: HttpInvocationOptions = {},
): Promise<LocalHttpResponse | undefined> {
  const trigger = toRpcHttpTrigger(request);
  if (options.light) (trigger.http as RpcHttpData & { nativeRequest?: unknown }).nativeRequest = options.light;
  const { result, response, release } = await runInvocation(
    registry,
    fn,
    { trigger, extraInputs: options.extraInputs },
    !options.libraryArguments,
  );
  if (!options.libraryResponse && returnsHttpOnly(fn)) {
    if (result === undefined || result === null) {
      releaseRequest(trigger, options.light, release);
      return undefined;
    }
    const plain = plainHttpResponse(result);
    if (plain) {
      releaseRequest(trigger, options.light, release);
      return plain;
    }
  }
  return httpResponseOf(fn, await response());
}

/**
 * Once a plain answer is built, nothing reads the request again: its data is let go (issue 17,
 * fourth round). The library's HttpRequest and InvocationContext keep the RPC data, the light
 * request and the log handler (and through it the invocation) as values of module-level
 * WeakMaps. V8's scavenger keeps such values alive after their keys have died, so every
 * request's data outlived two scavenges and was promoted; a full collection every ~3 s was the
 * intake bench's p99 (bench/README.md, "Where the p99 comes from").
 */
function releaseRequest(trigger: RpcTypedData, light: LightRequest | undefined, release: () => void): void {
  const http = trigger.http as (RpcHttpData & { nativeRequest?: unknown }) | undefined;
  if (http) {
    delete http.body;
    delete http.nativeRequest;
    http.headers = {};
    http.query = {};
    http.params = {};
  }
  light?.release();
  release();
}

/**
 * The library's own HttpRequest and InvocationContext classes, learnt from the first HTTP
 * invocation the library's model built (so they are the classes of the very module instance
 * the app registered with); `directArguments` builds later ones with them.
 */
interface LibraryClasses {
  HttpRequest: new (init: RpcHttpData) => unknown;
  InvocationContext: new (init: Record<string, unknown>) => unknown;
}
const libraryClasses = new WeakMap<FunctionRegistry, LibraryClasses>();

/** HTTP functions whose arguments `directArguments` can build: no input besides the trigger. */
const triggerOnly = new WeakMap<RegisteredFunction, boolean>();
function hasTriggerOnly(fn: RegisteredFunction): boolean {
  let known = triggerOnly.get(fn);
  if (known === undefined) {
    known =
      fn.triggerType === 'httptrigger' &&
      Object.entries(fn.metadata.bindings).every(([name, b]) => name === fn.triggerName || b.direction !== 'in');
    triggerOnly.set(fn, known);
  }
  return known;
}

const isTrigger = (type: unknown): boolean => typeof type === 'string' && /trigger$/i.test(type);

/** The library's `fromRpcBindings`: the function's options as `context.options` shows them, fresh per invocation. */
function optionsOf(bindings: Record<string, RpcBindingInfo>): Record<string, unknown> {
  let trigger: unknown;
  let returnBinding: unknown;
  const extraInputs: unknown[] = [];
  const extraOutputs: unknown[] = [];
  for (const [name, binding] of Object.entries(bindings)) {
    const option = { ...binding, type: binding.type, name };
    if (isTrigger(binding.type)) trigger = option;
    else if (name === '$return') returnBinding = option;
    else if (binding.direction === 'in') extraInputs.push(option);
    else if (binding.direction === 'out') extraOutputs.push(option);
  }
  return { trigger, return: returnBinding, extraInputs, extraOutputs };
}

/**
 * What the library's `getArguments` builds for an HTTP trigger without other inputs (issue 17
 * item 2), with the same classes and values — the InvocationContext (id, function name,
 * options, no retry/trace context or trigger metadata, a log handler that warns about logging
 * after the function finished, as the library's does) and the HttpRequest over the same RPC
 * data — without the library's InvocationModel, which costs ~25 µs a request (six WeakMap
 * entries for its private fields, and compiled async wrappers). `finished` is the model's
 * "done" mark, set when the handler settled.
 */
function directArguments(
  registry: FunctionRegistry,
  classes: LibraryClasses,
  fn: RegisteredFunction,
  coreCtx: CoreInvocationContext,
  http: RpcHttpData,
): { context: unknown; inputs: unknown[]; finished: () => void } {
  let done = false;
  const functionName = fn.metadata.name;
  const invocationId = coreCtx.invocationId;
  const context = new classes.InvocationContext({
    invocationId,
    functionName,
    // The library calls its log handler with the InvocationContext as `this`: the handler passes
    // that on rather than holding the context, which its closure would keep alive (see `release`).
    logHandler: function (this: unknown, level: RpcLogLevel, ...args: unknown[]) {
      const emit = (level: RpcLogLevel, category: RpcLogCategory, message: string) =>
        registry.emitLog({ level, category, message, functionName: fn.name, invocationId }, this);
      if (done && coreCtx.state !== 'postInvocationHooks')
        emit(
          'warning',
          'system',
          format(
            "Warning: Unexpected call to 'log' on the context object after function execution has completed. Please check for asynchronous calls that are not awaited. " +
              `Function name: ${functionName}. Invocation Id: ${invocationId}.`,
          ),
        );
      emit(level, 'user', format(...args));
    },
    retryContext: undefined,
    traceContext: undefined,
    triggerMetadata: undefined,
    options: optionsOf(fn.metadata.bindings),
  });
  return { context, inputs: [new classes.HttpRequest(http)], finished: () => (done = true) };
}

/** Learns the library's classes from arguments its model built for an HTTP trigger. */
function learnClasses(registry: FunctionRegistry, fn: RegisteredFunction, args: { context: unknown; inputs: unknown[] }): void {
  if (libraryClasses.has(registry) || fn.triggerType !== 'httptrigger') return;
  const request = args.inputs[0] as object | undefined;
  const context = args.context as object | undefined;
  if (request?.constructor?.name === 'HttpRequest' && context?.constructor?.name === 'InvocationContext')
    libraryClasses.set(registry, {
      HttpRequest: request.constructor as LibraryClasses['HttpRequest'],
      InvocationContext: context.constructor as LibraryClasses['InvocationContext'],
    });
}

/**
 * The core context's log function, made out here so that its closure holds these four values
 * and not the whole invocation (its result, arguments and hooks' data): the InvocationContext's
 * log handler reaches it, and V8 keeps that handler (a WeakMap value of the library's) alive
 * through scavenges after the request ended (issue 17, fourth round).
 */
function logFor(
  registry: FunctionRegistry,
  functionName: string,
  invocationId: string,
  logged: { context: unknown },
): CoreInvocationContext['log'] {
  return (level, category, message) => registry.emitLog({ level, category, message, functionName, invocationId }, logged.context);
}

/**
 * Hooks and handler, as the worker runs them; the caller converts the result with `response`.
 * With `direct`, an HTTP trigger's arguments come from `directArguments` once the library's
 * classes are known (the library's model builds the first ones).
 */
async function runInvocation(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  input: InvocationInput,
  direct = false,
): Promise<{ context: unknown; result: unknown; response: () => Promise<RpcInvocationResponse>; release: () => void }> {
  const invocationId = randomUUID();
  const inputData: RpcParameterBinding[] = [{ name: fn.triggerName, data: input.trigger }];
  for (const [name, type] of extraInputBindingsOf(fn)) {
    const provide = input.extraInputs?.get(type) ?? defaultExtraInputs.get(registry)?.get(type);
    const data = provide?.(name, fn);
    if (data !== undefined) inputData.push({ name, data });
  }

  const logged: { context: unknown } = { context: undefined };
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request: { invocationId, functionId: fn.functionId, inputData, triggerMetadata: input.triggerMetadata },
    metadata: fn.metadata,
    log: logFor(registry, fn.name, invocationId, logged),
  };

  let model: InvocationModel | undefined;
  let args: { context: unknown; inputs: unknown[]; finished?: () => void };
  const classes = direct && input.trigger.http && !input.triggerMetadata && hasTriggerOnly(fn) ? libraryClasses.get(registry) : undefined;
  if (classes) args = directArguments(registry, classes, fn, coreCtx, input.trigger.http!);
  else {
    model = registry.programmingModel.getInvocationModel(coreCtx);
    args = await model.getArguments();
    learnClasses(registry, fn, args);
  }
  const context = args.context;
  logged.context = context;
  // Without invocation hooks (the app registers none) no hook context is built (issue 17, fifth round).
  const hooked = registry.hooks('preInvocation').length > 0 || registry.hooks('postInvocation').length > 0;
  if (!hooked) {
    let result: unknown;
    coreCtx.state = 'invocation';
    try {
      result = await callHandler(model, args, fn.callback);
    } catch (e) {
      throw e ?? new Error(`Function "${fn.name}" threw ${String(e)}`);
    } finally {
      coreCtx.state = undefined;
    }
    return finish(result);
  }
  const hookData: Record<string, unknown> = {};

  const pre = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    functionCallback: fn.callback,
    inputs: args.inputs,
  };
  if (registry.hooks('preInvocation').length > 0) {
    coreCtx.state = 'preInvocationHooks';
    try {
      await registry.runHooks('preInvocation', pre);
    } finally {
      coreCtx.state = undefined;
    }
  }

  const post: {
    hookData: Record<string, unknown>;
    appHookData: Record<string, unknown>;
    invocationContext: unknown;
    inputs: unknown[];
    result: unknown;
    error: unknown;
  } = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result: null,
    error: null,
  };
  coreCtx.state = 'invocation';
  try {
    post.result = await callHandler(
      model,
      { context, inputs: pre.inputs, finished: args.finished },
      pre.functionCallback as FunctionCallback,
    );
  } catch (e) {
    post.error = e ?? new Error(`Function "${fn.name}" threw ${String(e)}`);
  } finally {
    coreCtx.state = 'postInvocationHooks';
  }
  try {
    if (registry.hooks('postInvocation').length > 0) await registry.runHooks('postInvocation', post);
  } finally {
    coreCtx.state = undefined;
  }
  if (post.error !== null && post.error !== undefined) throw post.error;
  return finish(post.result);

  function finish(result: unknown): {
    context: unknown;
    result: unknown;
    response: () => Promise<RpcInvocationResponse>;
    release: () => void;
  } {
    // getResponse reads only the function's bindings and the invocation id: a model made now answers as the first would have.
    const response = () => (model ?? registry.programmingModel.getInvocationModel(coreCtx)).getResponse(context, result);
    // The core context's request holds the trigger (see releaseRequest); a log after the answer needs only the id.
    // Without the library's model, its log function's `logged` is all that still holds the
    // InvocationContext, whose own log handler (a WeakMap value of the library's, which scavenges
    // keep) holds the core context: the context kept itself, and all it reaches, alive into the old
    // generation (issue 17, fifth round). A later `context.log` gets the context as `this`
    // (`directArguments`); the library's own handler needs `logged`, so its path keeps it.
    const release = () => {
      inputData.length = 0;
      if (!model) logged.context = undefined;
    };
    return { context, result, response, release };
  }
}

/** The handler, as the library's InvocationModel.invokeFunction calls it: the context last, then "done". */
async function callHandler(
  model: InvocationModel | undefined,
  args: { context: unknown; inputs: unknown[]; finished?: () => void },
  callback: FunctionCallback,
): Promise<unknown> {
  if (model) return model.invokeFunction(args.context, args.inputs, callback);
  try {
    return await Promise.resolve(callback(...args.inputs, args.context));
  } finally {
    args.finished?.();
  }
}

/** A function's input bindings besides its trigger, as [name, lower-case type]. */
const extraInputBindings = new WeakMap<RegisteredFunction, readonly (readonly [string, string])[]>();
function extraInputBindingsOf(fn: RegisteredFunction): readonly (readonly [string, string])[] {
  let known = extraInputBindings.get(fn);
  if (known === undefined) {
    known = Object.entries(fn.metadata.bindings)
      .filter(([name, b]) => name !== fn.triggerName && b.direction === 'in')
      .map(([name, b]) => [name, String(b.type).toLowerCase()] as const);
    extraInputBindings.set(fn, known);
  }
  return known;
}

/** An HTTP request as the host received it; the body is already read (and size-checked). */
export interface LocalHttpRequest {
  method: string;
  /** Absolute URL, as Azure passes it. */
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body: Buffer;
}

/**
 * The `http` typed data the Functions host sends. Query values of a repeated key are joined
 * with commas, as ASP.NET's query collection does in Azure.
 */
export function toRpcHttpTrigger(req: LocalHttpRequest): RpcTypedData {
  const query: Record<string, string> = {};
  for (const [key, value] of new URL(req.url).searchParams) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  const http: RpcHttpData = { method: req.method, url: req.url, headers: req.headers, query, params: req.params };
  if (req.body.length > 0) http.body = { bytes: req.body };
  return { http };
}

/** The timer value Azure sends (PascalCase; the library camel-cases it for the handler). */
export function toRpcTimerTrigger(t: { last?: Date; next?: Date; now: Date; isPastDue: boolean }): RpcTypedData {
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: (t.last ?? new Date(Date.UTC(1, 0, 1))).toISOString(),
        Next: t.next?.toISOString() ?? null,
        LastUpdated: t.now.toISOString(),
      },
      IsPastDue: t.isPastDue,
    }),
  };
}

export interface LocalHttpResponse {
  status: number;
  /** Lower-case names; `set-cookie` may repeat, so values are lists. */
  headers: Map<string, string[]>;
  body: Buffer;
}

/**
 * The HTTP answer inside an invocation response: the `$return` value when the http output is
 * the return binding (always, for `app.http`), else the named http output. Undefined when the
 * handler returned nothing.
 */
export function httpResponseOf(fn: RegisteredFunction, response: RpcInvocationResponse): LocalHttpResponse | undefined {
  const entry = Object.entries(fn.metadata.bindings).find(([, b]) => b.direction === 'out' && String(b.type).toLowerCase() === 'http');
  if (!entry) return undefined;
  const data = entry[0] === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === entry[0])?.data;
  return data?.http ? fromRpcHttpResponse(data.http) : undefined;
}

export function fromRpcHttpResponse(http: RpcHttpData): LocalHttpResponse {
  const parsed = Number.parseInt(http.statusCode ?? '', 10);
  const status = Number.isInteger(parsed) && parsed >= 100 && parsed <= 999 ? parsed : 200;
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  for (const cookie of http.cookies ?? []) {
    headers.set('set-cookie', [...(headers.get('set-cookie') ?? []), serializeCookie(cookie)]);
  }
  return { status, headers, body: bodyBytes(http.body) };
}

function bodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  return Buffer.alloc(0);
}

const SAME_SITE = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' } as const;

function serializeCookie(c: RpcHttpCookie): string {
  const parts = [`${c.name ?? ''}=${c.value ?? ''}`];
  if (c.domain?.value) parts.push(`Domain=${c.domain.value}`);
  if (c.path?.value) parts.push(`Path=${c.path.value}`);
  const expires = c.expires?.value;
  if (expires && typeof expires.seconds === 'number')
    parts.push(`Expires=${new Date(expires.seconds * 1000 + Math.floor((expires.nanos ?? 0) / 1e6)).toUTCString()}`);
  if (typeof c.maxAge?.value === 'number') parts.push(`Max-Age=${Math.trunc(c.maxAge.value)}`);
  if (c.secure?.value) parts.push('Secure');
  if (c.httpOnly?.value) parts.push('HttpOnly');
  if (c.sameSite && c.sameSite !== 'none') parts.push(`SameSite=${SAME_SITE[c.sameSite]}`);
  return parts.join('; ');
}
