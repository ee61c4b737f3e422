/**
 * Telemetry: on in Azure, off locally. With `APPLICATIONINSIGHTS_CONNECTION_STRING` set (the
 * app setting infra/ gives the Function App), the Azure Monitor OpenTelemetry distro and the
 * Azure Functions instrumentation start before any function registers, so requests,
 * dependencies (Cosmos, ACS, Graph) and logs reach Application Insights correlated by
 * invocation. Without it nothing is loaded: the SDK costs ~190 modules at cold start.
 * `OTEL_ENABLED=false` turns it off in Azure too.
 */
export type TelemetryState = 'on' | 'off';

let state: TelemetryState | undefined;

/**
 * The custom event each successful heartbeat emits (`customEvents | where name ==
 * "DriftpulsHeartbeat"`), from the app's own exporter, so the heartbeat alert does not depend on
 * how the Functions host reports an invocation in OpenTelemetry mode (issue 18, item 10).
 */
export const HEARTBEAT_EVENT = 'DriftpulsHeartbeat';

/**
 * Share of traces the app's exporter keeps: spans (requests the worker sees, dependencies
 * such as Cosmos, ACS and Graph calls). Logs — the request log lines, the heartbeat event,
 * errors — are not sampled (the distro's `enableTraceBasedSamplingForLogs` is off). The app
 * settings `OTEL_TRACES_SAMPLER=microsoft.fixed_percentage` and `OTEL_TRACES_SAMPLER_ARG`
 * override it (infra/ sets them); the host's own telemetry is not sampled in OpenTelemetry
 * mode (docs/deploy.md, Watching it).
 */
export const TRACE_SAMPLING_RATIO = 0.25;

export function startTelemetry(env: Record<string, string | undefined> = process.env): TelemetryState {
  if (state) return state;
  if (!env.APPLICATIONINSIGHTS_CONNECTION_STRING || env.OTEL_ENABLED === 'false') return (state = 'off');

  const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const { AzureFunctionsInstrumentation } =
    require('@azure/functions-opentelemetry-instrumentation') as typeof import('@azure/functions-opentelemetry-instrumentation');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { logs } = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');

  const { ManagedIdentityCredential } = require('@azure/identity') as typeof import('@azure/identity');
  // Application Insights has local auth off (infra/): the exporter signs in as the app's user-assigned identity.
  const credential = env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : undefined;
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING, ...(credential ? { credential } : {}) },
    samplingRatio: TRACE_SAMPLING_RATIO,
  });
  registerInstrumentations({
    tracerProvider: trace.getTracerProvider(),
    loggerProvider: logs.getLoggerProvider(),
    instrumentations: [new AzureFunctionsInstrumentation()],
  });
  return (state = 'on');
}

/**
 * Emits the heartbeat's custom event (nothing when telemetry is off). A log record with the
 * attribute `microsoft.custom_event.name` is what the Azure Monitor exporter turns into a
 * customEvents row named by it; the other attributes become its customDimensions.
 */
export function emitHeartbeat(detail: { invocationId: string; isPastDue: boolean; at: string }): void {
  if (state !== 'on') return;
  const { logs, SeverityNumber } = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');
  logs.getLogger('driftpuls').emit({
    body: HEARTBEAT_EVENT,
    severityNumber: SeverityNumber.INFO,
    attributes: {
      'microsoft.custom_event.name': HEARTBEAT_EVENT,
      invocationId: detail.invocationId,
      isPastDue: String(detail.isPastDue),
      at: detail.at,
    },
  });
}

/** Flushes and stops the exporter (tests; a host shutting down). */
export async function stopTelemetry(): Promise<void> {
  if (state === 'on') {
    const { shutdownAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
    await shutdownAzureMonitor();
  }
  state = undefined;
}

/** One structured line per request: ids to correlate, never a body (no patient data in logs). */
export interface RequestLog {
  event: 'http';
  route: string;
  method: string;
  status: number;
  durationMs: number;
  invocationId: string;
  goLiveId?: string;
  challengeId?: string;
  principal: 'user' | 'machine' | 'anonymous';
  code?: string;
}
