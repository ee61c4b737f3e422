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
  });
  registerInstrumentations({
    tracerProvider: trace.getTracerProvider(),
    loggerProvider: logs.getLoggerProvider(),
    instrumentations: [new AzureFunctionsInstrumentation()],
  });
  return (state = 'on');
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
