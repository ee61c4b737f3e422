import type * as Composition from '../../shared/composition';
import type * as Tick from '../../shared/app/calendar/tick';
import type { Notifier } from '../../shared/ports/notifier.port';

/**
 * The harness (test/http/harness.ts) loads the app in an isolated module registry, so a test
 * cannot reach its composition directly. Registering these mocks before `startApi` makes the
 * isolated registry load the real modules through them: the app's composition gets the
 * test's notifier, and the test gets a handle on the app's own tick and services — to run
 * a tick again by hand, as a second instance or a repeated timer would.
 */
export interface Isolated {
  composition?: typeof Composition;
  tick?: typeof Tick;
}

export function isolateCalendar(notifier: Notifier): Isolated {
  const handles: Isolated = {};
  jest.doMock('../../shared/composition', () => {
    const actual = jest.requireActual<typeof Composition>('../../shared/composition');
    actual.configureServices({ notifier });
    handles.composition = actual;
    return actual;
  });
  jest.doMock('../../shared/app/calendar/tick', () => {
    const actual = jest.requireActual<typeof Tick>('../../shared/app/calendar/tick');
    handles.tick = actual;
    return actual;
  });
  return handles;
}
