import { startTelemetry } from '../shared/observability';

it('telemetry stays off locally and loads no SDK (APPLICATIONINSIGHTS_CONNECTION_STRING unset)', () => {
  expect(startTelemetry({})).toBe('off');
  expect(Object.keys(require.cache).some((m) => m.includes('monitor-opentelemetry'))).toBe(false);
});
