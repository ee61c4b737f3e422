/**
 * The app's entry (package.json "main"): importing a module registers its functions, in
 * Azure through the real worker and locally through local/ — the same registrations.
 */
import './telemetry';
import './startup';
import './http/health';
import './http/golives';
import './http/me';
import './http/reports';
import './http/incidents';
import './http/search';
import './http/overview';
import './http/imports';
import './http/exports';
import './http/templates';
import './http/meetings';
import './http/calendar';
import './http/day-picture';
import './http/board';
import './http/notifications';
import './http/challenges';
import './http/csl';
import './http/openapi';
import './timers/heartbeat';
import './timers/tick';
import './timers/notifications';
import '../orchestrations/escalation/escalation.orchestrator';
import '../orchestrations/escalation/escalation.activities';
