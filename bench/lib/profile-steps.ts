/*
 * Puts the samples of a V8 CPU profile (`node --cpu-prof`) of the local runtime under unit
 * report load into the steps of a request. Each sample goes to the innermost frame on its stack
 * that a rule names (a function of ours, or a library file); samples with no such frame go to
 * what their leaf is (GC, the HTTP parser and sockets, other). Idle samples are left out, so
 * the shares are of the CPU the process used.
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas?: number[];
  /** Microseconds on the monotonic clock (the one `process.hrtime` reads, in every process). */
  startTime?: number;
}

export const STEP_ORDER = [
  'HTTP: socket, parser, node:http request/response objects',
  'host: URL, route match, headers, RPC trigger data',
  'admission + host body read',
  'build HttpRequest (undici Request, Headers, URLSearchParams)',
  'invocation model + InvocationContext, invocation id, hooks',
  'route: language, text guard of path/query/headers',
  'header reads on the request (Headers.get/has)',
  'authentication + authorisation',
  'store: go-live read (version check, kept value)',
  'body read (arrayBuffer) + JSON.parse + depth',
  'text guard of the body (identity numbers, control characters)',
  'time guard (instants within the go-live)',
  'zod validation (params, body, use case)',
  'use case (submitUnitReport) without store and zod',
  'idempotency (request hash)',
  'store: unit report write (addUnitReport, group commit)',
  'response body: publicView + JSON.stringify',
  'response build (HttpResponse/Response, toRpcHttp, RPC → host)',
  'request log line (entry, JSON, context.info, console sink)',
  'write answer (host #send, writeHead, end)',
  'promises, microtasks, timers',
  'garbage collection',
  'other',
] as const;

