/**
 * What the Azure Monitor exporter ingests in OpenTelemetry mode, and so what the KQL in
 * docs/deploy.md and the alert rules in infra/app/alerts.bicep may query (issue 18, item 10).
 * The whole app runs in the local runtime with telemetry on: the real distro
 * (@azure/monitor-opentelemetry) and exporter, with a connection string whose
 * IngestionEndpoint is a local HTTPS server standing in for Application Insights (the
 * exporter rewrites http:// to https://, so the stand-in has a throw-away self-signed
 * certificate made with `openssl` for this run, trusted for connections to 127.0.0.1 only,
 * with verification on). The envelopes it receives are read the way
 * ingestion maps them to tables: `EventData` → customEvents (name, customDimensions),
 * `MessageData` → traces (message, customDimensions).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import nodeTls from 'node:tls';
import path from 'node:path';
import zlib from 'node:zlib';
import { startApi, type Api } from './http/harness';

/** A self-signed certificate for 127.0.0.1, or undefined without openssl. */
function selfSigned(): { key: string; cert: string } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftpuls-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const tls = selfSigned();
if (!tls) console.warn('telemetry-export.test.ts SKIPPED: no openssl to make the local ingestion endpoint a certificate');
const maybe = tls ? it : it.skip;

interface Envelope {
  name: string;
  iKey?: string;
  tags?: Record<string, string>;
  data: { baseType: string; baseData: { name?: string; message?: string; properties?: Record<string, string> } };
}

const envelopes: Envelope[] = [];
const ingestion = https.createServer(tls ?? {}, (req: http.IncomingMessage, res: http.ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && /\/v2(\.1)?\/track$/.test(req.url ?? '')) {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const items = JSON.parse(body.toString('utf8')) as Envelope[];
      envelopes.push(...items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    }
  });
});

/** Table each envelope lands in, as Application Insights maps baseType. */
const TABLE: Record<string, string> = {
  EventData: 'customEvents',
  MessageData: 'traces',
  RequestData: 'requests',
  RemoteDependencyData: 'dependencies',
  ExceptionData: 'exceptions',
};
const table = (e: Envelope) => TABLE[e.data.baseType] ?? e.data.baseType;

let api: Api;
const originalConnect = nodeTls.connect;
const saved = { ...process.env };
const ROOT = path.resolve(__dirname, '..');

