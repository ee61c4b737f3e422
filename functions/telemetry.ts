import { startTelemetry } from '../shared/observability';

// First import of the app entry: telemetry must be up before any function registers.
startTelemetry();