export type Step = (typeof STEP_ORDER)[number];

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** Rules tried on each frame from the leaf upwards; the first frame a rule names decides. */
const RULES: [Step, (f: Frame) => boolean][] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  [
    'request log line (entry, JSON, context.info, console sink)',
    (f) =>
      /consoleLogSink|emitLog|#userLog|#log$|_InvocationModel_(userLog|log)|logHandler/.test(f.functionName) ||
      (/azure-functions/.test(f.url) && /^(info|error|log|warn|debug|trace)$/.test(f.functionName)) ||
      /local\/log-lines/.test(f.url) ||
      (f.url.endsWith('functions/http/route.js') && (f.functionName === 'handler' || f.functionName === 'logRequest')),
  ],
  ['idempotency (request hash)', (f) => /requestHash|hashRequest|stableStringify/i.test(f.functionName)],
  [
    'store: unit report write (addUnitReport, group commit)',
    (f) => /adapters\/(embedded|resilience)\//.test(f.url) || /better-sqlite3/.test(f.url),
  ],
  ['zod validation (params, body, use case)', (f) => /node_modules\/zod\//.test(f.url)],
  ['text guard of the body (identity numbers, control characters)', (f) => f.functionName === 'inspectBody'],
  [
    'route: language, text guard of path/query/headers',
    (f) =>
      /inspectRequestTexts|unsafeTextsProblem|showablePath|languageOf/.test(f.functionName) && /functions\/http|shared\/http/.test(f.url),
  ],
  ['time guard (instants within the go-live)', (f) => /time-guard/.test(f.url)],
  ['body read (arrayBuffer) + JSON.parse + depth', (f) => /^(readJson|depthOf)$/.test(f.functionName)],
  [
    'authentication + authorisation',
    (f) =>
      /^(authenticate|authorize|authorizeTarget|isCrossSiteWrite|withGoLiveRead|getGoLive|getServices|keysFor|target)$/.test(
        f.functionName,
      ) || /shared\/http\/auth|domain\/principal|domain\/access/.test(f.url),
  ],
  ['response body: publicView + JSON.stringify', (f) => f.functionName === 'publicView' || f.functionName === 'created'],
  [
    'use case (submitUnitReport) without store and zod',
    (f) => /shared\/app\//.test(f.url) || /shared\/domain\//.test(f.url) || /functions\/http\/reports/.test(f.url),
  ],
  [
    'build HttpRequest (undici Request, Headers, URLSearchParams)',
    (f) =>
      /^(HttpRequest|fromRpcTypedData|LightRequest|lightRequestOf|toRpcHttpTrigger)$/.test(f.functionName) ||
      /local\/http-request/.test(f.url),
  ],
  [
    'response build (HttpResponse/Response, toRpcHttp, RPC → host)',
    (f) =>
      /^(toRpcHttp|HttpResponse|getResponse|_InvocationModel_convertOutput|toRpcTypedData|httpResponseOf|fromRpcHttpResponse|bodyBytes)$/.test(
        f.functionName,
      ) || /local\/http-response/.test(f.url),
  ],
  [
    'invocation model + InvocationContext, invocation id, hooks',
    (f) =>
      /getInvocationModel|getArguments|InvocationContext|InvocationModel|invokeFunction|runHooks|randomUUID/.test(f.functionName) ||
      /fromRpcBindings|fromRpcTriggerMetadata|fromRpcRetryContext|fromRpcTraceContext/.test(f.functionName) ||
      /^(directArguments|optionsOf|runInvocation|invokeHttpFunction)$/.test(f.functionName),
  ],
  ['route: language, text guard of path/query/headers', (f) => f.url.endsWith('functions/http/route.js') && f.functionName === 'handle'],
  [
    'admission + host body read',
    (f) => /^(acquire|release|readBody|#body|onData|onEnd)$/.test(f.functionName) && /local\/http-host/.test(f.url),
  ],
  ['write answer (host #send, writeHead, end)', (f) => f.functionName === '#send'],
  ['host: URL, route match, headers, RPC trigger data', (f) => /local\/(http-host|invoke)/.test(f.url)],
  ['header reads on the request (Headers.get/has)', (f) => /^(get|has)$/.test(f.functionName) && /undici|fetch\/headers/.test(f.url)],
  [
    'HTTP: socket, parser, node:http request/response objects',
    (f) =>
      /^node:(_http|net|stream|internal\/streams|internal\/http|http|internal\/stream_base|internal\/net)/.test(f.url) ||
      /^(_http|net|internal\/streams)/.test(f.url) ||
      /HTTPParser|parserOnHeadersComplete|parserOnBody|onStreamRead|writeGeneric|writevGeneric/.test(f.functionName),
  ],
  ['promises, microtasks, timers', (f) => /processTicksAndRejections|runMicrotasks|listOnTimeout|processTimers/.test(f.functionName)],
];

/**
 * Share of the used CPU per step (0…1), in `STEP_ORDER`, of the samples taken inside `window`
 * (monotonic microseconds, as `process.hrtime.bigint() / 1000n`): start-up and warm-up left out.
 */
export function stepsOfProfile(profile: CpuProfile, window?: { from: number; to: number }): { step: Step; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stepOfNode = new Map<number, Step | null>();
  const classify = (id: number): Step | null => {
    const known = stepOfNode.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      stepOfNode.set(id, null);
      return null;
    }
    let step: Step | undefined;
    // The go-live read is its own step wherever on the stack it is (its SQL and file checks are store frames).
    for (let x: number | undefined = id; x !== undefined && !step; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (f.functionName === 'getGoLive' && /adapters\/(embedded|resilience)\//.test(f.url))
        step = 'store: go-live read (version check, kept value)';
    }
    for (let x: number | undefined = id; x !== undefined && !step; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      step = RULES.find(([, test]) => test(f))?.[0];
    }
    stepOfNode.set(id, step ?? 'other');
    return step ?? 'other';
  };
  const counts = new Map<Step, number>();
  let total = 0;
  let at = profile.startTime ?? 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas?.[i] ?? 0;
    if (window && (at < window.from || at > window.to)) return;
    const step = classify(id);
    if (!step) return;
    // Samples are weighted by the time since the previous one (the interval drifts under load).
    const w = profile.timeDeltas?.[i] ?? 1;
    counts.set(step, (counts.get(step) ?? 0) + w);
    total += w;
  });
  return STEP_ORDER.map((step) => ({ step, share: total > 0 ? (counts.get(step) ?? 0) / total : 0 }));
}