beforeAll(async () => {
  if (!tls) return;
  await new Promise<void>((r) => ingestion.listen(0, '127.0.0.1', r));
  // The stand-in's certificate is trusted (as the CA) for connections to 127.0.0.1, and only those.
  nodeTls.connect = ((...args: Parameters<typeof nodeTls.connect>) => {
    const options = args[0] as nodeTls.ConnectionOptions;
    if (typeof options === 'object' && options.host === '127.0.0.1') options.ca = tls!.cert;
    return originalConnect(...args);
  }) as typeof nodeTls.connect;
  const url = `https://127.0.0.1:${(ingestion.address() as AddressInfo).port}`;
  process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=${url}/;LiveEndpoint=${url}/`;
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  // No periodic metric exporters (live, standard metrics, performance counters) that would
  // outlive the test: the queries under test read logs and spans only.
  process.env.APPLICATIONINSIGHTS_CONFIGURATION_CONTENT = JSON.stringify({
    enableLiveMetrics: false,
    enableStandardMetrics: false,
    enablePerformanceCounters: false,
  });
  delete process.env.AZURE_CLIENT_ID;
  delete process.env.OTEL_ENABLED;
  api = await startApi({ start: '2026-11-27T10:00:00Z' });
}, 30_000);

afterAll(async () => {
  if (!tls) return;
  // Closing the runtime stops the app's exporter (the harness calls its stopTelemetry), so
  // nothing exports to the stand-in after it closes.
  await api?.close();
  process.env = saved;
  nodeTls.connect = originalConnect;
  ingestion.closeAllConnections();
  await new Promise((r) => ingestion.close(r));
});

/** Flushes the SDK's log pipeline (batching) to the local ingestion endpoint. */
async function flush(): Promise<void> {
  const { logs } = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');
  const provider = logs.getLoggerProvider() as { forceFlush?: () => Promise<void> };
  expect(typeof provider.forceFlush).toBe('function'); // the distro's provider, not the no-op
  await provider.forceFlush!();
}

maybe('each heartbeat the timer runs arrives as customEvents name "DriftpulsHeartbeat" with its invocationId', async () => {
  await api.advance('PT3M');
  await flush();
  const beats = envelopes.filter((e) => table(e) === 'customEvents' && e.data.baseData.name === 'DriftpulsHeartbeat');
  expect(beats.length).toBeGreaterThanOrEqual(3);
  for (const b of beats) {
    expect(b.name).toBe('Microsoft.ApplicationInsights.Event');
    expect(Object.keys(b.data.baseData.properties ?? {}).sort()).toEqual(['at', 'invocationId', 'isPastDue']);
    expect(b.data.baseData.properties!.invocationId).toMatch(/\S/);
    // The attribute that names the event is not repeated as a dimension.
    expect(b.data.baseData.properties!['microsoft.custom_event.name']).toBeUndefined();
  }
});

it('the heartbeat alert and the documented KQL query exactly that table, name and dimension', () => {
  const alerts = fs.readFileSync(path.join(ROOT, 'infra/app/alerts.bicep'), 'utf8');
  expect(alerts).toContain(`query: 'customEvents | where name == "DriftpulsHeartbeat"'`);
  const deploy = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
  expect(deploy).toContain('customEvents | where timestamp > ago(1h) and name == "DriftpulsHeartbeat"');
  expect(deploy).toContain('tostring(customDimensions.invocationId)');
  // No query still relies on the host's request telemetry for the heartbeat.
  expect(alerts).not.toMatch(/requests \| where name == "heartbeat"/);
  expect(deploy).not.toMatch(/requests \| where timestamp > ago\(1h\) and name == "heartbeat"/);
});

maybe('a request log line, emitted as the Functions instrumentation emits context.log, arrives in traces.message', async () => {
  // @azure/functions-opentelemetry-instrumentation forwards context.log/info/error as
  // logger.emit({ body: message, severityNumber, severityText }); the local runtime has no
  // worker hooks, so the test emits that record itself, through the app's provider.
  const { logs, SeverityNumber } = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');
  const line = JSON.stringify({
    event: 'http',
    route: 'postUnitReport',
    method: 'POST',
    status: 503,
    durationMs: 12.5,
    invocationId: 'i-1',
  });
  logs
    .getLogger('@azure/functions-opentelemetry-instrumentation')
    .emit({ body: line, severityNumber: SeverityNumber.ERROR, severityText: 'error' });
  await flush();
  const row = envelopes.find((e) => table(e) === 'traces' && e.data.baseData.message === line);
  expect(row).toBeDefined();
  expect(row!.name).toBe('Microsoft.ApplicationInsights.Message');
  // The KQL parses message as JSON and reads event, route, status, durationMs.
  const parsed = JSON.parse(row!.data.baseData.message!) as Record<string, unknown>;
  expect(parsed).toMatchObject({ event: 'http', route: 'postUnitReport', status: 503, durationMs: 12.5 });
  const KQL = 'traces | where message startswith "{" | extend r = parse_json(message) | where tostring(r.event) == "http"';
  const alerts = fs.readFileSync(path.join(ROOT, 'infra/app/alerts.bicep'), 'utf8');
  expect(alerts).toContain(`${KQL} and toint(r.status) >= 500`);
  const deploy = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
  expect(deploy).toContain(KQL);
  for (const field of ['r.route', 'r.status', 'r.durationMs']) expect(deploy).toContain(field);
  // The line the route writes is this shape (functions/http/route.ts, RequestLog).
  expect(fs.readFileSync(path.join(ROOT, 'functions/http/route.ts'), 'utf8')).toMatch(
    /const entry: RequestLog = \{\s*event: 'http',\s*route: doc\.name,/,
  );
});

maybe('spans are sampled at the configured ratio where it takes effect, the app’s exporter; logs are not', async () => {
  const { trace, SpanKind } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const tracer = trace.getTracer('driftpuls-sampling-test');
  const N = 200;
  for (let i = 0; i < N; i++) tracer.startSpan(`sampling-probe-${i}`, { kind: SpanKind.SERVER }).end();
  const tracerProvider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await tracerProvider.getDelegate?.().forceFlush?.();
  const probes = envelopes.filter((e) => table(e) === 'requests' && /^sampling-probe-/.test(e.data.baseData.name ?? ''));
  // ApplicationInsightsSampler keeps a trace by a hash of its id: about a quarter of 200.
  expect(probes.length).toBeGreaterThan(15);
  expect(probes.length).toBeLessThan(100);
  for (const p of probes) expect((p as unknown as { sampleRate?: number }).sampleRate).toBe(25);
  // Every heartbeat event made it (logs are not sampled): one per simulated minute so far.
  const beats = envelopes.filter((e) => table(e) === 'customEvents' && e.data.baseData.name === 'DriftpulsHeartbeat');
  expect(beats.length).toBeGreaterThanOrEqual(3);
});

it('sampling is configured where it takes effect: the distro and its app settings, not host.json', () => {
  const host = JSON.parse(fs.readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as { telemetryMode?: string; logging?: unknown };
  expect(host.telemetryMode).toBe('OpenTelemetry');
  // logging.applicationInsights.samplingSettings only steers the classic Application Insights SDK mode.
  expect(JSON.stringify(host.logging ?? {})).not.toMatch(/samplingSettings/);
  expect(fs.readFileSync(path.join(ROOT, 'shared/observability.ts'), 'utf8')).toMatch(/samplingRatio: TRACE_SAMPLING_RATIO/);
  const api = fs.readFileSync(path.join(ROOT, 'infra/app/api.bicep'), 'utf8');
  expect(api).toMatch(/OTEL_TRACES_SAMPLER: 'microsoft\.fixed_percentage'\n\s*OTEL_TRACES_SAMPLER_ARG: traceSamplingRatio/);
});
