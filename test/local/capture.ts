import type * as AzureFunctions from '@azure/functions';
import type { LogEntry } from '../../local/core-shim';
import { FunctionRegistry } from '../../local/core-shim';

export type FunctionsLibrary = typeof AzureFunctions;

/**
 * Registers functions the way an app does, against a fresh registry. Jest's module loader
 * bypasses the `Module.prototype.require` shim, so the core module is mocked instead, in an
 * isolated module registry: `@azure/functions` caches the core module on first use, and each
 * capture needs its own. Handlers must use the `lib` passed in (its `HttpResponse` class is
 * the one the invocation model checks against).
 */
export function captureApp(register: (lib: FunctionsLibrary) => void): { registry: FunctionRegistry; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const registry = new FunctionRegistry({ log: (e) => logs.push(e) });
  jest.isolateModules(() => {
    jest.doMock('@azure/functions-core', () => registry.coreApi, { virtual: true });
    register(require('@azure/functions') as FunctionsLibrary);
  });
  return { registry, logs };
}
